"""The installer's file operations: read exactly, check before writing, replace atomically."""

from __future__ import annotations

import configparser
import glob
import hashlib
import os
import shutil
import stat
import tempfile

from awscli_sso_ext import config_edit
from awscli_sso_ext.errors import ConfigError

BACKUP_SUFFIX = ".awscli-sso-ext.bak"
TEMP_MARK = ".awscli-sso-ext-"
# Test seam: with AWS_SSO_EXT_TEST_EXIT_AT_WRITE=N the process ends abruptly (os._exit, no
# clean-up, like a kill) at its Nth write point: a file fully written to its temporary name
# but not yet in place, or a folder half swapped. Tests use it to stop setup at every write.
EXIT_AT_WRITE_VARIABLE = "AWS_SSO_EXT_TEST_EXIT_AT_WRITE"
EXIT_AT_WRITE_STATUS = 99
_writes = [0]


def write_point() -> None:
    """Count one write point; end the process here if the test seam asks for it."""
    _writes[0] += 1
    if os.environ.get(EXIT_AT_WRITE_VARIABLE) == str(_writes[0]):
        os._exit(EXIT_AT_WRITE_STATUS)


def real_target(path: str) -> str:
    """The file to edit: a symlink's target (dotfile managers link rc files), made absolute.

    A dangling link is refused: creating its target could land anywhere.
    """
    if os.path.islink(path) and not os.path.exists(path):
        raise ConfigError(
            f"{path} is a symbolic link to {os.readlink(path)}, which does not exist.",
            "Create the file it points to, or remove the link, then run setup again.",
        )
    return os.path.realpath(path)


def read_text(path: str) -> str | None:
    """The file's text exactly as stored (newlines untouched), None when it doesn't exist."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            return file.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text.", "Fix or convert that file.") from None


def digest(text: str | None) -> str | None:
    """A fingerprint of a file's text (None for a file that doesn't exist)."""
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_writable(path: str) -> None:
    """ConfigError unless `path` (or, when it doesn't exist, its nearest folder) can be replaced."""
    folder = os.path.dirname(path)
    while not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    problem = None
    # The owner's write bit too: root may write anything, but a read-only file is a choice.
    if os.path.exists(path) and (
        not os.access(path, os.W_OK) or not os.stat(path).st_mode & stat.S_IWUSR
    ):
        problem = "is read-only"
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = f"can't be written: no write access to the folder {folder}"
    if problem:
        raise ConfigError(
            f"{path} {problem}; this command changed nothing.",
            f"Make it writable (e.g. `chmod u+w {path}`) or run the command as its owner.",
        )


def missing_dirs(folder: str) -> list[str]:
    """`folder` and each parent that doesn't exist yet, deepest first."""
    missing = []
    while folder and not os.path.isdir(folder):
        missing.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return missing


def make_private_dirs(folder: str) -> None:
    """Create `folder` and its missing parents, each 0700 whatever the umask."""
    for missing in reversed(missing_dirs(folder)):
        try:
            os.mkdir(missing, 0o700)
        except FileExistsError:
            continue
        os.chmod(missing, 0o700)


def write_atomically(path: str, text: str) -> None:
    """Replace `path` with `text` through a uniquely named temporary file beside it.

    The file keeps its mode; a new one is 0600. A stop at any moment leaves either the old
    file or the new one, and at worst a temporary file that remove_stray_temps() finds.
    """
    folder = os.path.dirname(path)
    make_private_dirs(folder)
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else 0o600
    fd, temp = tempfile.mkstemp(dir=folder, prefix=_temp_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode)
        write_point()
        os.replace(temp, path)
        _sync_folder(folder)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _temp_prefix(path: str) -> str:
    return f".{os.path.basename(path)}{TEMP_MARK}"


def _sync_folder(folder: str) -> None:
    """Make a rename in `folder` durable (a no-op where folders can't be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stray_temps(path: str) -> None:
    """Delete the temporary files an interrupted write_atomically(path, ...) left behind."""
    pattern = os.path.join(glob.escape(os.path.dirname(path)), glob.escape(_temp_prefix(path)))
    for temp in glob.glob(pattern + "*.tmp"):
        if os.path.isfile(temp) and not os.path.islink(temp):
            os.unlink(temp)


def delete(path: str) -> None:
    """Remove a file or a whole folder (no error when it is gone already)."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def remove_empty_dirs(folders: list[str]) -> list[str]:
    """Remove each of `folders` (deepest first) that exists and is empty; the ones removed."""
    removed = []
    for folder in sorted(set(folders), key=len, reverse=True):
        try:
            os.rmdir(folder)
        except OSError:
            continue
        removed.append(folder)
    return removed


def check_config_parses(text: str, path: str) -> None:
    """ConfigError when botocore's parser (RawConfigParser, strict) would reject `text`."""
    if text.startswith(config_edit.BOM):
        raise ConfigError(
            f"The AWS config {path} starts with a byte order mark (BOM), which the AWS CLI "
            "can't read: every `aws` command fails on it.",
            f"Save it as UTF-8 without BOM (e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' {path}`), "
            "then run the command again; this command changed nothing.",
        )
    try:
        configparser.RawConfigParser().read_string(text, source=path)
    except configparser.Error as error:
        raise ConfigError(
            f"The AWS config {path} can't be parsed: {error}".replace("\n", " "),
            "Fix that line (every setting inside a [section], as `name = value`, no section "
            "twice), then run the command again; this command changed nothing.",
        ) from None
