"""Login, the shared cache and role credentials against the sandbox, through the real CLIs."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import START_URL, V2_AWS, clean_environment, require, write_token
from login_world import (
    DEV,
    LEGACY_TOKEN,
    SESSION_FIELDS,
    SESSION_TOKEN,
    STAGING,
    age_token,
    boto3_account,
    cache,
    caller,
    other_cli,
    snapshot,
)

from awscli_sso_ext import tokens
from awscli_sso_ext.shells import FORMATS


def test_switch_logs_in_and_every_client_uses_our_cache(world):
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    assert result.returncode == 0, result.stderr.decode()
    stderr = result.stderr.decode()
    authorization = world.sandbox.calls("StartDeviceAuthorization")
    assert len(authorization) == 1
    assert "/device?user_code=" in stderr and "check that the code shown there is" in stderr
    path = cache(world.home) / SESSION_TOKEN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    written = json.loads(path.read_text())
    assert set(written) == SESSION_FIELDS
    lines = result.stdout.decode().splitlines()
    assert "export AWS_PROFILE=dev" in lines
    assert f"export AWS_SSO_EXT_TOKEN_FILE={path}" in lines
    assert f"export AWS_SSO_EXT_EXPIRATION={written['expiresAt']}" in lines
    # The CLI that logged in, the other CLI, and boto3 all use that login.
    assert caller(world, "dev")["Account"] == DEV
    cli, environment = other_cli(world)
    assert caller(world, "dev", cli, **environment)["Account"] == DEV
    assert boto3_account(world) == DEV
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 1  # nobody logged in again


def test_a_valid_login_means_no_network_call_at_all(world):
    write_token(world.home, "corp")
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="zsh")
    assert result.returncode == 0, result.stderr.decode()
    assert world.sandbox.calls() == []


def test_no_login_fails_with_the_command_to_run(world):
    before = snapshot(world.home)
    result = world("sso-switch", "dev", "--no-login", AWS_SSO_EXT_SHELL="bash")
    assert (result.returncode, result.stdout) == (1, b"")
    assert "The profile 'dev' has no SSO login" in result.stderr.decode()
    assert "Log in with: aws sso-switch dev" in result.stderr.decode()
    assert world.sandbox.calls() == [] and snapshot(world.home) == before


def test_verify_names_the_account_and_role_on_stderr(world):
    result = world("sso-switch", "legacy", "--verify", AWS_SSO_EXT_SHELL="bash")
    assert result.returncode == 0, result.stderr.decode()
    stderr = result.stderr.decode()
    assert f"Verified with STS: account {STAGING}, arn:aws:sts::{STAGING}:assumed-role/" in stderr
    assert "AdministratorAccess" in stderr
    assert len(world.sandbox.calls("GetCallerIdentity")) == 1
    # The status line: a legacy login never renews; the role keys are cached (v2's cache).
    expiry = json.loads((cache(world.home) / LEGACY_TOKEN).read_text())["expiresAt"]
    clock = f"{expiry[:10]} {expiry[11:16]} UTC"
    assert f"SSO login valid until {clock}; role credentials until " in stderr
    assert "role credentials until unknown" not in stderr


def test_sso_env_credentials_in_every_format_and_no_secret_without_it(world):
    plain = world("sso-env", "--profile", "dev", "--format", "json")
    assert plain.returncode == 0, plain.stderr.decode()
    assert json.loads(plain.stdout)["AWS_ACCESS_KEY_ID"] is None
    token = json.loads((cache(world.home) / SESSION_TOKEN).read_text())
    for secret in (token["accessToken"], token["refreshToken"], token["clientSecret"]):
        assert secret.encode() not in plain.stdout + plain.stderr
    outputs = {}
    for format_name in FORMATS:
        result = world("sso-env", "--profile", "dev", "--credentials", "--format", format_name)
        assert result.returncode == 0, result.stderr.decode()
        outputs[format_name] = result.stdout.decode()
        for secret in (token["accessToken"], token["refreshToken"], token["clientSecret"]):
            assert secret not in outputs[format_name] + result.stderr.decode()
    keys = json.loads(outputs["json"])
    assert keys["AWS_ACCESS_KEY_ID"].startswith("ASIA") and keys[
        "AWS_CREDENTIAL_EXPIRATION"
    ].endswith("Z")
    for format_name, text in outputs.items():
        assert keys["AWS_SECRET_ACCESS_KEY"] in text, format_name
    process = json.loads(outputs["process"])
    assert process["Version"] == 1 and process["AccessKeyId"] == keys["AWS_ACCESS_KEY_ID"]
    # The bash output hands working keys to a tool that knows no profiles.
    shell = subprocess.run(
        [
            "bash",
            "-c",
            f'{outputs["bash"]}\nunset AWS_PROFILE\nexec "$0" sts get-caller-identity --output json',
            str(world.cli.executable),
        ],
        env=clean_environment(world.home, **world.environment),
        capture_output=True,
        text=True,
    )
    assert json.loads(shell.stdout)["Account"] == DEV, shell.stderr
    # Role credentials are cached where CLI v2 caches them.
    cached = [
        json.loads(p.read_text()) for p in (world.home / ".aws" / "cli" / "cache").glob("*.json")
    ]
    assert [c["ProviderType"] for c in cached] == ["sso"]


def test_credential_process_serves_tools_that_cannot_do_sso(world):
    world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    assert caller(world, "keys")["Account"] == DEV


def test_debian_v2_sso_login_is_read_by_our_sso_env(world):
    require(V2_AWS.exists(), "Debian's AWS CLI v2")
    from conftest import AwsCli

    v2 = AwsCli("v2", V2_AWS, "")
    login = world("sso", "login", "--profile", "dev", "--no-browser", cli=v2)
    assert login.returncode == 0, login.stderr.decode()
    logins = len(world.sandbox.calls("StartDeviceAuthorization"))
    result = world("sso-env", "--profile", "dev", "--credentials", "--no-login", "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == logins


def test_debian_v2_sso_logout_removes_what_we_wrote(world):
    require(V2_AWS.exists(), "Debian's AWS CLI v2")
    from conftest import AwsCli

    assert world("sso-env", "--profile", "dev", "--credentials", "--format", "json").returncode == 0
    cli_cache = world.home / ".aws" / "cli" / "cache"
    assert (cache(world.home) / SESSION_TOKEN).exists() and list(cli_cache.glob("*.json"))
    logout = world("sso", "logout", cli=AwsCli("v2", V2_AWS, ""))
    assert logout.returncode == 0, logout.stderr.decode()
    assert not (cache(world.home) / SESSION_TOKEN).exists()
    assert not list(cli_cache.glob("*.json"))
    assert len(world.sandbox.calls("Logout")) == 1


def test_a_session_token_near_expiry_is_renewed_without_a_login_in_the_cli_s_own_way(world):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    path = cache(world.home) / SESSION_TOKEN
    aged = age_token(path, 5)
    switch = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")  # refreshable: no new login
    assert switch.returncode == 0 and len(world.sandbox.calls("StartDeviceAuthorization")) == 1
    grants = [c.params.get("grantType") for c in world.sandbox.calls("CreateToken")]
    assert grants[-1] == "refresh_token"
    renewed = json.loads(path.read_text())
    assert (
        renewed["expiresAt"] > aged["expiresAt"] and renewed["accessToken"] != aged["accessToken"]
    )
    assert f"export AWS_SSO_EXT_EXPIRATION={renewed['expiresAt']}" in switch.stdout.decode()
    # The file we renewed is one botocore renews in turn, in the CLI's own commands.
    aged = age_token(path, 5)
    assert caller(world, "dev")["Account"] == DEV
    grants = [c.params.get("grantType") for c in world.sandbox.calls("CreateToken")]
    assert grants[-2:] == ["refresh_token", "refresh_token"]
    assert json.loads(path.read_text())["accessToken"] not in (aged["accessToken"],)


def test_a_legacy_token_near_expiry_leads_to_a_new_login(world):
    assert world("sso-switch", "legacy", AWS_SSO_EXT_SHELL="bash").returncode == 0
    age_token(cache(world.home) / LEGACY_TOKEN, 5)
    assert world("sso-switch", "legacy", AWS_SSO_EXT_SHELL="bash").returncode == 0
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 2
    assert len(world.sandbox.calls("RegisterClient")) == 1  # the registration was reused


def test_two_logins_at_once_leave_one_valid_file(world):
    world.sandbox.approve_after = 1.0
    environment = clean_environment(world.home, **world.environment, AWS_SSO_EXT_SHELL="bash")
    processes = [
        subprocess.Popen(
            [str(world.cli.executable), "sso-switch", "dev"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    token = tokens.read_token(str(cache(world.home) / SESSION_TOKEN))
    assert token is not None and token.refresh_token
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 1  # the second one waited


def test_ctrl_c_while_waiting_for_approval_changes_nothing(world):
    world.sandbox.approve_after = None  # pending until someone approves
    before = snapshot(world.home)
    process = subprocess.Popen(
        [str(world.cli.executable), "sso-switch", "dev"],
        env=clean_environment(world.home, **world.environment, AWS_SSO_EXT_SHELL="bash"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not world.sandbox.calls("CreateToken") and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr.decode()
    assert stdout.strip() == b""
    assert "Traceback" not in stderr.decode()
    assert not (cache(world.home) / SESSION_TOKEN).exists()
    after = {k: v for k, v in snapshot(world.home).items() if k not in before and "sso/cache" in k}
    assert all("clientId" in json.loads(v[0]) for v in after.values())  # a registration at most


# botocore retries throttling, 5xx and refused connections itself; two attempts keep it quick.
FEW_RETRIES = {"AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "standard"}

# (fault, times, operation, args, message): each leaves stdout empty and the cache as it was.
FAULTS = [
    (
        "access_denied",
        1,
        "CreateToken",
        ["sso-switch", "dev"],
        "The sign-in was refused in the browser.",
    ),
    (
        "expired_token",
        1,
        "CreateToken",
        ["sso-switch", "dev"],
        "The sign-in code expired before it was approved",
    ),
    (
        "throttled",
        10,
        "StartDeviceAuthorization",
        ["sso-switch", "dev"],
        "IAM Identity Center is throttling requests",
    ),
    (
        "internal_error",
        10,
        "RegisterClient",
        ["sso-switch", "dev"],
        "AWS answered with a server error (500",
    ),
    (
        "unavailable",
        10,
        "StartDeviceAuthorization",
        ["sso-switch", "dev"],
        "AWS answered with a server error (503",
    ),
]


@pytest.mark.parametrize(("fault", "times", "operation", "args", "message"), FAULTS)
def test_each_injected_login_fault_has_one_clear_message(
    world, fault, times, operation, args, message
):
    before = snapshot(world.home)
    world.sandbox.faults.inject(fault, times=times, operation=operation)
    result = world(*args, AWS_SSO_EXT_SHELL="bash", **FEW_RETRIES)
    assert (result.returncode, result.stdout) == (1, b""), result.stderr.decode()
    stderr = result.stderr.decode()
    assert message in stderr and "Traceback" not in stderr
    changed = {k for k, v in snapshot(world.home).items() if before.get(k) != v}
    assert all("clientId" in json.loads(Path(k).read_text()) for k in changed)  # no token file


def test_a_revoked_session_is_refused_then_logs_in_again(world):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    world.sandbox.revoke_tokens()
    before = snapshot(world.home)
    refused = world(
        "sso-env", "--profile", "dev", "--credentials", "--no-login", "--format", "json"
    )
    assert (refused.returncode, refused.stdout) == (1, b"")
    assert (
        "could not be renewed" in refused.stderr.decode()
        or "no longer valid" in refused.stderr.decode()
    )
    assert snapshot(world.home) == before
    again = world("sso-env", "--profile", "dev", "--credentials", "--format", "json")
    assert again.returncode == 0, again.stderr.decode()
    assert "logging in again" in again.stderr.decode()
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 2


def test_role_the_user_lacks_is_access_denied(world, home):
    config = (home / ".aws" / "config").read_text().replace(DEV, "999999999999", 1)
    (home / ".aws" / "config").write_text(config)
    result = world("sso-env", "--profile", "dev", "--credentials", "--format", "json")
    assert (result.returncode, result.stdout) == (1, b"")
    assert "ReadOnlyAccess" in result.stderr.decode() and "999999999999" in result.stderr.decode()


def test_an_unreachable_identity_center_is_a_network_error(world):
    world.sandbox.stop()
    before = snapshot(world.home)
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash", **FEW_RETRIES)
    assert (result.returncode, result.stdout) == (1, b"")
    assert "Could not reach AWS" in result.stderr.decode()
    assert snapshot(world.home) == before


def test_slow_answers_still_log_in(world):
    world.sandbox.faults.slow(0.3)
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    assert result.returncode == 0, result.stderr.decode()


def test_pending_polls_then_approval(world):
    world.sandbox.faults.inject("authorization_pending", times=2, operation="CreateToken")
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    assert result.returncode == 0, result.stderr.decode()
    assert len(world.sandbox.calls("CreateToken")) == 3


def test_the_browser_is_opened_with_the_verification_address(world, tmp_path):
    world.sandbox.approve_after = None  # only opening the page approves
    browser = tmp_path / "browser"
    browser.write_text(
        f"#!{sys.executable}\nimport os, sys, urllib.request\n"
        "open(sys.argv[0] + '.seen', 'w').write(sys.argv[1] + ' ' + os.environ['LD_LIBRARY_PATH'])\n"
        "urllib.request.urlopen(sys.argv[1]).read()\n"
    )
    browser.chmod(0o755)
    seen = Path(f"{browser}.seen")
    result = world(
        "sso-switch",
        "dev",
        "--use-device-code",
        AWS_SSO_EXT_SHELL="bash",
        BROWSER=str(browser),
        LD_LIBRARY_PATH="/frozen-build/lib",
        LD_LIBRARY_PATH_ORIG="/usr/local/lib",
    )
    assert result.returncode == 0, result.stderr.decode()
    assert seen.read_text().startswith(world.sandbox.url + "/device")
    assert seen.read_text().endswith(" /usr/local/lib")  # the user's own, not the frozen build's
    seen.unlink()
    world.sandbox.approve_after = 0.2
    quiet = world(
        "sso-switch", "legacy", "--no-browser", AWS_SSO_EXT_SHELL="bash", BROWSER=str(browser)
    )
    assert quiet.returncode == 0, quiet.stderr.decode()
    assert not seen.exists()
    assert "/device?user_code=" in quiet.stderr.decode()  # the address is printed all the same


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("throttled", "IAM Identity Center is throttling requests"),
        ("internal_error", "AWS answered with a server error (500"),
    ],
)
def test_each_injected_portal_fault_has_one_clear_message(world, fault, message):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    before = snapshot(world.home)
    world.sandbox.faults.inject(fault, times=10, operation="GetRoleCredentials")
    result = world(
        "sso-env", "--profile", "dev", "--credentials", "--format", "json", **FEW_RETRIES
    )
    assert (result.returncode, result.stdout) == (1, b"")
    assert message in result.stderr.decode() and "Traceback" not in result.stderr.decode()
    assert snapshot(world.home) == before


def test_slow_down_adds_five_seconds_to_the_polling_interval(
    sandbox_environment, home, monkeypatch
):
    """In-process, with the sleep recorded instead of slept."""
    import botocore.session

    from awscli_sso_ext.login import DeviceLogin
    from awscli_sso_ext.profiles import SsoTarget

    sandbox, environment = sandbox_environment
    for name, value in {**environment, "HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    sandbox.faults.inject("slow_down", times=1, operation="CreateToken")
    sandbox.faults.inject("authorization_pending", times=1, operation="CreateToken")
    slept = []
    target = SsoTarget(
        DEV, "ReadOnlyAccess", START_URL, "eu-west-1", "corp", ("sso:account:access",)
    )
    login = DeviceLogin(
        botocore.session.Session(),
        "dev",
        target,
        open_browser=False,
        stderr=io.StringIO(),
        sleep=slept.append,
    )
    token = login.run()
    assert token.refresh_token and token.client_id
    interval = sandbox.lifetimes.polling_interval
    assert slept == [interval + 5, interval + 5]  # slowed once, and it stays slower


def test_short_token_lifetimes_mean_a_legacy_profile_logs_in_each_time(world):
    world.sandbox.lifetimes.access_token = 600  # under the 15 minutes a switch must last
    for _ in range(2):
        result = world("sso-switch", "legacy", AWS_SSO_EXT_SHELL="bash")
        assert result.returncode == 0, result.stderr.decode()
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 2


def test_a_failed_refresh_is_a_login_needed_message(world):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    age_token(cache(world.home) / SESSION_TOKEN, -5)  # expired, but refreshable on paper
    world.sandbox.revoke_tokens()  # ... and the refresh token is refused
    before = snapshot(world.home)
    result = world("sso-env", "--profile", "dev", "--credentials", "--no-login", "--format", "json")
    assert (result.returncode, result.stdout) == (1, b"")
    assert "The SSO session has expired and could not be renewed." in result.stderr.decode()
    assert "Log in again: aws sso-switch dev" in result.stderr.decode()
    assert snapshot(world.home) == before


def test_a_corrupt_token_file_is_named_and_replaced_by_a_login(world):
    path = cache(world.home) / SESSION_TOKEN
    path.parent.mkdir(parents=True)
    path.write_text('{"accessToken": "half')
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    assert result.returncode == 0, result.stderr.decode()
    assert f"The SSO cache file {path}" in result.stderr.decode()
    assert tokens.read_token(str(path)).refresh_token


def test_a_cache_folder_that_cannot_be_written_is_a_clear_failure(world):
    (world.home / ".aws" / "sso").write_text("a file where the cache folder should be")
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    assert (result.returncode, result.stdout) == (1, b"")
    stderr = result.stderr.decode()
    assert "aws sso-switch: could not use" in stderr and "Traceback" not in stderr


def test_debug_logs_never_show_a_token_or_key(world):
    login = world("--debug", "sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    assert login.returncode == 0, login.stderr.decode()[-2000:]
    keys = world("--debug", "sso-env", "--profile", "dev", "--credentials", "--format", "json")
    assert keys.returncode == 0, keys.stderr.decode()[-2000:]
    token = json.loads((cache(world.home) / SESSION_TOKEN).read_text())
    role = json.loads(keys.stdout)
    secrets = [token["accessToken"], token["refreshToken"], token["clientSecret"]]
    secrets += [role["AWS_SECRET_ACCESS_KEY"], role["AWS_SESSION_TOKEN"]]
    log = login.stderr.decode() + keys.stderr.decode()
    assert "DEBUG" in log and "***" in log  # the log is there, with the values masked
    for secret in secrets:
        assert secret not in log


def test_profile_status_reads_both_caches_without_network(home, monkeypatch):
    from datetime import datetime, timezone

    from awscli_sso_ext.credentials import ProfileStatus, credential_cache_file, profile_status
    from awscli_sso_ext.profiles import SsoTarget

    monkeypatch.setenv("HOME", str(home))
    target = SsoTarget(
        DEV, "ReadOnlyAccess", START_URL, "eu-west-1", "corp", ("sso:account:access",)
    )
    now = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert profile_status(target, now) == ProfileStatus(None, False, None)  # nothing cached
    write_token(
        home,
        "corp",
        expiresAt="2030-01-01T00:05:00Z",
        refreshToken="r",
        clientId="c",
        clientSecret="s",
        registrationExpiresAt="2030-03-01T00:00:00Z",
    )
    cached = Path(credential_cache_file(target))
    cached.parent.mkdir(parents=True)
    cached.write_text(
        json.dumps({"ProviderType": "sso", "Credentials": {"Expiration": "2030-01-01T01:00:00Z"}})
    )
    status = profile_status(target, now)
    assert status.token_expires_at == datetime(2030, 1, 1, 0, 5, tzinfo=timezone.utc)
    assert status.can_refresh
    assert status.credentials_expire_at == datetime(2030, 1, 1, 1, 0, tzinfo=timezone.utc)
