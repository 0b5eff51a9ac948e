"""install.sh from a clone: a fresh HOME, real CLIs and shells, twice, then --uninstall."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pexpect
import pytest
from conftest import ROOT, V2_AWS, clean_environment, require, require_program

pytestmark = pytest.mark.slow
CONFIG = "# mine\n[profile p]\nregion   = us-east-1\n\n[default]\nregion=eu-west-1"


def snapshot(home: Path) -> dict:
    return {
        str(p.relative_to(home)): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file()
        and not {"venv", "__pycache__", "fish"} & set(p.parts)
        and "history" not in p.name
    }


def install(home: Path, env: dict, *args: str, check_rc: int = 0):
    result = subprocess.run(
        ["sh", str(ROOT / "install.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=home,
        timeout=240,
    )
    assert result.returncode == check_rc, result.stdout + result.stderr
    return result


def test_install_with_both_clis_then_shells_then_uninstall(
    home, toolbox, v1_elsewhere, built_wheel, tmp_path
):
    require(V2_AWS.exists(), "Debian's AWS CLI v2 (/usr/bin/aws)")
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "aws").symlink_to(V2_AWS)
    path = os.pathsep.join(map(str, (v1_elsewhere, v2, toolbox)))
    env = clean_environment(
        home, PATH=path, SHELL="/bin/bash", AWS_SSO_EXT_PACKAGE=str(built_wheel)
    )
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(CONFIG)
    (home / ".bashrc").write_text("# mine\n")
    (home / ".zshrc").write_text("setopt no_beep")
    before = snapshot(home)
    try:
        out = install(home, env, "--shell", "bash").stdout
        assert "linked" in out and "AWS CLI v1" in out and "AWS CLI v2" in out
        install(home, env, "--shell", "zsh")
        install(home, env, "--shell", "fish")
        installed = snapshot(home)
        again = install(home, env, "--shell", "bash").stdout
        assert "Nothing to change" in again
        assert snapshot(home) == installed
        # A new interactive bash: the hook from ~/.bashrc, aws-sso-ext on PATH.
        bash = pexpect.spawn(
            "bash", ["--norc", "-i"], env=env, cwd=str(home), encoding="utf-8", timeout=30
        )
        bash.sendline(
            "PS1='$ '; source ~/.bashrc; aws sso-switch p; echo \"<$AWS_PROFILE $AWS_REGION>\""
        )
        bash.expect("<p us-east-1>")
        bash.sendline("aws sso-env --format bash | grep -c AWS_PROFILE; command -v aws-sso-ext")
        bash.expect(str(home / ".local/bin/aws-sso-ext"))
        bash.sendline("exit")
        bash.expect(pexpect.EOF)
        for shell, command in (
            ("zsh", ["zsh", "-i", "-c"]),
            ("fish", ["fish", "-c"]),
        ):
            require_program(shell)
            result = subprocess.run(
                [
                    *command,
                    'aws sso-switch p; echo "<$AWS_PROFILE>"'
                    if shell == "fish"
                    else 'aws sso-switch p && echo "<$AWS_PROFILE>"',
                ],
                env=env,
                capture_output=True,
                text=True,
                cwd=home,
                timeout=60,
            )
            assert "<p>" in result.stdout, (shell, result.stderr)
    finally:
        for pth in (v1_elsewhere.parent / "lib").rglob("awscli-sso-ext.pth"):
            pth.unlink()
    install(home, env, "--uninstall")
    assert snapshot(home) == before
    assert not (home / ".local" / "share" / "awscli-sso-ext").exists()
    # ~/.local/bin was made for us and goes; ~/.local/share stays for fish's own history.
    assert not (home / ".local" / "bin").exists()
    assert [p.name for p in (home / ".local" / "share").iterdir()] == ["fish"]


def test_no_aws_brings_cli_v1_and_bad_options_fail(home, toolbox, built_wheel):
    env = clean_environment(
        home, PATH=str(toolbox), SHELL="/bin/bash", AWS_SSO_EXT_PACKAGE=str(built_wheel)
    )
    assert "unknown option" in install(home, env, "--bogus", check_rc=2).stderr
    assert "would run" in install(home, env, "--dry-run", "--shell", "bash").stdout
    assert not (home / ".local").exists()
    out = install(home, env, "--shell", "bash").stdout
    assert "installing AWS CLI v1 from PyPI" in out and "AWS CLI v1 1." in out
    result = subprocess.run(
        ["bash", "-i", "-c", "aws sso-env --unset --format json | grep -c AWS_PROFILE"],
        env=env,
        capture_output=True,
        text=True,
        cwd=home,
        timeout=60,
    )
    assert result.stdout.strip() == "1", result.stderr
    install(home, env, "--uninstall")
    assert not (home / ".local" / "bin" / "aws").exists()
    assert not (home / ".local").exists() and not (home / ".aws").exists()


def test_a_setup_that_stops_is_told_with_what_install_sh_did_make(home, toolbox, built_wheel):
    env = clean_environment(
        home, PATH=str(toolbox), SHELL="/bin/bash", AWS_SSO_EXT_PACKAGE=str(built_wheel)
    )
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text("region = x\n[default\n")
    result = install(home, env, "--shell", "bash", check_rc=2)
    output = result.stdout + result.stderr
    assert "can't be parsed" in result.stderr
    assert "nothing was changed" not in output
    venv = home / ".local" / "share" / "awscli-sso-ext" / "venv"
    assert f"install.sh itself made: {venv} {home / '.local' / 'bin' / 'aws-sso-ext'}" in output
    assert '--uninstall" removes them.' in result.stderr
    assert (home / ".aws" / "config").read_text() == "region = x\n[default\n"
    install(home, env, "--uninstall")
    assert sorted(p.name for p in home.rglob("*")) == [".aws", "config"]
