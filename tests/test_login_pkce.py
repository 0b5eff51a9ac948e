"""PKCE logins through the real CLIs: a browser stand-in follows the authorize redirect."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import V2_AWS, clean_environment, require
from test_login import (
    DEV,
    SESSION_TOKEN,
    START_URL,
    age_token,
    cache,
    caller,
    other_cli,
    world,  # noqa: F401 -- world is a fixture
)

STANDIN = Path(__file__).with_name("browser_standin.py")
HEADLESS = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "SSH_CONNECTION": "", "SSH_TTY": ""}


def standin(tmp_path: Path, **settings: str) -> tuple[dict, Path]:
    """(environment that makes the stand-in the browser, the file it records pages in)."""
    record = tmp_path / "pages"
    environment = {
        **HEADLESS,
        "BROWSER": f"{sys.executable} {STANDIN}",
        "STANDIN_RECORD": str(record),
        **settings,
    }
    return environment, record


def switch(world, *args: str, **environment: str):
    return world("sso-switch", *args, AWS_SSO_EXT_SHELL="bash", **environment)


# Debian's v2 2.9 ships a botocore without the PKCE members: it falls back (tested below),
# and reads and renews what v1 wrote.
ON_V1 = pytest.mark.parametrize("aws_cli", ["v1"], indirect=True)
ON_V2 = pytest.mark.parametrize("aws_cli", ["v2"], indirect=True)


@ON_V1
def test_pkce_login_end_to_end_and_every_client_renews_its_cache(world, tmp_path):
    environment, record = standin(tmp_path)
    result = switch(world, "dev", **environment)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "device code" not in stderr and not world.sandbox.calls("StartDeviceAuthorization")
    register = world.sandbox.calls("RegisterClient")[-1].params
    assert register["grantTypes"] == ["authorization_code", "refresh_token"]
    assert register["redirectUris"] == ["http://127.0.0.1/oauth/callback"]
    assert register["issuerUrl"] == START_URL and register["scopes"] == ["sso:account:access"]
    (authorize,) = world.sandbox.calls("Authorize")
    shown = stderr.split("  open ", 1)[1].split("\n", 1)[0]
    assert shown.startswith(world.sandbox.url + "/authorize?response_type=code&client_id=")
    assert authorize.params["redirect_uri"].startswith("http://127.0.0.1:")
    assert authorize.params["redirect_uri"].endswith("/oauth/callback")
    assert authorize.params["scopes"] == "sso:account:access"
    assert authorize.params["code_challenge_method"] == "S256"
    assert len(authorize.params["code_challenge"]) == 43
    (create,) = world.sandbox.calls("CreateToken")
    assert create.params["grantType"] == "authorization_code"
    assert create.params["redirectUri"] == authorize.params["redirect_uri"]
    assert "200\n" in record.read_text() and "You can close this tab" in record.read_text()
    path = cache(world.home) / SESSION_TOKEN
    written = json.loads(path.read_text())
    assert set(written) == {
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    }
    assert written["startUrl"] == START_URL and written["region"] == "eu-west-1"
    # Debian's v2 and boto3 use the login, and renew it by themselves once it is due.
    cli, plain = other_cli(world)
    require(V2_AWS.exists(), "Debian's AWS CLI v2")
    assert caller(world, "dev", cli, **plain)["Account"] == DEV
    age_token(path, 5)
    shutil.rmtree(world.home / ".aws" / "cli" / "cache")  # v2's role keys would spare the token
    assert caller(world, "dev", cli, **plain)["Account"] == DEV
    assert world.sandbox.calls("CreateToken")[-1].params["grantType"] == "refresh_token"
    age_token(path, 5)
    boto3 = subprocess.run(
        [
            sys.executable,
            "-c",
            "import boto3; print(boto3.Session(profile_name='dev')"
            ".client('sts').get_caller_identity()['Account'])",
        ],
        env=clean_environment(world.home, **world.environment),
        capture_output=True,
        text=True,
    )
    assert boto3.stdout.strip() == DEV, boto3.stderr
    grants = [call.params["grantType"] for call in world.sandbox.calls("CreateToken")]
    assert grants == ["authorization_code", "refresh_token", "refresh_token"]
    again = switch(world, "dev", **environment)  # a valid login: nothing asked again
    assert again.returncode == 0 and len(world.sandbox.calls("Authorize")) == 1


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"STANDIN_TAMPER": "state"}, "does not belong to this login"),
        ({"STANDIN_TAMPER": "challenge"}, "refused the authorization code"),
        ({"STANDIN_DECISION": "deny"}, "The sign-in was refused in the browser"),
    ],
    ids=["wrong-state", "wrong-verifier", "denied"],
)
@ON_V1
def test_a_tampered_or_refused_sign_in_fails_and_saves_nothing(world, tmp_path, settings, message):
    if "STANDIN_DECISION" in settings:
        world.sandbox.approve_after = None  # the consent page is shown and answered
    environment, record = standin(tmp_path, **settings)
    result = switch(world, "dev", **environment)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert message in stderr and result.stdout == b""
    assert not (cache(world.home) / SESSION_TOKEN).exists()
    assert "Traceback" not in stderr
    if "STANDIN_TAMPER" in settings and settings["STANDIN_TAMPER"] == "challenge":
        assert world.sandbox.calls("CreateToken")[-1].error == "InvalidGrantException"
    else:
        assert not world.sandbox.calls("CreateToken")  # nothing was exchanged
    assert record.exists()


@ON_V1
def test_the_consent_page_is_followed_like_a_user_clicking_allow(world, tmp_path):
    world.sandbox.approve_after = None
    environment, record = standin(tmp_path)
    result = switch(world, "dev", **environment)
    assert result.returncode == 0, result.stderr.decode()
    assert [call.operation for call in world.sandbox.calls() if "Consent" in call.operation] == [
        "Consent"
    ]
    assert "You can close this tab" in record.read_text()


@pytest.mark.parametrize(
    ("profile", "args", "settings", "reason"),
    [
        ("legacy", (), {}, "legacy SSO settings"),
        ("dev", ("--use-device-code",), {}, "--use-device-code was given"),
        ("dev", (), {"SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"}, "this is an SSH session"),
        ("dev", (), {"SSH_TTY": "/dev/pts/3"}, "this is an SSH session"),
        ("dev", (), {"BROWSER": ""}, "there is no graphical display"),
    ],
    ids=["legacy", "use-device-code", "ssh-connection", "ssh-tty", "no-display"],
)
def test_the_device_code_where_pkce_cannot_work_said_in_one_line(
    world, tmp_path, profile, args, settings, reason
):
    environment, _record = standin(tmp_path)
    result = switch(world, profile, *args, **{**environment, **settings})
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    said = [line for line in stderr.splitlines() if line.startswith("Logging in with a device")]
    if world.cli.label == "v2" and profile == "dev" and not args and "BROWSER" not in settings:
        reason = "predates the authorization code flow"  # Debian's botocore: SSH/display win
        if "SSH" in next(iter(settings)):
            reason = "this is an SSH session"
    assert len(said) == 1 and reason in said[0], stderr
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 1
    assert not world.sandbox.calls("Authorize")


@ON_V2
def test_debian_v2_whose_botocore_predates_pkce_falls_back_to_the_device_code(world, tmp_path):
    environment, _record = standin(tmp_path)
    result = switch(world, "dev", **environment)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "predates the authorization code flow (PKCE)" in stderr
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 1
