"""Setup and uninstall stopped dead at every write: aws keeps working, and uninstall restores all."""

from __future__ import annotations

import pytest
from install_machine import Machine

from awscli_sso_ext.install_files import EXIT_AT_WRITE_STATUS, EXIT_AT_WRITE_VARIABLE

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("v1_site_left_clean")]


def our_pth_files(v1_bin) -> list:
    return list((v1_bin.parent / "lib").rglob("awscli-sso-ext.pth"))


def stop_at(machine: Machine, n: int, *args: str):
    return machine.tool(*args, check_rc=None, env={EXIT_AT_WRITE_VARIABLE: str(n)})


def test_setup_stopped_at_every_write(home, toolbox, v1_elsewhere, v2_only):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    clis = (v1_elsewhere / "aws", v2_only / "aws")
    before = machine.snapshot()
    machine.tool("setup", "--shell", "bash")
    installed = {
        name: machine.home.joinpath(name).read_bytes() for name in (".aws/config", ".bashrc")
    }
    machine.tool("uninstall")
    assert machine.snapshot() == before
    n = 1
    while True:
        result = stop_at(machine, n, "setup", "--shell", "bash")
        if result.returncode == 0:
            break
        assert result.returncode == EXIT_AT_WRITE_STATUS, result.stdout + result.stderr
        for aws in clis:  # whatever point it stopped at, every aws still runs
            assert machine.plain_aws_works(aws), (n, aws)
        if n % 2:  # the next setup completes what this one started...
            machine.tool("setup", "--shell", "bash")
            for name, text in installed.items():
                assert machine.home.joinpath(name).read_bytes() == text, (n, name)
            assert all(machine.sso_env_works(aws) for aws in clis), n
        # ...and uninstall, right after the stop or after that, gives back every file.
        machine.tool("uninstall")
        assert machine.snapshot() == before, n
        assert not our_pth_files(v1_elsewhere), n
        n += 1
    # The folder, the .pth, the backups, the config, the rc file and the journal: each write
    # was a stopping point.
    assert n > 10
    machine.tool("uninstall")
    assert machine.snapshot() == before


def test_uninstall_stopped_at_every_write(home, toolbox, v1_elsewhere, v2_only):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    clis = (v1_elsewhere / "aws", v2_only / "aws")
    before = machine.snapshot()
    n = 1
    while True:
        machine.tool("setup", "--shell", "bash")
        result = stop_at(machine, n, "uninstall")
        if result.returncode == 0:
            break
        assert result.returncode == EXIT_AT_WRITE_STATUS, result.stdout + result.stderr
        for aws in clis:
            assert machine.plain_aws_works(aws), (n, aws)
        machine.tool("uninstall")  # the next uninstall finishes the job
        assert machine.snapshot() == before, n
        n += 1
    assert n > 3
    assert machine.snapshot() == before
    assert not our_pth_files(v1_elsewhere)
