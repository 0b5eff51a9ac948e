"""The real AWS CLI v1 and Debian's v2 load the plugin and run both commands end to end."""

from __future__ import annotations

import json
import re
import subprocess

from aws_config import config, corp_session, legacy_profile, profile, section, session_profile
from conftest import clean_environment, require_program, write_token
from hostile import HOSTILE_NAME, profile_header

CONFIG = "\n" + config(
    section("[default]", region="us-east-1"),
    session_profile("staging", "111111111111"),
    legacy_profile("legacy", "222222222222"),
    section('[profile "my team"]', region="ap-southeast-2"),
    profile(
        "orphan",
        sso_session="missing",
        sso_account_id="333333333333",
        sso_role_name="ReadOnlyAccess",
    ),
    corp_session(sso_registration_scopes="sso:account:access"),
)

STALE = {
    "AWS_DEFAULT_PROFILE": "old",
    "AWS_ACCESS_KEY_ID": "AKIAOLD",
    "AWS_SECRET_ACCESS_KEY": "old-secret",
    "AWS_SESSION_TOKEN": "old-token",
    "AWS_CREDENTIAL_EXPIRATION": "2020-01-01T00:00:00Z",
    "AWS_SSO_EXT_ACCOUNT": "999999999999",
}

# What `env` prints after evaluating the output, for the variables a switch manages.
REPORT = (
    "for n in AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID "
    "AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_SSO_EXT_ACCOUNT "
    'AWS_SSO_EXT_ROLE AWS_SSO_EXT_SESSION; do if [ -n "${!n+x}" ]; then printf "%s=%s\\n" '
    '"$n" "${!n}"; else printf "%s unset\\n" "$n"; fi; done'
)


def evaluated_in_bash(home, code: str, env: dict) -> list[str]:
    """Evaluates `code` in a bash that starts with `env`, and reports the managed variables."""
    bash = require_program("bash")
    result = subprocess.run(
        [bash, "--noprofile", "--norc", "-euc", f'eval "$1"; {REPORT}', "bash", code],
        env=clean_environment(home, **env),
        capture_output=True,
        text=True,
        check=True,
        cwd=home,
    )
    assert result.stderr == ""
    return result.stdout.splitlines()


def test_sso_env_evaluated_by_bash_gives_exactly_the_profile(aws_cli, home):
    aws_cli.write_config(home, CONFIG)
    write_token(home, "corp")
    result = aws_cli.run(home, "sso-env", "--profile", "staging", "--format", "bash", env=STALE)
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert evaluated_in_bash(home, result.stdout.decode(), STALE) == [
        "AWS_PROFILE=staging",
        "AWS_REGION=eu-central-1",
        "AWS_DEFAULT_REGION=eu-central-1",
        "AWS_DEFAULT_PROFILE unset",
        "AWS_ACCESS_KEY_ID unset",
        "AWS_SECRET_ACCESS_KEY unset",
        "AWS_SESSION_TOKEN unset",
        "AWS_CREDENTIAL_EXPIRATION unset",
        "AWS_SSO_EXT_ACCOUNT=111111111111",
        "AWS_SSO_EXT_ROLE=ReadOnlyAccess",
        "AWS_SSO_EXT_SESSION=corp",
    ]


def test_sso_env_uses_the_current_profile_and_the_global_region(aws_cli, home):
    aws_cli.write_config(home, CONFIG)
    write_token(home, None)
    result = aws_cli.run(
        home, "--region", "eu-west-3", "sso-env", "--format", "json", env={"AWS_PROFILE": "legacy"}
    )
    assert result.returncode == 0, result.stderr
    environment = json.loads(result.stdout)
    assert environment["AWS_PROFILE"] == "legacy"
    assert environment["AWS_REGION"] == environment["AWS_DEFAULT_REGION"] == "eu-west-3"
    assert environment["AWS_SSO_EXT_SESSION"] == "https://d-1234567890.awsapps.com/start"
    assert environment["AWS_SSO_EXT_ROLE"] == "AdministratorAccess"
    assert environment["AWS_ACCESS_KEY_ID"] is None


def test_sso_switch_prints_code_for_the_shell_the_hook_names(aws_cli, home):
    aws_cli.write_config(home, CONFIG)
    result = aws_cli.run(
        home, "sso-switch", "my team", env={"AWS_SSO_EXT_SHELL": "fish", "AWS_PROFILE": "staging"}
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert "set -gx AWS_PROFILE 'my team'" in lines
    assert "set -gx AWS_REGION 'ap-southeast-2'" in lines
    assert "set -gx AWS_SSO_EXT_PREVIOUS_PROFILE 'staging'" in lines
    assert (
        "if set -q AWS_SSO_EXT_ROLE; set -e AWS_SSO_EXT_ROLE; end" in lines
    )  # not an SSO profile: no stale role in the prompt


def test_sso_switch_dash_returns_to_the_previous_profile(aws_cli, home):
    aws_cli.write_config(home, CONFIG)
    write_token(home, "corp")
    env = {"AWS_SSO_EXT_SHELL": "bash", "AWS_PROFILE": "legacy"}
    env["AWS_SSO_EXT_PREVIOUS_PROFILE"] = "staging"
    result = aws_cli.run(home, "sso-switch", "-", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert "export AWS_PROFILE=staging" in lines
    assert "export AWS_SSO_EXT_PREVIOUS_PROFILE=legacy" in lines


def test_unknown_profile_exits_2_with_suggestions_and_no_stdout(aws_cli, home):
    aws_cli.write_config(home, CONFIG)
    result = aws_cli.run(home, "sso-switch", "stagin", env={"AWS_SSO_EXT_SHELL": "bash"})
    assert result.returncode == 2
    assert result.stdout == b""
    assert "'stagin' is not in" in result.stderr.decode()
    assert "Did you mean: 'staging'?" in result.stderr.decode()
    result = aws_cli.run(home, "--profile", "stagin", "sso-env", "--format", "bash")
    assert (result.returncode, result.stdout) == (2, b"")
    assert "Did you mean: 'staging'?" in result.stderr.decode()


def test_missing_sso_session_section_exits_2_naming_file_and_fix(aws_cli, home):
    config = aws_cli.write_config(home, CONFIG)
    result = aws_cli.run(home, "sso-switch", "orphan", env={"AWS_SSO_EXT_SHELL": "bash"})
    assert (result.returncode, result.stdout) == (2, b"")
    stderr = result.stderr.decode()
    assert str(config) in stderr
    assert "no [sso-session missing] section" in stderr
    assert "Add a [sso-session missing] section with sso_start_url and sso_region" in stderr
    assert "Traceback" not in stderr


def test_unknown_format_exits_2_listing_the_formats(aws_cli, home):
    aws_cli.write_config(home, CONFIG)
    result = aws_cli.run(home, "sso-env", "--profile", "staging", "--format", "tcsh")
    assert (result.returncode, result.stdout) == (2, b"")
    assert (
        "Use one of: bash, zsh, fish, powershell, dotenv, json, process." in result.stderr.decode()
    )


def test_dotenv_cannot_unset(aws_cli, home):
    aws_cli.write_config(home, CONFIG)
    result = aws_cli.run(home, "sso-env", "--unset", "--format", "dotenv")
    assert (result.returncode, result.stdout) == (2, b"")
    assert "can't unset" in result.stderr.decode()


def test_hostile_profile_name_reaches_each_shell_without_running_anything(aws_cli, home):
    aws_cli.write_config(home, f"{profile_header(HOSTILE_NAME)}\nregion = eu-north-1\n")
    shells = {
        "bash": ["bash", "--noprofile", "--norc", "-euc", 'eval "$CODE"; printf %s "$AWS_PROFILE"'],
        "zsh": ["zsh", "-f", "-euc", 'eval "$CODE"; printf %s "$AWS_PROFILE"'],
        "fish": [
            "fish",
            "--no-config",
            "-c",
            'printf %s "$CODE" | source; printf %s "$AWS_PROFILE"',
        ],
    }
    for shell, command in shells.items():
        require_program(shell)
        switch = aws_cli.run(home, "sso-switch", HOSTILE_NAME, env={"AWS_SSO_EXT_SHELL": shell})
        assert switch.returncode == 0, switch.stderr
        result = subprocess.run(
            command,
            env=clean_environment(home, CODE=switch.stdout.decode()),
            capture_output=True,
            cwd=home,
            check=True,
        )
        assert result.stdout.decode() == HOSTILE_NAME, shell
        assert not list(home.glob("pwned*")), f"{shell} ran code from the profile name"


def plain_help(output: bytes) -> str:
    """Man-page text without overstrike bold and with whitespace collapsed, for matching."""
    return " ".join(re.sub(".\x08", "", output.decode()).split())


def test_help_documents_each_command_with_examples(aws_cli, home):
    require_program("groff")
    aws_cli.write_config(home, CONFIG)
    switch = aws_cli.run(home, "sso-switch", "help", env={"PAGER": "cat", "MANPAGER": "cat"})
    assert switch.returncode == 0, switch.stderr
    text = plain_help(switch.stdout)
    assert "Moves this shell to another AWS profile" in text
    assert "aws sso-switch -" in text and "--unset" in text
    assert 'eval "$(aws sso-switch staging)"' in text
    env_help = aws_cli.run(home, "sso-env", "help", env={"PAGER": "cat", "MANPAGER": "cat"})
    assert env_help.returncode == 0, env_help.stderr
    text = plain_help(env_help.stdout)
    for name in ("bash", "zsh", "fish", "powershell", "dotenv", "json"):
        assert name in text
    assert "aws sso-env --profile prod --format dotenv > .env" in text
    assert "credential_process = aws-sso-ext process prod" in text


def test_without_format_the_calling_shell_is_detected(aws_cli, home):
    aws_cli.write_config(home, CONFIG)
    fish = require_program("fish")
    # `; true` keeps each shell alive as the parent of `aws` (no exec of the last command).
    result = subprocess.run(
        [fish, "--no-config", "-c", '$AWS sso-env --profile "my team"; true'],
        env=clean_environment(home, AWS=str(aws_cli.executable)),
        capture_output=True,
        cwd=home,
    )
    assert "set -gx AWS_PROFILE 'my team'" in result.stdout.decode().splitlines()
    assert result.stderr == b""
    sh = require_program("sh")
    result = subprocess.run(
        [sh, "-c", '"$AWS" sso-env --profile "my team"; true'],
        env=clean_environment(home, AWS=str(aws_cli.executable)),
        capture_output=True,
        cwd=home,
    )
    assert "export AWS_PROFILE='my team'" in result.stdout.decode().splitlines()
    assert result.stderr == b""


def test_an_unparsable_config_is_a_clear_exit_2_on_v1_after_setup(home, tmp_path):
    """v1 parses the config before loading any plugin; the start-up shim that `aws-sso-ext
    setup` puts in v1's environment (a .pth; a sitecustomize here) turns its traceback into
    the file, the problem and the fix."""
    from conftest import V1_AWS, require

    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    startup = tmp_path / "startup"
    startup.mkdir()
    (startup / "sitecustomize.py").write_text("import awscli_sso_ext.install_v1_shim\n")
    for broken in ("config", "credentials"):
        (home / ".aws").mkdir(exist_ok=True)
        (home / ".aws" / "config").write_text("[plugins]\nsso_ext = awscli_sso_ext\n")
        (home / ".aws" / broken).write_text("[default]\nregion = eu-west-1\nnot a setting\n")
        result = subprocess.run(
            [str(V1_AWS), "sso-env", "--format", "bash"],
            env=clean_environment(home, PYTHONPATH=str(startup)),
            capture_output=True,
            cwd=home,
        )
        stderr = result.stderr.decode()
        assert (result.returncode, result.stdout) == (2, b""), stderr
        assert f"aws: Unable to parse config file: {home / '.aws' / broken}." in stderr
        assert "fix that line" in stderr and "Traceback" not in stderr
