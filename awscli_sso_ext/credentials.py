"""Role credentials and caller identity through the host's botocore, cached as CLI v2 does."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from awscli_sso_ext import tokens
from awscli_sso_ext.role_key_cache import credential_cache_dir, credential_cache_file

_TORN_READ_RETRY_DELAY = 0.2


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


class PrivateFileCache:
    """The dict-like cache botocore's credential fetchers use (as its JSONFileCache), with
    each file written atomically, 0600, in a folder kept 0700."""

    def __init__(self, folder: str):
        self._folder = folder

    def _path(self, key: str) -> str:
        return os.path.join(self._folder, key + ".json")

    def __contains__(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def __getitem__(self, key: str):
        try:
            with open(self._path(key), encoding="utf-8") as file:
                return json.load(file)
        except (OSError, ValueError):
            raise KeyError(key) from None

    def __setitem__(self, key: str, value) -> None:
        tokens.make_private_folder(self._folder)
        tokens.write_json_atomically(self._path(key), value)

    def __delitem__(self, key: str) -> None:
        try:
            os.unlink(self._path(key))
        except FileNotFoundError:
            raise KeyError(key) from None


def role_credentials(session) -> RoleCredentials:
    """The role's keys from botocore's own SSO provider of `session` (made for the profile),
    reusing and filling the v2 cache.

    Only the SSO provider is asked: static keys in the environment must not be handed out
    as the profile's. botocore refreshes a session-style token on the way when it can.
    """
    folder = credential_cache_dir()
    tokens.make_private_folder(folder)  # before any file in it is believed
    provider = session.get_component("credential_provider").get_provider("sso")
    provider.cache = PrivateFileCache(folder)
    credentials = _load_patiently(provider)
    frozen = credentials.get_frozen_credentials()
    # The provider's refreshable credentials know their expiry; botocore has no public getter.
    expiration = credentials._expiry_time
    return RoleCredentials(frozen.access_key, frozen.secret_key, frozen.token, expiration)


def _load_patiently(provider):
    """provider.load(), once more when botocore caught a token file half-written: some
    botocore versions rewrite it in place, and then raise a bare KeyError naming its key."""
    try:
        return provider.load()
    except KeyError:
        time.sleep(_TORN_READ_RETRY_DELAY)
    try:
        return provider.load()
    except KeyError as error:
        path = os.path.join(tokens.sso_cache_dir(), f"{error.args[0]}.json")
        raise tokens.CacheFileError(path, "can't be read (it is being rewritten)") from None


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
