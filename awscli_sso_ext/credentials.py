"""Role credentials and caller identity through the host's botocore, cached as CLI v2 does."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone


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


def credential_cache_dir() -> str:
    """~/.aws/cli/cache, where CLI v2 keeps role credentials (and `aws sso logout` clears)."""
    return os.path.expanduser(os.path.join("~", ".aws", "cli", "cache"))


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
