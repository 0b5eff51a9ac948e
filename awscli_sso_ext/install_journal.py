"""The installer journal (state.json): changes recorded before they are made; one run at a time."""

# state.json says what setup owns: for each kind ("config", "rc", "pth", "backups",
# "folders") a record per path, plus the folders setup created. Every change goes through
# Journal.change(): the new record and a "pending" note (the path, fingerprints of its text
# before and after) are saved and fsync'd first, then the file is written. Whatever stops the
# process, the next setup or uninstall (under the lock) reads the note: if the file still
# has its old text, the change never happened and its record is rolled back; otherwise the
# record stands, and uninstall, which finds our lines wherever they are, can undo it.

from __future__ import annotations

import contextlib
import copy
import errno
import json
import os
import sys
import time
from pathlib import Path

from awscli_sso_ext import install_files
from awscli_sso_ext.errors import ConfigError, OperationFailed

try:
    import fcntl
except ImportError:  # Windows: no flock; one run at a time is then the user's job
    fcntl = None  # type: ignore[assignment]

KINDS = ("config", "rc", "pth", "backups", "folders")
VERSION = 2
LOCK_WAIT_SECONDS = 60.0
LOCK_WAIT_VARIABLE = "AWS_SSO_EXT_LOCK_WAIT"  # seconds a second run waits, instead of 60


class Journal:
    """state.json held under the installer lock; `dry_run` reads it and never writes."""

    def __init__(self, state_file: Path, dry_run: bool = False):
        self.path = state_file
        self.dry_run = dry_run
        self.state = _load(state_file)
        self._undo: list = []

    def records(self, kind: str) -> dict:
        return self.state.setdefault(kind, {})

    def record(self, kind: str, path: str):
        return self.state.get(kind, {}).get(path)

    def change(self, kind: str, path: str, text: str | None, record) -> None:
        """Set the record of `path` (None drops it), then write `text` to it (None deletes it):
        journalled first, and undone by rollback() if this run fails before it ends."""
        before = install_files.read_text(path)
        self._intend(kind, path, record, before, text)
        if text is None:
            install_files.delete(path)
        else:
            install_files.write_atomically(path, text)

    def change_folder(self, path: str, record, build=None) -> None:
        """Like change() for a folder: `build(path)` makes it, or without `build` it is deleted."""
        self._intend("folders", path, record, None, None if build is None else "")
        if build is None:
            install_files.delete(path)
        else:
            build(path)

    def _intend(self, kind: str, path: str, record, before: str | None, after: str | None):
        previous = copy.deepcopy(self.record(kind, path))
        if after is not None:
            dirs = self.state.setdefault("created_dirs", [])
            missing = install_files.missing_dirs(os.path.dirname(path))
            dirs += [folder for folder in missing if folder not in dirs]
        self._set(kind, path, record)
        self.state["pending"] = {
            "kind": kind,
            "path": path,
            "before": install_files.digest(before),
            "after": install_files.digest(after),
            "previous": previous,
        }
        self.save()
        self._undo.append((kind, path, before, after, previous))

    def forget(self, kind: str, path: str) -> None:
        """Drop the record of `path` without touching the file."""
        if self.record(kind, path) is not None:
            self._set(kind, path, None)
            self.save()

    def _set(self, kind: str, path: str, record) -> None:
        if record is None:
            self.records(kind).pop(path, None)
        else:
            self.records(kind)[path] = record

    def save(self) -> None:
        """Write state.json (fsync'd); with nothing left to record, remove it."""
        if self.dry_run:
            return
        if not self.holds_anything():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            return
        self.state["version"] = VERSION
        text = json.dumps(self.state, indent=2, sort_keys=True) + "\n"
        install_files.write_atomically(str(self.path), text)

    def holds_anything(self) -> bool:
        return any(self.state.get(kind) for kind in KINDS) or bool(self.state.get("pending"))

    def finish(self) -> None:
        """The run is over: no change is pending any more."""
        self._undo.clear()
        if self.state.pop("pending", None) is not None:
            self.save()

    def rollback(self) -> list[str]:
        """Undo this run's changes, newest first (a file edited since is left alone); what
        could not be undone."""
        problems = []
        for kind, path, before, written, previous in reversed(self._undo):
            try:
                if kind == "folders":
                    if previous is None and written is not None:
                        install_files.delete(path)
                elif install_files.read_text(path) == written:
                    if before is None:
                        install_files.delete(path)
                    else:
                        install_files.write_atomically(path, before)
                else:
                    problems.append(f"{path} was changed meanwhile: left as it is")
                    continue
                self._set(kind, path, previous)
            except OSError as error:
                problems.append(f"{path}: {error}")
        self._undo.clear()
        self.state.pop("pending", None)
        if not problems:
            install_files.remove_empty_dirs(self.state.get("created_dirs", []))
            self.state["created_dirs"] = [
                d for d in self.state.get("created_dirs", []) if os.path.isdir(d)
            ]
        self.save()
        return problems

    def recover(self) -> None:
        """Settle what a run stopped halfway left behind (see the module's comment)."""
        pending = self.state.pop("pending", None)
        install_files.remove_stray_temps(str(self.path))
        if not pending:
            return
        path = pending["path"]
        if pending["kind"] != "folders":
            install_files.remove_stray_temps(path)
            current = install_files.digest(install_files.read_text(path))
            if current == pending["before"] != pending["after"]:
                self._set(pending["kind"], path, pending["previous"])
        self.save()


def _load(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as file:
            state = json.load(file)
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise ConfigError(
            f"{path} is damaged ({error}): it records what setup changed.",
            f"Restore the *{install_files.BACKUP_SUFFIX} backups beside your AWS config and rc "
            "files by hand, then delete that file.",
        ) from None
    if not isinstance(state, dict) or state.get("version") != VERSION:
        raise ConfigError(
            f"{path} was written by another version of awscli-sso-ext.",
            "Run `aws-sso-ext uninstall` with that version, or restore the "
            f"*{install_files.BACKUP_SUFFIX} backups by hand and delete that file.",
        )
    return state


@contextlib.contextmanager
def lock(path: Path, wait: float | None = None, err=None):
    """Hold the installer lock (flock on `path`): one setup or uninstall at a time.

    A second run waits up to `wait` seconds, saying so once on `err`, then gives up with a
    clear error. The lock file may be removed while held (uninstall does): a waiter then
    finds its file replaced and retries. The folders made for the lock file are written into
    it at once, before anything else, and every run yields them: a run stopped right after
    making them leaves them on record for the next one.
    """
    err = err if err is not None else sys.stderr
    if wait is None:
        try:
            wait = float(os.environ.get(LOCK_WAIT_VARIABLE) or LOCK_WAIT_SECONDS)
        except ValueError:
            wait = LOCK_WAIT_SECONDS
    deadline = time.monotonic() + wait
    created: list[str] = []
    said = False
    while True:
        missing = install_files.missing_dirs(str(path.parent))
        install_files.make_private_dirs(str(path.parent))
        created += [folder for folder in missing if folder not in created]
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except FileNotFoundError:
            continue  # the folder was removed just now by the run that held the lock
        if fcntl is None:
            break
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() > deadline:
                raise OperationFailed(
                    f"Another `aws-sso-ext setup` or `uninstall` is still running (it holds "
                    f"{path}); this one changed nothing.",
                    "Wait for it to finish, then run this command again.",
                ) from None
            if not said:
                err.write("aws-sso-ext: waiting for another setup or uninstall to finish...\n")
                err.flush()
                said = True
            time.sleep(0.05)
            continue
        try:
            same = os.fstat(fd).st_ino == os.stat(path, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        if created:
            os.write(fd, "".join(f"{folder}\n" for folder in created).encode("utf-8"))
            os.fsync(fd)
        with open(path, encoding="utf-8") as file:
            yield [line for line in file.read().splitlines() if line]
    finally:
        os.close(fd)
