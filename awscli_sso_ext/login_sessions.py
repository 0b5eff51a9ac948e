"""What the prompt shows of profiles without SSO settings: `aws login` tokens, role ARNs."""

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
    for the plugin and the switch index): the token file, the account and role."""
    return {"AWS_SSO_EXT_TOKEN_FILE": token_path(login_session), **identity_of(login_session)}


def identity_of(arn: str) -> dict[str, str]:
    """The prompt's account and role from an ARN (what of them it names): 123456789012 and
    Admin from arn:aws:sts::123456789012:assumed-role/Admin/alice or
    arn:aws:iam::123456789012:role/Admin."""
    found = {}
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[4].isdigit():
        found["AWS_SSO_EXT_ACCOUNT"] = parts[4]
        kind, _, rest = parts[5].partition("/")
        if kind in ("assumed-role", "role") and rest:
            found["AWS_SSO_EXT_ROLE"] = (
                rest.split("/")[-1] if kind == "role" else rest.split("/")[0]
            )
    return found
