"""Every kind of profile switches: static keys, credential_process, role chains, `aws login`."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from conftest import HOOK_SHELLS, V1_AWS, hook_environment, require
from login_world import SESSION_TOKEN
from shell_harness import Typist, hook_shell

LOGIN_ARN = "arn:aws:sts::123456789012:assumed-role/Admin/alice"

CONFIG = f"""[plugins]
sso_ext = awscli_sso_ext

[profile signin]
login_session = {LOGIN_ARN}
region = us-west-2
"""


def write_login_token(home, arn: str, seconds_left: float) -> None:
    """A token file as `aws login` writes it (the secrets are placeholders)."""
    folder = home / ".aws" / "login" / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds_left))
    token = {
        "accessToken": {
            "accessKeyId": "ASIAEXAMPLE",
            "secretAccessKey": "not-a-secret",
            "sessionToken": "not-a-token",
            "accountId": "123456789012",
            "expiresAt": expires,
        },
        "tokenType": "aws_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "not-a-refresh-token",
        "idToken": "not-an-id-token",
        "dpopKey": "-----BEGIN EC PRIVATE KEY-----\\nnot-a-key\\n-----END EC PRIVATE KEY-----\\n",
    }
    name = hashlib.sha256(arn.encode()).hexdigest() + ".json"
    (folder / name).write_text(json.dumps(token))


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_the_prompt_shows_a_login_session_expiry_after_a_real_switch(shell, home):
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(CONFIG)
    write_login_token(home, LOGIN_ARN, 12 * 60 + 30)
    typist = Typist(hook_shell(shell, home, hook_environment(home)))
    typist.run("aws sso-switch signin")
    shown = typist.run('printf \'[%s|%s]\\n\' "$AWS_SSO_PROMPT_TEXT" "$AWS_SSO_PROMPT_STATE"')
    assert "[signin Admin@123456789012 us-west-2 12m|" in shown, shown
    # The SDK renews the access token in the file: the next prompt shows the new time.
    write_login_token(home, LOGIN_ARN, 2 * 3600 + 40 * 60 + 30)
    typist.run(":")  # the prompt drawn after this command reads the file again
    shown = typist.run('printf \'[%s|%s]\\n\' "$AWS_SSO_PROMPT_TEXT" "$AWS_SSO_PROMPT_STATE"')
    assert "[signin Admin@123456789012 us-west-2 2h40m|ok]" in shown, shown
    typist.close()


CHAINS = """
[profile static]
region = ap-southeast-2

[profile from-keys]
role_arn = arn:aws:iam::306182736455:role/Deployer
source_profile = static

[profile chained]
role_arn = arn:aws:iam::306182736455:role/Deployer
source_profile = dev
region = us-east-1

[profile chained-twice]
role_arn = arn:aws:iam::407263548190:role/teams/Auditor
source_profile = chained

[profile signin]
login_session = arn:aws:sts::123456789012:assumed-role/Admin/alice
region = us-west-2

[profile loop-a]
role_arn = arn:aws:iam::306182736455:role/Deployer
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::306182736455:role/Deployer
source_profile = loop-a
"""


@pytest.fixture
def chains(world):
    """The logins world, with static keys, role chains and an `aws login` profile too."""
    config = world.home / ".aws" / "config"
    config.write_text(config.read_text() + CHAINS)
    (world.home / ".aws" / "credentials").write_text(
        "[static]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    return world


def exported(result) -> dict:
    """{name: value} of the export lines of a bash switch (values shlex-unquoted)."""
    import shlex

    found = {}
    for line in result.stdout.decode().splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            found[name] = shlex.split(value)[0] if value else ""
    return found


@pytest.mark.parametrize(
    ("profile", "region", "account", "role"),
    [
        ("static", "ap-southeast-2", None, None),
        ("plain", "us-east-2", None, None),
        ("keys", "eu-west-1", None, None),  # credential_process
        ("from-keys", None, "306182736455", "Deployer"),
        ("signin", "us-west-2", "123456789012", "Admin"),
    ],
)
def test_each_profile_without_sso_switches_and_never_asks_sso(
    chains, profile, region, account, role
):
    result = chains("sso-switch", profile, AWS_SSO_EXT_SHELL="bash")
    assert result.returncode == 0, result.stderr.decode()
    env = exported(result)
    assert env["AWS_PROFILE"] == profile
    assert env.get("AWS_REGION") == region and env.get("AWS_DEFAULT_REGION") == region
    assert env.get("AWS_SSO_EXT_ACCOUNT") == account and env.get("AWS_SSO_EXT_ROLE") == role
    assert "unset AWS_ACCESS_KEY_ID" in result.stdout.decode()
    assert chains.sandbox.calls() == []  # not one request, to SSO or anything else


def test_a_chain_from_an_sso_profile_logs_its_root_in_once(chains):
    result = chains("sso-switch", "chained-twice", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert len(chains.sandbox.calls("StartDeviceAuthorization")) == 1
    env = exported(result)
    token_file = str(chains.home / ".aws" / "sso" / "cache" / SESSION_TOKEN)
    assert env["AWS_PROFILE"] == "chained-twice" and env["AWS_SSO_EXT_TOKEN_FILE"] == token_file
    assert env["AWS_SSO_EXT_ACCOUNT"] == "407263548190" and env["AWS_SSO_EXT_ROLE"] == "Auditor"
    assert "AWS_SSO_EXT_EXPIRATION" in env
    chains.sandbox.clear_calls()
    again = chains("sso-switch", "chained", AWS_SSO_EXT_SHELL="bash")  # the root is logged in
    assert again.returncode == 0 and chains.sandbox.calls() == []
    assert exported(again)["AWS_REGION"] == "us-east-1"


def test_a_chain_whose_root_lapsed_fails_with_no_login_and_names_the_root(chains):
    result = chains("sso-switch", "chained", "--no-login", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "'dev'" in stderr and result.stdout == b""
    assert chains.sandbox.calls() == []


def test_a_source_profile_loop_is_a_configuration_error(chains):
    result = chains("sso-switch", "loop-a", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "'loop-a' -> 'loop-b' -> 'loop-a'" in stderr and result.stdout == b""


def test_a_chain_to_a_missing_profile_is_a_configuration_error(chains):
    config = chains.home / ".aws" / "config"
    config.write_text(
        config.read_text() + "\n[profile dangling]\nrole_arn = x\nsource_profile = gone\n"
    )
    result = chains("sso-switch", "dangling", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "source_profile = 'gone', but there is no such profile" in stderr
    assert result.stdout == b""
