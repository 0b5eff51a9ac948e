"""The login tests' config, cache paths and token helpers (the `world` fixture is conftest's)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from pathlib import Path

from aws_config import config, corp_session, legacy_profile, profile, session_profile
from conftest import START_URL, V1_AWS, V2_AWS, AwsCli, clean_environment, require

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
# What `aws sso login` writes for an sso-session login, so botocore can renew it.
SESSION_FIELDS = {
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
}
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


def other_cli(world):
    """The same home through the other CLI (v1 <-> v2). It reads a copy of the config without
    our [plugins] section: v1 crashes on v2's cli_legacy_plugin_path (FACTS.md)."""
    plain = world.home / "config-without-plugins"
    plain.write_text(CONFIG.replace("AWS sso-env", "aws sso-env"))
    if world.cli.label == "v1":
        require(V2_AWS.exists(), "Debian's AWS CLI v2")
        return AwsCli("v2", V2_AWS, ""), {"AWS_CONFIG_FILE": str(plain)}
    return AwsCli("v1", V1_AWS, ""), {"AWS_CONFIG_FILE": str(plain)}


def caller(world, profile, cli=None, **extra):
    """What STS says about `profile` through the CLI (world's, unless told)."""
    result = world(
        "sts",
        "get-caller-identity",
        "--profile",
        profile,
        "--output",
        "json",
        cli=cli or world.cli,
        **extra,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def boto3_account(world) -> str:
    """The account boto3 (its own botocore, in another process) gets for the profile dev."""
    boto3 = subprocess.run(
        [
            sys.executable,
            "-c",
            "import boto3; print(boto3.Session(profile_name='dev')"
            ".client('sts').get_caller_identity()['Account'])",
        ],
        env=clean_environment(world.home, **world.environment),
        capture_output=True,
        text=True,
    )
    assert boto3.returncode == 0, boto3.stderr
    return boto3.stdout.strip()
