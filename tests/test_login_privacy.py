"""Secrets stay out of logs; cache folders and files are private; nothing is left behind."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from login_world import (
    LEGACY_TOKEN,
    SESSION_TOKEN,
    age_token,
    cache,
)

from awscli_sso_ext import tokens
from awscli_sso_ext.redaction import redact

SECRET_PARAMETERS = ("accessToken", "refreshToken", "clientSecret", "deviceCode", "codeVerifier")


def secrets_seen_by(sandbox) -> set[str]:
    """Every secret the sandbox received: tokens, client secrets, device codes, session keys."""
    found = set()
    for call in sandbox.calls():
        for name in SECRET_PARAMETERS:
            if isinstance(call.params.get(name), str):
                found.add(call.params[name])
        for name in ("x-amz-security-token", "x-amz-sso_bearer_token"):
            if name in call.headers:
                found.add(call.headers[name])
    return found


def test_debug_output_of_every_command_shows_no_secret(world):
    runs = [
        ("--debug", "sso-switch", "dev"),  # a device login
        ("--debug", "sso-switch", "legacy", "--verify"),  # a login, role keys, STS
        ("--debug", "sso-switch", "dev", "--verify"),
        ("--debug", "sso-env", "--profile", "dev", "--credentials", "--format", "json"),
        ("--debug", "sso-env", "--profile", "dev", "--format", "process"),
        ("--debug", "sso-env", "--profile", "dev", "--format", "bash"),
        ("--debug", "sso-switch", "dev", "--no-login"),
        ("--debug", "sso-env", "--unset", "--format", "fish"),
    ]
    logs, outputs = [], []
    for args in runs:
        result = world(*args, AWS_SSO_EXT_SHELL="bash")
        assert result.returncode == 0, (args, result.stderr.decode()[-3000:])
        logs.append(result.stderr.decode())
        outputs.append(result.stdout.decode())
    # A renewal through botocore, under --debug too.
    age_token(cache(world.home) / SESSION_TOKEN, -5)
    renewal = world("--debug", "sso-switch", "dev", "--verify", AWS_SSO_EXT_SHELL="bash")
    assert renewal.returncode == 0, renewal.stderr.decode()[-3000:]
    logs.append(renewal.stderr.decode())
    secrets = secrets_seen_by(world.sandbox)
    for name in (SESSION_TOKEN, LEGACY_TOKEN):
        written = json.loads((cache(world.home) / name).read_text())
        secrets.update(
            written[k] for k in ("accessToken", "refreshToken", "clientSecret") if k in written
        )
    keys = json.loads(outputs[3])
    secrets.update((keys["AWS_SECRET_ACCESS_KEY"], keys["AWS_SESSION_TOKEN"]))
    process = json.loads(outputs[4])
    secrets.update((process["SecretAccessKey"], process["SessionToken"]))
    assert len(secrets) >= 8  # tokens, client secrets, device codes, keys
    log = "\n".join(logs)
    assert "DEBUG" in log and "***" in log
    leaked = [log[max(0, log.index(s) - 100) : log.index(s)] for s in secrets if s in log]
    assert leaked == []  # shown: what comes before each secret that got through


@pytest.mark.parametrize(
    "text",
    [
        "{'X-Amz-Security-Token': b'IQoJb3JpZ2luX2VjE'}",
        '"X-AMZ-SSO_BEARER_TOKEN": "aoaSecret"',
        "headers={'x-amz-sso_bearer_token': 'aoaSecret'}",
        '{"AccessToken": "aoaSecret", "RefreshToken": "aorSecret"}',
        "'codeVerifier': 'pkceSecret'",
        "'deviceCode': 'devSecret'",
        """b'{"grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": "dSecret"}'""",
        '"secretAccessKey":"wJalrSecret"',
        "Authorization: Bearer bearerSecret",
        "'client_secret': 'oauthSecret'",
    ],
)
def test_redaction_ignores_case_and_covers_every_secret_field(text):
    masked = redact(text)
    assert "Secret" not in masked and "IQoJ" not in masked, masked
    assert "***" in masked


def modes_under(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)): stat.S_IMODE(path.lstat().st_mode)
        for path in sorted(folder.rglob("*"))
    }


def test_under_umask_000_every_folder_is_0700_and_every_file_0600(world):
    def umask_000():
        os.umask(0)

    for args in (
        ("sso-switch", "dev"),
        ("sso-env", "--profile", "dev", "--credentials", "--format", "json"),
        ("sso-switch", "legacy", "--verify"),
    ):
        environment = {**world.environment, "AWS_SSO_EXT_SHELL": "bash"}
        result = world.cli.run(world.home, *args, env=environment, preexec_fn=umask_000)
        assert result.returncode == 0, result.stderr.decode()
    aws = world.home / ".aws"
    modes = {name: mode for name, mode in modes_under(aws).items() if not name.startswith("config")}
    assert {"sso", "sso/cache", "cli", "cli/cache"} <= set(modes)
    for name, mode in modes.items():
        is_folder = (aws / name).is_dir()
        assert mode == (0o700 if is_folder else 0o600), (name, oct(mode))


def test_a_world_writable_credential_cache_is_made_private_before_use(world):
    folder = world.home / ".aws" / "cli" / "cache"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    result = world("sso-env", "--profile", "dev", "--credentials", "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


WRITER = """
import os, signal, sys
from awscli_sso_ext import tokens
path, signal_name = sys.argv[1], sys.argv[2]
real_fsync = os.fsync
def fsync_then_signal(fd):
    real_fsync(fd)
    os.kill(os.getpid(), getattr(signal, signal_name))  # the seam: mid-write, every time
os.fsync = fsync_then_signal
tokens.write_json_atomically(path, {"accessToken": "new-live-token"})
print("survived")
"""


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_during_the_write_leaves_no_temporary_file(tmp_path, signal_name):
    folder = tmp_path / "cache"
    folder.mkdir()
    target = folder / "token.json"
    target.write_text('{"accessToken": "old"}')
    result = subprocess.run(
        [sys.executable, "-c", WRITER, str(target), signal_name],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    number = getattr(signal, signal_name)
    assert result.returncode in (-number, 128 + number, 130), (result.returncode, result.stderr)
    assert "survived" not in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["token.json"]
    assert target.read_text() == '{"accessToken": "old"}'


def test_a_lock_file_that_is_a_symlink_is_refused_not_followed(world, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    folder = cache(world.home)
    folder.mkdir(parents=True)
    lock = folder / (SESSION_TOKEN.removesuffix(".json") + ".lock")
    lock.symlink_to(elsewhere)
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert (result.returncode, result.stdout) == (1, b""), stderr
    assert not elsewhere.exists()
    assert str(lock) in stderr and "symbolic link" in stderr and "Traceback" not in stderr
    assert world.sandbox.calls() == []


def test_the_lock_itself_does_not_follow_symlinks(tmp_path):
    target = tmp_path / "victim"
    path = tmp_path / "token.json"
    Path(tokens.lock_path(str(path))).symlink_to(target)
    with pytest.raises(tokens.CacheFileError, match="symbolic link"), tokens.cache_lock(str(path)):
        pass
    assert not target.exists()


def test_a_cache_that_cannot_take_the_token_fails_before_the_user_approves(world):
    folder = cache(world.home)
    folder.mkdir(parents=True)
    (folder / SESSION_TOKEN).mkdir()  # a folder where the token file goes
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert (result.returncode, result.stdout) == (1, b""), stderr
    assert world.sandbox.calls("StartDeviceAuthorization") == []
    assert stderr.count(str(folder / SESSION_TOKEN)) == 1, stderr
    assert ".tmp" not in stderr and "Traceback" not in stderr
