"""The SSO token and client-registration cache (~/.aws/sso/cache) shared with `aws sso login`."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, TypeVar

# Parsing and formatting times live in times.py (light to import), and are tokens.* too.
from awscli_sso_ext.times import TIME_FORMAT as TIME_FORMAT
from awscli_sso_ext.times import as_utc
from awscli_sso_ext.times import format_time as format_time
from awscli_sso_ext.times import parse_time as parse_time

try:
    import fcntl
except ImportError:  # Windows: writes stay atomic; only check-then-write goes unguarded.
    fcntl = None  # type: ignore[assignment]

REFRESH_WINDOW = timedelta(minutes=15)
"""botocore refreshes, and `aws sso login` replaces, tokens with less than this left."""

_T = TypeVar("_T")

_TOKEN_FIX = "Delete it, then log in again with `aws sso-switch PROFILE` or `aws sso login`."
_REGISTRATION_FIX = "Delete it; the next login registers a new client."
_NOT_A_FILE_FIX = "Move it out of the way, then run the command again."
_TORN_READ_RETRY_DELAY = 0.05


class CacheFileError(Exception):
    """A cache file exists but can't be used: says which file, what is wrong and the fix.

    `replaceable`: whether a login can write a good file in its place (a folder or a symbolic
    link standing there can't be replaced: we never remove those)."""

    def __init__(self, path: str, problem: str, fix: str = _TOKEN_FIX, replaceable: bool = True):
        super().__init__(f"The SSO cache file {path} {problem}. {fix}")
        self.path = path
        self.problem = problem
        self.fix = fix
        self.replaceable = replaceable


class CacheFolderError(Exception):
    """The cache folder can't take a file: names the folder once, and the fix."""

    def __init__(self, folder: str, reason: str):
        super().__init__(
            f"The cache folder {folder} can't be written ({reason}), so no login could be "
            "saved there. Make sure you own it and can write in it, then run the command again."
        )
        self.folder = folder


# --- Where things are ------------------------------------------------------------------


def sso_cache_dir(override: str | None = None) -> str:
    """The cache folder: `override`, else ~/.aws/sso/cache as HOME says now (not at import)."""
    if override is not None:
        return override
    return os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))


def token_cache_key(start_url: str, session_name: str | None = None) -> str:
    """sha1 hex of the sso-session name, or of the start URL for a legacy profile (None)."""
    name = start_url if session_name is None else session_name
    return hashlib.sha1(name.encode("utf-8")).hexdigest()


def token_path(
    start_url: str, session_name: str | None = None, cache_dir: str | None = None
) -> str:
    """Path of the token file botocore and `aws sso login` use for this login."""
    key = token_cache_key(start_url, session_name)
    return os.path.join(sso_cache_dir(cache_dir), key + ".json")


def parse_registration_scopes(raw: str | None) -> list[str] | None:
    """`sso_registration_scopes` as the CLI parses it: None when unset, else the non-empty
    comma-separated items in order. The registration key depends on None versus []."""
    if raw is None:
        return None
    return [scope.strip() for scope in raw.split(",") if scope.strip()]


def registration_cache_key(
    start_url: str,
    region: str,
    session_name: str | None = None,
    scopes: Sequence[str] | None = None,
) -> str:
    """The key AWS CLI v2 gives a client registration.

    sha1 of ``json.dumps`` with ``sort_keys=True`` and the default separators (", ", ": "),
    ASCII-escaped, of all five fields; a legacy profile has ``session_name`` null and
    ``scopes`` null; scopes keep their configured order (see parse_registration_scopes).
    """
    args = {
        "tool": "botocore",
        "startUrl": start_url,
        "region": region,
        "scopes": None if scopes is None else list(scopes),
        "session_name": session_name,
    }
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()


def registration_path(
    start_url: str,
    region: str,
    session_name: str | None = None,
    scopes: Sequence[str] | None = None,
    cache_dir: str | None = None,
) -> str:
    """Path of the client-registration file `aws sso login` (v2) uses for this login."""
    key = registration_cache_key(start_url, region, session_name, scopes)
    return os.path.join(sso_cache_dir(cache_dir), key + ".json")


# --- Value objects ---------------------------------------------------------------------


@dataclass
class Token:
    """An SSO access token as cached by `aws sso login`; times are aware and UTC.

    ``extra`` holds the fields of the file this class doesn't model (e.g. ``receivedAt``),
    written back unchanged by to_dict().
    """

    access_token: str
    expires_at: datetime
    start_url: str | None = None
    region: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    registration_expires_at: datetime | None = None
    refresh_token: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    _FIELDS = (
        ("startUrl", "start_url", str),
        ("region", "region", str),
        ("accessToken", "access_token", str),
        ("expiresAt", "expires_at", datetime),
        ("clientId", "client_id", str),
        ("clientSecret", "client_secret", str),
        ("registrationExpiresAt", "registration_expires_at", datetime),
        ("refreshToken", "refresh_token", str),
    )

    def __post_init__(self) -> None:
        self.expires_at = as_utc(self.expires_at)
        if self.registration_expires_at is not None:
            self.registration_expires_at = as_utc(self.registration_expires_at)

    @classmethod
    def from_dict(cls, data: Any) -> Token:
        """Read the CLI's JSON object; ValueError says what is wrong with it."""
        values, extra = _split_fields(data, cls._FIELDS, required=("accessToken", "expiresAt"))
        return cls(**values, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON object: its field names, times in TIME_FORMAT, unset fields left out."""
        return _join_fields(self, self._FIELDS)

    def seconds_left(self, now: datetime) -> float:
        """Seconds from `now` (aware) until the access token expires; negative once expired."""
        return (self.expires_at - now).total_seconds()

    def is_expired(self, now: datetime) -> bool:
        """Whether the access token is no longer valid at `now`."""
        return self.seconds_left(now) <= 0

    def can_refresh(self, now: datetime, *, session_style: bool) -> bool:
        """Whether botocore can renew it without a login: sso-session profiles only (botocore
        never refreshes legacy ones), with a refresh token and an unexpired registration."""
        return (
            session_style
            and bool(self.refresh_token and self.client_id and self.client_secret)
            and self.registration_expires_at is not None
            and self.registration_expires_at > now
        )


def needs_login(token: Token | None, now: datetime, *, session_style: bool) -> bool:
    """True when only a login helps: no token, or under REFRESH_WINDOW left (expired
    included) and botocore can't refresh it. An expired but refreshable token needs no
    login: botocore refreshes it on its next use, as the CLI does; if that refresh fails,
    botocore raises TokenRetrievalError and the caller logs in then."""
    if token is None:
        return True
    if token.seconds_left(now) >= REFRESH_WINDOW.total_seconds():
        return False
    return not token.can_refresh(now, session_style=session_style)


@dataclass
class Registration:
    """An OIDC client registration as cached by `aws sso login` (v2); ``extra`` as in Token."""

    client_id: str
    client_secret: str
    expires_at: datetime
    scopes: list[str] | None = None
    grant_types: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    _FIELDS = (
        ("clientId", "client_id", str),
        ("clientSecret", "client_secret", str),
        ("expiresAt", "expires_at", datetime),
        ("scopes", "scopes", list),
        ("grantTypes", "grant_types", list),
    )

    def __post_init__(self) -> None:
        self.expires_at = as_utc(self.expires_at)

    @classmethod
    def from_dict(cls, data: Any) -> Registration:
        """Read the CLI's JSON object; ValueError says what is wrong with it."""
        required = ("clientId", "clientSecret", "expiresAt")
        values, extra = _split_fields(data, cls._FIELDS, required=required)
        return cls(**values, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON object, as Token.to_dict."""
        return _join_fields(self, self._FIELDS)

    def is_valid_at(self, now: datetime) -> bool:
        """Whether the CLI's device flow would reuse it at `now`: at least REFRESH_WINDOW
        left, and not made for the authorization-code (PKCE) flow of CLI v2 2.22+."""
        if "authorization_code" in (self.grant_types or ()):
            return False
        return self.expires_at - now >= REFRESH_WINDOW


# (JSON name, attribute, kind): kind is str, datetime (a time string) or list (of strings).
_FieldTable = Sequence[tuple[str, str, type]]


def _split_fields(
    data: Any, fields: _FieldTable, required: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(attribute values, leftover JSON fields) from a JSON object, checking each type."""
    if not isinstance(data, dict):
        raise ValueError("does not hold a JSON object")
    missing = [name for name in required if data.get(name) is None]
    if missing:
        raise ValueError(f"lacks {' and '.join(missing)}")
    extra = dict(data)
    values = {}
    for json_name, attribute, kind in fields:
        value = extra.pop(json_name, None)
        if value is not None:
            values[attribute] = _convert(json_name, value, kind)
    return values, extra


def _convert(json_name: str, value: Any, kind: type) -> Any:
    if kind is datetime:
        try:
            return parse_time(value)
        except ValueError as problem:
            raise ValueError(f"has {json_name} = {value!r}, which is {problem}") from None
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"has {json_name} of the wrong type: expected a list of strings")
        return value
    if not isinstance(value, str):
        raise ValueError(f"has {json_name} of the wrong type: expected a string")
    return value


def _join_fields(obj: Any, fields: _FieldTable) -> dict[str, Any]:
    known = {}
    for json_name, attribute, _kind in fields:
        value = getattr(obj, attribute)
        if isinstance(value, datetime):
            value = format_time(value)
        if value is not None:
            known[json_name] = value
    return {**obj.extra, **known}


# --- Files -----------------------------------------------------------------------------


def read_token(path: str) -> Token | None:
    """The token in `path`, None when there is no file; CacheFileError when it is unusable."""
    return _read(path, Token.from_dict, _TOKEN_FIX)


def read_registration(path: str) -> Registration | None:
    """The registration in `path`, None when there is no file; CacheFileError when unusable."""
    return _read(path, Registration.from_dict, _REGISTRATION_FIX)


def _read(path: str, build: Callable[[Any], _T], fix: str) -> _T | None:
    try:
        data = _load_json_patiently(path)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        problem = "can't be read (it is a folder)"
        raise CacheFileError(path, problem, _NOT_A_FILE_FIX, replaceable=False) from None
    except OSError as error:
        raise CacheFileError(path, f"can't be read ({error.strerror})", fix) from None
    except ValueError as error:
        raise CacheFileError(path, f"is not valid JSON ({error})", fix) from None
    try:
        return build(data)
    except ValueError as error:
        raise CacheFileError(path, str(error), fix) from None


def _load_json_patiently(path: str) -> Any:
    try:
        return _load_json(path)
    except ValueError:
        # AWS CLI v2 truncates and rewrites in place: we may have caught it half-way.
        time.sleep(_TORN_READ_RETRY_DELAY)
        return _load_json(path)


def _load_json(path: str) -> Any:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def write_json_atomically(path: str, data: Any) -> None:
    """Write `data` as JSON to `path` so that readers see the old file or the new, whole.

    Missing folders are created 0700. The text goes to a temporary file in the same folder,
    created exclusively with mode 0600 (mkstemp: O_EXCL, so no planted link is followed), is
    fsynced, then renamed over `path`: the file ends up 0600 whatever mode an earlier file
    had (the CLI creates them 0600). Datetimes are written in ISO 8601. A SIGTERM, SIGHUP
    or SIGINT while writing removes the temporary file first, then takes its usual effect.
    """
    folder = os.path.dirname(os.path.abspath(path))
    _make_private_dirs(folder)
    text = json.dumps(data, default=_json_default)
    with _signals_interrupt():
        fd, temp_path = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json.tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp_path, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_path)
            raise


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class _Signalled(BaseException):
    """Raised by our handler so that cleanup code runs before the signal takes effect."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise inside the block, as SIGINT does (KeyboardInterrupt), so the
    block's cleanup runs; then the signal is delivered again with the handler it had before.
    Only the main thread can set handlers: elsewhere the block runs unguarded."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise _Signalled(signum)

    previous = {}
    for number in _STOP_SIGNALS:
        handler = signal.getsignal(number)
        if handler is not signal.SIG_IGN:
            previous[number] = signal.signal(number, interrupt)
    try:
        yield
    except _Signalled as signalled:
        _restore(previous)
        previous = {}
        os.kill(os.getpid(), signalled.signum)
        raise SystemExit(128 + signalled.signum) from None  # a handler that did not exit
    finally:
        _restore(previous)


def _restore(handlers: dict) -> None:
    for number, handler in handlers.items():
        signal.signal(number, handler)


def check_writable(path: str) -> None:
    """Make sure a login can be saved as `path` before the user is asked to approve one:
    the folder takes a new file, and nothing that we can't replace stands at `path`."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.islink(path) or os.path.isdir(path):
        kind = "a symbolic link" if os.path.islink(path) else "a folder"
        raise CacheFileError(path, f"is {kind}", _NOT_A_FILE_FIX, replaceable=False)
    _make_private_dirs(folder)
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".probe")
    except OSError as error:
        raise CacheFolderError(folder, error.strerror or str(error)) from None
    os.close(fd)
    os.unlink(probe)


def make_private_folder(folder: str) -> None:
    """Create `folder` (and missing parents) 0700; one of ours that others may write in is
    made 0700 too: anyone could plant a file there that we would then hand out."""
    _make_private_dirs(folder)
    info = os.stat(folder)
    if info.st_uid == os.geteuid() and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        os.chmod(folder, 0o700)


def _make_private_dirs(folder: str) -> None:
    """Create `folder` and its missing parents with mode 0700; existing ones are left as is."""
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(folder)
    if parent != folder:
        _make_private_dirs(parent)
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)


@contextlib.contextmanager
def cache_lock(path: str, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock for the cache file `path` (blocking until it is free).

    A login holds it from "did a fresh token appear meanwhile?" to the write, so two logins
    never both register or overwrite each other. When another process holds it, `on_wait` is
    called once before waiting. The lock is flock(2) on ``<key>.lock`` beside the file, kept
    afterwards: removing it would race with the next locker. A symbolic link in its place is
    refused, never followed. The CLI doesn't take it; `aws sso logout` skips the empty file
    since it isn't JSON. Without fcntl (Windows) this only creates the folder: writes are
    still atomic. Don't fork without exec while holding it: the child would keep it held.
    """
    folder = os.path.dirname(os.path.abspath(path))
    _make_private_dirs(folder)
    if fcntl is None:
        yield
        return
    lock = lock_path(path)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(lock, flags, 0o600)
    except OSError:
        if os.path.islink(lock):
            raise CacheFileError(
                lock,
                "is a symbolic link, which is never followed",
                "Remove it; the next login creates the lock file afresh.",
                replaceable=False,
            ) from None
        raise
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def lock_path(path: str) -> str:
    """The lock file cache_lock() uses for the cache file `path`: <key>.lock beside it."""
    return os.path.splitext(path)[0] + ".lock"
