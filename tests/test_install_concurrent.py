"""Ten setups at once (two terminals, a dotfiles script): all succeed, one registration, one undo."""

from __future__ import annotations

import json
import subprocess

import pytest
from install_machine import AWS_SSO_EXT, Machine

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("v1_site_left_clean")]


def test_ten_setups_at_once_then_one_uninstall(home, toolbox, v1_elsewhere, v2_only):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    before = machine.snapshot()
    runs = [
        subprocess.Popen(
            [str(AWS_SSO_EXT), "setup", "--shell", "bash"],
            env=machine.env,
            cwd=home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(10)
    ]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for status, out, err in results:
        assert status == 0, out + err
        assert "Traceback" not in err and "Error" not in err, err
        assert (
            not err or err == "aws-sso-ext: waiting for another setup or uninstall to finish...\n"
        )
    assert sum("Changed:" in out for _, out, _ in results) == 1
    config = machine.config_text()
    assert config.count("sso_ext = awscli_sso_ext") == 1
    assert config.count("cli_legacy_plugin_path = ") == 1
    assert (home / ".bashrc").read_text().count("# >>> awscli-sso-ext >>>") == 1
    state = json.loads((home / ".local/share/awscli-sso-ext/state.json").read_text())
    assert set(state["config"]) == {str(machine.config)}
    assert set(state["rc"]) == {str(home / ".bashrc")}
    assert len(state["pth"]) == 1 and len(state["folders"]) == 1
    assert not [
        p for p in (home / ".local/share/awscli-sso-ext").iterdir() if p.name.startswith(".")
    ]
    assert machine.sso_env_works(v1_elsewhere / "aws") and machine.sso_env_works(v2_only / "aws")
    machine.tool("uninstall")
    assert machine.snapshot() == before


def test_a_run_that_waits_too_long_says_so_and_changes_nothing(home, toolbox, v2_only):
    machine = Machine(home, v2_only, toolbox)
    lock = home / ".local/share/awscli-sso-ext/lock"
    lock.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            "python3",
            "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'w'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=machine.env,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        before = machine.snapshot()
        result = machine.tool(
            "setup", "--shell", "bash", check_rc=1, env={"AWS_SSO_EXT_LOCK_WAIT": "1"}
        )
        assert "waiting for another setup or uninstall to finish" in result.stderr
        assert "Another `aws-sso-ext setup` or `uninstall` is still running" in result.stderr
        assert "this one changed nothing" in result.stderr
        assert machine.snapshot() == before
    finally:
        holder.kill()
        holder.wait()


def test_setups_and_uninstalls_at_once_leave_one_whole_state(home, toolbox, v1_elsewhere, v2_only):
    machine = Machine(home, v1_elsewhere, v2_only, toolbox)
    before = machine.snapshot()
    machine.tool("setup", "--shell", "bash")
    runs = [
        subprocess.Popen(
            [str(AWS_SSO_EXT), command, *(["--shell", "bash"] if command == "setup" else [])],
            env=machine.env,
            cwd=home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in ["setup", "uninstall"] * 4
    ]
    for run in runs:
        status = run.wait(timeout=300)
        out, err = run.communicate()
        assert status == 0 and "Traceback" not in err, out + err
    # Whichever ran last, the files are wholly set up or wholly as they were.
    config = machine.config_text()
    assert config.count("sso_ext = awscli_sso_ext") in (0, 1)
    if "sso_ext" in config:
        assert (home / ".bashrc").read_text().count("# >>> awscli-sso-ext >>>") == 1
        assert machine.sso_env_works(v1_elsewhere / "aws") and machine.sso_env_works(
            v2_only / "aws"
        )
    for aws in (v1_elsewhere / "aws", v2_only / "aws"):
        assert machine.plain_aws_works(aws)
    machine.tool("uninstall")
    assert machine.snapshot() == before
