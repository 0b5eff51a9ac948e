"""The shell registry: every command that names a shell's rc file or choices reads the same one."""

from __future__ import annotations

import io
import os

import pytest

from awscli_sso_ext import cli, installer
from awscli_sso_ext.shells import (
    DEMO_SHELLS,
    FORMAT_OF_SHELL,
    FORMATS,
    SHELL_NAMES,
    SHELLS,
    shell_named,
)


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_hook_names_the_rc_file_setup_writes(shell, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ZDOTDIR", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["hook", shell], stdout=out, stderr=err) == 0
    written = io.StringIO()
    assert installer.setup(shell, True, True, None, written) == 0
    (rc,) = [line for line in written.getvalue().splitlines() if "awscli-sso-ext block" in line]
    path = rc.split(": the awscli-sso-ext block")[0].split()[-1]
    shown = "~" + path[len(str(tmp_path)) :]
    assert f"add this line to {shown} and open a new shell" in err.getvalue()
    assert os.path.expanduser(shown) == path


def test_every_alias_names_its_shell_everywhere():
    assert shell_named("pwsh") is SHELLS["powershell"]
    assert shell_named("tcsh") is None and shell_named(None) is None
    assert SHELL_NAMES == ("bash", "zsh", "fish", "powershell", "pwsh")
    assert FORMAT_OF_SHELL["pwsh"] == FORMAT_OF_SHELL["powershell"] == "powershell"
    assert FORMAT_OF_SHELL["dash"] == "bash"
    assert all(SHELLS[name].format is FORMATS[name] for name in SHELLS)


def test_the_demo_offers_the_shells_it_can_start(tmp_path):
    assert DEMO_SHELLS == ("bash", "zsh", "fish")
    hook = tmp_path / "it's a hook"
    for name in DEMO_SHELLS:
        started = SHELLS[name].throwaway(tmp_path, tmp_path / "home", hook)
        assert started is not None and started.argv[0] == name
        (text,) = started.files.values()
        assert text.endswith(SHELLS[name].rc_line(hook) + "\n")
    assert SHELLS["powershell"].throwaway(tmp_path, tmp_path, hook) is None


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_the_path_line_quotes_a_hostile_folder(shell):
    folder = "/opt/it's $(reboot) `x` \u2019"
    line = SHELLS[shell].path_prepend_line(folder)
    assert SHELLS[shell].quote(folder) in line
    assert "$(reboot)" not in line.replace(SHELLS[shell].quote(folder), "")
