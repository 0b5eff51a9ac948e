"""Which profiles this user switches to often and lately: the picker's order, in a state file."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time

from awscli_sso_ext import tokens

FOLDER_NAME = "awscli-sso-ext"
FILE_NAME = "frecency.json"
KEEP = 500  # profiles remembered; the least used beyond this are forgotten
HOUR, DAY, WEEK = 3600, 86400, 7 * 86400


def state_folder(environ) -> str:
    """$XDG_STATE_HOME/awscli-sso-ext; ~/.local/state when XDG_STATE_HOME is unset or not
    absolute (the XDG rule)."""
    base = environ.get("XDG_STATE_HOME") or ""
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, FOLDER_NAME)


def state_path(environ) -> str:
    """$XDG_STATE_HOME/awscli-sso-ext/frecency.json."""
    return os.path.join(state_folder(environ), FILE_NAME)


def remove() -> None:
    """Delete the state file and its lock (uninstall), then the folder if that leaves it
    empty; a folder that is a link or not the user's is left alone."""
    folder = state_folder(os.environ)
    try:
        info = os.lstat(folder)
    except OSError:
        return
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return
    path = os.path.join(folder, FILE_NAME)
    for name in (path, tokens.lock_path(path)):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
    with contextlib.suppress(OSError):
        os.rmdir(folder)


def load(path: str) -> dict[str, dict]:
    """{profile: {"count": uses, "last": epoch seconds}}; empty when the file is missing or
    can't be used (torn, edited, not ours): the order is a convenience, never an error."""
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        profiles = data["profiles"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(profiles, dict):
        return {}
    return {
        name: {"count": entry["count"], "last": entry["last"]}
        for name, entry in profiles.items()
        if isinstance(entry, dict) and _number(entry.get("count")) and _number(entry.get("last"))
    }


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def score(entry: dict, now: float) -> float:
    """Uses weighted by how recent the last one is (4x within the hour, 2x the day, 1x the
    week, then a quarter)."""
    age = now - entry["last"]
    weight = 4.0 if age < HOUR else 2.0 if age < DAY else 1.0 if age < WEEK else 0.25
    return entry["count"] * weight


def ordered(names: list[str], environ, now: float | None = None) -> list[str]:
    """`names` by frecency (ties: the most recent first), then the never used by name."""
    now = time.time() if now is None else now
    entries = load(state_path(environ))

    def key(name: str):
        entry = entries.get(name)
        if entry is None:
            return (1, 0.0, 0.0, name)
        return (0, -score(entry, now), -entry["last"], name)

    return sorted(names, key=key)


def record(name: str, environ, now: float | None = None) -> None:
    """Count one switch to `name`. Under a lock (two terminals switching at once both
    count), written atomically, 0600 in a 0700 folder. OSError when it can't be written."""
    now = time.time() if now is None else now
    path = state_path(environ)
    with tokens.cache_lock(path):
        entries = load(path)
        entry = entries.setdefault(name, {"count": 0, "last": now})
        entry["count"] += 1
        entry["last"] = now
        if len(entries) > KEEP:
            kept = sorted(entries, key=lambda n: score(entries[n], now), reverse=True)[:KEEP]
            entries = {n: entries[n] for n in kept}
        tokens.write_json_atomically(path, {"version": 1, "profiles": entries})
