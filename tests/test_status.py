"""`aws sso-status` in-process: every login state, JSON, text, the table at 80 columns, bad input."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import botocore.session
import pytest
from conftest import START_URL, write_token
from hostile import HOSTILE_NAME, profile_header

from awscli_sso_ext import display, tokens
from awscli_sso_ext.status import LOGIN_STATES
from awscli_sso_ext.status_command import SsoStatusCommand
from awscli_sso_ext.status_render import render_table

OTHER_URL = "https://d-9876543210.awsapps.com/start"


def at(seconds: float) -> str:
    """The cache's time format, `seconds` from now (whole seconds, so it reads back equal)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(time.time()) + seconds))


def session_section(name: str, url: str = START_URL) -> str:
    return f"[sso-session {name}]\nsso_start_url = {url}\nsso_region = eu-west-1\n"


def sso_profile(name: str, session: str, account: str, role: str = "ReadOnlyAccess") -> str:
    return (
        f"[profile {name}]\nsso_session = {session}\nsso_account_id = {account}\n"
        f"sso_role_name = {role}\nregion = eu-central-1\n"
    )


CONFIG = "\n".join(
    [
        "[default]\nregion = us-east-1\n",
        sso_profile("valid", "corp", "111111111111") + "sso_account_name = Production (EU)\n",
        sso_profile("renewing", "renewing", "222222222222"),
        sso_profile("renewed-late", "late", "222222222223"),
        sso_profile("expired", "gone", "333333333333"),
        "[profile expiring-legacy]\n"
        f"sso_start_url = {OTHER_URL}\nsso_region = us-east-1\n"
        "sso_account_id = 444444444444\nsso_role_name = Admin\n",
        sso_profile("never", "fresh", "555555555555"),
        sso_profile("torn", "torn", "666666666666"),
        "[profile orphan]\nsso_session = missing\nsso_account_id = 7\nsso_role_name = R\n",
        session_section("corp"),
        session_section("renewing"),
        session_section("late"),
        session_section("gone"),
        session_section("fresh"),
        session_section("torn"),
    ]
)
CREDENTIALS = "[static]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n"


def refreshable(expires: str, registration: str) -> dict:
    return {
        "expiresAt": expires,
        "refreshToken": "refresh",
        "clientId": "client",
        "clientSecret": "secret",
        "registrationExpiresAt": registration,
    }


def role_keys_file(home: Path, session: str, account: str, role: str, expiration: str) -> Path:
    """What botocore's SSO provider caches in ~/.aws/cli/cache (the key as CLI v2 makes it)."""
    key = json.dumps(
        {"accountId": account, "roleName": role, "sessionName": session},
        sort_keys=True,
        separators=(",", ":"),
    )
    path = home / ".aws" / "cli" / "cache" / (hashlib.sha1(key.encode()).hexdigest() + ".json")
    credentials = {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T"}
    tokens.write_json_atomically(
        str(path),
        {"ProviderType": "sso", "Credentials": dict(credentials, Expiration=expiration)},
    )
    return path


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    """HOME with CONFIG and one login cached per state: {name: the time written}."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    config = tmp_path / ".aws" / "config"
    config.parent.mkdir()
    config.write_text(CONFIG, encoding="utf-8")
    (tmp_path / ".aws" / "credentials").write_text(CREDENTIALS, encoding="utf-8")
    times = {
        "valid": at(3 * 3600),
        "renewing": at(5 * 60),
        "late": at(-3600),
        "gone": at(-60),
        "legacy": at(10 * 60),
        "registration": at(80 * 86400),
        "keys": at(50 * 60),
    }
    write_token(tmp_path, "corp", expiresAt=times["valid"])
    write_token(tmp_path, "renewing", **refreshable(times["renewing"], times["registration"]))
    write_token(tmp_path, "late", **refreshable(times["late"], times["registration"]))
    write_token(tmp_path, "gone", **refreshable(times["gone"], at(-1)))  # registration over
    write_token(tmp_path, None, OTHER_URL, expiresAt=times["legacy"])  # legacy: never renews
    torn = tokens.token_path(START_URL, "torn", str(tmp_path / ".aws" / "sso" / "cache"))
    Path(torn).write_text('{"startUrl": "https://d-1234567890.awsapps.com/start", "acc')
    role_keys_file(tmp_path, "corp", "111111111111", "ReadOnlyAccess", times["keys"])
    return times


def status(*, profile=None, output=None, environ=None, stdout=None):
    """(exit code, stdout, stderr) of `aws [--profile P] [--output O] sso-status`."""
    session = botocore.session.Session(profile=profile)
    stdout = stdout if stdout is not None else io.StringIO()
    stderr = io.StringIO()
    command = SsoStatusCommand(
        session, stdout=stdout, stderr=stderr, environ=environ or {}, stdin=io.StringIO()
    )
    code = command([], argparse.Namespace(profile=profile, region=None, output=output))
    return code, stdout.getvalue(), stderr.getvalue()


def test_json_has_every_login_state(seeded):
    code, out, err = status(output="json", environ={"AWS_PROFILE": "renewing"})
    assert code == 0
    document = json.loads(out)
    assert set(document) == {"profiles", "sessions"}
    rows = {row["profile"]: row for row in document["profiles"]}
    assert list(rows) == sorted(rows)  # by name
    states = {name: row["login"] for name, row in rows.items()}
    assert states == {
        "default": "not-sso",
        "expired": "expired",  # expired, and its registration is over: only a login helps
        "expiring-legacy": "expired",  # 10 minutes left, but legacy logins never renew
        "never": "none",
        "orphan": "none",
        "renewed-late": "renews",  # expired, but botocore refreshes it on its next use
        "renewing": "renews",  # inside the 15-minute window, refreshable
        "static": "not-sso",  # from the credentials file
        "torn": "none",
        "valid": "valid",
    }
    assert set(states.values()) == set(LOGIN_STATES)
    assert rows["valid"] == {
        "profile": "valid",
        "account_id": "111111111111",
        "account_name": "Production (EU)",
        "role_name": "ReadOnlyAccess",
        "region": "eu-central-1",
        "sso_session": "corp",
        "sso_start_url": START_URL,
        "login": "valid",
        "login_expires_at": seeded["valid"],
        "credentials_expire_at": seeded["keys"],
        "current": False,
        "problem": None,
    }
    assert rows["renewing"]["current"] is True
    assert [name for name, row in rows.items() if row["current"]] == ["renewing"]
    assert rows["expiring-legacy"]["sso_session"] is None
    assert rows["expiring-legacy"]["sso_start_url"] == OTHER_URL
    assert rows["expiring-legacy"]["login_expires_at"] == seeded["legacy"]
    assert rows["static"]["account_id"] is rows["static"]["login_expires_at"] is None
    # A torn cache file is no login, named with its fix, once on stderr; nothing crashes.
    assert "is not valid JSON" in rows["torn"]["problem"]
    assert "Delete it" in rows["torn"]["problem"]
    assert "no [sso-session missing] section" in rows["orphan"]["problem"]
    assert err.count("is not valid JSON") == 1
    assert err.count("no [sso-session missing] section") == 1
    sessions = {(s["sso_session"], s["sso_start_url"]): s for s in document["sessions"]}
    assert list(sessions) == [
        ("corp", START_URL),
        ("fresh", START_URL),
        ("gone", START_URL),
        ("late", START_URL),
        ("renewing", START_URL),
        ("torn", START_URL),
        (None, OTHER_URL),
    ]
    assert sessions["renewing", START_URL] == {
        "sso_session": "renewing",
        "sso_start_url": START_URL,
        "sso_region": "eu-west-1",
        "login": "renews",
        "login_expires_at": seeded["renewing"],
        "renews_until": seeded["registration"],
        "problem": None,
    }
    assert sessions["corp", START_URL]["renews_until"] is None  # no refresh token
    assert sessions[None, OTHER_URL]["login"] == "expired"
    assert sessions[None, OTHER_URL]["sso_region"] == "us-east-1"
    assert sessions["fresh", START_URL]["login"] == "none"


def test_every_time_in_the_json_is_iso_8601_utc(seeded):
    _, out, _ = status(output="json")
    document = json.loads(out)
    times = [
        value
        for row in [*document["profiles"], *document["sessions"]]
        for key, value in row.items()
        if key.endswith(("_at", "_until")) and value is not None
    ]
    assert len(times) >= 8
    for value in times:
        assert datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")


def test_the_state_follows_the_same_rule_as_a_switch(seeded):
    """Each state against tokens.needs_login: `expired` and `none` exactly when a switch logs in."""
    from awscli_sso_ext.login import utc_now

    now = utc_now()
    _, out, _ = status(output="json")
    cache = Path(os.environ["HOME"]) / ".aws" / "sso" / "cache"
    for row in json.loads(out)["profiles"]:
        if row["login"] == "not-sso" or row["problem"]:
            continue
        path = tokens.token_path(row["sso_start_url"], row["sso_session"], str(cache))
        token = tokens.read_token(path)
        logs_in = tokens.needs_login(token, now, session_style=row["sso_session"] is not None)
        assert logs_in == (row["login"] in ("expired", "none")), row


def test_profile_shows_only_that_profile_and_its_session(seeded):
    code, out, _ = status(profile="renewing", output="json")
    assert code == 0
    document = json.loads(out)
    assert [row["profile"] for row in document["profiles"]] == ["renewing"]
    assert [row["sso_session"] for row in document["sessions"]] == ["renewing"]
    code, out, _ = status(profile="static", output="json")
    assert code == 0
    document = json.loads(out)
    assert [(row["profile"], row["login"]) for row in document["profiles"]] == [
        ("static", "not-sso")
    ]
    assert document["sessions"] == []


def test_an_unknown_profile_exits_2_with_suggestions(seeded):
    code, out, err = status(profile="renewin", output="json")
    assert (code, out) == (2, "")
    assert "The profile 'renewin' is not in" in err
    assert "Did you mean: 'renewing'" in err


def test_an_output_it_does_not_write_exits_2(seeded):
    code, out, err = status(output="yaml")
    assert (code, out) == (2, "")
    assert "aws sso-status can't write --output yaml." in err
    assert "Use one of: table, json, text." in err


def test_text_is_one_tab_separated_line_per_row(seeded):
    code, out, _ = status(output="text", environ={"AWS_PROFILE": "valid"})
    assert code == 0
    lines = [line.split("\t") for line in out.splitlines()]
    profiles = [line for line in lines if line[0] == "PROFILE"]
    sessions = [line for line in lines if line[0] == "SESSION"]
    assert len(profiles) == 10 and len(sessions) == 7
    assert len(profiles) + len(sessions) == len(lines)
    assert {len(line) for line in profiles} == {13}
    assert {len(line) for line in sessions} == {8}
    valid = next(line for line in profiles if line[1] == "valid")
    assert valid == [
        "PROFILE",
        "valid",
        "111111111111",
        "Production (EU)",
        "ReadOnlyAccess",
        "eu-central-1",
        "corp",
        START_URL,
        "valid",
        seeded["valid"],
        seeded["keys"],
        "True",
        "None",
    ]


def test_table_is_the_default_marks_the_current_profile_and_says_time_left(seeded):
    code, out, _ = status(environ={"AWS_PROFILE": "valid"})
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "PROFILE",
        "ACCOUNT",
        "ROLE",
        "REGION",
        "SESSION",
        "LOGIN",
        "LOGIN",
        "ENDS",
        "ROLE",
        "KEYS",
    ]
    current = [line for line in lines if line.startswith("* ")]
    assert len(current) == 1 and current[0].startswith("* valid ")
    assert "111111111111 Production (EU)" in current[0]
    assert "(2h59m left)" in current[0] or "(3h0m left)" in current[0]
    assert "(49m left)" in current[0] or "(50m left)" in current[0]  # the role keys
    assert "\x1b" not in out  # not a terminal: no colour
    sessions = lines[lines.index("") + 1 :]
    assert sessions[0].split()[:3] == ["SSO", "SESSION", "LOGIN"]
    renewing = next(line for line in sessions if line.startswith("renewing "))
    assert "(79d23h left)" in renewing  # until when it renews itself


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    ("environ", "coloured"),
    [
        ({}, True),
        ({"NO_COLOR": "1"}, False),
        ({"TERM": "dumb"}, False),
    ],
)
def test_colour_only_on_a_terminal_and_never_with_no_color(seeded, environ, coloured):
    code, out, _ = status(environ=dict(environ, COLUMNS="200"), stdout=Terminal())
    assert code == 0
    assert ("\x1b[32mvalid\x1b[0m" in out) is coloured
    assert ("\x1b[" in out) is coloured


def test_local_time_in_the_table(seeded):
    from awscli_sso_ext.login import utc_now
    from awscli_sso_ext.profiles import ProfileBook
    from awscli_sso_ext.status import gather

    now = utc_now()
    book = ProfileBook.from_session(botocore.session.Session())
    rows = gather(book, {}, now, "valid")
    kolkata = timezone(timedelta(hours=5, minutes=30))
    expected = tokens.parse_time(seeded["valid"]).astimezone(kolkata).strftime("%H:%M")
    assert f"{expected} (" in render_table(rows, now, limit=None, colour=False, zone=kolkata)


# --- The table at 80 columns, long and hostile names ---------------------------------------

CONTROL = "\x1b[31m\x1b]0;title\x07\x08\x9b2J\u202e\u200b"
LONG = "platform-engineering-shared-services-production-eu-central-1-admin"
HOSTILE_CONFIG = "\n".join(
    [
        profile_header(HOSTILE_NAME + CONTROL),
        "sso_session = corp\nsso_account_id = 123456789012",
        f"sso_role_name = Role{CONTROL}With-A-Very-Long-Name-For-Admins\nregion = eu-west-1",
        f"sso_account_name = 中文账户 {CONTROL}${{HOME}} $(touch pwned-3) %n",
        "",
        f"[profile {LONG}]",
        "sso_session = other\nsso_account_id = 210987654321\nsso_role_name = ReadOnlyAccess",
        "region = ap-southeast-2",
        "",
        "[profile short]\nregion = us-east-1",
        "",
        session_section("corp"),
        session_section("other", OTHER_URL),
    ]
)


def cells_of(line: str, starts: list[int]) -> list[str]:
    """The line cut at display columns `starts` (where the header's titles begin)."""
    columns, position = [], 0
    for ch in line:
        columns.append((position, ch))
        position += display.char_width(ch)
    bounds = [*starts[1:], position + 1]
    return [
        "".join(ch for at, ch in columns if start <= at < end).strip()
        for start, end in zip(starts, bounds)
    ]


def test_table_at_80_columns_with_long_and_hostile_names(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / "config"
    config.write_text(HOSTILE_CONFIG, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    write_token(tmp_path, "corp", expiresAt=at(2 * 3600 + 13 * 60 + 30))
    hostile = HOSTILE_NAME + CONTROL
    code, out, err = status(environ={"COLUMNS": "80", "AWS_PROFILE": hostile})
    assert (code, err) == (0, "")
    # Nothing that could steer a terminal: only printable text, spaces and line ends.
    assert display.printable(out.replace("\n", "")) == out.replace("\n", "")
    blocks = out.split("\n\n")
    assert len(blocks) == 2
    for block in blocks:
        lines = block.splitlines()
        assert all(display.width(line) <= 80 for line in lines), lines
        header = lines[0]
        assert header.startswith(("  PROFILE  ", "SSO SESSION  "))
        # Titles are words with single spaces between; columns are two spaces apart.
        titles = [m.start() for m in re.finditer(r"\S+(?: \S+)*", header)]
        starts = [0, *titles[1:]]
        assert len(starts) >= 4
        for line in lines[1:]:
            for start in starts[1:]:
                # Every title's column starts after a gap in every row: nothing overflows.
                assert cells_of(line, [start - 2, start])[0] == "", (line, start)
    profiles = blocks[0].splitlines()
    mine = next(line for line in profiles if line.startswith("* "))
    name_cell = cells_of(mine, [0, 2])[1].split("  ")[0]
    # The name is shown as it is, control characters left out, cut with an ellipsis.
    shown = display.printable(HOSTILE_NAME)
    assert name_cell.endswith(display.ELLIPSIS)
    assert shown.startswith(name_cell[:-1])
    assert "2h13m left" in mine
    assert any(line.startswith("  platform-") for line in profiles)
    assert not list(tmp_path.rglob("pwned*"))


def test_wide_table_shows_hostile_names_literally(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / "config"
    config.write_text(HOSTILE_CONFIG, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    code, out, _ = status()  # not a terminal, no COLUMNS: nothing is cut
    assert code == 0
    assert display.printable(HOSTILE_NAME) in out
    inert = display.printable(CONTROL)  # the escape sequences' letters, without ESC
    assert inert == "[31m]0;title2J"
    assert f"123456789012 中文账户 {inert}${{HOME}} $(touch pwned-3) %n" in out
    assert f"Role{inert}With-A-Very-Long-Name-For-Admins" in out
    assert LONG in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
