"""Renewing an SSO session's token with its refresh token, once for every process that asks."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from awscli_sso_ext import tokens
from awscli_sso_ext.profiles import SsoTarget

REFRESH_TOKEN_GRANT = "refresh_token"
# What the service answers when the refresh token or the registration is no longer good:
# only a login helps then.
REFUSALS = frozenset(
    {
        "InvalidGrantException",
        "ExpiredTokenException",
        "InvalidClientException",
        "UnauthorizedClientException",
        "AccessDeniedException",
    }
)


def renew(session: Any, target: SsoTarget, token: tokens.Token, now_func: Any) -> tokens.Token:
    """`token` renewed, under the cache lock, so that processes racing to renew one session
    make one CreateToken call between them: a token a sibling renewed meanwhile is taken as
    it is. When the service refuses the refresh, the returned token is the old one with its
    refresh token dropped (so only a login is left); when it can't be reached, the old one
    unchanged (botocore tries again on use, and says what went wrong then)."""
    from botocore.exceptions import BotoCoreError, ClientError

    path = tokens.token_path(target.start_url, target.session_name)
    with tokens.cache_lock(path):
        try:
            cached = tokens.read_token(path) or token
        except tokens.CacheFileError:
            cached = token
        now = now_func()
        if cached.seconds_left(now) >= tokens.REFRESH_WINDOW.total_seconds():
            return cached  # a sibling renewed it while we waited for the lock
        if not cached.can_refresh(now, session_style=True):
            return cached
        try:
            answer = _create_token(session, target, cached)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in REFUSALS:
                return cached
            cached.refresh_token = None
            return cached
        except BotoCoreError:
            return cached
        renewed = dataclasses.replace(
            cached,
            access_token=answer["accessToken"],
            expires_at=now_func() + timedelta(seconds=answer["expiresIn"]),
            refresh_token=answer.get("refreshToken") or cached.refresh_token,
        )
        tokens.write_json_atomically(path, renewed.to_dict())
        return renewed


def _create_token(session: Any, target: SsoTarget, token: tokens.Token) -> dict:
    from botocore import UNSIGNED
    from botocore.config import Config

    client = session.create_client(
        "sso-oidc", region_name=target.sso_region, config=Config(signature_version=UNSIGNED)
    )
    return client.create_token(
        grantType=REFRESH_TOKEN_GRANT,
        clientId=token.client_id,
        clientSecret=token.client_secret,
        refreshToken=token.refresh_token,
    )
