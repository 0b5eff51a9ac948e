"""The prompt segment in real bash: states, renewals, hostile names, no process."""

from __future__ import annotations

import json
import re

import pytest
from conftest import hook_environment, hook_file, strict_command, traced_processes
from hostile import HOSTILE_NAME
from prompt_helpers import at, render, sso_env, token_file
from shell_harness import driver

from awscli_sso_ext.shells import posix_quote

ESC = "\x1b"
BASH = driver("bash")


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
    out = render("bash", home, sso_env(token), script)
    assert [line.split()[-1] for line in out[:4]] == ["5m", "8h0m", "8h0m", "expired"]


def test_hostile_names_are_shown_literally_without_control_characters(home):
    token = token_file(home)
    hostile = HOSTILE_NAME + "\x1b]0;title\x07\x1b[2J\r\n"
    env = sso_env(token, AWS_PROFILE=hostile, AWS_SSO_EXT_ROLE=hostile, AWS_SSO_EXT_ACCOUNT=hostile)
    _, text, _, prompt, _ = render("bash", home, env)
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
    child = BASH.spawn(
        home, [source, source, "PS1='<${AWS_SSO_PROMPT}|$?>\\$ '"], hook_environment(home)
    )
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
    child = BASH.spawn(home, rc, hook_environment(home, **env))
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
