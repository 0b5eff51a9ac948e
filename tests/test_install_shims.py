"""The real CLI behind a pyenv shim or an exec wrapper: setup registers each, uninstall undoes it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import V2_AWS, require_program
from install_machine import Machine

from awscli_sso_ext import install_clis

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("v1_site_left_clean")]


def pyenv_shims(root: Path, version: str, aws: Path) -> Path:
    """A pyenv root with `version` holding `aws`, and the shims the real `pyenv rehash` makes
    (bash scripts that run `pyenv exec aws`): what ~/.pyenv/shims looks like."""
    pyenv = require_program("pyenv")
    bin_folder = root / "versions" / version / "bin"
    bin_folder.mkdir(parents=True)
    (bin_folder / "aws").symlink_to(aws)
    subprocess.run([pyenv, "rehash"], env={**os.environ, "PYENV_ROOT": str(root)}, check=True)
    shim = root / "shims" / "aws"
    assert shim.read_text().startswith("#!/usr/bin/env bash")
    return root / "shims"


def exec_wrapper(folder: Path, aws: Path) -> Path:
    """A user's own wrapper script ending in `exec /path/to/aws "$@"`."""
    folder.mkdir()
    wrapper = folder / "aws"
    wrapper.write_text(f'#!/bin/sh\n# my wrapper\nexport AWS_PAGER=""\nexec "{aws}" "$@"\n')
    wrapper.chmod(0o755)
    return folder


@pytest.mark.parametrize("v1_behind", ["pyenv shim", "exec wrapper"])
def test_setup_finds_the_real_clis_behind_shims_and_wrappers(
    v1_behind, home, tmp_path, toolbox, v1_elsewhere
):
    require_program("bash")
    assert V2_AWS.exists()
    v1 = v1_elsewhere / "aws"  # its own venv: it can't import awscli_sso_ext
    if v1_behind == "pyenv shim":
        first = pyenv_shims(tmp_path / "pyenv", "v1-venv", v1)
        second = exec_wrapper(tmp_path / "wrapper", V2_AWS)
        env = {"PYENV_ROOT": str(tmp_path / "pyenv"), "PYENV_VERSION": "v1-venv"}
    else:
        first = exec_wrapper(tmp_path / "wrapper", v1)
        second = pyenv_shims(tmp_path / "pyenv", "debian-v2", V2_AWS)
        env = {"PYENV_ROOT": str(tmp_path / "pyenv"), "PYENV_VERSION": "debian-v2"}
    # pyenv itself needs the usual tools; /usr/bin also holds Debian's v2 directly.
    machine = Machine(home, first, second, toolbox, Path("/usr/bin"), Path("/bin"), **env)
    before = machine.snapshot()
    assert not machine.sso_env_works(first / "aws")
    result = machine.tool("setup", "--shell", "bash")
    out = result.stdout
    assert out.count(": registered") == 2 and "NOT registered" not in out, out
    assert "AWS CLI v1" in out and "AWS CLI v2" in out
    # Each says where the real CLI is, and how it was found.
    assert f"{first / 'aws'}: AWS CLI v1" in out or f"{first / 'aws'}: AWS CLI v2" in out
    assert "is a pyenv shim for" in out and f"{tmp_path / 'wrapper' / 'aws'} runs " in out
    assert "import: command not found" not in out + result.stderr
    assert len(list((v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"))) == 1
    for aws in (first / "aws", second / "aws", v1, V2_AWS):
        assert machine.sso_env_works(aws), aws
    doctor = machine.tool("doctor", "--shell", "bash").stdout
    assert "FAIL" not in doctor and doctor.count("the plugin loads") == 2
    machine.tool("uninstall")
    assert machine.snapshot() == before
    assert not list((v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"))
    for aws in (first / "aws", second / "aws"):
        assert machine.plain_aws_works(aws) and not machine.sso_env_works(aws), aws


def test_a_shim_whose_tool_finds_no_aws_is_skipped_with_the_reason(home, tmp_path, toolbox):
    shims = pyenv_shims(tmp_path / "pyenv", "v1-venv", Path("/nonexistent/aws"))
    env = {"PYENV_ROOT": str(tmp_path / "pyenv"), "PYENV_VERSION": "v1-venv"}
    machine = Machine(home, shims, toolbox, **env)
    before = machine.snapshot()
    out = machine.tool("setup", "--no-modify-rc").stdout
    assert f"{shims / 'aws'}: aws (unknown version): skipped" in out
    assert "is a pyenv shim, and `pyenv which aws` says: pyenv: aws: command not found" in out
    assert "No usable `aws` on PATH: nothing registered." in out and "Changed nothing." in out
    assert machine.snapshot() == before


def test_a_probe_that_fails_does_not_stop_the_next_cli(home, tmp_path, toolbox):
    broken = exec_wrapper(tmp_path / "broken", Path("/nonexistent/aws"))
    machine = Machine(home, broken, toolbox, Path("/usr/bin"), Path("/bin"))
    before = machine.snapshot()
    out = machine.tool("setup", "--no-modify-rc").stdout
    assert f"{broken / 'aws'}: aws (unknown version): skipped" in out, out
    assert "runs /nonexistent/aws, which doesn't exist" in out
    assert f"{V2_AWS}: AWS CLI v2" in out and ": registered" in out, out
    assert machine.sso_env_works(V2_AWS)
    machine.tool("uninstall")
    assert machine.snapshot() == before
    assert machine.plain_aws_works(V2_AWS)


def test_a_homebrew_env_script_and_a_chain_of_wrappers_lead_to_the_real_cli(tmp_path, v1_elsewhere):
    v1 = v1_elsewhere / "aws"
    brew = tmp_path / "brew-aws"  # what Homebrew's write_env_script makes
    brew.write_text(f'#!/bin/bash\nPYTHONPATH="/opt/x/libexec" exec "{v1}"  "$@"\n')
    outer = tmp_path / "aws"  # a user's wrapper around it, with `env` and a comment
    outer.write_text(f'#!/usr/bin/env sh\n# mine\nexec env AWS_PAGER= "{brew}" "$@"  # run it\n')
    for script in (brew, outer):
        script.chmod(0o755)
    real, via = install_clis.resolve_program(str(outer), "aws")
    assert real == str(v1)
    assert via == [f"{outer} runs {brew}", f"{brew} runs {v1}"]
    cli = install_clis.describe_path(str(outer))
    assert cli.major == 1 and cli.problem is None and cli.python
