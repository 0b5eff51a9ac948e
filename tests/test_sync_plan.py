"""sso-sync's plan over generated configs: every hand-written byte stays, only our sections move."""

from __future__ import annotations

import configparser
import dataclasses

import config_strategies as cs
from hostile import HOSTILE_NAME
from hypothesis import given, settings
from hypothesis import strategies as st

from awscli_sso_ext import config_edit, sync, sync_config
from awscli_sso_ext.portal import Assignment, Listing

SESSION = sync.SsoSession(
    "corp", "https://d-1234567890.awsapps.com/start", "eu-west-1", new=True, registration_scopes=""
)
KNOWN = dataclasses.replace(SESSION, new=False)
_NAMES = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8),
    st.sampled_from([HOSTILE_NAME, "Bob's team", "a\nb", " spaced ", "default"]),
)
ASSIGNMENTS = st.lists(
    st.builds(
        Assignment,
        account_id=st.sampled_from(["111111111111", "222222222222", "333333333333"]),
        account_name=_NAMES,
        role_name=st.sampled_from(["Admin", "ReadOnly"]),
    ),
    max_size=6,
    unique_by=lambda a: (a.account_id, a.role_name),
)
TEMPLATES = st.sampled_from(["{account_name}", "{account_name}.{role_name}", "{role_name}"])


def listing(assignments: list[Assignment]) -> Listing:
    accounts = {a.account_id: a.account_name for a in assignments}
    # One name per account, as the portal gives it.
    fixed = tuple(
        Assignment(a.account_id, accounts[a.account_id], a.role_name) for a in assignments
    )
    return Listing(accounts, fixed)


def hand_lines(text: str) -> list[tuple[str, str]]:
    """(text, ending) of each non-blank line outside the sections sync owns (a last line
    without a break counts as ended: sync ends it before appending a section)."""
    lines = config_edit.split_lines(text)
    owned = set()
    for section in sync_config.sections(lines):
        if section.owned:
            owned.update(range(section.start, section.end))
    kept = [(line.text, line.ending) for i, line in enumerate(lines) if i not in owned]
    if kept and not kept[-1][1]:
        kept[-1] = (kept[-1][0], "\n")
    return [line for line in kept if line[0].strip()]


def parsed(text: str) -> dict:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return {name: dict(parser.items(name)) for name in parser.sections()}


def plan(text, assignments, template, prune, session=SESSION):
    return sync.plan_sync(
        text, session, listing(assignments), template=template, region="eu-west-1", prune=prune
    )


@settings(max_examples=150, deadline=None)
@given(
    config=cs.configs(),
    first=ASSIGNMENTS,
    second=ASSIGNMENTS,
    template=TEMPLATES,
    appended=st.sampled_from(["", "[profile later]\nregion = x\n", "# a note\n"]),
)
def test_hand_written_bytes_stay_whatever_sync_adds_and_prunes(
    config, first, second, template, appended
):
    original = config.text
    one = plan(original, first, template, prune=False).text
    # The user's file comes first, byte for byte (a missing last line break is added).
    head = original + ("\n" if original and not original.endswith("\n") and one != original else "")
    assert one.startswith(head)
    mine = parsed(original)
    after = parsed(one)
    assert {k: after[k] for k in mine} == mine  # hand-written sections read as before
    # The user edits the file afterwards; the next sync (with prune) keeps that edit too.
    edited = one + ("\n" if appended and not one.endswith("\n") else "") + appended
    two = plan(edited, second, template, prune=True)
    assert hand_lines(two.text) == hand_lines(edited)
    assert plan(two.text, second, template, prune=True).text == two.text  # idempotent
    # Pruning against no assignment at all leaves only what the user wrote.
    empty = plan(two.text, [], template, prune=True)
    assert hand_lines(empty.text) == hand_lines(edited)
    assert not [s for s in sync_config.sections(config_edit.split_lines(empty.text)) if s.owned]
    # Every assignment has a profile, or is reported as skipped (never a hand-written one
    # changed, whatever its name).
    names = {s.name for s in sync_config.sections(config_edit.split_lines(two.text))}
    assert len(two.added) + len(two.unchanged) + len(two.updated) + len(two.skipped) == len(second)
    assert set(two.added) <= names
    for _, why in two.skipped:
        assert why in ("hand-written profile", "name already synced")


def test_removing_a_section_keeps_the_comment_and_blank_lines_around_it():
    ours = (
        "[profile x]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
        "sso_synced_by = aws sso-sync\n"
    )
    for before, after, expected in (
        ("[a]\nk = v\n\n", "\n[b]\n", "[a]\nk = v\n\n[b]\n"),
        ("[a]\nk = v\n\n", "# about b\n[b]\n", "[a]\nk = v\n\n# about b\n[b]\n"),
        ("[a]\nk = v\n", "[b]\n", "[a]\nk = v\n[b]\n"),
        ("[a]\nk = v\n\n", "", "[a]\nk = v\n"),
    ):
        result = plan(before + ours + after, [], "{account_name}", prune=True, session=KNOWN)
        assert result.text == expected


def test_an_account_renamed_updates_only_the_name_line():
    first = plan("", [Assignment("1", "Old name", "R")], "{account_name}", False, KNOWN).text
    renamed = plan(first, [Assignment("1", "New name", "R")], "{account_name}", False, KNOWN)
    assert renamed.updated == ["Old-name"]
    assert renamed.text == first.replace(
        "sso_account_name = Old name", "sso_account_name = New name"
    )


def test_a_name_in_the_credentials_file_is_a_hand_written_profile_too():
    result = sync.plan_sync(
        "",
        KNOWN,
        listing([Assignment("1", "keys", "R"), Assignment("2", "other", "R")]),
        template="{account_name}",
        region="eu-west-1",
        prune=False,
        other_profiles=frozenset({"keys"}),
    )
    assert result.skipped == [("keys", "hand-written profile")]
    assert result.added == ["other"]
    assert "[profile keys]" not in result.text


def test_an_edit_made_while_listing_is_kept_and_a_linked_config_stays_a_link(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "config").write_text("[a]\nk = v\n")
    (dotfiles / "config").chmod(0o640)
    link = tmp_path / "config"
    link.symlink_to(dotfiles / "config")
    assignments = [Assignment("1", "x", "R")]
    planned = plan("[a]\nk = v\n", assignments, "{account_name}", False, KNOWN)
    (dotfiles / "config").write_text("[a]\nk = v\n# added meanwhile\n")
    written = sync.write_plan(
        str(link), planned, lambda now: plan(now, assignments, "{account_name}", False, KNOWN)
    )
    assert link.is_symlink()
    text = (dotfiles / "config").read_text()
    assert text.startswith("[a]\nk = v\n# added meanwhile\n\n[profile x]\n")
    assert text == written.text
    assert (dotfiles / "config").stat().st_mode & 0o777 == 0o640
    backup = dotfiles / ("config" + sync.BACKUP_SUFFIX)
    assert backup.read_text() == "[a]\nk = v\n# added meanwhile\n"
    assert backup.stat().st_mode & 0o777 == 0o600
