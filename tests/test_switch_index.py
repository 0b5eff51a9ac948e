"""The switch index the plugin writes for the hooks: layout, permissions, the login rule, races."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aws_config import config, corp_session, legacy_profile, profile, section, session_profile
from conftest import START_URL, write_token
from hostile import HOSTILE_NAME

from awscli_sso_ext import environment, switch_index, tokens
from awscli_sso_ext.shells import FORMATS

CONFIG = "\n" + config(
    session_profile("staging", "205938475610"),
    legacy_profile("legacy", "222222222222", "Admin"),
    profile("plain", region="us-east-1"),
    profile("half", sso_session="corp", sso_role_name="ReadOnlyAccess"),
    section('[profile "tab\there"]', region="us-east-1"),
    profile(HOSTILE_NAME, region="eu-north-1"),
    corp_session(),
)


@pytest.fixture
def home(home, monkeypatch):
    """HOME with the config above, both logins cached, and this process pointed at it."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name == "XDG_CACHE_HOME":
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(CONFIG, encoding="utf-8")
    write_token(home, "corp")
    write_token(home, None)
    return home


def folder(home: Path) -> Path:
    return home / ".cache" / "awscli-sso-ext"


def index_lines(home: Path, shell: str = "bash") -> list:
    return (folder(home) / switch_index.INDEX_FILES[shell]).read_text("utf-8").split("\n")[:-1]


def entries(home: Path, shell: str = "bash") -> dict:
    """{name: (code text, token file or "", last no-login second or None)} of the index."""
    lines = index_lines(home, shell)
    assert lines[-1] == "end"
    if shell == "fish":
        untils, paths = lines[8].split("\t"), lines[9].split("\t")
        names, codes, numbers = (lines[i].split("\t") for i in (11, 12, 13))
        assert int(lines[10]) == len(names)
        logins = [(int(u), p) for u, p in zip(untils, paths) if p]
    else:
        count_tokens = int(lines[8])
        logins = [
            (int(u), p) for u, p in (line.split("\t") for line in lines[9 : 9 + count_tokens])
        ]
        count = int(lines[9 + count_tokens])
        first = 10 + count_tokens
        names = lines[first : first + count]
        codes, numbers = (
            zip(*(line.split("\t") for line in lines[first + count : -1])) if count else ((), ())
        )
    result = {}
    for name, code, number in zip(names, codes, numbers):
        text = (folder(home) / code).read_text("utf-8")
        until, path = logins[int(number) - 1] if number != "0" else (None, "")
        result[name] = (text, path, until)
    return result


def test_the_index_holds_each_usable_profile_rendered_by_the_shell_module(home):
    assert switch_index.refresh() is True
    for shell in switch_index.INDEX_FILES:
        lines = index_lines(home, shell)
        assert lines[:7] == [
            switch_index.FORMAT_LINE,
            shell,
            str(home),
            str(home / ".aws" / "config"),
            "present",
            str(home / ".aws" / "credentials"),
            "absent",
        ]
        found = entries(home, shell)
        # "half" lacks its account and "tab\there" holds a control character: the plugin answers.
        assert list(found) == sorted(["staging", "legacy", "plain", HOSTILE_NAME], key=str.encode)
        token = str(
            home / ".aws" / "sso" / "cache" / (tokens.token_cache_key(START_URL, "corp") + ".json")
        )
        expected = {
            "AWS_PROFILE": "staging",
            "AWS_REGION": "eu-central-1",
            "AWS_DEFAULT_REGION": "eu-central-1",
            "AWS_SSO_EXT_ACCOUNT": "205938475610",
            "AWS_SSO_EXT_ROLE": "ReadOnlyAccess",
            "AWS_SSO_EXT_SESSION": "corp",
            "AWS_SSO_EXT_START_URL": START_URL,
            "AWS_SSO_EXT_TOKEN_FILE": token,
            "AWS_SSO_EXT_EXPIRATION": "2099-01-01T00:00:00Z",
            **dict.fromkeys(environment.STALE_VARIABLES),
        }
        assert found["staging"][:2] == (FORMATS[shell].render(expected), token)
        plain = found[HOSTILE_NAME][0]
        assert plain == FORMATS[shell].render(
            {
                **expected,
                **dict.fromkeys(environment.SSO_METADATA),
                **dict.fromkeys(environment.LOGIN_METADATA),
                "AWS_PROFILE": HOSTILE_NAME,
                "AWS_REGION": "eu-north-1",
                "AWS_DEFAULT_REGION": "eu-north-1",
            }
        )
        assert found[HOSTILE_NAME][1:] == ("", None)
        unset = (folder(home) / lines[7]).read_text("utf-8")
        cleared = environment.cleared_environment()
        del cleared[environment.PREVIOUS_PROFILE]
        assert unset == FORMATS[shell].render(cleared)
        assert "PREVIOUS_PROFILE" not in "".join(text for text, _, _ in found.values())


def test_folder_0700_and_files_0600_whatever_the_umask(home):
    old = os.umask(0)
    try:
        assert switch_index.refresh()
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder(home).stat().st_mode) == 0o700
    assert stat.S_IMODE((home / ".cache").stat().st_mode) == 0o700
    for path in folder(home).iterdir():
        assert stat.S_IMODE(path.lstat().st_mode) == 0o600, path


def test_a_loose_folder_of_ours_is_closed_and_one_of_another_user_is_left_alone(home):
    folder(home).mkdir(parents=True)
    folder(home).chmod(0o777)
    assert switch_index.refresh()
    assert stat.S_IMODE(folder(home).stat().st_mode) == 0o700
    if os.geteuid() != 0:
        pytest.skip("only root can hand the folder to another user here")
    for path in folder(home).iterdir():
        path.unlink()
    os.chown(folder(home), 65534, 65534)
    assert switch_index.refresh() is False
    assert list(folder(home).iterdir()) == []


def test_the_seal_is_newer_than_every_file_of_the_index(home):
    assert switch_index.refresh()
    seal = (folder(home) / switch_index.SEAL_FILE).stat().st_mtime_ns
    others = [
        p.stat().st_mtime_ns for p in folder(home).iterdir() if p.name != switch_index.SEAL_FILE
    ]
    assert others and seal > max(others)


def test_a_file_changed_while_the_index_is_built_keeps_the_old_index(home, monkeypatch):
    assert switch_index.refresh()
    before = {p.name: p.read_bytes() for p in folder(home).iterdir()}
    build = switch_index._entries

    def edited_meanwhile(*args):
        found = build(*args)
        with open(home / ".aws" / "config", "a", encoding="utf-8") as config:
            config.write("\n[profile late]\nregion = us-west-1\n")
        return found

    monkeypatch.setattr(switch_index, "_entries", edited_meanwhile)
    assert switch_index.refresh() is False
    after = {p.name: p.read_bytes() for p in folder(home).iterdir()}
    assert after == before


def test_code_files_no_index_uses_are_swept_and_shared_ones_kept(home):
    assert switch_index.refresh()
    old = set(os.listdir(folder(home)))
    config = home / ".aws" / "config"
    config.write_text(CONFIG.replace("region = us-east-1\n", "region = ap-south-1\n", 1))
    (folder(home) / ".tmp-left-by-a-kill").write_text("x")
    os.utime(folder(home) / ".tmp-left-by-a-kill", (0, 0))
    assert switch_index.refresh()
    new = set(os.listdir(folder(home)))
    assert ".tmp-left-by-a-kill" not in new
    assert old - new and new - old  # plain's code changed; the rest stayed
    assert entries(home)["plain"][0].count("ap-south-1") == 2
    referenced = {line.split("\t")[0] for line in index_lines(home) if line.startswith("code-")}
    for shell in ("zsh", "fish", "powershell"):
        lines = index_lines(home, shell)
        referenced |= {w for line in lines for w in line.split("\t") if w.startswith("code-")}
    assert {n for n in new if n.startswith("code-")} == referenced
    assert index_lines(home, "bash")[7] == index_lines(home, "zsh")[7]  # one file for both


def test_a_code_file_written_after_the_seal_is_rewritten(home):
    assert switch_index.refresh()
    name = index_lines(home)[7]
    path = folder(home) / name
    text = path.read_text()
    path.write_text(text.replace("unset", "echo ", 1))  # same size, written after the seal
    assert switch_index.refresh()
    assert path.read_text() == text


def at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("renewable", [False, True])
def test_the_last_fast_second_agrees_with_needs_login_for_all_of_that_second(renewable):
    now = datetime.now(timezone.utc).replace(microsecond=0)
    token = tokens.Token(
        access_token="a",
        expires_at=now + timedelta(minutes=15, seconds=40, microseconds=250000),
        refresh_token="r" if renewable else None,
        client_id="c" if renewable else None,
        client_secret="s" if renewable else None,
        registration_expires_at=now + timedelta(hours=3, microseconds=700000),
    )
    until = switch_index._no_login_until(token, session_style=True)
    for fraction in (0, 0.5, 0.999999):
        moment = datetime.fromtimestamp(until + fraction, timezone.utc)
        assert not tokens.needs_login(token, moment, session_style=True)
    later = datetime.fromtimestamp(until + 3, timezone.utc)
    assert tokens.needs_login(token, later, session_style=True)
    # A legacy token never renews: only its own 15 minutes count.
    legacy = switch_index._no_login_until(token, session_style=False)
    assert legacy == int(token.expires_at.timestamp()) - 15 * 60 - 1


def test_a_profile_whose_login_is_missing_or_unreadable_is_left_to_the_plugin(home):
    cache = home / ".aws" / "sso" / "cache"
    (cache / (tokens.token_cache_key(START_URL, None) + ".json")).unlink()
    (cache / (tokens.token_cache_key(START_URL, "corp") + ".json")).write_text("{not json")
    assert switch_index.refresh()
    assert sorted(entries(home)) == sorted(["plain", HOSTILE_NAME])


@pytest.mark.parametrize(
    "setting",
    [
        {"HOME": ""},
        {"HOME": "relative"},
        {"AWS_CONFIG_FILE": ""},
        {"AWS_CONFIG_FILE": "rel/config"},
    ],
)
def test_no_index_without_absolute_paths(home, monkeypatch, setting):
    for name, value in setting.items():
        monkeypatch.setenv(name, value)
    assert switch_index.refresh() is False
    assert not folder(home).exists()


def test_xdg_cache_home_is_used_when_absolute(home, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert switch_index.refresh()
    assert (tmp_path / "xdg" / "awscli-sso-ext" / "switch.fish").is_file()
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    assert switch_index.index_folder() == str(folder(home))


def test_refresh_quietly_never_fails_a_command(home):
    (home / ".cache").write_text("a file where the folder should be")
    switch_index.refresh_quietly()  # no exception, nothing printed
    assert (home / ".cache").read_text() == "a file where the folder should be"


def test_a_successful_switch_or_env_writes_the_index(home):
    import argparse
    import io

    import botocore.session

    from awscli_sso_ext.commands import SsoEnvCommand, SsoSwitchCommand

    for command_class, args in (
        (SsoSwitchCommand, ["plain"]),
        (SsoEnvCommand, ["--format", "json"]),
    ):
        for path in folder(home).glob("*") if folder(home).exists() else ():
            path.unlink()
        command = command_class(
            botocore.session.Session(profile="plain"),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
            environ={"AWS_SSO_EXT_SHELL": "bash"},
        )
        assert command(args, argparse.Namespace(profile="plain", region=None)) == 0
        assert "plain" in entries(home)
    failing = SsoSwitchCommand(
        botocore.session.Session(), stdout=io.StringIO(), stderr=io.StringIO(), environ={}
    )
    for path in folder(home).glob("*"):
        path.unlink()
    assert failing(["nope"], argparse.Namespace(profile=None, region=None)) == 2
    assert not list(folder(home).glob("switch.*"))


def test_remove_deletes_only_the_index_and_never_follows_a_link(home, tmp_path):
    from awscli_sso_ext import switch_index

    (home / ".aws").mkdir(exist_ok=True)
    (home / ".aws" / "config").write_text("[profile plain]\nregion = eu-west-1\n")
    assert switch_index.refresh()
    index = folder(home)
    (index / "mine.txt").write_text("not the index's")
    assert switch_index.remove() == str(index)
    assert [p.name for p in index.iterdir()] == ["mine.txt"]
    (index / "mine.txt").unlink()
    assert switch_index.refresh() and switch_index.remove() == str(index)
    assert not index.exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "switch.bash").write_text("kept")
    index.symlink_to(elsewhere)
    assert switch_index.remove() is None
    assert (elsewhere / "switch.bash").read_text() == "kept"
