"""Tests for awscli_sso_ext.tokens against the real botocore (v1, this venv) and AWS CLI v2."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import types
from datetime import datetime, timedelta, timezone

import pytest
from botocore.utils import JSONFileCache, SSOTokenLoader
from hypothesis import given, settings
from hypothesis import strategies as st

from awscli_sso_ext import tokens
from awscli_sso_ext.tokens import (
    CacheFileError,
    Registration,
    Token,
    cache_lock,
    needs_login,
    read_registration,
    read_token,
    registration_cache_key,
    registration_path,
    token_path,
    write_json_atomically,
)

NOW = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
START_URL = "https://d-1234567890.awsapps.com/start"
CLI_V2 = "/usr/bin/aws"
CLI_V2_PYTHON = "/usr/bin/python3"

# What `aws sso login` (v2) writes after a session-style device login, field for field.
CLI_TOKEN = {
    "startUrl": START_URL,
    "region": "eu-west-1",
    "accessToken": "aoaAAAAAGV-access",
    "expiresAt": "2030-01-01T20:00:00Z",
    "clientId": "client-id-1",
    "clientSecret": "client-secret-1",
    "registrationExpiresAt": "2030-03-31T00:00:00Z",
    "refreshToken": "aorAAAAAGV-refresh",
}


def make_token(left: timedelta, **fields) -> Token:
    return Token(access_token="at", expires_at=NOW + left, start_url=START_URL, **fields)


REFRESHABLE = {
    "client_id": "cid",
    "client_secret": "secret",
    "refresh_token": "rt",
    "registration_expires_at": NOW + timedelta(days=30),
}


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def cache_dir(tmp_path):
    return str(tmp_path / "cache")


def require_cli_v2() -> None:
    """Skip visibly without Debian's AWS CLI v2; in CI that is a failure."""
    if os.path.exists(CLI_V2) and os.path.exists(CLI_V2_PYTHON):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CLI_V2} (AWS CLI v2) is required in CI")
    pytest.skip(f"{CLI_V2} (AWS CLI v2) is not installed")


def run_python(python: str, script: str, home, stdin: object = None) -> object:
    """Run `script` isolated (-I) in `python` with HOME=home; its stdout is JSON."""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "AWS_CONFIG_FILE": f"{home}/config"}
    result = subprocess.run(
        [python, "-I", "-c", textwrap.dedent(script)],
        input=json.dumps(stdin),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- Paths -----------------------------------------------------------------------------


def test_cache_dir_follows_home_at_call_time(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "a"))
    first = tokens.sso_cache_dir()
    monkeypatch.setenv("HOME", str(tmp_path / "b"))
    assert first == str(tmp_path / "a" / ".aws" / "sso" / "cache")
    assert tokens.sso_cache_dir() == str(tmp_path / "b" / ".aws" / "sso" / "cache")
    assert tokens.sso_cache_dir("/elsewhere") == "/elsewhere"
    assert token_path(START_URL, cache_dir="/elsewhere").startswith("/elsewhere/")


def test_token_key_is_sha1_of_session_name_or_start_url():
    assert tokens.token_cache_key(START_URL) == hashlib.sha1(START_URL.encode()).hexdigest()
    assert tokens.token_cache_key(START_URL, "my-sso") == hashlib.sha1(b"my-sso").hexdigest()


@settings(max_examples=40, deadline=None)
@given(start_url=st.text(min_size=1), session_name=st.none() | st.text(min_size=1))
def test_botocore_loader_finds_the_token_we_write(start_url, session_name):
    with tempfile.TemporaryDirectory() as folder:
        path = token_path(start_url, session_name, cache_dir=folder)
        write_json_atomically(path, make_token(timedelta(hours=1), region="us-east-1").to_dict())
        loaded = SSOTokenLoader(cache=JSONFileCache(folder))(start_url, session_name=session_name)
    assert loaded["accessToken"] == "at"
    assert loaded["expiresAt"] == "2030-01-01T13:00:00Z"


# Real botocore resolving both profile styles from HOME, without network: a token with more
# than 15 minutes left is used as is.
RESOLVE_SCRIPT = """
    import json, sys
    try:
        import awscli  # AWS CLI v2 vendors botocore; importing awscli makes it importable
    except ImportError:
        pass
    import botocore.session
    from botocore.tokens import SSOTokenProvider
    from botocore.utils import JSONFileCache, SSOTokenLoader

    session = botocore.session.Session(profile="with-session")
    frozen = SSOTokenProvider(session).load_token().get_frozen_token()
    legacy = SSOTokenLoader(JSONFileCache(SSOTokenProvider._SSO_TOKEN_CACHE_DIR))
    print(json.dumps({
        "session_token": frozen.token,
        "session_expiry": frozen.expiration.isoformat(),
        "legacy_token": legacy("https://legacy.example/start")["accessToken"],
    }))
"""
CONFIG = f"""\
[profile with-session]
sso_session = my-sso
sso_account_id = 111111111111
sso_role_name = Admin

[sso-session my-sso]
sso_start_url = {START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://legacy.example/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = Admin
"""


@pytest.mark.parametrize("host", ["venv botocore (AWS CLI v1)", "AWS CLI v2"])
def test_real_botocore_resolves_tokens_we_wrote_under_home(host, home):
    if host == "AWS CLI v2":
        require_cli_v2()
    python = CLI_V2_PYTHON if host == "AWS CLI v2" else sys.executable
    (home / "config").write_text(CONFIG)
    expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=2)
    session_token = Token("session-at", expires, START_URL, "eu-west-1")
    legacy_token = Token("legacy-at", expires, "https://legacy.example/start", "eu-west-1")
    write_json_atomically(token_path(START_URL, "my-sso"), session_token.to_dict())
    write_json_atomically(token_path("https://legacy.example/start"), legacy_token.to_dict())

    seen = run_python(python, RESOLVE_SCRIPT, home)

    assert seen["session_token"] == "session-at"
    assert datetime.fromisoformat(seen["session_expiry"]) == expires
    assert seen["legacy_token"] == "legacy-at"


def test_registration_key_is_sha1_of_the_clis_sorted_spaced_json():
    # Hand-written: json.dumps(sort_keys=True) with its default ", " and ": " separators.
    legacy = '{"region": "eu-west-1", "scopes": null, "session_name": null, "startUrl": "%s", '
    legacy += '"tool": "botocore"}'
    expected = hashlib.sha1((legacy % START_URL).encode()).hexdigest()
    assert registration_cache_key(START_URL, "eu-west-1") == expected
    scoped = registration_cache_key(START_URL, "eu-west-1", "s", ["b", "a"])
    assert scoped != registration_cache_key(START_URL, "eu-west-1", "s", ["a", "b"])
    assert registration_cache_key(START_URL, "eu-west-1", "s", []) != registration_cache_key(
        START_URL, "eu-west-1", "s", None
    )


# AWS CLI v2's own `aws sso login` code (do_sso_login) against a fake OIDC service: it writes
# the registration and the token into ~/.aws/sso/cache exactly as the real command does.
CLI_LOGIN_SCRIPT = """
    import json, os, sys
    import awscli
    from awscli.customizations.sso.utils import (
        SSO_TOKEN_DIR, do_sso_login, parse_sso_registration_scopes)
    from botocore.utils import SSOTokenFetcher

    class FakeOIDC:
        class exceptions:
            class SlowDownException(Exception):
                pass
            AuthorizationPendingException = ExpiredTokenException = SlowDownException

        def register_client(self, clientName, **kwargs):
            return {"clientId": "id-" + clientName, "clientSecret": "secret",
                    "clientSecretExpiresAt": 1900000000}

        def start_device_authorization(self, **kwargs):
            return {"deviceCode": "dc", "userCode": "UC", "verificationUri": "https://v",
                    "verificationUriComplete": "https://v?c", "expiresIn": 600, "interval": 1}

        def create_token(self, **kwargs):
            return {"accessToken": "at-" + kwargs["clientId"], "expiresIn": 28800,
                    "refreshToken": "rt", "tokenType": "Bearer"}

    class FakeSession:
        def create_client(self, name, config=None, **kwargs):
            return FakeOIDC()

    out = []
    for case in json.load(sys.stdin)["logins"]:
        do_sso_login(FakeSession(), case["region"], case["start_url"],
                     on_pending_authorization=lambda **kwargs: None,
                     registration_scopes=case["scopes"], session_name=case["session_name"])
        fetcher = SSOTokenFetcher(case["region"], client_creator=None)
        key = fetcher._registration_cache_key(
            case["start_url"], case["session_name"], case["scopes"])
        out.append({"registration_key": key, "files": sorted(os.listdir(SSO_TOKEN_DIR))})
    raw = ["sso:account:access", " a , ,b,", "", ","]
    print(json.dumps({"logins": out, "scopes": [parse_sso_registration_scopes(r) for r in raw]}))
"""
SCOPES = ["sso:account:access"]
LOGINS = [
    {"start_url": START_URL, "region": "eu-west-1", "session_name": None, "scopes": None},
    {"start_url": START_URL, "region": "eu-west-1", "session_name": "my-sso", "scopes": None},
    {"start_url": START_URL, "region": "eu-west-1", "session_name": "s", "scopes": SCOPES},
    {"start_url": START_URL, "region": "us-east-1", "session_name": "u", "scopes": ["b", "a"]},
    {"start_url": START_URL, "region": "us-east-1", "session_name": "t", "scopes": []},
    {
        "start_url": "https://ünï.example/",
        "region": "ap-east-1",
        "session_name": "sé",
        "scopes": SCOPES,
    },
]


def test_cli_v2_login_writes_where_we_look_and_what_we_read(home):
    require_cli_v2()
    seen = run_python(CLI_V2_PYTHON, CLI_LOGIN_SCRIPT, home, {"logins": LOGINS})

    assert seen["scopes"] == [
        tokens.parse_registration_scopes(raw) for raw in ["sso:account:access", " a , ,b,", "", ","]
    ]
    for case, result in zip(LOGINS, seen["logins"]):
        args = (case["start_url"], case["region"], case["session_name"], case["scopes"])
        assert registration_cache_key(*args) == result["registration_key"]
        path = registration_path(*args)
        assert os.path.basename(path) in result["files"]
        registration = read_registration(path)
        assert registration.client_id.startswith("id-botocore-client-")
        assert registration.expires_at == datetime(2030, 3, 17, 17, 46, 40, tzinfo=timezone.utc)
        assert registration.scopes == (case["scopes"] or None)
        with open(path) as file:
            assert json.load(file)["expiresAt"] == "2030-03-17T17:46:40Z"
        token = read_token(token_path(case["start_url"], case["session_name"]))
        assert token.access_token == "at-" + registration.client_id
        assert token.region == case["region"]
        assert token.registration_expires_at == registration.expires_at
        assert token.refresh_token == "rt"


def test_cli_v2_logout_deletes_our_token_and_keeps_lock_and_registration(home, monkeypatch):
    require_cli_v2()
    # No region: otherwise logout would call the portal's Logout API first.
    path = token_path(START_URL, "my-sso")
    with cache_lock(path):
        write_json_atomically(path, Token("at", NOW, START_URL).to_dict())
    registration = registration_path(START_URL, "eu-west-1", "my-sso", None)
    write_json_atomically(registration, Registration("c", "s", NOW).to_dict())

    result = subprocess.run(
        [CLI_V2, "sso", "logout"],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    left = sorted(os.listdir(os.path.dirname(path)))
    assert left == sorted(
        [os.path.basename(registration), os.path.basename(tokens.lock_path(path))]
    )


# --- Format ----------------------------------------------------------------------------


def test_reads_the_token_aws_sso_login_writes_and_writes_it_back_identically(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(CLI_TOKEN))

    token = read_token(str(path))

    assert token.start_url == START_URL
    assert token.region == "eu-west-1"
    assert token.access_token == "aoaAAAAAGV-access"
    assert token.expires_at == datetime(2030, 1, 1, 20, 0, tzinfo=timezone.utc)
    assert token.client_id == "client-id-1"
    assert token.client_secret == "client-secret-1"
    assert token.registration_expires_at == datetime(2030, 3, 31, tzinfo=timezone.utc)
    assert token.refresh_token == "aorAAAAAGV-refresh"
    assert token.to_dict() == CLI_TOKEN


def test_rewrite_keeps_fields_we_do_not_model(cache_dir):
    path = os.path.join(cache_dir, "t.json")
    original = {**CLI_TOKEN, "receivedAt": "2030-01-01T12:00:00Z", "future": {"a": [1, None]}}
    write_json_atomically(path, original)

    token = read_token(path)
    token.access_token = "new"
    token.refresh_token = None
    write_json_atomically(path, token.to_dict())

    with open(path) as file:
        rewritten = json.load(file)
    expected = {**original, "accessToken": "new"}
    del expected["refreshToken"]
    assert rewritten == expected


@pytest.fixture
def tokyo(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_are_written_utc_with_z_whatever_tz(tokyo):
    assert time.localtime(0).tm_hour == 9  # the TZ really is in effect
    local_expiry = datetime(2030, 1, 2, 5, 30, 15, 999999).astimezone()  # 05:30 JST
    token = Token("at", local_expiry, registration_expires_at=datetime.now().astimezone())

    written = token.to_dict()

    assert written["expiresAt"] == "2030-01-01T20:30:15Z"
    assert written["registrationExpiresAt"].endswith("Z")
    assert Token.from_dict(written).expires_at == datetime(
        2030, 1, 1, 20, 30, 15, tzinfo=timezone.utc
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2030-01-01T12:00:00Z", NOW),
        ("2030-01-01T12:00:00UTC", NOW),  # JSONFileCache's own "%Z" format
        ("2030-01-01T12:00:00+00:00", NOW),
        ("2030-01-01T12:00:00", NOW),
        ("2030-01-01T12:00:00.5Z", NOW + timedelta(microseconds=500000)),
        ("2030-01-01T12:00:00.123456789Z", NOW + timedelta(microseconds=123456)),
        ("2030-01-01T21:00:00+09:00", NOW),
        ("2030-01-01T07:30:00-0430", NOW),
    ],
)
def test_parse_time_accepts_what_sdks_write(text, expected):
    parsed = tokens.parse_time(text)
    assert parsed == expected
    assert parsed.tzinfo == timezone.utc


@pytest.mark.parametrize("text", ["", "tomorrow", "2030-01-01", "2030-13-01T00:00:00Z", 1893456000])
def test_parse_time_refuses_what_is_not_a_time(text):
    with pytest.raises(ValueError):
        tokens.parse_time(text)


@given(st.datetimes(datetime(1970, 1, 2), datetime(9998, 12, 31), timezones=st.timezones()))
def test_format_then_parse_is_the_same_instant_to_the_second(moment):
    # Compared in UTC: PEP 495 makes ambiguous local times unequal to every other zone.
    expected = moment.astimezone(timezone.utc).replace(microsecond=0)
    assert tokens.parse_time(tokens.format_time(moment)) == expected


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        Token("at", datetime(2030, 1, 1))


# --- Files -----------------------------------------------------------------------------


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_write_creates_private_folders_and_a_0600_file(home, umask_022):
    path = token_path(START_URL)

    write_json_atomically(path, CLI_TOKEN)

    assert mode(home / ".aws") == 0o700
    assert mode(home / ".aws" / "sso") == 0o700
    assert mode(home / ".aws" / "sso" / "cache") == 0o700
    assert mode(path) == 0o600
    assert os.listdir(os.path.dirname(path)) == [os.path.basename(path)]


def test_existing_folders_keep_their_mode_and_a_0644_file_becomes_0600(home, umask_022):
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, mode=0o755)
    path = cache / "t.json"
    path.write_text("{}")
    path.chmod(0o644)

    write_json_atomically(str(path), CLI_TOKEN)

    assert mode(cache) == 0o755
    assert mode(path) == 0o600
    assert json.loads(path.read_text()) == CLI_TOKEN


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(cache_dir, monkeypatch):
    path = os.path.join(cache_dir, "t.json")
    write_json_atomically(path, CLI_TOKEN)

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(tokens.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_json_atomically(path, {"accessToken": "new"})

    assert os.listdir(cache_dir) == ["t.json"]
    assert read_token(path).to_dict() == CLI_TOKEN


def token_for(writer: int, round_: int) -> dict:
    """A large token whose every field says who wrote it, so a mix can't go unnoticed."""
    tag = f"{writer}-{round_}"
    return {**CLI_TOKEN, "startUrl": tag, "accessToken": tag * 20000, "refreshToken": tag}


def write_rounds(path: str, writer: int, rounds: int) -> None:
    for round_ in range(rounds):
        with cache_lock(path):
            write_json_atomically(path, token_for(writer, round_))


def increment_rounds(path: str, rounds: int) -> None:
    for _ in range(rounds):
        with cache_lock(path):
            data = read_token(path).to_dict()
            data["count"] += 1
            write_json_atomically(path, data)


needs_flock = pytest.mark.skipif(tokens.fcntl is None, reason="no fcntl on this platform")


def start_processes(target, *args_per_process):
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=target, args=args) for args in args_per_process]
    for process in processes:
        process.start()
    return processes


def join_all(processes) -> None:
    for process in processes:
        process.join(30)
        assert process.exitcode == 0


@needs_flock
def test_concurrent_writers_never_leave_a_torn_or_mixed_file(cache_dir):
    path = os.path.join(cache_dir, "t.json")
    write_json_atomically(path, token_for(0, 0))
    writers = start_processes(write_rounds, (path, 1, 60), (path, 2, 60))
    reads = 0
    while any(writer.is_alive() for writer in writers) or reads == 0:
        with open(path) as file:
            data = json.load(file)  # no retry here: a torn file fails at once
        tag = data["startUrl"]
        assert data["accessToken"] == tag * 20000 and data["refreshToken"] == tag
        reads += 1
    join_all(writers)
    assert read_token(path).start_url in ("1-59", "2-59")


@needs_flock
def test_the_lock_makes_read_modify_write_exclusive(cache_dir):
    path = os.path.join(cache_dir, "t.json")
    write_json_atomically(path, {**CLI_TOKEN, "count": 0})

    join_all(start_processes(increment_rounds, (path, 100), (path, 100)))

    assert read_token(path).extra["count"] == 200


def write_when_told(path: str, go) -> None:
    go.wait(10)
    write_rounds(path, 1, 1)


@needs_flock
def test_a_second_locker_waits_until_the_first_releases(cache_dir):
    path = os.path.join(cache_dir, "t.json")
    go = multiprocessing.get_context("fork").Event()
    # Forked before we lock: a child forked while we hold it would share our lock.
    (waiter,) = start_processes(write_when_told, (path, go))
    with cache_lock(path):
        go.set()
        waiter.join(0.3)
        assert waiter.is_alive() and not os.path.exists(path)
    join_all([waiter])
    assert read_token(path).start_url == "1-0"
    lock = tokens.lock_path(path)
    assert lock == os.path.join(cache_dir, "t.lock")
    assert os.path.getsize(lock) == 0 and mode(lock) == 0o600


# --- Reading what is there -------------------------------------------------------------


def test_absent_files_and_folders_read_as_none(tmp_path):
    assert read_token(str(tmp_path / "missing" / "t.json")) is None
    assert read_registration(str(tmp_path / "r.json")) is None


@pytest.mark.parametrize(
    "content, problem",
    [
        ("", "is not valid JSON"),
        ('{"accessToken": "a", "expiresAt": "2030', "is not valid JSON"),
        ("\udcff", "is not valid JSON"),
        ("[]", "does not hold a JSON object"),
        ("null", "does not hold a JSON object"),
        ('{"expiresAt": "2030-01-01T00:00:00Z"}', "lacks accessToken"),
        ('{"accessToken": "a"}', "lacks expiresAt"),
        ("{}", "lacks accessToken and expiresAt"),
        (
            '{"accessToken": "a", "expiresAt": "soon"}',
            "has expiresAt = 'soon', which is not an ISO 8601 time",
        ),
        (
            '{"accessToken": 5, "expiresAt": "2030-01-01T00:00:00Z"}',
            "has accessToken of the wrong type: expected a string",
        ),
    ],
)
def test_unusable_token_file_raises_an_error_naming_file_and_fix(
    tmp_path, monkeypatch, content, problem
):
    monkeypatch.setattr(tokens, "_TORN_READ_RETRY_DELAY", 0)
    path = tmp_path / "t.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))

    with pytest.raises(CacheFileError) as caught:
        read_token(str(path))

    message = str(caught.value)
    assert str(path) in message and problem in message
    assert "Delete it, then log in again" in message
    assert caught.value.path == str(path)


def test_unusable_registration_says_a_new_client_will_be_registered(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"clientId": "c", "expiresAt": "2030-01-01T00:00:00Z", "scopes": "x"}')

    with pytest.raises(CacheFileError, match=r"lacks clientSecret.*registers a new client"):
        read_registration(str(path))
    path.write_text('{"clientId": "c", "clientSecret": "s", "expiresAt": "x", "scopes": "x"}')
    with pytest.raises(CacheFileError, match="has expiresAt = 'x', which is not an ISO 8601 time"):
        read_registration(str(path))


def test_a_folder_in_place_of_the_file_is_reported_not_raised_raw(tmp_path):
    (tmp_path / "t.json").mkdir()
    with pytest.raises(CacheFileError, match="can't be read"):
        read_token(str(tmp_path / "t.json"))


def test_a_file_caught_mid_rewrite_is_read_once_complete(tmp_path, monkeypatch):
    # AWS CLI v2 truncates, then writes: we may open it empty. We look once more.
    path = tmp_path / "t.json"
    path.write_text("")
    finish_write = types.SimpleNamespace(sleep=lambda _: path.write_text(json.dumps(CLI_TOKEN)))
    monkeypatch.setattr(tokens, "time", finish_write)

    assert read_token(str(path)).to_dict() == CLI_TOKEN


# --- When to log in --------------------------------------------------------------------


@pytest.mark.parametrize(
    "left, fields, session_style, expected",
    [
        (timedelta(minutes=15), {}, True, False),
        (timedelta(minutes=15), {}, False, False),
        (timedelta(minutes=14, seconds=59), {}, True, True),
        (timedelta(minutes=14, seconds=59), REFRESHABLE, True, False),
        (timedelta(minutes=14, seconds=59), REFRESHABLE, False, True),  # legacy: never refreshed
        (timedelta(seconds=-1), REFRESHABLE, True, False),  # botocore refreshes expired ones too
        (timedelta(seconds=-1), REFRESHABLE, False, True),
        (timedelta(seconds=-1), {**REFRESHABLE, "registration_expires_at": NOW}, True, True),
        (timedelta(minutes=1), {**REFRESHABLE, "refresh_token": None}, True, True),
        (timedelta(minutes=1), {**REFRESHABLE, "client_secret": None}, True, True),
    ],
)
def test_needs_login_policy(left, fields, session_style, expected):
    token = make_token(left, **fields)
    assert needs_login(token, NOW, session_style=session_style) is expected


def test_no_token_needs_login():
    assert needs_login(None, NOW, session_style=True)


def test_seconds_left_and_expiry_at_the_boundary():
    token = make_token(timedelta(seconds=1))
    assert token.seconds_left(NOW) == 1 and not token.is_expired(NOW)
    assert token.is_expired(NOW + timedelta(seconds=1))
    assert token.seconds_left(NOW + timedelta(hours=1)) == -3599


@given(
    left=st.timedeltas(min_value=timedelta(hours=-2), max_value=timedelta(hours=2)),
    registration_left=st.timedeltas(min_value=timedelta(hours=-2), max_value=timedelta(hours=2)),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=4)),
    refresh_token=st.none() | st.just("rt"),
    session_style=st.booleans(),
)
def test_once_a_login_is_needed_it_stays_needed(
    left, registration_left, later, refresh_token, session_style
):
    token = make_token(
        left,
        client_id="cid",
        client_secret="secret",
        refresh_token=refresh_token,
        registration_expires_at=NOW + registration_left,
    )
    if left >= tokens.REFRESH_WINDOW:
        assert not needs_login(token, NOW, session_style=session_style)
    if needs_login(token, NOW, session_style=session_style):
        assert needs_login(token, NOW + later, session_style=session_style)


@pytest.mark.parametrize(
    "left, grant_types, expected",
    [
        (timedelta(minutes=15), None, True),
        (timedelta(minutes=14, seconds=59), None, False),
        (timedelta(days=90), ["authorization_code", "refresh_token"], False),  # PKCE client
        (timedelta(days=90), ["urn:ietf:params:oauth:grant-type:device_code"], True),
    ],
)
def test_registration_is_reused_like_the_clis_device_flow_does(left, grant_types, expected):
    registration = Registration("c", "s", NOW + left, grant_types=grant_types)
    assert registration.is_valid_at(NOW) is expected


def test_registration_round_trips_in_the_clis_format(tmp_path):
    written = {
        "clientId": "c",
        "clientSecret": "s",
        "expiresAt": "2030-03-17T17:46:40Z",
        "scopes": ["sso:account:access"],
        "grantTypes": ["authorization_code", "refresh_token"],
        "receivedAt": "2030-01-01T00:00:00Z",
    }
    path = str(tmp_path / "r.json")
    write_json_atomically(path, written)
    assert read_registration(path).to_dict() == written
    assert Registration("c", "s", NOW).to_dict() == {
        "clientId": "c",
        "clientSecret": "s",
        "expiresAt": "2030-01-01T12:00:00Z",
    }
