"""PKCE logins through the real CLIs: a browser stand-in follows the authorize redirect."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import HEADLESS, START_URL, V2_AWS, AwsCli, clean_environment, require
from login_world import (
    DEV,
    SESSION_FIELDS,
    SESSION_TOKEN,
    age_token,
    boto3_account,
    cache,
    caller,
    other_cli,
)

STANDIN = Path(__file__).with_name("browser_standin.py")
NO_SSH = {"SSH_CONNECTION": "", "SSH_TTY": ""}


def standin(tmp_path: Path, **settings: str) -> tuple[dict, Path]:
    """(environment that makes the stand-in the browser, the file it records pages in)."""
    record = tmp_path / "pages"
    environment = {
        **HEADLESS,
        **NO_SSH,
        "BROWSER": f"{sys.executable} {STANDIN}",
        "STANDIN_RECORD": str(record),
        **settings,
    }
    return environment, record


def switch(world, *args: str, **environment: str):
    return world("sso-switch", *args, AWS_SSO_EXT_SHELL="bash", **environment)


def switched_with_standin(world, tmp_path: Path) -> str:
    """stderr of a successful switch to dev, the browser stand-in following the sign-in."""
    environment, _record = standin(tmp_path)
    result = switch(world, "dev", **environment)
    assert result.returncode == 0, result.stderr.decode()
    return result.stderr.decode()


V2_BOTOCORE_DATA = Path("/usr/lib/python3/dist-packages/awscli/botocore/data")
ON_V2 = pytest.mark.parametrize("aws_cli", ["v2"], indirect=True)


def plain_v2(world) -> tuple[AwsCli, dict]:
    """Debian's v2 without our plugin on the same home, and the environment it needs."""
    require(V2_AWS.exists(), "Debian's AWS CLI v2")
    _cli, plain = other_cli(world)  # its config copy without our [plugins] section
    return AwsCli("v2", V2_AWS, ""), plain


def test_pkce_login_end_to_end_and_every_client_renews_its_cache(world, tmp_path):
    stderr = switched_with_standin(world, tmp_path)
    environment, record = standin(tmp_path)  # the same stand-in, and the pages it ended on
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
    assert set(written) == SESSION_FIELDS
    assert written["startUrl"] == START_URL and written["region"] == "eu-west-1"
    # Debian's v2 and boto3 use the login, and renew it by themselves once it is due.
    cli, plain = plain_v2(world)
    assert caller(world, "dev", cli, **plain)["Account"] == DEV
    age_token(path, 5)
    shutil.rmtree(world.home / ".aws" / "cli" / "cache")  # v2's role keys would spare the token
    assert caller(world, "dev", cli, **plain)["Account"] == DEV
    assert world.sandbox.calls("CreateToken")[-1].params["grantType"] == "refresh_token"
    age_token(path, 5)
    assert boto3_account(world) == DEV
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
    assert len(said) == 1 and reason in said[0], stderr
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 1
    assert not world.sandbox.calls("Authorize")


@ON_V2
def test_a_botocore_without_the_pkce_members_still_signs_in_with_pkce(world, tmp_path):
    """Debian's v2 2.9's model has no grantTypes, redirectUris, issuerUrl or codeVerifier:
    they reach the service all the same, in the calls its botocore sends."""
    model = json.loads(next(V2_BOTOCORE_DATA.glob("sso-oidc/*/service-2.json")).read_text())
    assert "grantTypes" not in model["shapes"]["RegisterClientRequest"]["members"]
    assert "codeVerifier" not in model["shapes"]["CreateTokenRequest"]["members"]
    stderr = switched_with_standin(world, tmp_path)
    assert "device code" not in stderr and not world.sandbox.calls("StartDeviceAuthorization")
    (register,) = world.sandbox.calls("RegisterClient")
    assert register.params["grantTypes"] == ["authorization_code", "refresh_token"]
    assert register.params["redirectUris"] == ["http://127.0.0.1/oauth/callback"]
    assert register.params["issuerUrl"] == START_URL
    (create,) = world.sandbox.calls("CreateToken")
    assert len(create.params["codeVerifier"]) == 64
    assert create.params["redirectUri"].startswith("http://127.0.0.1:")


def waiting_browser(tmp_path: Path) -> tuple[str, Path]:
    """A BROWSER that only writes down the address it got (the user never comes back)."""
    seen = tmp_path / "address"
    script = tmp_path / "idle-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" >{seen}.tmp && mv {seen}.tmp {seen}\n')
    script.chmod(0o755)
    return str(script), seen


def switch_with_idle_browser(world, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """A switch to dev running in the background, its browser idle: (process, address file)."""
    browser, seen = waiting_browser(tmp_path)
    env = clean_environment(world.home, **{**world.environment, **NO_SSH, "BROWSER": browser})
    env["AWS_SSO_EXT_SHELL"] = "bash"
    command = [str(world.cli.executable), "sso-switch", "dev"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return process, seen


def address_seen(seen: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while not seen.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return seen.read_text()


def test_three_pkce_logins_at_once_ask_the_browser_once(world, tmp_path):
    environment, _record = standin(tmp_path)
    commands = [str(world.cli.executable), "sso-switch", "dev"]
    env = clean_environment(world.home, **{**world.environment, **environment})
    env["AWS_SSO_EXT_SHELL"] = "bash"
    processes = [
        subprocess.Popen(commands, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    results = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], results
    assert len(world.sandbox.calls("Authorize")) == 1
    assert len(world.sandbox.calls("CreateToken")) == 1


def test_ctrl_c_while_the_browser_is_out_changes_nothing_and_closes_the_port(world, tmp_path):
    process, seen = switch_with_idle_browser(world, tmp_path)
    redirect_uri = parse_qs(urlsplit(address_seen(seen)).query)["redirect_uri"][0]
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr.decode()
    assert stdout == b"" and "Traceback" not in stderr.decode()
    assert not (cache(world.home) / SESSION_TOKEN).exists()
    with pytest.raises(urllib.error.URLError):  # nobody listens there any more
        urllib.request.urlopen(redirect_uri + "?code=x&state=y", timeout=5)


def test_the_listener_ignores_what_is_not_its_answer_then_takes_the_real_one(world, tmp_path):
    """Other paths, a request without code or state, and the real redirect last."""
    process, seen = switch_with_idle_browser(world, tmp_path)
    address = address_seen(seen)
    redirect_uri = parse_qs(urlsplit(address).query)["redirect_uri"][0]
    assert urlsplit(redirect_uri).hostname == "127.0.0.1"
    base = redirect_uri.rsplit("/oauth/callback", 1)[0]
    for wrong, status in ((base + "/favicon.ico", 404), (redirect_uri + "?hello=1", 400)):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(wrong, timeout=5)
        assert refused.value.code == status
    page = urllib.request.urlopen(address, timeout=10).read().decode()  # follows the redirect
    assert "You can close this tab" in page
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert "export AWS_PROFILE=dev" in stdout.decode().splitlines()


def test_a_browser_that_never_comes_back_times_out_with_a_message(
    sandbox_environment, home, monkeypatch, tmp_path
):
    """In-process, on a clock that jumps five minutes a look: the real listener gives up."""
    import botocore.session

    from awscli_sso_ext.errors import OperationFailed
    from awscli_sso_ext.pkce import PkceLogin
    from awscli_sso_ext.profiles import SsoTarget

    sandbox, environment = sandbox_environment
    for name, value in {**environment, "HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    now = [1000.0]

    def clock():
        now[0] += 300
        return now[0]

    target = SsoTarget(DEV, "ReadOnlyAccess", START_URL, "eu-west-1", "corp")
    stderr = io.StringIO()
    login = PkceLogin(
        botocore.session.Session(), "dev", target, open_browser=False, stderr=stderr, clock=clock
    )
    with pytest.raises(OperationFailed, match="not finished in the browser within 10 minutes"):
        login.run()
    assert "open http://127.0.0.1:" in stderr.getvalue()
    assert "Waiting for the browser to come back to http://127.0.0.1:" in stderr.getvalue()
    assert (
        not sandbox.calls("CreateToken")
        and not (home / ".aws" / "sso" / "cache" / SESSION_TOKEN).exists()
    )


@pytest.mark.parametrize(
    ("environ", "markers", "expected"),
    [
        ({"DISPLAY": ":0"}, (), None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, (), None),
        ({"DISPLAY": ":0", "SSH_CONNECTION": "1 2 3 4"}, (), "SSH session"),
        ({"DISPLAY": ":0", "BROWSER": "x", "SSH_TTY": "/dev/pts/1"}, (), "SSH session"),
        ({}, (), "no graphical display"),
        ({"BROWSER": "my-browser"}, (), None),
        ({"DISPLAY": ":0"}, ("MARKER",), "in a container"),
        ({"DISPLAY": ":0", "container": "podman"}, (), "in a container"),
        ({"DISPLAY": ":0", "KUBERNETES_SERVICE_HOST": "10.0.0.1"}, (), "in a container"),
        ({"BROWSER": "code-forwarder", "container": "docker"}, (), None),
    ],
)
def test_which_flow_fits_here(tmp_path, environ, markers, expected):
    from awscli_sso_ext.login_flow import device_code_reason
    from awscli_sso_ext.profiles import SsoTarget

    marker = tmp_path / "dockerenv"
    marker.touch()
    files = [str(marker) if name == "MARKER" else name for name in markers]
    target = SsoTarget(DEV, "ReadOnlyAccess", START_URL, "eu-west-1", "corp")
    reason = device_code_reason(
        target, use_device_code=False, environ=environ, platform="linux", marker_files=files
    )
    assert reason is None if expected is None else expected in reason
    legacy = SsoTarget(DEV, "ReadOnlyAccess", START_URL, "eu-west-1", None)
    assert "legacy" in device_code_reason(legacy, use_device_code=False, environ=environ)


def test_with_no_browser_the_printed_address_is_enough(world, tmp_path):
    """No browser is started; the user opens the address printed on stderr (urllib here)."""
    environment, record = standin(tmp_path)
    env = clean_environment(world.home, **{**world.environment, **environment})
    env["AWS_SSO_EXT_SHELL"] = "bash"
    process = subprocess.Popen(
        [str(world.cli.executable), "sso-switch", "dev", "--no-browser"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    address = ""
    for raw in process.stderr:
        line = raw.decode()
        if line.startswith("  open "):
            address = line[len("  open ") :].strip()
            break
    page = urllib.request.urlopen(address, timeout=10).read().decode()
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert "You can close this tab" in page
    assert "export AWS_PROFILE=dev" in stdout.decode().splitlines()
    assert not record.exists()  # the stand-in browser was never started


def test_a_revoked_session_signs_in_again_with_pkce_for_role_keys(world, tmp_path):
    environment, _record = standin(tmp_path)
    assert switch(world, "dev", **environment).returncode == 0
    world.sandbox.revoke_tokens()
    result = world(
        "sso-env", "--profile", "dev", "--credentials", "--format", "json", **environment
    )
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "was not accepted; logging in again" in stderr
    assert json.loads(result.stdout)["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    assert len(world.sandbox.calls("Authorize")) == 2
    assert not world.sandbox.calls("StartDeviceAuthorization")
