"""Where every profile and SSO session stands, from the config and the caches alone (no network)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from awscli_sso_ext import credentials, tokens
from awscli_sso_ext.errors import ConfigError
from awscli_sso_ext.profiles import ProfileBook
from awscli_sso_ext.sync_config import ACCOUNT_NAME_KEY

VALID = "valid"  # the access token has at least tokens.REFRESH_WINDOW left
RENEWS = "renews"  # less than that (or expired), but botocore renews it by itself
EXPIRED = "expired"  # only a login helps: a switch would log in
NONE = "none"  # no login cached (or its file can't be used)
NOT_SSO = "not-sso"  # the profile has no SSO settings
LOGIN_STATES = (VALID, RENEWS, EXPIRED, NONE, NOT_SSO)


@dataclass(frozen=True)
class ProfileRow:
    """One profile: what it points at and where its login and role keys stand."""

    profile: str
    account_id: str | None
    account_name: str | None
    role_name: str | None
    region: str | None
    sso_session: str | None
    sso_start_url: str | None
    login: str
    login_expires_at: datetime | None
    credentials_expire_at: datetime | None
    current: bool
    problem: str | None = None


@dataclass(frozen=True)
class SessionRow:
    """One SSO login (an sso-session, or a legacy start URL): when it ends, until when it renews."""

    sso_session: str | None  # None for a legacy start-URL login
    sso_start_url: str | None
    sso_region: str | None
    login: str
    login_expires_at: datetime | None
    renews_until: datetime | None  # the client registration's expiry, when it can renew
    problem: str | None = None


@dataclass
class Status:
    profiles: list[ProfileRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)


def login_state(token: tokens.Token | None, now: datetime, *, session_style: bool) -> str:
    """The state of one cached login by the rule a switch applies (tokens.needs_login)."""
    if token is None:
        return NONE
    if tokens.needs_login(token, now, session_style=session_style):
        return EXPIRED
    if token.seconds_left(now) >= tokens.REFRESH_WINDOW.total_seconds():
        return VALID
    return RENEWS


def current_profile(environ) -> str:
    """The profile this shell uses: what a switch set, else the CLI's default."""
    return environ.get("AWS_PROFILE") or environ.get("AWS_DEFAULT_PROFILE") or "default"


class _Logins:
    """Token files read once each; a file that can't be used is no login, with its problem."""

    def __init__(self, now: datetime):
        self.now = now
        self._read: dict[str, tuple[tokens.Token | None, str | None]] = {}

    def token(self, start_url: str, session_name: str | None):
        path = tokens.token_path(start_url, session_name)
        if path not in self._read:
            try:
                self._read[path] = (tokens.read_token(path), None)
            except tokens.CacheFileError as error:
                self._read[path] = (None, str(error))
        return self._read[path]


def gather(book: ProfileBook, environ, now: datetime, only: str | None = None) -> Status:
    """Rows for every profile (or only the one named), then for every SSO login: each
    [sso-session] section (only the profile's with `only`), then each legacy start URL."""
    logins = _Logins(now)
    current = current_profile(environ)
    names = [only] if only is not None else book.names()
    profiles = [_profile_row(book, name, name == current, logins) for name in names]
    sessions = book.sso_sessions()
    wanted: list[str] = [] if only is not None else sorted(sessions)
    legacy: dict[str, str | None] = {}  # start URL -> the sso_region of its first profile
    for row in profiles:
        if row.sso_session is not None:
            if row.sso_session in sessions and row.sso_session not in wanted:
                wanted.append(row.sso_session)
        elif row.sso_start_url is not None:
            legacy.setdefault(row.sso_start_url, book.settings(row.profile).get("sso_region"))
    rows = [_session_row(name, sessions[name], logins) for name in wanted]
    rows += [_legacy_row(url, region, logins) for url, region in legacy.items()]
    return Status(profiles, rows)


def _profile_row(book: ProfileBook, name: str, current: bool, logins: _Logins) -> ProfileRow:
    settings = book.settings(name)
    row = ProfileRow(
        profile=name,
        account_id=settings.get("sso_account_id"),
        account_name=settings.get(ACCOUNT_NAME_KEY),
        role_name=settings.get("sso_role_name"),
        region=settings.get("region"),
        sso_session=settings.get("sso_session"),
        sso_start_url=settings.get("sso_start_url"),
        login=NOT_SSO,
        login_expires_at=None,
        credentials_expire_at=None,
        current=current,
    )
    if row.sso_session is None and row.sso_start_url is None:
        return row
    try:
        target = book.get(name).sso
    except ConfigError as error:  # e.g. no sso_account_id, or an sso_session that isn't there
        return replace(row, login=NONE, problem=f"{error.problem} {error.fix}")
    assert target is not None
    token, problem = logins.token(target.start_url, target.session_name)
    return replace(
        row,
        sso_start_url=target.start_url,
        login=login_state(token, logins.now, session_style=target.session_name is not None),
        login_expires_at=token.expires_at if token else None,
        credentials_expire_at=credentials.cached_credentials_expiration(target),
        problem=problem,
    )


def _session_row(name: str, settings: dict, logins: _Logins) -> SessionRow:
    start_url, region = settings.get("sso_start_url"), settings.get("sso_region")
    if not start_url:
        problem = f"The [sso-session {name}] section has no sso_start_url: add one."
        return SessionRow(name, None, region, NONE, None, None, problem)
    return _login_row(name, start_url, region, logins)


def _legacy_row(start_url: str, region: str | None, logins: _Logins) -> SessionRow:
    return _login_row(None, start_url, region, logins)


def _login_row(name: str | None, start_url: str, region: str | None, logins: _Logins):
    token, problem = logins.token(start_url, name)
    if token is None:
        return SessionRow(name, start_url, region, NONE, None, None, problem)
    session_style = name is not None
    # botocore renews with the refresh token and the client it came from, until the
    # client registration expires (legacy logins never renew).
    renewable = session_style and bool(
        token.refresh_token and token.client_id and token.client_secret
    )
    return SessionRow(
        sso_session=name,
        sso_start_url=start_url,
        sso_region=region,
        login=login_state(token, logins.now, session_style=session_style),
        login_expires_at=token.expires_at,
        renews_until=token.registration_expires_at if renewable else None,
        problem=problem,
    )
