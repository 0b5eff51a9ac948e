"""End to end in each interactive shell: a real `aws sso-switch` through the hook, then the prompt."""

from __future__ import annotations

import time

import pytest
from conftest import HOOK_SHELLS, V1_AWS, hook_environment, require, write_token
from shell_harness import Typist, hook_shell

CONFIG = """[plugins]
sso_ext = awscli_sso_ext

[profile staging]
sso_session = corp
sso_account_id = 205938475610
sso_role_name = ReadOnlyAccess
region = eu-central-1

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
"""


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_the_prompt_shows_the_role_and_time_left_after_a_real_switch(shell, home):
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(CONFIG)
    # A valid login, 2 h 30 min left and not renewable: the switch makes no network call.
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2.5 * 3600 + 30))
    write_token(home, "corp", expiresAt=expires)
    typist = Typist(hook_shell(shell, home, hook_environment(home)))
    typist.run("aws sso-switch staging")
    shown = typist.run('printf \'[%s|%s]\\n\' "$AWS_SSO_PROMPT_TEXT" "$AWS_SSO_PROMPT_STATE"')
    assert "[staging ReadOnlyAccess@205938475610 eu-central-1 2h30m|ok]" in shown
    typist.close()
