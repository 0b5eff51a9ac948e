"""The login a profile needs: none when its token is good, a renewal, PKCE or the device code."""

from __future__ import annotations

from datetime import datetime

from awscli_sso_ext import tokens
from awscli_sso_ext.errors import LoginNeeded
from awscli_sso_ext.failures import login_command
from awscli_sso_ext.login import DeviceLogin, Login, current_token, utc_now
from awscli_sso_ext.profiles import SsoTarget
from awscli_sso_ext.renewal import renew


def ensure_login(
    session,
    profile_name: str,
    target: SsoTarget,
    *,
    allow_login: bool,
    open_browser: bool,
    stderr,
    settings=None,
    use_device_code: bool = False,
) -> tuple[tokens.Token, bool]:
    """(a token good for the next 15 minutes or renewable by botocore, whether we logged in
    for it). No network call at all when the cached token is good."""
    token = current_token(target, stderr)
    session_style = target.session_name is not None
    now = utc_now()
    login = login_command(profile_name)
    refused = None
    if token is not None and not tokens.needs_login(token, now, session_style=session_style):
        if token.seconds_left(now) >= tokens.REFRESH_WINDOW.total_seconds():
            return token, False
        # Renewable: renewed here, under the cache lock, rather than by botocore on use, so
        # that processes racing for one session share one renewal.
        token = renew(session, target, token, utc_now)
        now = utc_now()
        if not tokens.needs_login(token, now, session_style=session_style):
            return token, False
        refused = token
    if not allow_login:
        if refused is not None:
            raise LoginNeeded(_not_renewed(profile_name, refused, now), f"Log in again: {login}")
        raise LoginNeeded(_lapsed(profile_name, token, now), f"Log in with: {login}")
    chosen = login_for(
        session,
        profile_name,
        target,
        open_browser=open_browser,
        stderr=stderr,
        refused=refused,
        settings=settings,
        use_device_code=use_device_code,
    )
    return chosen.run(), chosen.logged_in


def login_for(
    session,
    profile_name: str,
    target: SsoTarget,
    *,
    open_browser: bool,
    stderr,
    refused: tokens.Token | None = None,
    settings=None,
    use_device_code: bool = False,
) -> Login:
    """The login that fits here: PKCE in a browser that can reach this machine's loopback,
    else the device code, which says why (login_flow.device_code_reason)."""
    from awscli_sso_ext.login_flow import device_code_reason

    reason = device_code_reason(target, use_device_code=use_device_code)
    options = {"open_browser": open_browser, "stderr": stderr, "refused": refused}
    if reason is None:
        from awscli_sso_ext.pkce import PkceLogin

        return PkceLogin(session, profile_name, target, settings=settings, **options)
    return DeviceLogin(session, profile_name, target, settings=settings, reason=reason, **options)


def _lapsed(profile_name: str, token: tokens.Token | None, now: datetime) -> str:
    """Which case of "no usable login" this is, for --no-login."""
    if token is None:
        return f"The profile {profile_name!r} has no SSO login yet."
    if token.is_expired(now):
        return (
            f"The SSO login of the profile {profile_name!r} expired at "
            f"{token.expires_at:%Y-%m-%d %H:%M} UTC."
        )
    minutes = int(token.seconds_left(now) // 60)
    return (
        f"The SSO login of the profile {profile_name!r} expires in {minutes} minutes, too soon "
        "to rely on, and can't renew itself."
    )


def _not_renewed(profile_name: str, token: tokens.Token, now: datetime) -> str:
    """The service refused to renew the session, for --no-login."""
    if token.is_expired(now):
        return "The SSO session has expired and could not be renewed."
    minutes = int(token.seconds_left(now) // 60)
    return (
        f"The SSO session of the profile {profile_name!r} ends in {minutes} minutes and could "
        "not be renewed."
    )
