"""For the prompt tests: token files, switch environments (times relative to now), a render."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import FAR_FUTURE, START_URL, hook_environment, write_token
from shell_harness import driver

SESSION = "my-sso"


def token_file(home: Path, **fields) -> Path:
    """write_token with every field overridable (write_token can't take expiresAt)."""
    path = write_token(home, SESSION)
    data = json.loads(path.read_text())
    data.update(fields)
    data.setdefault("expiresAt", FAR_FUTURE)
    path.write_text(json.dumps(data))
    return path


def at(**delta) -> str:
    """The time `delta` from now, as the token cache writes it."""
    moment = datetime.now(timezone.utc) + timedelta(**delta)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sso_env(token: Path, **extra: str) -> dict:
    """What a switch to an SSO profile exports for the prompt."""
    env = {
        "AWS_PROFILE": "staging",
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_SSO_EXT_ACCOUNT": "123456789012",
        "AWS_SSO_EXT_ROLE": "ReadOnlyAccess",
        "AWS_SSO_EXT_SESSION": SESSION,
        "AWS_SSO_EXT_START_URL": START_URL,
        "AWS_SSO_EXT_TOKEN_FILE": str(token),
        "AWS_SSO_EXT_EXPIRATION": at(hours=1),
    }
    env.update(extra)
    return env


# A render once plainly (strict mode must not trip), then after a failed command, printing
# the status the render left: the status of the command before the prompt must survive.
UPDATE = {
    "bash": "__awscli_sso_ext_prompt_update\n"
    "false || { __awscli_sso_ext_prompt_update || echo status=$?; }",
    "fish": "false; __awscli_sso_ext_prompt_update; echo status=$status",
}
UPDATE["zsh"] = UPDATE["bash"]
SHOWN = ('"$AWS_SSO_PROMPT_TEXT"', '"$AWS_SSO_PROMPT_STATE"', '"$AWS_SSO_PROMPT"')


def render(shell: str, home: Path, env: dict, script: str = "") -> list:
    """The lines printed by `script` (UPDATE unless told) in strict `shell` with the hook
    sourced, then the prompt's text, state and segment."""
    harness = driver(shell)
    lines = [harness.source_line(), script or UPDATE[shell], harness.print_lines(*SHOWN)]
    result = harness.run("\n".join(lines), hook_environment(home, **env), home)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.split("\n")
