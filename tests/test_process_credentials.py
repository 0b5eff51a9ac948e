"""`aws-sso-ext process`: the plugin's credential_process JSON from the cache, the SDKs accept it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aws_config import PLUGINS, config, corp_session, legacy_profile, profile, session_profile
from conftest import (
    ROOT,
    START_URL,
    V1_AWS,
    VENV_BIN,
    clean_environment,
    require,
    require_program,
    write_token,
)
from hostile import HOSTILE_NAME, profile_header
from process_runner import process

from awscli_sso_ext import process_credentials
from awscli_sso_ext.credentials import credential_cache_file
from awscli_sso_ext.profiles import ProfileBook

DEV = "104729384756"
CONFIG = config(
    PLUGINS,
    session_profile("dev", DEV),
    legacy_profile("legacy", "205938475610"),
    profile("plain", region="us-east-2"),
    profile(
        "keys",
        credential_process=f"{VENV_BIN / 'aws-sso-ext'} process dev",
        region="eu-central-1",
    ),
    corp_session(sso_registration_scopes="sso:account:access"),
)
JS_SDK = ROOT / ".ci" / "js-sdk" / "node_modules"


@pytest.fixture
def world(home, sandbox_environment, tmp_path):
    """A home logged in to the sandbox, with the plugin's keys for `dev` in the cache."""
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    sandbox, environment = sandbox_environment
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(CONFIG, encoding="utf-8")
    env = clean_environment(home, **environment)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env["PATH"]])  # this venv's aws (v1)
    plugin = subprocess.run(
        [str(V1_AWS), "sso-env", "--profile", "dev", "--format", "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plugin.returncode == 0, plugin.stderr
    return sandbox, env, plugin.stdout


def stub_path(tmp_path: Path, env: dict) -> dict:
    """`env` with an `aws` first on PATH that records its arguments and exits 3."""
    folder = tmp_path / "stub"
    folder.mkdir(exist_ok=True)
    (folder / "aws").write_text(
        '#!/bin/sh\necho "$*" >> "$STUB_CALLS"\necho stub-out\necho stub-err >&2\nexit 3\n'
    )
    (folder / "aws").chmod(0o755)
    return dict(
        env, PATH=os.pathsep.join([str(folder), env["PATH"]]), STUB_CALLS=str(tmp_path / "calls")
    )


def test_cached_keys_give_the_plugins_json_without_the_cli(world, tmp_path):
    _sandbox, env, plugin_output = world
    env = stub_path(tmp_path, env)
    result = process(env, "dev")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == plugin_output  # the same text, so the same keys and values
    assert list(json.loads(result.stdout)) == [
        "Version",
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ]
    assert not (tmp_path / "calls").exists(), "the AWS CLI was started"


def test_the_cached_path_imports_nothing_heavy(world, tmp_path):
    _sandbox, env, _ = world
    result = process(stub_path(tmp_path, env), "dev", python_flags=("-X", "importtime"))
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "awscli_sso_ext.process_credentials" in imported
    heavy = {"argcomplete", "botocore", "awscli", "boto3", "shellingham", "urllib3", "dateutil"}
    assert not {name for name in imported if name.split(".")[0] in heavy}


def age_cached_keys(home: Path, minutes_left: float) -> Path:
    path = next((home / ".aws" / "cli" / "cache").glob("*.json"))
    data = json.loads(path.read_text())
    moment = datetime.now(timezone.utc) + timedelta(minutes=minutes_left)
    data["Credentials"]["Expiration"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(json.dumps(data))
    return path


def test_keys_inside_botocores_window_go_the_full_way(world, tmp_path):
    _sandbox, env, _ = world
    age_cached_keys(Path(env["HOME"]), 14)  # botocore's SSO provider would fetch new ones
    result = process(stub_path(tmp_path, env), "dev")
    assert (result.returncode, result.stdout, result.stderr) == (3, "stub-out\n", "stub-err\n")
    assert (tmp_path / "calls").read_text() == "sso-env --profile dev --format process\n"


def test_the_full_way_logs_in_fetches_and_caches(world, tmp_path):
    _sandbox, env, _ = world
    path = age_cached_keys(Path(env["HOME"]), 2)
    old = json.loads(path.read_text())["Credentials"]["AccessKeyId"]
    result = process(env, "dev")  # the real aws sso-env this time
    assert result.returncode == 0, result.stderr
    fresh = json.loads(result.stdout)
    assert fresh["AccessKeyId"] != old
    assert json.loads(path.read_text())["Credentials"]["AccessKeyId"] == fresh["AccessKeyId"]
    again = process(stub_path(tmp_path, env), "dev")
    assert json.loads(again.stdout) == fresh and not (tmp_path / "calls").exists()


@pytest.mark.parametrize("profile", ["plain", "nope", "legacy", HOSTILE_NAME])
def test_anything_but_cached_keys_is_the_plugins_answer(world, tmp_path, profile):
    _sandbox, env, _ = world
    result = process(stub_path(tmp_path, env), profile)
    assert (result.returncode, result.stdout, result.stderr) == (3, "stub-out\n", "stub-err\n")
    calls = (tmp_path / "calls").read_text()
    assert calls == f"sso-env --profile {profile} --format process\n"


def test_without_an_aws_the_message_says_what_to_install(world, tmp_path):
    _sandbox, env, _ = world
    result = process(dict(env, PATH=str(tmp_path)), "plain")
    assert (result.returncode, result.stdout) == (1, "")
    assert "no `aws` on PATH" in result.stderr and "aws-sso-ext setup" in result.stderr


def test_boto3_takes_it_as_a_credential_process(world):
    _sandbox, env, plugin_output = world
    script = (
        "import boto3, json; s = boto3.Session(profile_name='keys'); "
        "c = s.get_credentials().get_frozen_credentials(); "
        "print(json.dumps([c.access_key, s.client('sts').get_caller_identity()['Account']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    key, account = json.loads(result.stdout)
    assert (key, account) == (json.loads(plugin_output)["AccessKeyId"], DEV)


JS_CHECK = """
const { fromProcess } = require('@aws-sdk/credential-provider-process');
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
(async () => {
  const credentials = await fromProcess({ profile: 'keys' })();
  const sts = new STSClient({ region: 'eu-central-1', endpoint: process.env.AWS_ENDPOINT_URL_STS,
                              credentials: fromProcess({ profile: 'keys' }) });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  console.log(JSON.stringify([credentials.accessKeyId, credentials.expiration.toISOString(),
                              identity.Account]));
})().catch((error) => { console.error(error); process.exit(1); });
"""


def test_the_javascript_sdk_takes_it_as_a_credential_process(world):
    _sandbox, env, plugin_output = world
    node = require_program("node")
    require(JS_SDK.is_dir(), f"the JavaScript SDK in {JS_SDK} (.ci/run installs it)")
    result = subprocess.run(
        [node, "-e", JS_CHECK],
        env=dict(env, NODE_PATH=str(JS_SDK)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    key, expiration, account = json.loads(result.stdout)
    expected = json.loads(plugin_output)
    assert (key, account) == (expected["AccessKeyId"], DEV)
    assert expiration.replace(".000Z", "Z") == expected["Expiration"]


# --- The profile and the cache key exactly as botocore reads them --------------------------

QUIRKS = f"""
[profile dev]
sso_session = corp
sso_account_id = 1
sso_role_name = R
[profile "my team"]
sso_session = corp
sso_account_id = 2
sso_role_name = R
{profile_header(HOSTILE_NAME)}
sso_start_url = {START_URL}
sso_region = eu-west-1
sso_account_id = 3
sso_role_name = R
[profilex odd]
sso_session = corp
sso_account_id = 4
sso_role_name = R
[profile two words here]
sso_session = corp
[profile 'unbalanced]
sso_session = corp
[default]
sso_session = corp
sso_account_id = 5
sso_role_name = R
[profile default]
sso_account_id = 6
[profile broken]
sso_session = missing
sso_account_id = 7
sso_role_name = R
[profile nested]
sso_session = corp
sso_account_id = 8
sso_role_name = R
s3 =
  addressing_style = path
[sso-session corp]
sso_start_url = {START_URL}
sso_region = eu-west-1
"""
QUIRK_CREDENTIALS = """
[dev]
sso_role_name = FromCredentials
[creds-only]
sso_session = corp
sso_account_id = 9
sso_role_name = R
"""


def test_the_profiles_are_botocores(home, monkeypatch):
    import botocore.session

    from awscli_sso_ext.errors import SsoExtError

    (home / "config").write_text(QUIRKS, encoding="utf-8")
    (home / "credentials").write_text(QUIRK_CREDENTIALS, encoding="utf-8")
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv(
        "AWS_SHARED_CREDENTIALS_FILE", "$HOME/credentials"
    )  # expanded, as botocore does
    book = ProfileBook.from_session(botocore.session.Session())
    assert len(book.names()) == 8  # "two words here" and the unbalanced quote are no profiles
    for name in [*book.names(), "nope", "two words here"]:
        try:
            sso = book.get(name).sso
        except SsoExtError:
            sso = None
        fields = ("account_id", "role_name", "start_url", "sso_region", "session_name")
        expected = None if sso is None else tuple(getattr(sso, field) for field in fields)
        assert process_credentials.sso_target(name) == expected, name
    assert process_credentials.sso_target("dev").role_name == "FromCredentials"


def test_the_cache_key_is_botocores(home, monkeypatch):
    from botocore.credentials import SSOCredentialFetcher

    monkeypatch.setenv("HOME", str(home))
    for session in ("corp", None):
        write_token(home, session)
        target = (
            ProfileBook(
                {
                    "profiles": {
                        "p": {"sso_session": "corp", "sso_account_id": "1", "sso_role_name": "R"}
                    }
                    if session
                    else {
                        "p": {
                            "sso_start_url": START_URL,
                            "sso_region": "eu-west-1",
                            "sso_account_id": "1",
                            "sso_role_name": "R",
                        }
                    },
                    "sso_sessions": {
                        "corp": {"sso_start_url": START_URL, "sso_region": "eu-west-1"}
                    },
                },
                "config",
            )
            .get("p")
            .sso
        )
        fetcher = SSOCredentialFetcher(
            START_URL, "eu-west-1", "R", "1", client_creator=None, sso_session_name=session
        )
        assert Path(credential_cache_file(target)).stem == fetcher._create_cache_key()


def test_ci_installs_the_javascript_sdk():
    run = (ROOT / ".ci" / "run").read_text()
    assert "@aws-sdk/credential-provider-process" in run
    assert str(JS_SDK.parent.relative_to(ROOT)) in run
