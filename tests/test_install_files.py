"""Config and rc-file edits keep every other byte, and undoing them restores the file exactly."""

from __future__ import annotations

import pytest

from awscli_sso_ext import config_edit, install_files
from awscli_sso_ext.errors import ConfigError

WANTED = {"sso_ext": "awscli_sso_ext", "cli_legacy_plugin_path": "/data/plugins"}

CONFIGS = [
    "",
    "# just a comment",
    "[default]\nregion = eu-west-1\n",
    "# top\n[default]\nregion=eu-west-1   ; odd spacing\n\n\n[profile x]\n  \nregion   =  us-east-1",
    "[plugins]\n",
    "[plugins]\n# mine\nother = some.module\n\n[default]\nregion = eu-west-1\n",
    "[default]\r\nregion = eu-west-1\r\n[plugins]\r\nother = m\r\n",
    "[plugins]\ncli_legacy_plugin_path = /theirs\nother = m\n",
    "[plugins]\nsso_ext = old.module\n[profile a]\nregion = x\n",
    "[plugins]\nother = m",
]


def make_block(body: list[str]) -> str:
    return "".join(
        f"{line}\n" for line in [config_edit.BEGIN_MARKER, *body, config_edit.END_MARKER]
    )


@pytest.mark.parametrize("text", CONFIGS)
def test_adding_then_undoing_plugin_settings_gives_back_every_byte(text):
    new, owned = config_edit.add_plugin_lines(text, WANTED)
    install_files.check_config_parses(new, "config")
    assert config_edit.plugin_settings(new)["sso_ext"] == "awscli_sso_ext"
    assert "/data/plugins" in config_edit.plugin_settings(new)["cli_legacy_plugin_path"].split(":")
    assert config_edit.add_plugin_lines(new, WANTED, owned) == (new, owned)  # twice: no change
    restored = config_edit.remove_plugin_lines(new, owned)
    assert restored == text


def test_other_lines_stay_where_they_were():
    text = CONFIGS[5]
    new, _ = config_edit.add_plugin_lines(text, WANTED)
    assert new == (
        "[plugins]\n# mine\nother = some.module\nsso_ext = awscli_sso_ext\n"
        "cli_legacy_plugin_path = /data/plugins\n\n[default]\nregion = eu-west-1\n"
    )


def test_an_existing_plugin_path_keeps_its_folders():
    new, _ = config_edit.add_plugin_lines(CONFIGS[7], WANTED)
    assert "cli_legacy_plugin_path = /theirs:/data/plugins\n" in new


def test_undo_leaves_later_hand_edits_in_place():
    text = "[default]\nregion = a\n"
    new, owned = config_edit.add_plugin_lines(text, WANTED)
    edited = new.replace("region = a", "region = b") + "[profile later]\nregion = c\n"
    restored = config_edit.remove_plugin_lines(edited, owned)
    assert "sso_ext" not in restored and "cli_legacy" not in restored
    assert "region = b" in restored and "[profile later]" in restored


@pytest.mark.parametrize("text", ["", "echo hi", "echo hi\n", "a\n\n\n", "x\r\ny\r\n"])
def test_rc_block_is_added_once_and_removed_exactly(text):
    body = ["source '/x/awscli-sso-ext.bash'"]
    new, owned = config_edit.add_block(text, body)
    assert new.count(config_edit.BEGIN_MARKER) == 1
    assert config_edit.add_block(new, body, owned) == (new, owned)
    assert config_edit.remove_block(new, owned) == text


def test_a_changed_block_is_replaced_in_place_and_restored():
    old_block = make_block(["source /old"])
    text = "before\n" + old_block + "after\n"
    new, owned = config_edit.add_block(text, ["source /new"])
    assert new == "before\n" + make_block(["source /new"]) + "after\n"
    assert config_edit.remove_block(new, owned) == text


def test_an_unparsable_config_is_refused_with_the_line():
    with pytest.raises(ConfigError, match="can't be parsed"):
        install_files.check_config_parses("region = x\n[default\n", "/c")


def test_atomic_write_keeps_mode_and_makes_new_files_private(tmp_path):
    path = tmp_path / "config"
    path.write_text("old\n")
    path.chmod(0o640)
    install_files.write_atomically(str(path), "new\n")
    assert path.read_text() == "new\n" and (path.stat().st_mode & 0o777) == 0o640
    fresh = tmp_path / "new" / "deeper" / "file"
    install_files.write_atomically(str(fresh), "x")
    assert (fresh.stat().st_mode & 0o777) == 0o600
    assert (fresh.parent.stat().st_mode & 0o777) == 0o700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config", "new"]  # no temporary left


def test_read_only_file_and_dangling_link_are_refused(tmp_path):
    path = tmp_path / "config"
    path.write_text("x\n")
    path.chmod(0o400)
    with pytest.raises(ConfigError, match="read-only"):
        install_files.check_writable(str(path))
    link = tmp_path / "rc"
    link.symlink_to(tmp_path / "missing")
    with pytest.raises(ConfigError, match="does not exist"):
        install_files.real_target(str(link))
    target = tmp_path / "real-bashrc"
    target.write_text("")
    (tmp_path / "linked").symlink_to(target)
    assert install_files.real_target(str(tmp_path / "linked")) == str(target)
