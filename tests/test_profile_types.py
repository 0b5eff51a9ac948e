"""Every kind of profile switches: static keys, credential_process, role chains, `aws login`."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from conftest import V1_AWS, hook_environment, require
from test_hook_shells import HOOK_SHELLS, Typist, interactive_shell

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
    typist = Typist(interactive_shell(shell, home, hook_environment(home)))
    typist.run("aws sso-switch signin")
    shown = typist.run('printf \'[%s|%s]\\n\' "$AWS_SSO_PROMPT_TEXT" "$AWS_SSO_PROMPT_STATE"')
    assert "[signin Admin@123456789012 us-west-2 12m|" in shown, shown
    # The SDK renews the access token in the file: the next prompt shows the new time.
    write_login_token(home, LOGIN_ARN, 2 * 3600 + 40 * 60)
    typist.run(":")  # the prompt drawn after this command reads the file again
    shown = typist.run('printf \'[%s|%s]\\n\' "$AWS_SSO_PROMPT_TEXT" "$AWS_SSO_PROMPT_STATE"')
    assert "[signin Admin@123456789012 us-west-2 2h40m|ok]" in shown, shown
    typist.close()
