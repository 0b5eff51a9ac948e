"""The one place that knows shells: a class per shell the hooks support, in one registry."""

# Adding a shell is one class here (and its hook file in shell/): setup, uninstall, doctor,
# `aws-sso-ext hook`, the demo, detection and the command line's choices all read SHELLS.

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from awscli_sso_ext.shell_formats import (
    FORMATS,
    OutputFormat,
    UnrepresentableValueError,
    command_line,
    fish_quote,
    posix_quote,
    powershell_quote,
)

__all__ = [
    "DEMO_SHELLS",
    "FORMATS",
    "FORMAT_OF_SHELL",
    "HOOK_FILE_PREFIX",
    "SHELLS",
    "SHELL_NAMES",
    "OutputFormat",
    "Shell",
    "ThrowawayShell",
    "UnrepresentableValueError",
    "command_line",
    "fish_quote",
    "posix_quote",
    "powershell_quote",
    "shell_named",
]

HOOK_FILE_PREFIX = "awscli-sso-ext"


@dataclass(frozen=True)
class ThrowawayShell:
    """How to start a shell interactively in a throwaway home, with the hook loaded."""

    argv: list[str]
    files: dict[Path, str]  # the rc files to write first
    environment: dict[str, str] = field(default_factory=dict)  # added to the shell's own


class Shell:
    """One shell: its names, hook file, rc files, and the lines setup writes into them."""

    NAME = ""
    ALIASES: tuple[str, ...] = ()  # other names people give this shell
    SAME_SYNTAX: tuple[str, ...] = ()  # shells (as shellingham names them) that read its code
    HOOK_EXTENSION = ""  # of its hook file, when it isn't NAME
    LOAD_COMMAND = "source"  # the command that runs a file in the current shell
    COMPLETION_COMMAND = "complete"  # the command its hook registers a completer with

    @staticmethod
    def quote(value: str) -> str:
        """One word of this shell that evaluates to exactly `value`."""
        raise NotImplementedError

    @property
    def format(self) -> OutputFormat:
        """The output format of the same name: the code this shell evaluates."""
        return FORMATS[self.NAME]

    @property
    def extension(self) -> str:
        return self.HOOK_EXTENSION or self.NAME

    @property
    def file_name(self) -> str:
        """The name of this shell's hook file in the hook folder."""
        return f"{HOOK_FILE_PREFIX}.{self.extension}"

    def rc_files(self) -> list[str]:
        """The files setup wires for this shell."""
        raise NotImplementedError

    @property
    def rc_file(self) -> str:
        """The rc file the hook's line goes in, as a user would write it (`~` for home)."""
        path = self.rc_files()[0]
        home = os.path.expanduser("~")
        if path.startswith(home + os.sep):
            return "~" + path[len(home) :]
        return path

    def rc_line(self, path: Path) -> str:
        """The exact line that loads the hook at `path` from the rc file."""
        return f"{self.LOAD_COMMAND} {self.quote(str(path))}"

    def path_prepend_line(self, folder: str) -> str:
        """A line that puts `folder` first on PATH unless PATH already has it."""
        raise NotImplementedError

    def throwaway(self, root: Path, home: Path, hook: Path) -> ThrowawayShell | None:
        """The demo's interactive shell under `root`, or None for a shell the demo lacks."""
        return None


def _config_home() -> str:
    return os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")


class Bash(Shell):
    NAME = "bash"
    SAME_SYNTAX: tuple[str, ...] = ("sh", "dash", "ash", "ksh", "mksh")
    quote = staticmethod(posix_quote)

    def rc_files(self) -> list[str]:
        from awscli_sso_ext import install_files

        home = os.path.expanduser("~")
        files = [os.path.join(home, ".bashrc")]
        # A login bash (macOS terminals, ssh) reads the first of these and not ~/.bashrc;
        # wire it too unless it already reads ~/.bashrc (Debian's ~/.profile does).
        for name in (".bash_profile", ".bash_login", ".profile"):
            login = os.path.join(home, name)
            if os.path.exists(login):
                text = install_files.read_text(install_files.real_target(login)) or ""
                if ".bashrc" not in text:
                    files.append(login)
                break
        return files

    def path_prepend_line(self, folder: str) -> str:
        quoted = self.quote(folder)
        return f'case ":$PATH:" in *:{quoted}:*) ;; *) export PATH={quoted}:"$PATH" ;; esac'

    def throwaway(self, root: Path, home: Path, hook: Path) -> ThrowawayShell | None:
        rc = home / ".bashrc"
        text = (
            "# awscli-sso-ext demo shell (your own ~/.bashrc is not read).\n"
            "PS1='(demo) \\w \\$ '\n"
            f"{self.rc_line(hook)}\n"
        )
        return ThrowawayShell(["bash", "--noprofile", "--rcfile", str(rc), "-i"], {rc: text})


class Zsh(Bash):
    NAME = "zsh"
    SAME_SYNTAX = ()
    COMPLETION_COMMAND = "compdef"

    def rc_files(self) -> list[str]:
        home = os.path.expanduser("~")
        return [os.path.join(os.environ.get("ZDOTDIR") or home, ".zshrc")]  # never .zshenv

    def throwaway(self, root: Path, home: Path, hook: Path) -> ThrowawayShell | None:
        zdotdir = root / "zdotdir"
        text = (
            "# awscli-sso-ext demo shell (your own ~/.zshrc is not read).\n"
            "PROMPT='(demo) %~ %# '\n"
            'autoload -Uz compinit && compinit -u -d "$ZDOTDIR/.zcompdump"\n'
            f"{self.rc_line(hook)}\n"
        )
        return ThrowawayShell(["zsh", "-i"], {zdotdir / ".zshrc": text}, {"ZDOTDIR": str(zdotdir)})


class Fish(Shell):
    NAME = "fish"
    quote = staticmethod(fish_quote)

    def rc_files(self) -> list[str]:
        return [os.path.join(_config_home(), "fish", "conf.d", f"{HOOK_FILE_PREFIX}.fish")]

    def path_prepend_line(self, folder: str) -> str:
        quoted = self.quote(folder)
        return f"contains -- {quoted} $PATH; or set -gx PATH {quoted} $PATH"

    def throwaway(self, root: Path, home: Path, hook: Path) -> ThrowawayShell | None:
        rc = root / "config" / "fish" / "conf.d" / f"{HOOK_FILE_PREFIX}-demo.fish"
        text = (
            "# awscli-sso-ext demo shell (your own fish configuration is not read).\n"
            "set -g fish_greeting ''\n"
            "function fish_prompt; printf '(demo) %s> ' (prompt_pwd); end\n"
            f"{self.rc_line(hook)}\n"
        )
        # fish keeps a socket for universal variables in XDG_RUNTIME_DIR.
        return ThrowawayShell(
            ["fish", "-i"], {rc: text}, {"XDG_RUNTIME_DIR": str(root / "runtime")}
        )


class PowerShell(Shell):
    NAME = "powershell"
    ALIASES = ("pwsh",)
    HOOK_EXTENSION = "ps1"
    LOAD_COMMAND = "."
    COMPLETION_COMMAND = "Register-ArgumentCompleter"
    quote = staticmethod(powershell_quote)

    def rc_files(self) -> list[str]:
        return [os.path.join(_config_home(), "powershell", "Microsoft.PowerShell_profile.ps1")]

    def path_prepend_line(self, folder: str) -> str:
        quoted = self.quote(folder)
        return (
            f"if (($env:PATH -split [IO.Path]::PathSeparator) -notcontains {quoted}) "
            f"{{ $env:PATH = {quoted} + [IO.Path]::PathSeparator + $env:PATH }}"
        )


SHELLS: dict[str, Shell] = {shell.NAME: shell for shell in (Bash(), Zsh(), Fish(), PowerShell())}
_BY_NAME = {name: shell for shell in SHELLS.values() for name in (shell.NAME, *shell.ALIASES)}
# Every name a shell is given on the command line: the shells, then their aliases.
SHELL_NAMES = (*SHELLS, *(alias for shell in SHELLS.values() for alias in shell.ALIASES))
# The shells the demo can start.
DEMO_SHELLS = tuple(
    name for name, shell in SHELLS.items() if type(shell).throwaway is not Shell.throwaway
)
# Which format each shell that shellingham can name reads.
FORMAT_OF_SHELL = {
    name: shell.NAME
    for shell in SHELLS.values()
    for name in (shell.NAME, *shell.SAME_SYNTAX, *shell.ALIASES)
}


def shell_named(name: str | None) -> Shell | None:
    """The shell called `name` (or one of its aliases), or None."""
    return _BY_NAME.get(name or "")
