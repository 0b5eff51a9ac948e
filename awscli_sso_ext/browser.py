"""Opens the login page in a browser: detached and silent, and only where one can be seen."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping

_UNIX_DESKTOPS = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly", "sunos")
# What opens an address in the desktop's own browser; never a console browser.
_OPENERS = {
    "darwin": (["open"],),
    "unix": (["xdg-open"], ["gio", "open"], ["x-www-browser"]),
}


def can_show_a_browser(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether a browser started here would be seen: not over SSH, and on Linux or BSD only
    with an X11 or Wayland display."""
    if environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"):
        return False
    if platform.startswith(_UNIX_DESKTOPS):
        return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
    return True


def browser_commands(browser_variable: str, url: str) -> list[list[str]]:
    """The commands that BROWSER names, as Python's webbrowser reads it: entries separated
    by os.pathsep, `%s` standing for the address (else it is added at the end); a trailing
    `&` is dropped, since we never wait anyway."""
    commands = []
    for entry in browser_variable.split(os.pathsep):
        entry = entry.strip().removesuffix("&").strip()
        try:
            words = shlex.split(entry)
        except ValueError:
            continue
        if not words:
            continue
        if any("%s" in word for word in words):
            commands.append([word.replace("%s", url) for word in words])
        else:
            commands.append([*words, url])
    return commands


def open_browser(url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Start a browser on `url` without waiting for it. Its stdout is thrown away (it must
    never reach ours, which a shell hook evaluates); its stderr too, unless ours is a
    terminal: a pipe it held open would keep our caller waiting for as long as it runs.
    None when one started, else why not."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("BROWSER", "").strip()
    if chosen:
        candidates = browser_commands(chosen, url)
    elif not can_show_a_browser(environ):
        return "no graphical display here"
    elif sys.platform == "win32":
        os.startfile(url)  # type: ignore[attr-defined]  # returns at once; prints nothing
        return None
    else:
        openers = _OPENERS["darwin" if sys.platform == "darwin" else "unix"]
        candidates = [[*opener, url] for opener in openers]
    for command in candidates:
        try:
            subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=None if _stderr_is_terminal() else subprocess.DEVNULL,
                start_new_session=True,  # not ours to wait for, nor to hang up with us
                close_fds=True,
                env=_browser_environment(environ),
            )
        except OSError:
            continue
        return None
    return "no browser could be started"


def _stderr_is_terminal() -> bool:
    try:
        return os.isatty(2)
    except OSError:
        return False


def _browser_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment with the user's own LD_LIBRARY_PATH: frozen (PyInstaller) CLI builds
    change it and keep the original in LD_LIBRARY_PATH_ORIG."""
    environment = dict(environ)
    original = environment.get("LD_LIBRARY_PATH_ORIG")
    if original is not None:
        environment["LD_LIBRARY_PATH"] = original
    elif getattr(sys, "frozen", False):
        environment.pop("LD_LIBRARY_PATH", None)
    return environment
