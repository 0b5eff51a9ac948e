"""Where the hook files are installed, and the line in a shell's rc file that loads one."""

from __future__ import annotations

from pathlib import Path

from awscli_sso_ext.shells import HOOK_FILE_PREFIX, SHELL_NAMES, SHELLS, Shell, shell_named

HOOKS = SHELLS
__all__ = ["HOOKS", "SHELL_NAMES", "hook_folder", "hook_for", "hook_path", "rc_line"]


def hook_for(shell: str) -> Shell:
    """The shell called `shell` (bash, zsh, fish, powershell or pwsh); KeyError for any other."""
    found = shell_named(shell)
    if found is None:
        raise KeyError(shell)
    return found


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
