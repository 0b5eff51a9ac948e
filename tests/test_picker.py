"""The picker's parts in-process: filtering and keys, the frame drawn, frecency, fzf's wiring."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hostile import HOSTILE_NAME

from awscli_sso_ext import display, frecency, picker
from awscli_sso_ext.errors import Cancelled, OperationFailed
from awscli_sso_ext.picker_tty import PickerState, decode_keys
from awscli_sso_ext.status import ProfileRow

CONTROL = "\x1b[31m\x1b]0;title\x07\x08\x9b2J\u202e\u200b"
LINES = ["dev      Development  us-east-1", "prod     Production   eu-west-1", "Prod-EU  x  y"]


def row(name: str, **fields) -> ProfileRow:
    values = dict(
        profile=name,
        account_id="111111111111",
        account_name=None,
        role_name="Admin",
        region="eu-west-1",
        sso_session="corp",
        sso_start_url="https://d-1234567890.awsapps.com/start",
        login="valid",
        login_expires_at=None,
        credentials_expire_at=None,
        current=False,
    )
    values.update(fields)
    return ProfileRow(**values)


# --- Filtering and keys ----------------------------------------------------------------


def test_typing_narrows_by_substring_ignoring_case_and_enter_takes_the_first_match():
    state = PickerState(LINES)
    state.type("PROD")
    assert state.matches == [1, 2]
    assert state.key("enter") == 1
    state.type(" x")  # every word must be in the line
    assert state.matches == [2]
    state.key("backspace")
    state.key("backspace")
    assert state.query == "PROD" and state.matches == [1, 2]
    state.type("zzz")
    assert state.matches == [] and state.key("enter") is None  # Enter with no match: nothing


def test_arrows_move_within_the_matches_and_typing_highlights_the_first_again():
    state = PickerState(LINES)
    assert state.key("down") is None and state.key("down") is None and state.key("down") is None
    assert state.key("enter") == 2  # stops at the last
    state.key("up")
    assert state.key("enter") == 1
    state.type("d")
    assert state.key("enter") == 0
    state.key("clear")
    assert state.query == "" and len(state.matches) == 3


def test_a_cancel_key_raises_cancelled():
    with pytest.raises(Cancelled, match="nothing was changed"):
        PickerState(LINES).key("cancel")


@pytest.mark.parametrize(
    ("data", "keys", "left"),
    [
        (b"\x1b[A\x1bOB\r", [("key", "up"), ("key", "down"), ("key", "enter")], b""),
        (b"\x1b", [("key", "cancel")], b""),  # a lone Esc
        (b"\x03", [("key", "cancel")], b""),  # Ctrl-C arrives as a byte in raw mode
        (b"ab\x7f", [("text", "ab"), ("key", "backspace")], b""),
        (b"\x1b[", [], b"\x1b["),  # an arrow cut by the read: kept for the next one
        ("è中".encode()[:-1], [("text", "è")], "中".encode()[:-1]),
        (b"\x1b[31mx", [("text", "x")], b""),  # pasted escape sequences do nothing
    ],
)
def test_decode_keys(data, keys, left):
    assert decode_keys(data) == (keys, left)


def test_the_frame_fits_the_terminal_and_shows_hostile_names_as_inert_text():
    rows = [row(HOSTILE_NAME + CONTROL, account_name="中文 " + CONTROL, role_name=CONTROL + "R")]
    header, *lines = picker.aligned([list(picker.HEADERS), *map(picker.entry_cells, rows)])
    frame = PickerState(lines).frame(header, 60, 10)
    for line in frame:
        inner = line.removeprefix("\x1b[7m").removesuffix("\x1b[0m")
        assert display.printable(inner) == inner, line  # only our own reverse video
        assert not set(inner) & set("\x1b\x07\x08\x9b\u202e\u200b"), line
        assert display.width(inner) <= 59
    assert frame[3].startswith("\x1b[7m> x'\";&& $(touch pwned-1)")
    wide = PickerState(lines).frame(header, 400, 10)
    # A name is cut at MAX_COLUMN columns (the choice goes by index, not by the text shown).
    assert display.fit(display.printable(HOSTILE_NAME), picker.MAX_COLUMN) in wide[3]
    assert "[31m]0;title2J" in wide[3]  # what is left of the sequences: letters, shown


def test_the_frame_scrolls_to_keep_the_highlighted_entry_shown():
    lines = [f"profile-{n:02}" for n in range(30)]
    state = PickerState(lines)
    for _ in range(12):
        state.key("down")
    frame = state.frame("PROFILE", 80, 10)  # room for 6 entries
    entries = frame[3:-1]
    assert len(entries) == 6
    assert entries[-1] == "\x1b[7m> profile-12\x1b[0m"
    assert frame[-1] == "  30/30"


# --- Frecency ---------------------------------------------------------------------------


def test_frecency_puts_the_used_first_then_the_rest_by_name(tmp_path):
    environ = {"XDG_STATE_HOME": str(tmp_path / "state")}
    names = ["zeta", "alpha", "mid", "beta"]
    assert frecency.ordered(names, environ) == ["alpha", "beta", "mid", "zeta"]
    now = 1_800_000_000.0
    frecency.record("zeta", environ, now=now - 2 * 86400)
    frecency.record("zeta", environ, now=now - 2 * 86400)
    frecency.record("mid", environ, now=now - 60)
    # mid: 1 use this hour (4); zeta: 2 uses two days ago (2): mid first.
    assert frecency.ordered(names, environ, now=now) == ["mid", "zeta", "alpha", "beta"]
    frecency.record("zeta", environ, now=now)
    assert frecency.ordered(names, environ, now=now) == ["zeta", "mid", "alpha", "beta"]


def test_the_state_file_is_0600_in_a_0700_folder_whatever_the_umask(tmp_path):
    environ = {"XDG_STATE_HOME": str(tmp_path / "state")}
    old = os.umask(0)
    try:
        frecency.record(HOSTILE_NAME, environ)
    finally:
        os.umask(old)
    path = tmp_path / "state" / "awscli-sso-ext" / "frecency.json"
    assert frecency.state_path(environ) == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert list(json.loads(path.read_text())["profiles"]) == [HOSTILE_NAME]


def test_xdg_state_home_unset_or_relative_means_local_state(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = str(tmp_path / ".local" / "state" / "awscli-sso-ext" / "frecency.json")
    assert frecency.state_path({}) == expected
    assert frecency.state_path({"XDG_STATE_HOME": "relative/state"}) == expected


@pytest.mark.parametrize(
    "text",
    ['{"version": 1, "prof', "[]", '{"profiles": {"a": {"count": "1", "last": 0}}}', "\0"],
)
def test_a_torn_or_strange_state_file_only_costs_the_order(tmp_path, text):
    environ = {"XDG_STATE_HOME": str(tmp_path)}
    path = Path(frecency.state_path(environ))
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert frecency.ordered(["b", "a"], environ) == ["a", "b"]
    frecency.record("b", environ)  # and the next switch writes a good one
    assert frecency.ordered(["b", "a"], environ) == ["b", "a"]


# --- fzf --------------------------------------------------------------------------------


def fzf_environ(fake_fzf, **extra) -> dict:
    folder, log = fake_fzf
    return {"PATH": str(folder), "FAKE_FZF_LOG": str(log), **extra}


def recorded(fake_fzf) -> dict:
    import ast

    return ast.literal_eval(fake_fzf[1].read_text())


def test_fzf_gets_every_entry_in_frecency_order_and_its_answer_picks(fake_fzf, tmp_path):
    environ = fzf_environ(
        fake_fzf,
        FAKE_FZF_ANSWER="prod",
        FZF_DEFAULT_OPTS="--height=40% --prompt='mine> '",
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    frecency.record("staging", environ)
    rows = [row("dev"), row("prod", account_name="Production"), row("staging")]
    assert picker.choose(rows, None, environ) == "prod"
    seen = recorded(fake_fzf)
    # Our defaults first so the user's FZF_DEFAULT_OPTS win; our wiring after, so none break it.
    assert seen["opts"] == "--prompt='profile> ' --tiebreak=index --height=40% --prompt='mine> '"
    assert seen["argv"] == ["--delimiter=\t", "--with-nth=2..", "--header-lines=1", "--no-multi"]
    lines = seen["stdin"].splitlines()
    assert lines[0].split("\t")[0] == "-" and lines[0].split("\t")[1].split()[:2] == [
        "PROFILE",
        "ACCOUNT",
    ]
    assert [line.split("\t")[1].split()[0] for line in lines[1:]] == ["staging", "dev", "prod"]
    assert "Production (111111111111)" in lines[3]
    assert seen["stdin_is_tty"] is False  # the list is piped; fzf draws on /dev/tty itself


def test_fzf_sees_hostile_names_as_one_inert_line_each(fake_fzf, tmp_path):
    environ = fzf_environ(fake_fzf, FAKE_FZF_ANSWER="pwned-1", XDG_STATE_HOME=str(tmp_path))
    hostile = HOSTILE_NAME + CONTROL + "\n[profile evil]\t"
    assert picker.choose([row("plain"), row(hostile)], None, environ) == hostile
    given = recorded(fake_fzf)["stdin"]
    assert len(given.splitlines()) == 3
    assert display.printable(given.replace("\n", "").replace("\t", "")) == given.replace(
        "\n", ""
    ).replace("\t", "")
    assert not list(tmp_path.rglob("pwned*"))


@pytest.mark.parametrize("status", [1, 130])
def test_fzf_cancelled_or_no_match_is_cancelled(fake_fzf, tmp_path, status):
    environ = fzf_environ(fake_fzf, FAKE_FZF_EXIT=str(status), XDG_STATE_HOME=str(tmp_path))
    with pytest.raises(Cancelled):
        picker.choose([row("dev")], None, environ)


@pytest.mark.parametrize(("status", "out"), [("0", "garbage\n"), ("0", "7\tdev\n"), ("2", "")])
def test_an_fzf_answer_we_cannot_use_fails_and_says_so(fake_fzf, tmp_path, status, out):
    environ = fzf_environ(
        fake_fzf, FAKE_FZF_EXIT=status, FAKE_FZF_OUT=out, XDG_STATE_HOME=str(tmp_path)
    )
    with pytest.raises(OperationFailed, match="gave no usable answer"):
        picker.choose([row("dev")], None, environ)
