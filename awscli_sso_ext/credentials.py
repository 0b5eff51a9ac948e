"""Role credentials and caller identity through the host's botocore, cached as CLI v2 does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from awscli_sso_ext import tokens
from awscli_sso_ext.role_key_cache import credential_cache_dir, credential_cache_file


@dataclass(frozen=True)
class RoleCredentials:
    """Temporary keys of one SSO role; `expiration` is aware UTC."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime

    def expiration_text(self) -> str:
        """ISO 8601 UTC, as AWS_CREDENTIAL_EXPIRATION and credential_process expect."""
        return self.expiration.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ProfileStatus:
    """Where an SSO profile stands, from the caches alone (no network)."""

    token_expires_at: datetime | None  # None: not logged in
    can_refresh: bool  # botocore renews the login by itself
    credentials_expire_at: datetime | None  # None: no role keys cached


def cached_credentials_expiration(target) -> datetime | None:
    """When the role keys cached for `target` expire; None when none are cached or the
    file can't be used (missing, torn, not the provider's shape)."""
    try:
        with open(credential_cache_file(target), encoding="utf-8") as cached:
            return tokens.parse_time(json.load(cached)["Credentials"]["Expiration"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def profile_status(target, now: datetime) -> ProfileStatus:
    """Token expiry, whether it can renew, and cached role-credential expiry of `target`."""
    try:
        token = tokens.read_token(tokens.token_path(target.start_url, target.session_name))
    except tokens.CacheFileError:
        token = None
    expiration = cached_credentials_expiration(target)
    session_style = target.session_name is not None
    return ProfileStatus(
        token_expires_at=token.expires_at if token else None,
        can_refresh=bool(token and token.can_refresh(now, session_style=session_style)),
        credentials_expire_at=expiration,
    )


def role_credentials(profile_name: str) -> RoleCredentials:
    """The role's keys from botocore's own SSO provider, reusing and filling the v2 cache.

    Only the SSO provider is asked: static keys in the environment must not be handed out
    as the profile's. botocore refreshes a session-style token on the way when it can.
    """
    import botocore.session
    from botocore.utils import JSONFileCache

    session = botocore.session.Session(profile=profile_name)
    provider = session.get_component("credential_provider").get_provider("sso")
    provider.cache = JSONFileCache(credential_cache_dir())
    credentials = provider.load()
    frozen = credentials.get_frozen_credentials()
    # The provider's refreshable credentials know their expiry; botocore has no public getter.
    expiration = credentials._expiry_time
    return RoleCredentials(frozen.access_key, frozen.secret_key, frozen.token, expiration)


def caller_identity(session, credentials: RoleCredentials, region: str | None) -> dict:
    """STS GetCallerIdentity with these credentials: Account, Arn and UserId."""
    client = session.create_client(
        "sts",
        region_name=region or "us-east-1",
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
    )
    return client.get_caller_identity()
