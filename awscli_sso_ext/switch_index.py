"""The switch index: each profile's `aws sso-switch` code, rendered per shell, for the hooks."""

# The hooks read it with builtins only and evaluate a profile's code without starting the plugin
# when the index proves the plugin would print exactly that code now. In
# ``$XDG_CACHE_HOME/awscli-sso-ext/`` (folder 0700, files 0600):
#
# - ``switch.<shell>`` (bash, zsh, fish, ps1): the format line, the shell, HOME, the config
#   file's path and ``present`` or ``absent``, the same for the credentials file, the code file
#   of ``--unset``; then the login token files, each with the last epoch second at which the
#   plugin would not log in for it; the profile names, sorted by their UTF-8 bytes (names are
#   data, compared whole); for each name its code file and the number of its token file (0:
#   no SSO); and ``end``. Lists are one item a line, except for fish, which reads a list
#   faster as one line of tab-separated items (no item holds a control character).
# - ``code-<sha256>``: one environment's code, as the shell module renders it; named by its
#   content, so a file never changes once written and shells with the same syntax share it.
#   The statement about AWS_SSO_EXT_PREVIOUS_PROFILE is left out: it depends on the shell's
#   own AWS_PROFILE, so the hook makes it.
# - ``switch.seal``: written last, its mtime just after every file above. A file written by
#   anyone afterwards is newer than the seal, and the hooks then ignore the index.
#
# The index is published only if the config, credentials and token files are the same after
# it was written as before they were read, and its files are only ever written by renaming.

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from awscli_sso_ext import environment, tokens
from awscli_sso_ext.shells import SHELLS, UnrepresentableValueError

try:
    import fcntl
except ImportError:  # Windows: concurrent writers are not serialised, renames stay atomic.
    fcntl = None  # type: ignore[assignment]

FORMAT_LINE = "awscli-sso-ext switch index 1"
INDEX_FILES = {name: f"switch.{shell.extension}" for name, shell in SHELLS.items()}
SEAL_FILE = "switch.seal"
CODE_PREFIX = "code-"
_CODE_DIGITS = 32  # of the SHA-256 of the code, in hex: 128 bits
_LOCK_FILE = ".lock"
_TEMP_PREFIX = ".tmp-"
_STALE_TEMP_SECONDS = 3600
# A line of the index holds no control character: names, paths and fields stay one line each.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MARGIN = 1  # seconds: the shells know the time to the second only
_EPOCH = datetime.fromtimestamp(0, timezone.utc)


@dataclass(frozen=True)
class _Entry:
    """One profile in the index: its environment and its login's token file, if any."""

    name: str
    environment: dict
    token_file: str  # "" for a profile without SSO


def index_folder(environ=None) -> str | None:
    """$XDG_CACHE_HOME/awscli-sso-ext (a relative XDG_CACHE_HOME is ignored, as the XDG spec
    says), else ~/.cache/awscli-sso-ext; None without an absolute HOME."""
    environ = os.environ if environ is None else environ
    home = environ.get("HOME", "")
    if not os.path.isabs(home):
        return None
    cache = environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(cache):
        cache = os.path.join(home, ".cache")
    return os.path.join(cache, "awscli-sso-ext")


def refresh_quietly() -> None:
    """refresh(), for a command that succeeded: an index that can't be written only means the
    hooks run the plugin, so nothing here may fail the command or print anything."""
    with contextlib.suppress(Exception):
        refresh()


def refresh() -> bool:
    """Rebuild the index from the files as they are now; False when it was left as it was."""
    home = os.environ.get("HOME", "")
    folder = index_folder()
    config = _botocore_path("AWS_CONFIG_FILE", "~/.aws/config")
    credentials = _botocore_path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
    if folder is None or any(not _one_line(p) for p in (home, config, credentials, folder)):
        return False
    if not (os.path.isabs(config) and os.path.isabs(credentials)):
        return False
    watched = {config: _stamp(config), credentials: _stamp(credentials)}
    logins: dict = {}
    entries = _entries(watched, logins)
    if entries is None:
        return False
    files = [
        home,
        config,
        "absent" if watched[config] is None else "present",
        credentials,
        "absent" if watched[credentials] is None else "present",
    ]
    if not _private_folder(folder):
        return False
    with _lock(folder):
        return _publish(folder, files, entries, logins, watched)


def remove() -> str | None:
    """Delete the index (uninstall): our files in its folder, then the folder if that leaves
    it empty; the folder's path when there was one of ours, else None. Links are not followed."""
    folder = index_folder()
    if folder is None:
        return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or not _ours(info):
        return None
    ours = (*INDEX_FILES.values(), SEAL_FILE, _LOCK_FILE)
    for name in os.listdir(folder):
        if name in ours or name.startswith((CODE_PREFIX, _TEMP_PREFIX)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, name))
    with contextlib.suppress(OSError):
        os.rmdir(folder)
    return folder


def _botocore_path(variable: str, default: str) -> str:
    """The file botocore reads: the variable (even empty) or the default, with $VARS and ~."""
    path = os.environ.get(variable, default)
    return os.path.expanduser(os.path.expandvars(path))


def _one_line(text: str) -> bool:
    return bool(text) and not _CONTROL.search(text)


def _stamp(path: str):
    """What tells a file changed: (inode, size, mtime, ctime) of what botocore reads; or None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _entries(watched: dict, logins: dict) -> list | None:
    """The profiles the index can answer for, read after `watched` was taken; `logins` gets
    each token file with the last second at which the plugin would not log in for it."""
    import botocore.session
    from botocore.exceptions import BotoCoreError

    from awscli_sso_ext.errors import SsoExtError
    from awscli_sso_ext.profiles import ProfileBook

    try:
        book = ProfileBook.from_session(botocore.session.Session())
    except (SsoExtError, BotoCoreError):
        return None
    tokens_read: dict = {}
    entries = []
    for name in sorted(book.names(), key=lambda n: n.encode("utf-8", "surrogatepass")):
        if not _one_line(name):
            continue  # an empty name or one with a control character: the plugin answers
        try:
            profile = book.get(name)
        except SsoExtError:
            continue
        if profile.sso_root is not None:
            continue  # a role chain from an SSO profile: the plugin checks that login
        env = environment.profile_environment(profile)
        token_file = ""
        if profile.sso is not None:
            token_file = tokens.token_path(profile.sso.start_url, profile.sso.session_name)
            if token_file not in tokens_read:
                watched[token_file] = _stamp(token_file)
                tokens_read[token_file] = _read_token(token_file)
            token = tokens_read[token_file]
            if token is None or not _one_line(token_file):
                continue  # no login to show: the plugin logs in
            env.update(environment.login_metadata(token_file, tokens.format_time(token.expires_at)))
            # The token file's name is the sha1 of the session name or of the start URL:
            # one file never serves both kinds of profile.
            logins[token_file] = _no_login_until(token, profile.sso.session_name is not None)
        entries.append(_Entry(name, env, token_file))
    return entries


def _read_token(path: str):
    try:
        return tokens.read_token(path)
    except tokens.CacheFileError:
        return None


def _no_login_until(token: tokens.Token, session_style: bool) -> int:
    """The last whole epoch second at which tokens.needs_login(token) is surely False.

    Its rule: at least REFRESH_WINDOW left, or renewable by botocore until the registration
    expires. A shell knows the second n, the real time being in [n, n + 1): a second less on
    each bound keeps the answer true for every moment of that second.
    """
    window = int(tokens.REFRESH_WINDOW.total_seconds())
    last = int(token.expires_at.timestamp()) - window - _MARGIN
    registration = token.registration_expires_at
    if registration is not None and token.can_refresh(_EPOCH, session_style=session_style):
        last = max(last, int(registration.timestamp()) - 2 * _MARGIN)
    return last


def _private_folder(folder: str) -> bool:
    """The folder exists as a real folder of ours with no access for others (made 0700)."""
    _make_folders(folder)
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or not _ours(info):
        return False
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(folder, 0o700)
    return True


def _make_folders(folder: str) -> None:
    """Create `folder` and its missing parents 0700, whatever the umask."""
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(folder)
    if parent != folder:
        _make_folders(parent)
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)


def _ours(info: os.stat_result) -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or info.st_uid == geteuid()


@contextlib.contextmanager
def _lock(folder: str):
    """One writer at a time: another one's files are never swept away as unused."""
    if fcntl is None:
        yield
        return
    fd = os.open(os.path.join(folder, _LOCK_FILE), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _publish(folder: str, files: list, entries: list, logins: dict, watched: dict) -> bool:
    sealed = _mtime(os.path.join(folder, SEAL_FILE))
    code_files: dict = {}  # code text -> file name
    prepared = []  # (index path, temporary path)
    token_files = sorted(logins)
    token_numbers = {path: number for number, path in enumerate(token_files, 1)}
    try:
        for shell, file_name in INDEX_FILES.items():
            output_format = SHELLS[shell].format
            unset_code = _code_file(folder, sealed, code_files, output_format, _unset_environment())
            names, codes, numbers = [], [], []
            for entry in entries:
                try:
                    code = _code_file(folder, sealed, code_files, output_format, entry.environment)
                except UnrepresentableValueError:
                    continue
                names.append(entry.name)
                codes.append(code)
                numbers.append(str(token_numbers.get(entry.token_file, 0)))
            lines = [FORMAT_LINE, shell, *files, unset_code]
            if shell == "fish":
                lines += [
                    "\t".join(str(logins[path]) for path in token_files),
                    "\t".join(token_files),
                    str(len(names)),
                    "\t".join(names),
                    "\t".join(codes),
                    "\t".join(numbers),
                ]
            else:
                lines.append(str(len(token_files)))
                lines += [f"{logins[path]}\t{path}" for path in token_files]
                lines.append(str(len(names)))
                lines += names
                lines += [f"{code}\t{number}" for code, number in zip(codes, numbers)]
            lines.append("end")
            text = "".join(line + "\n" for line in lines)
            prepared.append((os.path.join(folder, file_name), _write_temporary(folder, text)))
        if any(_stamp(path) != stamp for path, stamp in watched.items()):
            return False  # a file changed while the index was built: it can't be trusted
        for path, temporary in prepared:
            os.replace(temporary, path)
        prepared = []
        _seal(folder)
    finally:
        for _path, temporary in prepared:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    _sweep(folder, set(code_files.values()))
    return True


def _mtime(path: str) -> int | None:
    try:
        return os.lstat(path).st_mtime_ns
    except OSError:
        return None


def _unset_environment() -> dict:
    cleared = environment.cleared_environment()
    del cleared[environment.PREVIOUS_PROFILE]
    return cleared


def _code_file(folder: str, sealed: int | None, code_files: dict, output_format, env: dict) -> str:
    """The name of the file holding `env` rendered in `output_format`, written unless a file
    of ours with that content was sealed already (no one wrote it after the seal)."""
    code = output_format.render(env)
    if code in code_files:
        return code_files[code]
    data = code.encode("utf-8")
    name = CODE_PREFIX + hashlib.sha256(data).hexdigest()[:_CODE_DIGITS]
    path = os.path.join(folder, name)
    try:
        info = os.lstat(path)
    except OSError:
        info = None
    reusable = (
        info is not None
        and sealed is not None
        and stat.S_ISREG(info.st_mode)
        and _ours(info)
        and not info.st_mode & 0o077
        and info.st_size == len(data)
        and info.st_mtime_ns < sealed
    )
    if not reusable:
        os.replace(_write_temporary(folder, code), path)
    code_files[code] = name
    return name


def _write_temporary(folder: str, text: str) -> str:
    """A new 0600 file in `folder` holding `text` (UTF-8, bytes as they are)."""
    fd, path = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise
    return path


def _seal(folder: str) -> None:
    """The seal's mtime goes a microsecond past the newest file of the index."""
    newest = 0
    for name in os.listdir(folder):
        if name in INDEX_FILES.values() or name.startswith(CODE_PREFIX):
            newest = max(newest, os.lstat(os.path.join(folder, name)).st_mtime_ns)
    seal = os.path.join(folder, SEAL_FILE)
    os.replace(_write_temporary(folder, ""), seal)
    moment = newest + 1000
    os.utime(seal, ns=(moment, moment))


def _sweep(folder: str, used: set) -> None:
    """Remove code files no index names any more, and temporary files a killed writer left."""
    now = time.time()
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            unused = name.startswith(CODE_PREFIX) and name not in used
            stale = name.startswith(_TEMP_PREFIX) and (
                now - os.lstat(path).st_mtime > _STALE_TEMP_SECONDS
            )
            if unused or stale:
                os.unlink(path)
