"""Where each shell's hook file is, and the line in the shell's rc file that loads it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from awscli_sso_ext.shells import fish_quote, posix_quote, powershell_quote

HOOK_FILE_PREFIX = "awscli-sso-ext"


@dataclass(frozen=True)
class Hook:
    """One shell's hook: its file, the rc file that loads it and how that line reads."""

    shell: str
    extension: str
    rc_file: str
    load_command: str  # the command that runs a file in the current shell
    quote: Callable[[str], str]  # that shell's quoting function (shells.py), for the path

    @property
    def file_name(self) -> str:
        return f"{HOOK_FILE_PREFIX}.{self.extension}"

    def rc_line(self, path: Path) -> str:
        """The exact line that loads the hook at `path` from the rc file."""
        return f"{self.load_command} {self.quote(str(path))}"


HOOKS = {
    hook.shell: hook
    for hook in (
        Hook("bash", "bash", "~/.bashrc", "source", posix_quote),
        Hook("zsh", "zsh", "${ZDOTDIR:-~}/.zshrc", "source", posix_quote),
        Hook("fish", "fish", "~/.config/fish/config.fish", "source", fish_quote),
        Hook("powershell", "ps1", "$PROFILE", ".", powershell_quote),
    )
}

# Other names people use for the same shells.
ALIASES = {"pwsh": "powershell"}

SHELL_NAMES = (*HOOKS, *ALIASES)


def hook_for(shell: str) -> Hook:
    """The hook of `shell` (bash, zsh, fish, powershell or pwsh); KeyError for any other."""
    return HOOKS[ALIASES.get(shell, shell)]


def hook_folder() -> Path:
    """The folder holding the hook files.

    An installed wheel ships them as the package folder `awscli_sso_ext/shell/`; an editable
    install or a checkout has them in `shell/` beside the package. The folder is found by
    path, not by importing `awscli_sso_ext.shell`, which editable installs can't resolve.
    """
    package = Path(__file__).resolve().parent
    for folder in (package / "shell", package.parent / "shell"):
        if (folder / f"{HOOK_FILE_PREFIX}.bash").is_file():
            return folder
    raise FileNotFoundError(
        f"The awscli-sso-ext shell hooks are missing: neither {package / 'shell'} nor "
        f"{package.parent / 'shell'} holds them. Reinstall awscli-sso-ext."
    )


def hook_path(shell: str) -> Path:
    """The absolute path of the hook file for `shell`."""
    return hook_folder() / hook_for(shell).file_name


def rc_line(shell: str) -> str:
    """The line that loads the installed hook of `shell` from its rc file."""
    return hook_for(shell).rc_line(hook_path(shell))
