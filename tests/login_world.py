"""The login tests' config, cache paths and token helpers (the `world` fixture is conftest's)."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

from aws_config import config, corp_session, legacy_profile, profile, session_profile
from conftest import START_URL

from awscli_sso_ext import tokens

DEV, STAGING = "104729384756", "205938475610"

CONFIG = "\n" + config(
    session_profile("dev", DEV),
    legacy_profile("legacy", STAGING),
    profile("plain", region="us-east-2"),
    profile(
        "keys", region="eu-west-1", credential_process="AWS sso-env --profile dev --format process"
    ),
    corp_session(sso_registration_scopes="sso:account:access"),
)

SESSION_TOKEN = tokens.token_cache_key(START_URL, "corp") + ".json"
LEGACY_TOKEN = tokens.token_cache_key(START_URL, None) + ".json"


def cache(home: Path) -> Path:
    """The SSO token cache under `home`."""
    return home / ".aws" / "sso" / "cache"


def snapshot(home: Path) -> dict:
    """Every file under ~/.aws (lock files aside) with its bytes and mode."""
    files = {}
    for path in sorted((home / ".aws").rglob("*")):
        if path.is_file() and not path.name.endswith(".lock"):
            files[str(path)] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return files


def age_token(path: Path, minutes_left: float) -> dict:
    """Rewrites a cached token to end `minutes_left` from now; its new fields."""
    data = json.loads(path.read_text())
    expires = time.gmtime(time.time() + minutes_left * 60)
    data["expiresAt"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", expires)
    tokens.write_json_atomically(str(path), data)
    return data
