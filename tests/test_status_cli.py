"""`aws sso-status` inside the real AWS CLI v1 and v2: --output, --profile, exit codes, no network."""

from __future__ import annotations

import json
import time

import pytest
from conftest import START_URL, write_token

CONFIG = """
[default]
region = us-east-1
output = text

[profile valid]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
sso_account_name = Production
region = eu-central-1

[profile renewing]
sso_session = renewing
sso_account_id = 222222222222
sso_role_name = Admin

[profile expired]
sso_session = gone
sso_account_id = 333333333333
sso_role_name = Admin

[profile never]
sso_session = fresh
sso_account_id = 444444444444
sso_role_name = Admin

[profile torn]
sso_session = torn
sso_account_id = 555555555555
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[sso-session renewing]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[sso-session gone]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1

[sso-session fresh]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1

[sso-session torn]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
"""
STATES = {
    "default": "not-sso",
    "valid": "valid",
    "renewing": "renews",
    "expired": "expired",
    "never": "none",
    "torn": "none",
}


def at(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(time.time()) + seconds))


@pytest.fixture
def seeded(aws_cli, home):
    """A home where each profile's login is in another state (and one cache file is torn)."""
    aws_cli.write_config(home, CONFIG)
    write_token(home, "corp", expiresAt=at(3 * 3600))
    # Five minutes left and renewable: botocore would refresh it if anything asked it to.
    write_token(
        home,
        "renewing",
        expiresAt=at(5 * 60),
        refreshToken="refresh",
        clientId="client",
        clientSecret="secret",
        registrationExpiresAt=at(30 * 86400),
    )
    write_token(home, "gone", expiresAt=at(-60))
    torn = write_token(home, "torn")
    torn.write_text('{"startUrl": "' + START_URL + '", "accessTo')

    def run(*args, **env):
        result = aws_cli.run(home, *args, env=env)
        return result.returncode, result.stdout.decode(), result.stderr.decode()

    return run


def test_json_in_the_real_cli(seeded):
    code, out, err = seeded("sso-status", "--output", "json", AWS_PROFILE="valid")
    assert code == 0, err
    document = json.loads(out)
    assert {row["profile"]: row["login"] for row in document["profiles"]} == STATES
    valid = next(row for row in document["profiles"] if row["profile"] == "valid")
    assert valid["current"] is True
    assert (valid["account_name"], valid["region"]) == ("Production", "eu-central-1")
    assert [row["sso_session"] for row in document["sessions"]] == [
        "corp",
        "fresh",
        "gone",
        "renewing",
        "torn",
    ]
    assert "is not valid JSON" in err  # the torn file, named, with its fix


def test_the_global_output_option_and_not_the_profile_setting(seeded):
    # [default] says `output = text`: a default for service commands, not for this table.
    code, out, err = seeded("sso-status")
    assert code == 0, err
    assert out.splitlines()[0].split()[:4] == ["PROFILE", "ACCOUNT", "ROLE", "REGION"]
    assert "* default" in out  # no AWS_PROFILE: the default profile is this shell's
    code, out, err = seeded("--output", "text", "sso-status")
    assert code == 0, err
    kinds = [line.split("\t")[0] for line in out.splitlines()]
    assert kinds == ["PROFILE"] * 6 + ["SESSION"] * 5


def test_profile_after_the_command_shows_that_profile_only(seeded):
    code, out, err = seeded("sso-status", "--profile", "renewing", "--output", "json")
    assert code == 0, err
    document = json.loads(out)
    assert [(r["profile"], r["login"]) for r in document["profiles"]] == [("renewing", "renews")]
    assert [r["sso_session"] for r in document["sessions"]] == ["renewing"]


def test_an_unknown_profile_exits_2_with_nothing_on_stdout(seeded):
    code, out, err = seeded("sso-status", "--profile", "renewin")
    assert (code, out) == (2, "")
    assert "'renewin'" in err and "renewing" in err


def test_an_unknown_output_exits_2(seeded, aws_cli):
    code, out, err = seeded("--output", "yaml", "sso-status")
    assert out == ""
    if aws_cli.label == "v2":  # v2 knows yaml; we refuse it
        assert code == 2
        assert "aws sso-status can't write --output yaml." in err
    else:  # v1's own parser refuses it first
        assert code != 0 and "--output" in err


def test_no_network_call_and_the_same_answer_with_the_sandbox_stopped(seeded, sandbox_environment):
    sandbox, environment = sandbox_environment
    code, running, err = seeded("sso-status", "--output", "json", **environment)
    assert code == 0, err
    assert sandbox.calls() == []  # not even the renewable token's refresh
    sandbox.stop()
    started = time.monotonic()
    code, stopped, err = seeded("sso-status", "--output", "json", **environment)
    assert code == 0, err
    assert time.monotonic() - started < 30
    assert json.loads(stopped)["profiles"] == json.loads(running)["profiles"]
    assert {r["profile"]: r["login"] for r in json.loads(stopped)["profiles"]} == STATES
