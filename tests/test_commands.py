"""Both commands called in-process with injected streams: exit codes, exact output, golden files."""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path

import botocore.session
import pytest
from conftest import ROOT, write_token

from awscli_sso_ext.commands import SsoEnvCommand, SsoSwitchCommand

GOLDEN = ROOT / "tests" / "golden"

CONFIG = """\
[default]
region = us-east-1

[profile staging]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
region = eu-central-1

[profile "it's mine"]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 222222222222
sso_role_name = Admin\u2019s
region = us-west-2

[profile half]
sso_session = corp
sso_role_name = ReadOnlyAccess

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
"""

CREDENTIALS = """\
[static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
"""


@pytest.fixture
def config_files(tmp_path, monkeypatch):
    """The config above, with both SSO logins cached and valid until 2099."""
    monkeypatch.setenv("HOME", str(tmp_path))
    write_token(tmp_path, "corp")
    write_token(tmp_path, None)
    config = tmp_path / "config"
    config.write_text(CONFIG, encoding="utf-8")
    credentials = tmp_path / "credentials"
    credentials.write_text(CREDENTIALS, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for name in list(os.environ):
        if name.startswith("AWS_") and name not in (
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
        ):
            monkeypatch.delenv(name)
    return config


def run(command_class, args, profile=None, region=None, environ=None):
    """(exit code, stdout, stderr) of one command, as the CLI would call it."""
    session = botocore.session.Session(profile=profile)
    stdout, stderr = io.StringIO(), io.StringIO()
    command = command_class(
        session, stdout=stdout, stderr=stderr, environ=environ or {}, stdin=io.StringIO()
    )
    parsed_globals = argparse.Namespace(profile=profile, region=region)
    code = command(args, parsed_globals)
    return code, stdout.getvalue(), stderr.getvalue()


def golden(name: str, text: str) -> None:
    """Compares with tests/golden/NAME (HOME shown as ~HOME~); UPDATE_GOLDEN=1 rewrites it."""
    text = text.replace(os.environ["HOME"], "~HOME~")
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("format_name", ["bash", "zsh", "fish", "powershell", "dotenv", "json"])
def test_sso_env_golden_output(config_files, format_name):
    code, stdout, stderr = run(SsoEnvCommand, ["--format", format_name], profile="it's mine")
    assert (code, stderr) == (0, "")
    golden(f"sso-env-legacy.{format_name}", stdout)


@pytest.mark.parametrize("format_name", ["bash", "fish", "powershell", "json"])
def test_sso_env_unset_golden_output(config_files, format_name):
    code, stdout, stderr = run(SsoEnvCommand, ["--unset", "--format", format_name])
    assert (code, stderr) == (0, "")
    golden(f"sso-env-unset.{format_name}", stdout)


@pytest.mark.parametrize("shell", ["bash", "fish", "powershell"])
def test_sso_switch_golden_output(config_files, shell):
    environ = {"AWS_SSO_EXT_SHELL": shell, "AWS_PROFILE": "static"}
    code, stdout, stderr = run(SsoSwitchCommand, ["staging"], region="ap-south-1", environ=environ)
    assert (code, stderr) == (0, "")
    golden(f"sso-switch-staging.{shell}", stdout)


def test_sso_switch_unset_remembers_the_profile_left(config_files):
    environ = {"AWS_SSO_EXT_SHELL": "pwsh", "AWS_PROFILE": "staging"}
    code, stdout, _ = run(SsoSwitchCommand, ["--unset"], environ=environ)
    assert code == 0
    golden("sso-switch-unset.powershell", stdout)
    assert "$env:AWS_SSO_EXT_PREVIOUS_PROFILE = 'staging'\n" in stdout


def test_profiles_from_the_credentials_file_are_known(config_files):
    code, stdout, _ = run(SsoEnvCommand, ["--format", "json"], profile="static")
    assert code == 0
    environment = json.loads(stdout)
    assert environment["AWS_PROFILE"] == "static"
    assert environment["AWS_REGION"] is None
    assert environment["AWS_SSO_EXT_ROLE"] is None


def test_current_profile_is_default_when_none_is_set(config_files):
    code, stdout, _ = run(SsoEnvCommand, ["--format", "json"])
    assert code == 0
    assert json.loads(stdout)["AWS_PROFILE"] == "default"
    assert json.loads(stdout)["AWS_REGION"] == "us-east-1"


def test_sso_profile_missing_its_account_is_a_config_error(config_files):
    code, stdout, stderr = run(SsoSwitchCommand, ["half"], environ={"AWS_SSO_EXT_SHELL": "bash"})
    assert (code, stdout) == (2, "")
    assert (
        f"The profile 'half' in {config_files} is an SSO profile but has no sso_account_id."
        in stderr
    )
    assert "Add sso_account_id = ... to that profile" in stderr


@pytest.mark.parametrize(
    ("args", "environ", "message"),
    [
        ([], {}, "Name the profile to switch to."),
        (["-"], {}, "This shell has no previous profile to go back to."),
        (["staging", "--unset"], {}, "--unset clears the profile; it takes no profile name."),
        (["staging"], {"AWS_SSO_EXT_SHELL": "tcsh"}, "AWS_SSO_EXT_SHELL='tcsh' names no shell"),
    ],
)
def test_sso_switch_usage_errors_exit_2_with_nothing_on_stdout(
    config_files, args, environ, message
):
    code, stdout, stderr = run(SsoSwitchCommand, args, environ=environ)
    assert (code, stdout) == (2, "")
    assert stderr.startswith("aws sso-switch: ")
    assert message in stderr


def test_nul_in_a_value_is_refused_cleanly(config_files):
    code, stdout, stderr = run(
        SsoSwitchCommand, ["staging"], region="eu\0west", environ={"AWS_SSO_EXT_SHELL": "bash"}
    )
    assert (code, stdout) == (2, "")
    assert "NUL character" in stderr


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_sso_switch_to_a_terminal_without_the_hook_says_how_to_install_it(config_files):
    session = botocore.session.Session()
    stdout, stderr = FakeTerminal(), io.StringIO()
    command = SsoSwitchCommand(session, stdout=stdout, stderr=stderr, environ={})
    code = command(["staging"], argparse.Namespace(profile=None, region=None))
    assert (code, stdout.getvalue()) == (0, "")
    assert "this shell did not change" in stderr.getvalue()
    assert 'eval "$(aws sso-switch ...)"' in stderr.getvalue()


def test_detection_note_goes_to_stderr_when_the_shell_is_unknown(config_files, monkeypatch):
    import shellingham

    def fail():
        raise shellingham.ShellDetectionFailure()

    monkeypatch.setattr(shellingham, "detect_shell", fail)
    code, stdout, stderr = run(SsoEnvCommand, [], profile="staging")
    assert code == 0
    assert "export AWS_PROFILE=staging\n" in stdout
    assert "Could not tell which shell is running this command; printing bash syntax." in stderr


def test_golden_files_are_all_used():
    expected = {
        *(f"sso-env-legacy.{f}" for f in ["bash", "zsh", "fish", "powershell", "dotenv", "json"]),
        *(f"sso-env-unset.{f}" for f in ["bash", "fish", "powershell", "json"]),
        *(f"sso-switch-staging.{f}" for f in ["bash", "fish", "powershell"]),
        "sso-switch-unset.powershell",
    }
    assert {p.name for p in Path(GOLDEN).glob("sso-*")} == expected


def test_golden_powershell_lines_all_have_the_safe_form():
    from hostile import POWERSHELL_LINE

    for path in GOLDEN.glob("*.powershell"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert POWERSHELL_LINE.fullmatch(line), (path.name, line)


def test_golden_powershell_runs_in_real_pwsh(tmp_path):
    import shutil
    import subprocess

    pwsh = shutil.which("pwsh")
    if pwsh is None:  # not installable on these machines, CI included; runs wherever it exists
        pytest.skip("pwsh is not installed")
    script = (GOLDEN / "sso-env-legacy.powershell").read_text(encoding="utf-8")
    script += "[Console]::Out.Write($env:AWS_PROFILE + '|' + $env:AWS_SSO_EXT_ROLE + '|' + "
    script += "[string]($null -eq $env:AWS_ACCESS_KEY_ID))"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": "AKIAOLD"}
    result = subprocess.run(
        [pwsh, "-NoProfile", "-NonInteractive", "-Command", "-"],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert result.stdout == "it's mine|Admin\u2019s|True"
