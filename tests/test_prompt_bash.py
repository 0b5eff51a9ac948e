"""The prompt segment in real bash: states, renewals, hostile names, no process."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import (
    FAR_FUTURE,
    hook_environment,
    hook_file,
    require_program,
    strict_command,
    traced_processes,
    write_token,
)
from hostile import HOSTILE_NAME

from awscli_sso_ext.shells import posix_quote

SESSION = "my-sso"
ESC = "\x1b"


def token_file(home: Path, **fields) -> Path:
    """write_token with every field overridable (write_token can't take expiresAt)."""
    path = write_token(home, SESSION)
    data = json.loads(path.read_text())
    data.update(fields)
    data.setdefault("expiresAt", FAR_FUTURE)
    path.write_text(json.dumps(data))
    return path


def at(**delta) -> str:
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
        "AWS_SSO_EXT_START_URL": "https://d-1234567890.awsapps.com/start",
        "AWS_SSO_EXT_TOKEN_FILE": str(token),
        "AWS_SSO_EXT_EXPIRATION": at(hours=1),
    }
    env.update(extra)
    return env


def render(home: Path, env: dict, script: str = "") -> list:
    """Sources the hook in strict bash, renders once per `--` in script, prints the three
    variables and $? of a preceding `false`."""
    lines = [
        f"source {posix_quote(str(hook_file('bash')))}",
        script
        # Once plainly (set -e must not trip), then after a failed command: $? survives.
        or "__awscli_sso_ext_prompt_update\nfalse || { __awscli_sso_ext_prompt_update || echo status=$?; }",
    ]
    lines.append(
        'printf \'%s\\n\' "$AWS_SSO_PROMPT_TEXT" "$AWS_SSO_PROMPT_STATE" "$AWS_SSO_PROMPT"'
    )
    result = subprocess.run(
        [*strict_command("bash"), "\n".join(lines)],
        env=hook_environment(home, **env),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.split("\n")


def test_ok_shows_profile_role_account_region_and_time_left(home):
    token = token_file(home, expiresAt=at(hours=2, minutes=13, seconds=30))
    status, text, state, prompt, _ = render(home, sso_env(token))
    assert status == "status=1"  # $? of the command before the prompt survives
    assert text == "staging ReadOnlyAccess@123456789012 eu-central-1 2h13m"
    assert state == "ok"
    # Colours only around the time, wrapped in \001 \002 for readline's width.
    assert (
        prompt
        == f"staging ReadOnlyAccess@123456789012 eu-central-1 \x01{ESC}[32m\x022h13m\x01{ESC}[0m\x02"
    )


@pytest.mark.parametrize(
    ("delta", "fields", "text", "state", "colour"),
    [
        ({"minutes": 9, "seconds": 30}, {}, "9m", "warn", "33"),
        ({"seconds": 30}, {}, "<1m", "warn", "33"),
        ({"minutes": -5}, {}, "expired", "expired", "1;31"),
        # Expired access token, but botocore can renew it: never "expired".
        ({"minutes": -5}, "refreshable", "renews", "renews", "36"),
        ({"minutes": 9}, "refreshable", "9m+", "renews", "36"),
        ({"days": 3, "hours": 2, "minutes": 1}, {}, "3d2h", "ok", "32"),
    ],
)
def test_states_and_colours(home, delta, fields, text, state, colour):
    if fields == "refreshable":
        fields = {
            "refreshToken": "r" * 300,
            "clientId": "c",
            "clientSecret": "s" * 900,
            "registrationExpiresAt": at(days=80),
        }
    token = token_file(home, expiresAt=at(**delta), **fields)
    _, shown, shown_state, prompt, _ = render(home, sso_env(token))
    assert shown == f"staging ReadOnlyAccess@123456789012 eu-central-1 {text}"
    assert shown_state == state
    assert f"\x01{ESC}[{colour}m\x02{text}\x01{ESC}[0m\x02" in prompt


REFRESHABLE = {"refreshToken": "r", "clientId": "c", "clientSecret": "s"}


@pytest.mark.parametrize(
    ("session", "fields"),
    [
        (
            "https://d-1234567890.awsapps.com/start",
            {**REFRESHABLE, "registrationExpiresAt": "2099-01-01T00:00:00Z"},
        ),  # legacy
        (
            SESSION,
            {**REFRESHABLE, "registrationExpiresAt": "2001-01-01T00:00:00Z"},
        ),  # registration over
        (
            SESSION,
            {"clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2099-01-01T00:00:00Z"},
        ),
    ],
)
def test_sessions_that_cannot_renew_show_expired(home, session, fields):
    token = token_file(home, expiresAt=at(minutes=-1), **fields)
    _, text, state, _, _ = render(home, sso_env(token, AWS_SSO_EXT_SESSION=session))
    assert (text.split()[-1], state) == ("expired", "expired")


def test_tolerates_fractions_and_offsets(home):
    token = token_file(home)
    moment = datetime.now(timezone.utc) + timedelta(hours=2, minutes=30, seconds=20)
    token.write_text(json.dumps({"accessToken": "a", "expiresAt": moment.isoformat()}))
    _, text, state, _, _ = render(home, sso_env(token))
    assert (text.split()[-1], state) == ("2h30m", "ok")


def test_renewed_file_shows_at_the_next_prompt_and_a_torn_one_keeps_the_last(home):
    token = token_file(home, expiresAt=at(minutes=5, seconds=30))  # 30 s for a loaded machine
    renewed = json.dumps(
        {"startUrl": "u", "accessToken": "b" * 900, "expiresAt": at(hours=8, seconds=30)}
    )
    script = "\n".join(
        [
            '__awscli_sso_ext_prompt_update; echo "$AWS_SSO_PROMPT_TEXT"',
            # Another terminal, `aws sso login` or botocore rewrites the file.
            f"printf '%s' {posix_quote(renewed)} > {posix_quote(str(token))}",
            '__awscli_sso_ext_prompt_update; echo "$AWS_SSO_PROMPT_TEXT"',
            # AWS CLI v2 writes in place: a read may catch half a file.
            f"printf '%s' {posix_quote(renewed[:40])} > {posix_quote(str(token))}",
            '__awscli_sso_ext_prompt_update; echo "$AWS_SSO_PROMPT_TEXT"',
            f"rm {posix_quote(str(token))}",  # `aws sso logout`
            '__awscli_sso_ext_prompt_update; echo "$AWS_SSO_PROMPT_TEXT"',
        ]
    )
    out = render(home, sso_env(token), script)
    assert [line.split()[-1] for line in out[:4]] == ["5m", "8h0m", "8h0m", "expired"]


def test_profiles_without_sso_show_profile_and_region_only(home):
    env = {"AWS_PROFILE": "dev", "AWS_REGION": "us-east-1"}
    _, text, state, prompt, _ = render(home, env)
    assert (text, state, prompt) == ("dev us-east-1", "plain", "dev us-east-1")
    _, text, state, _, _ = render(home, {"AWS_PROFILE": "dev"})
    assert (text, state) == ("dev", "plain")
    _, text, state, prompt, _ = render(home, {"AWS_REGION": "us-east-1"})
    assert (text, state, prompt) == ("", "", "")


def test_format_colours_and_texts_from_the_environment(home):
    token = token_file(home, expiresAt=at(minutes=-1))
    env = sso_env(
        token,
        AWS_SSO_PROMPT_FORMAT="aws:[{account}/{role}|{left}] {nope}",
        AWS_SSO_PROMPT_COLOR="1",
        AWS_SSO_PROMPT_COLOR_EXPIRED="35;$(touch pwned)",  # not SGR digits: no colour
        AWS_SSO_PROMPT_EXPIRED_TEXT="login!",
    )
    _, text, _, prompt, _ = render(home, env)
    assert text == "aws:[123456789012/ReadOnlyAccess|login!] {nope}"
    assert prompt == f"\x01{ESC}[1m\x02{text}\x01{ESC}[0m\x02"
    _, _, _, prompt, _ = render(home, sso_env(token, NO_COLOR="1"))
    assert ESC not in prompt


def test_hostile_names_are_shown_literally_without_control_characters(home):
    token = token_file(home)
    hostile = HOSTILE_NAME + "\x1b]0;title\x07\x1b[2J\r\n"
    env = sso_env(token, AWS_PROFILE=hostile, AWS_SSO_EXT_ROLE=hostile, AWS_SSO_EXT_ACCOUNT=hostile)
    _, text, _, prompt, _ = render(home, env)
    clean = HOSTILE_NAME + "]0;title[2J"
    assert text.startswith(f"{clean} {clean}@{clean} eu-central-1 ")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    assert not re.search(r"\x1b(?!\[[0-9;]*m\x02)", prompt)
    assert not list(home.rglob("pwned*"))


def test_a_prompt_render_starts_no_process(home, tmp_path):
    token = token_file(home, expiresAt=at(hours=1))
    renders = " ".join(
        ["__awscli_sso_ext_prompt_update;"] * 10 + ["aws_sso_prompt >/dev/null;"] * 10
    )
    source = f"source {posix_quote(str(hook_file('bash')))}"
    script = f"{source}\nfalse; {renders} echo status=$?"
    result, processes = traced_processes(
        [*strict_command("bash")[:-1], "+e", "-c", script],
        tmp_path,
        hook_environment(home, **sso_env(token)),
        timeout=30,
    )
    assert result.stdout == "status=1\n", result.stderr  # $? of `false`, kept
    assert processes == ["execve"]  # bash itself


# --- Interactive bash in a pseudo-terminal ------------------------------------------------


def spawn(home: Path, rc_lines: list, env: dict):
    pexpect = pytest.importorskip("pexpect")
    program = require_program("bash")
    rc = home / ".prompt-bashrc"
    rc.write_text("\n".join(rc_lines) + "\n")
    child = pexpect.spawn(
        program,
        ["--noprofile", "--rcfile", str(rc), "-i"],
        env=dict(hook_environment(home, **env), TERM="dumb"),
        cwd=str(home),
        encoding="utf-8",
        timeout=20,
    )
    child.setwinsize(40, 250)
    return child


def prompt_after(child, line: str) -> str:
    """Runs `line`, returns the next prompt as the terminal received it (between < and >).

    The marker is printed, not typed: readline may redraw a long typed line, prompt and all.
    """
    child.sendline(f"printf '%s_%s\\n' prompt done; {line}")
    child.expect_exact("prompt_done")
    child.expect(r"<([^<>]*)>[$#] ")
    return child.match.group(1)


def test_interactive_prompt_follows_switches_renewals_and_keeps_status(home, tmp_path):
    token = token_file(home, expiresAt=at(minutes=10, seconds=30))
    source = f"source {posix_quote(str(hook_file('bash')))}"
    child = spawn(home, [source, source, "PS1='<${AWS_SSO_PROMPT}|$?>\\$ '"], {})
    child.expect(r"<([^<>]*)>[$#] ")
    assert child.match.group(1) == "|0"
    env = sso_env(token)
    exports = " ".join(f"{k}={posix_quote(v)}" for k, v in env.items())
    shown = prompt_after(child, f"export {exports}; false")
    # readline takes the \001 \002 width markers out; the terminal gets the colours.
    assert shown == f"staging ReadOnlyAccess@123456789012 eu-central-1 {ESC}[33m10m{ESC}[0m|1"
    token.write_text(json.dumps({"accessToken": "a", "expiresAt": at(hours=3, seconds=30)}))
    assert f"{ESC}[32m3h0m{ESC}[0m|0" in prompt_after(child, "true")
    token.write_text(json.dumps({"accessToken": "a", "expiresAt": at(minutes=-1)}))
    assert f"{ESC}[1;31mexpired" in prompt_after(child, "true")
    child.sendline('echo "[$PROMPT_COMMAND]"')
    child.expect(r"\[(__awscli[^\]]*)\]")
    assert child.match.group(1) == "__awscli_sso_ext_prompt_update"  # registered once
    hostile = {"AWS_PROFILE": HOSTILE_NAME, "AWS_SSO_EXT_ROLE": HOSTILE_NAME}
    exports = " ".join(f"{k}={posix_quote(v)}" for k, v in hostile.items())
    shown = prompt_after(child, f"export {exports}")
    assert shown.startswith(f"{HOSTILE_NAME} {HOSTILE_NAME}@123456789012 ")  # shown as it is
    child.sendline("exit")
    child.expect(pytest.importorskip("pexpect").EOF)
    assert not list(home.rglob("pwned*"))


@pytest.mark.parametrize("promptvars", ["-s", "-u"])
def test_automatic_placement_keeps_the_users_prompt(home, promptvars):
    token = token_file(home, expiresAt=at(hours=1, minutes=1, seconds=30))
    source = f"source {posix_quote(str(hook_file('bash')))}"
    rc = [
        f"shopt {promptvars} promptvars",
        "PS1='<mine \\\\ \\w>$ '",
        "AWS_SSO_PROMPT_AUTO=1",
        source,
    ]
    env = sso_env(token, AWS_PROFILE="it's $(touch pwned) \\w", AWS_SSO_PROMPT_COLOR_OK="")
    child = spawn(home, rc, env)
    for _ in range(3):  # the segment goes in once, and stays in front of the user's prompt
        child.sendline("true")
        child.expect(r"\n(.*)<mine \\ ~>[$#] ")
        assert (
            child.match.group(1)
            == "it's $(touch pwned) \\w ReadOnlyAccess@123456789012 eu-central-1 1h1m "
        )
    child.sendline("exit")
    child.expect(pytest.importorskip("pexpect").EOF)
    assert not list(home.rglob("pwned*"))
