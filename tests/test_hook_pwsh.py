"""The PowerShell hook in a real pwsh, wherever one is installed (it can't be on these machines)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import hook_environment, hook_file

PWSH = shutil.which("pwsh")
# Skipped even in CI: pwsh can't be installed on the CI machines (see ARCHITECTURE.md).
pytestmark = pytest.mark.skipif(PWSH is None, reason="pwsh is not installed here")


def run_pwsh(script: str, env: dict, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PWSH, "-NoProfile", "-NonInteractive", "-Command", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_powershell_switch_pass_through_and_failure(home, tmp_path, fake_aws):
    log = tmp_path / "fake.log"
    (home / "typed.txt").write_text("typed\n")
    hook = str(hook_file("powershell")).replace("'", "''")
    script = "\n".join(
        [
            f". '{hook}'",
            "'in put' | aws --debug 'a b' 'it''s' '$HOME'",
            "Write-Output ('pass=' + $LASTEXITCODE)",
            "aws --region eu-west-1 --debug sso-switch ok",
            "Write-Output ('profile=' + $env:AWS_PROFILE)",
            "aws sso-switch fail",
            "Write-Output ('fail=' + $LASTEXITCODE)",
            "Write-Output ('profile=' + $env:AWS_PROFILE)",
            "Write-Output ('shellvar=' + [string]::IsNullOrEmpty($env:AWS_SSO_EXT_SHELL))",
            f". '{hook}'",
            "Write-Output ((Get-Command aws).CommandType)",
        ]
    )
    result = run_pwsh(script, hook_environment(home, fake_aws, FAKE_AWS_LOG=str(log)), home)
    assert result.stdout.splitlines() == [
        "pass=3",
        "profile=ok-",
        "fail=1",
        "profile=ok-",
        "shellvar=True",
        "Function",
    ]
    calls = log.read_text().split("shell=")[1:]
    assert calls[0].splitlines() == [
        "<unset>",
        "arg=[--debug]",
        "arg=[a b]",
        "arg=[it's]",
        "arg=[$HOME]",
        "stdin=[in put]",
    ]
    assert calls[1].startswith("powershell\n")


def test_running_the_powershell_hook_says_how_to_dot_source_it(home):
    result = subprocess.run(
        [PWSH, "-NoProfile", "-File", str(hook_file("powershell"))],
        env=hook_environment(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert ". " + str(hook_file("powershell")) in result.stderr
