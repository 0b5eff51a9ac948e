"""Logins that end in bounded time, happen once for many callers, and check every answer."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from conftest import clean_environment
from login_world import (
    DEV,
    SESSION_TOKEN,
    age_token,
    cache,
    snapshot,
)

from awscli_sso_ext import tokens
from awscli_sso_ext.sandbox import REMOVE
from awscli_sso_ext.sandbox.rulesets import write_data_path

CALLERS = 10


def recording_browser(tmp_path: Path) -> tuple[Path, Path]:
    """(a BROWSER command that appends each address it is given to a file, that file)."""
    opened = tmp_path / "browser-opened"
    browser = tmp_path / "record-browser"
    browser.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$1\" >>{opened}\n")
    browser.chmod(0o755)
    return browser, opened


def opened_addresses(opened: Path) -> list[str]:
    return opened.read_text().splitlines() if opened.exists() else []


def run_at_once(world, count: int, *args: str, **extra: str) -> list[tuple[int, str, str]]:
    """`count` real CLI processes started together: [(exit status, stdout, stderr)]."""
    environment = clean_environment(world.home, **{**world.environment, **extra})
    processes = [
        subprocess.Popen(
            [str(world.cli.executable), *args],
            env=environment,
            cwd=world.home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        results.append((process.returncode, stdout.decode(), stderr.decode()))
    return results


# --- Bounded waits ------------------------------------------------------------------------


@pytest.mark.slow
def test_an_endpoint_that_never_answers_is_reported_within_a_minute_by_default(world):
    before = snapshot(world.home)
    world.sandbox.faults.hang()
    began = time.monotonic()
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    elapsed = time.monotonic() - began
    stderr = result.stderr.decode()
    assert (result.returncode, result.stdout) == (1, b""), stderr
    assert elapsed < 60, elapsed
    assert world.sandbox.url in stderr  # the endpoint, named
    assert "--cli-read-timeout" in stderr  # and how to wait longer
    assert "Traceback" not in stderr
    assert snapshot(world.home) == before


def test_cli_read_timeout_and_retry_settings_bound_every_attempt(world):
    world.sandbox.faults.hang(operation="RegisterClient")
    began = time.monotonic()
    result = world("--cli-read-timeout", "3", "sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    elapsed = time.monotonic() - began
    stderr = result.stderr.decode()
    assert (result.returncode, result.stdout) == (1, b""), stderr
    attempts = len(world.sandbox.calls("RegisterClient"))
    assert 3 * attempts <= elapsed < 3 * attempts + 10, (elapsed, attempts)
    assert f"{world.sandbox.url}/client/register" in stderr and "3 s" in stderr
    # The profile's retry settings are the CLI's: one attempt, then the answer.
    world.sandbox.clear_calls()
    began = time.monotonic()
    once = world(
        "--cli-read-timeout",
        "2",
        "sso-switch",
        "dev",
        AWS_SSO_EXT_SHELL="bash",
        AWS_MAX_ATTEMPTS="1",
    )
    assert once.returncode == 1 and time.monotonic() - began < 2 + 8
    assert len(world.sandbox.calls("RegisterClient")) == 1


def test_cli_connect_timeout_reaches_our_clients(world, tmp_path):
    """A port that never accepts (a listening socket with a full backlog) times out the
    connection; the message names the endpoint and the option."""
    import socket

    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(0)
    port = blackhole.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):  # fill the accept queue so further connects hang in SYN
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        url = f"http://127.0.0.1:{port}"
        began = time.monotonic()
        result = world(
            "--cli-connect-timeout",
            "2",
            "sso-switch",
            "dev",
            AWS_SSO_EXT_SHELL="bash",
            AWS_MAX_ATTEMPTS="1",
            AWS_ENDPOINT_URL_SSO_OIDC=url,
            AWS_DATA_PATH=str(write_data_path(tmp_path / "blackhole", url)),
        )
        elapsed = time.monotonic() - began
    finally:
        for each in (*fillers, blackhole):
            each.close()
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert elapsed < 15, elapsed
    assert "Traceback" not in stderr and "--cli-connect-timeout" in stderr


def test_a_second_terminal_says_it_waits_for_the_login_in_progress_and_takes_it(world, tmp_path):
    world.sandbox.approve_after = 4.0
    environment = clean_environment(world.home, **world.environment, AWS_SSO_EXT_SHELL="bash")
    first = subprocess.Popen(
        [str(world.cli.executable), "sso-switch", "dev"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not world.sandbox.calls("StartDeviceAuthorization") and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.run(
        [str(world.cli.executable), "sso-env", "--profile", "dev", "--format", "json"],
        env=environment,
        capture_output=True,
        timeout=60,
    )
    first.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, second.stderr.decode()
    stderr = second.stderr.decode()
    assert stderr.count("waiting for the login in progress in another terminal") == 1, stderr
    assert "Ctrl-C cancels" in stderr
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 1
    token = json.loads((cache(world.home) / SESSION_TOKEN).read_text())
    assert json.loads(second.stdout)["AWS_SSO_EXT_EXPIRATION"] == token["expiresAt"]


def ten_callers_for_keys(world, tmp_path: Path) -> tuple[list[tuple[int, str, str]], Path]:
    """CALLERS processes asking for dev's keys at once, each succeeding: (their results, the
    file of the addresses their browser was given)."""
    browser, opened = recording_browser(tmp_path)
    args = ("sso-env", "--profile", "dev", "--credentials", "--format", "json", "--use-device-code")
    results = run_at_once(world, CALLERS, *args, BROWSER=str(browser))
    assert [status for status, _, _ in results] == [0] * CALLERS, results
    return results, opened


# --- One login for everyone --------------------------------------------------------------


@pytest.mark.slow
def test_ten_callers_on_a_revoked_session_cause_one_login_and_one_browser(world, tmp_path):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    world.sandbox.revoke_tokens()
    world.sandbox.clear_calls()
    results, opened = ten_callers_for_keys(world, tmp_path)
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 1
    assert len(opened_addresses(opened)) == 1
    assert all(json.loads(out)["AWS_ACCESS_KEY_ID"].startswith("ASIA") for _, out, _ in results)


@pytest.mark.slow
def test_ten_callers_racing_to_renew_one_session_need_no_login(world, tmp_path):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    age_token(cache(world.home) / SESSION_TOKEN, -5)  # expired: each caller wants to renew it
    world.sandbox.clear_calls()
    world.sandbox.faults.slow(1.0, operation="CreateToken")  # renewals in flight together
    _, opened = ten_callers_for_keys(world, tmp_path)
    renewals = [
        call
        for call in world.sandbox.calls("CreateToken")
        if call.params.get("grantType") == "refresh_token" and call.status == 200
    ]
    assert len(renewals) == 1  # one renewal; the siblings took its token
    assert len(world.sandbox.calls("CreateToken")) == 1  # and none of them tried another
    assert world.sandbox.calls("StartDeviceAuthorization") == []
    assert opened_addresses(opened) == []


@pytest.mark.slow
def test_ten_callers_whose_renewal_is_refused_cause_one_login_and_one_browser(world, tmp_path):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    age_token(cache(world.home) / SESSION_TOKEN, -5)
    world.sandbox.revoke_tokens()  # the refresh token too: InvalidGrantException
    world.sandbox.clear_calls()
    _, opened = ten_callers_for_keys(world, tmp_path)
    assert len(world.sandbox.calls("StartDeviceAuthorization")) == 1
    assert len(opened_addresses(opened)) == 1


def test_a_session_that_can_no_longer_renew_is_not_switched_to_without_a_login(world):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    age_token(cache(world.home) / SESSION_TOKEN, -5)
    world.sandbox.revoke_tokens()
    world.sandbox.clear_calls()
    result = world("sso-switch", "dev", "--no-login", AWS_SSO_EXT_SHELL="bash")
    assert (result.returncode, result.stdout) == (1, b""), result.stderr.decode()
    stderr = result.stderr.decode()
    assert "The SSO session has expired and could not be renewed." in stderr
    assert "Log in again: aws sso-switch dev" in stderr
    assert world.sandbox.calls("StartDeviceAuthorization") == []


def test_a_renewal_the_service_fails_to_answer_leaves_a_valid_token_in_use(world):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    path = cache(world.home) / SESSION_TOKEN
    aged = age_token(path, 5)  # five minutes left: worth renewing, still good
    world.sandbox.clear_calls()
    world.sandbox.faults.inject("internal_error", times=20, operation="CreateToken")
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    assert result.returncode == 0, result.stderr.decode()
    assert f"export AWS_SSO_EXT_EXPIRATION={aged['expiresAt']}" in result.stdout.decode()
    assert world.sandbox.calls("CreateToken"), result.stderr.decode()
    assert not world.sandbox.calls("StartDeviceAuthorization"), result.stderr.decode()
    assert json.loads(path.read_text()) == aged


def test_a_forced_login_takes_the_token_a_sibling_wrote_meanwhile(
    sandbox_environment, home, monkeypatch
):
    """In-process: the refused token is replaced in the cache before the lock is ours."""
    import io

    import botocore.session

    from awscli_sso_ext.login import DeviceLogin
    from awscli_sso_ext.profiles import SsoTarget

    sandbox, environment = sandbox_environment
    for name, value in {**environment, "HOME": str(home)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    target = SsoTarget(DEV, "ReadOnlyAccess", sandbox.organisation.start_url, "eu-west-1", "corp")
    path = tokens.token_path(target.start_url, "corp")
    refused = tokens.Token("refused", tokens.parse_time("2099-01-01T00:00:00Z"))
    fresh = tokens.Token("from-a-sibling", tokens.parse_time("2099-01-01T00:00:00Z"))
    tokens.write_json_atomically(path, fresh.to_dict())
    login = DeviceLogin(
        botocore.session.Session(),
        "dev",
        target,
        open_browser=False,
        stderr=io.StringIO(),
        refused=refused,
    )
    assert login.run().access_token == "from-a-sibling"
    assert sandbox.calls() == []
    tokens.write_json_atomically(path, refused.to_dict())  # still the refused one: log in
    assert login.run().access_token not in ("refused", "from-a-sibling")
    assert len(sandbox.calls("StartDeviceAuthorization")) == 1


# --- Answers are checked -----------------------------------------------------------------

# (operation, field, value or REMOVE, command): each is exit 1 naming the operation.
LOGIN = ("sso-switch", "dev")
KEYS = ("sso-env", "--profile", "dev", "--credentials", "--format", "json")
MALFORMED = [
    ("RegisterClient", "clientId", REMOVE, LOGIN),
    ("RegisterClient", "clientSecretExpiresAt", "soon", LOGIN),
    ("StartDeviceAuthorization", "deviceCode", REMOVE, LOGIN),
    ("StartDeviceAuthorization", "userCode", 42, LOGIN),
    ("StartDeviceAuthorization", "expiresIn", "ten minutes", LOGIN),
    ("CreateToken", "accessToken", REMOVE, LOGIN),
    ("CreateToken", "expiresIn", {"hours": 8}, LOGIN),
    ("GetRoleCredentials", "roleCredentials", REMOVE, KEYS),
    ("GetRoleCredentials", "roleCredentials.secretAccessKey", REMOVE, KEYS),
    ("GetRoleCredentials", "roleCredentials.expiration", "tomorrow", KEYS),
]


@pytest.mark.parametrize(("operation", "field", "value", "args"), MALFORMED)
def test_a_malformed_answer_is_exit_1_naming_the_operation_and_what_was_wrong(
    world, operation, field, value, args
):
    if args is KEYS:
        assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    before = snapshot(world.home)
    world.sandbox.faults.malform(operation, field, value)
    result = world(*args, AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert (result.returncode, result.stdout) == (1, b""), stderr
    assert "Traceback" not in stderr
    assert operation in stderr
    member = field.rsplit(".", 1)[-1]
    assert f"'{member}'" not in stderr.replace(f"{operation}", "")  # not a bare key name
    assert member in stderr  # what was wrong ...
    assert "missing" in stderr if value is REMOVE else "wrong type" in stderr
    assert "run the command again" in stderr.lower()  # ... and what to do
    changed = {k for k, v in snapshot(world.home).items() if before.get(k) != v}
    assert not [k for k in changed if k.endswith(SESSION_TOKEN)]  # no token from a bad answer


def test_a_malformed_renewal_answer_is_exit_1_too(world):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    age_token(cache(world.home) / SESSION_TOKEN, -5)
    world.sandbox.faults.malform("CreateToken", "accessToken", 12)
    result = world(*KEYS, "--no-login")
    stderr = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in stderr, stderr
    assert "CreateToken" in stderr and "accessToken" in stderr


def test_network_settings_take_what_was_typed_and_ours_for_the_rest():
    from argparse import Namespace

    from awscli_sso_ext import GIVEN_TIMEOUTS, note_given_timeouts
    from awscli_sso_ext.clients import (
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        NetworkSettings,
        network_settings,
    )

    typed = Namespace(read_timeout=3, connect_timeout=None)
    note_given_timeouts(typed)  # before the CLI fills in its 60 s defaults
    assert getattr(typed, GIVEN_TIMEOUTS) == ("read_timeout",)
    typed.connect_timeout = 60  # what the CLI's own handler then sets
    assert network_settings(typed) == NetworkSettings(DEFAULT_CONNECT_TIMEOUT, 3)
    forever = Namespace(read_timeout=0, connect_timeout=None)
    note_given_timeouts(forever)
    forever.read_timeout = None  # the CLI turns 0 into "no limit"
    assert network_settings(forever).read_timeout is None
    # A host that let us note nothing: what it parsed counts as typed.
    assert network_settings(Namespace(read_timeout=7, connect_timeout=5)) == NetworkSettings(5, 7)
    assert network_settings(Namespace()) == NetworkSettings(
        DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT
    )


def test_the_plugin_notes_typed_timeouts_before_the_cli_resolves_them():
    from awscli_sso_ext import awscli_initialize, note_given_timeouts

    first = []

    class Emitter:
        def register(self, event, handler):
            pass

        def register_first(self, event, handler):
            first.append((event, handler))

    awscli_initialize(Emitter())
    assert first == [("top-level-args-parsed", note_given_timeouts)]
