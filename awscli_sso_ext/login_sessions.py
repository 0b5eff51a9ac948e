"""Profiles of `aws login` (CLI v2 2.32+, `login_session = ARN`): their token file, for prompts."""

from __future__ import annotations

import hashlib
import os


def cache_folder() -> str:
    """Where the CLI keeps them: AWS_LOGIN_CACHE_DIRECTORY, else ~/.aws/login/cache."""
    folder = os.environ.get("AWS_LOGIN_CACHE_DIRECTORY")
    if folder:
        return os.path.expanduser(os.path.expandvars(folder))
    return os.path.expanduser(os.path.join("~", ".aws", "login", "cache"))


def token_path(login_session: str) -> str:
    """The token file of a login session: sha256 hex of the session's ARN, as the CLI names it.
    Its accessToken.expiresAt is the time the prompt reads (the SDKs renew it)."""
    key = hashlib.sha256(login_session.encode("utf-8")).hexdigest()
    return os.path.join(cache_folder(), key + ".json")


def prompt_metadata(login_session: str) -> dict[str, str]:
    """The prompt's variables for a login_session profile, from the config alone (the same
    for the plugin and the switch index): the token file, and the account and role that an
    ARN like arn:aws:sts::123456789012:assumed-role/Admin/alice names."""
    found = {"AWS_SSO_EXT_TOKEN_FILE": token_path(login_session)}
    parts = login_session.split(":", 5)
    if len(parts) == 6 and parts[4].isdigit():
        found["AWS_SSO_EXT_ACCOUNT"] = parts[4]
        kind, _, rest = parts[5].partition("/")
        if kind == "assumed-role" and rest:
            found["AWS_SSO_EXT_ROLE"] = rest.split("/", 1)[0]
    return found
