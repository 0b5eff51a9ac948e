"""`aws-sso-ext hook SHELL` and awscli_sso_ext.hooks: where the hook files are, the rc lines."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, VENV_BIN, hook_file

from awscli_sso_ext import cli, hooks

SHELLS = ["bash", "zsh", "fish", "powershell"]


def run(*argv: str):
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("shell", SHELLS)
def test_hook_prints_the_path_and_the_rc_line_to_add(shell):
    code, stdout, stderr = run("hook", shell)
    assert code == 0
    assert stdout == f"{hook_file(shell)}\n"  # an editable install: the checkout's shell/
    assert f"\n    {hooks.rc_line(shell)}\n" in stderr
    assert hooks.hook_for(shell).rc_file in stderr


def test_rc_lines_quote_the_path_for_each_shell():
    path = Path("/opt/it's here/awscli-sso-ext")
    assert hooks.HOOKS["bash"].rc_line(path) == "source '/opt/it'\"'\"'s here/awscli-sso-ext'"
    assert hooks.HOOKS["zsh"].rc_line(Path("/opt/x.zsh")) == "source /opt/x.zsh"
    assert hooks.HOOKS["fish"].rc_line(path) == "source '/opt/it\\'s here/awscli-sso-ext'"
    assert hooks.HOOKS["powershell"].rc_line(path) == ". '/opt/it''s here/awscli-sso-ext'"


def test_print_gives_the_text_of_the_file_and_pwsh_means_powershell():
    code, stdout, stderr = run("hook", "pwsh", "--print")
    assert (code, stderr) == (0, "")
    assert stdout == hook_file("powershell").read_text(encoding="utf-8")


def test_unknown_shell_exits_2_listing_the_choices(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run("hook", "tcsh")
    assert exit_info.value.code == 2
    assert "choose from 'bash', 'zsh', 'fish', 'powershell', 'pwsh'" in capsys.readouterr().err


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run()
    assert exit_info.value.code == 2
    assert "hook" in capsys.readouterr().err


def test_an_installed_wheel_uses_the_shell_folder_inside_the_package(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "awscli_sso_ext"
    (package / "shell").mkdir(parents=True)
    for shell in SHELLS:
        (package / "shell" / hook_file(shell).name).write_text("# hook\n")
    monkeypatch.setattr(hooks, "__file__", str(package / "hooks.py"))
    assert hooks.hook_path("fish") == package / "shell" / "awscli-sso-ext.fish"
    monkeypatch.setattr(hooks, "__file__", str(tmp_path / "nowhere" / "hooks.py"))
    with pytest.raises(FileNotFoundError, match="Reinstall awscli-sso-ext"):
        hooks.hook_folder()


def test_the_wheel_ships_every_hook_file():
    # pyproject maps shell/ to the package folder awscli_sso_ext/shell with this pattern.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"awscli_sso_ext.shell" = "shell"' in pyproject
    assert '"awscli_sso_ext.shell" = ["awscli-sso-ext.*"]' in pyproject
    shipped = {p.name for p in (ROOT / "shell").glob("awscli-sso-ext.*")}
    # Every file there ships: the hooks and the completion parts they source at the first TAB.
    assert shipped == {p.name for p in (ROOT / "shell").iterdir()}
    assert {hook_file(shell).name for shell in SHELLS} <= shipped
    assert {f"awscli-sso-ext.complete.{ext}" for ext in ("bash", "zsh", "fish")} <= shipped


def test_console_script_runs_and_imports_nothing_heavy():
    result = subprocess.run(
        [str(VENV_BIN / "aws-sso-ext"), "hook", "zsh"], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout) == (0, f"{hook_file('zsh')}\n")
    probe = "import sys, awscli_sso_ext.cli; print(sorted(m for m in ('botocore', 'awscli', 'argcomplete', 'shellingham') if m in sys.modules))"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert imported.stdout.strip() == "[]", imported.stderr
