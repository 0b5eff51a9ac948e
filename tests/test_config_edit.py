"""The config editor owns exactly its lines: after any later edit, removing them gives original + edit."""

from __future__ import annotations

import configparser
import re

import config_strategies as cs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from awscli_sso_ext import config_edit

EDITS = st.one_of(
    st.tuples(st.just("none")),
    st.tuples(
        st.just("append"),
        st.sampled_from(["", "\n", "\r\n"]),
        st.sampled_from(["[profile zz]\nregion = x\n", "[profile zz]\r\nregion = x", "[zz]"]),
    ),
    st.tuples(
        st.just("into plugins"),
        st.sampled_from(["# a note", "; note", "other2 = m2", ""]),
        st.sampled_from(["after header", "after ours"]),
    ),
    st.tuples(st.sampled_from(["crlf", "lf", "drop final newline", "respace", "swap"])),
)


def edit(kind: tuple, original: str, setup: str) -> tuple[str, str]:
    """(the edited file, what uninstall must give for it)."""
    name = kind[0]
    if name == "none":
        return setup, original
    if name == "append":
        return cs.append(original, setup, kind[1] + kind[2])
    if name == "into plugins":
        return cs.into_plugins(original, setup, kind[1], kind[2])
    if name == "crlf":
        return cs.to_crlf(setup), cs.to_crlf(original)
    if name == "lf":
        return cs.to_lf(setup), cs.to_lf(original)
    if name == "drop final newline":
        return cs.drop_final_newline(original, setup)
    if name == "respace":
        return cs.respace_ours(original, setup)
    return cs.swap_ours(original, setup)


def parsed(text: str) -> dict:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return {section: dict(parser.items(section)) for section in parser.sections()}


@settings(max_examples=200, deadline=None)
@given(config=cs.configs(bom=st.booleans()), kind=EDITS)
# The reported cases: no final newline and a profile appended after setup; a CRLF file; a
# comment in [plugins]; `sso_ext=...` without spaces; another plugin added to our section.
@example(
    cs.Config("[default]\nregion = us-east-1", False, "\n"), ("append", "", "[profile added]\n")
)
@example(cs.Config("[default]\r\nregion = a\r\n", False, "\r\n"), ("none",))
@example(cs.Config("[default]\nregion = a", False, "\n"), ("crlf",))
@example(
    cs.Config("[default]\nregion = a\n", False, "\n"), ("into plugins", "# mine", "after header")
)
@example(cs.Config("[plugins]\nother = m\n", True, "\n"), ("into plugins", "# mine", "after ours"))
@example(cs.Config("[default]\nregion = a\n", False, "\n"), ("respace",))
@example(
    cs.Config("[default]\nregion = a", False, "\n"), ("into plugins", "other = m", "after ours")
)
@example(cs.Config("[plugins]\nother = m", True, "\n"), ("append", "\n", "[zz]"))
def test_setup_then_any_edit_then_uninstall_gives_original_plus_edit(config, kind):
    original = config.text
    setup, owned = config_edit.add_plugin_lines(original, cs.WANTED)
    assert config_edit.add_plugin_lines(setup, cs.WANTED, owned) == (setup, owned)
    if not original.startswith(config_edit.BOM):
        # Only our settings are new; every other section and value reads as before.
        after = parsed(setup)
        assert after.pop("plugins") == {**parsed(original).get("plugins", {}), **cs.WANTED}
        assert after == {k: v for k, v in parsed(original).items() if k != "plugins"}
    edited, expected = edit(kind, original, setup)
    assert config_edit.remove_plugin_lines(edited, owned) == expected


@settings(max_examples=100, deadline=None)
@given(config=cs.configs(plugins=st.just("others")))
def test_existing_settings_are_extended_and_given_back(config):
    theirs = "cli_legacy_plugin_path = /theirs\nsso_ext = old.module"
    text = re.sub(rf"other\s*[=:]\s*{cs.OTHER_PLUGIN}", theirs, cs.to_lf(config.text), count=1)
    setup, owned = config_edit.add_plugin_lines(text, cs.WANTED)
    settings_after = config_edit.plugin_settings(setup)
    assert settings_after["sso_ext"] == "awscli_sso_ext"
    assert settings_after["cli_legacy_plugin_path"] == f"/theirs:{cs.PLUGIN_FOLDER}"
    assert config_edit.remove_plugin_lines(setup, owned) == text
    # The user adds a folder of their own to the same line meanwhile: it stays.
    edited = setup.replace(f":{cs.PLUGIN_FOLDER}", f":{cs.PLUGIN_FOLDER}:/mine")
    assert config_edit.remove_plugin_lines(edited, owned) == text.replace(
        "/theirs", "/theirs:/mine"
    )


def test_registrations_name_each_line_that_still_loads_the_module():
    text = "[plugins]\r\nsso_ext=awscli_sso_ext\r\nmine = awscli_sso_ext.extra\r\nx = other\r\n"
    assert config_edit.registrations(text, "awscli_sso_ext") == [
        (2, "sso_ext=awscli_sso_ext"),
        (3, "mine = awscli_sso_ext.extra"),
    ]
    assert (
        config_edit.registrations("[default]\nsso_ext = awscli_sso_ext\n", "awscli_sso_ext") == []
    )


def test_a_header_we_added_stays_while_something_else_lives_under_it():
    original = "[default]\nregion = a\n"
    setup, owned = config_edit.add_plugin_lines(original, cs.WANTED)
    edited = setup + "other = otherplug\n"  # what `aws configure set plugins.other otherplug` adds
    assert (
        config_edit.remove_plugin_lines(edited, owned)
        == original + "[plugins]\nother = otherplug\n"
    )


RC_TEXTS = st.lists(
    st.sampled_from(["echo hi", "", "alias ll='ls -l'", "# >>> not ours", "  indented"]), max_size=5
)


@settings(max_examples=150, deadline=None)
@given(
    lines=RC_TEXTS,
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    appended=st.sampled_from(["", "export X=1\n", "\nexport X=1", "\n"]),
    crlf=st.booleans(),
)
def test_rc_block_is_found_again_and_removed_exactly(lines, newline, final, appended, crlf):
    original = newline.join(lines) + (newline if final and lines else "")
    body = ["# Added by setup", "source '/x/awscli-sso-ext.bash'"]
    setup, owned = config_edit.add_block(original, body)
    assert config_edit.add_block(setup, body, owned) == (setup, owned)
    assert config_edit.block_body(setup).count(config_edit.BEGIN_MARKER) == 1
    edited, expected = cs.append(original, setup, appended)
    if crlf:
        edited, expected = cs.to_crlf(edited), cs.to_crlf(expected)
    assert config_edit.remove_block(edited, owned) == expected


def test_a_block_edited_inside_its_markers_is_still_removed_whole():
    setup, owned = config_edit.add_block("echo hi\n", ["source /x"])
    edited = setup.replace("source /x", "source /x\nmy own line")
    assert config_edit.remove_block(edited, owned) == "echo hi\n"


@pytest.mark.parametrize("text", ["a\nb", "a\r\nb\r\n", "\ufeff[x]\n", "", "\n\n", "x\ry\n"])
def test_lines_keep_every_byte(text):
    assert config_edit.join_lines(config_edit.split_lines(text)) == text
