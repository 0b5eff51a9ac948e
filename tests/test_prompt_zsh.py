"""The prompt segment in real zsh: states, renewals, escaping, placement, p10k."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import prompt_helpers
import pytest
from conftest import hook_environment, require_program, strict_command, traced_processes
from hostile import HOSTILE_NAME
from prompt_helpers import at, sso_env, token_file
from shell_harness import driver

from awscli_sso_ext.shells import posix_quote

ESC = "\x1b"
ZSH = driver("zsh")
SOURCE = ZSH.source_line()


def render(home: Path, env: dict, script: str = "") -> list:
    """prompt_helpers.render in Tokyo: expiresAt is UTC whatever TZ says."""
    return prompt_helpers.render("zsh", home, dict(env, TZ="Asia/Tokyo"), script)


def test_renewed_torn_and_deleted_token_files(home):
    token = token_file(home, expiresAt=at(minutes=5, seconds=30))
    renewed = json.dumps({"accessToken": "b" * 900, "expiresAt": at(hours=8, seconds=30)})
    show = 'print -r -- "$AWS_SSO_PROMPT_TEXT"'
    script = "\n".join(
        [
            f"__awscli_sso_ext_prompt_update; {show}",
            f"print -rn -- {posix_quote(renewed)} > {posix_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
            f"print -rn -- {posix_quote(renewed[:40])} > {posix_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
            f"rm {posix_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
        ]
    )
    out = render(home, sso_env(token), script)
    assert [line.split()[-1] for line in out[:4]] == ["5m", "8h0m", "8h0m", "expired"]


def test_hostile_names_are_escaped_and_stripped(home):
    token = token_file(home)
    hostile = HOSTILE_NAME + "\x1b]0;title\x07\x1b[2J\r\n"
    env = sso_env(token, AWS_PROFILE=hostile, AWS_SSO_EXT_ROLE=hostile, AWS_SSO_EXT_ACCOUNT=hostile)
    # Expanded as a prompt, with prompt_subst on, the segment shows the names as they are.
    script = "\n".join(
        [
            "setopt prompt_subst",
            "__awscli_sso_ext_prompt_update",
            "print -rP -- '${AWS_SSO_PROMPT}'",  # prompt_subst, then % expansion
        ]
    )
    expanded, text, _, prompt, _ = render(home, dict(env, NO_COLOR="1"), script)
    clean = HOSTILE_NAME + "]0;title[2J"
    assert text.startswith(f"{clean} {clean}@{clean} eu-central-1 ")
    assert expanded == text
    assert prompt == text.replace("%", "%%")
    assert not list(home.rglob("pwned*"))


def test_a_prompt_render_starts_no_process(home, tmp_path):
    token = token_file(home, expiresAt=at(hours=1))
    renders = " ".join(["__awscli_sso_ext_prompt_update;"] * 5 + ["aws_sso_prompt >/dev/null;"] * 5)
    result, processes = traced_processes(
        [*strict_command("zsh")[:-1], "+e", "-c", f"{SOURCE}\nfalse; {renders} echo status=$?"],
        tmp_path,
        hook_environment(home, **sso_env(token)),
        timeout=30,
    )
    assert result.stdout == "status=1\n", result.stderr
    assert processes == ["execve"]  # zsh itself


def test_powerlevel10k_segment(home):
    token = token_file(home, expiresAt=at(minutes=9, seconds=30))
    hostile = {"AWS_PROFILE": HOSTILE_NAME}
    script = "\n".join(
        [
            "function p10k { print -rl -- p10k $@ }",  # a stub of p10k's command
            "__awscli_sso_ext_prompt_update >/dev/null",
            "prompt_aws_sso",
        ]
    )
    out = render(home, sso_env(token, **hostile), script)
    name = HOSTILE_NAME.replace("%", "%%")
    assert out[:7] == [
        "p10k",
        "segment",
        "-s",
        "WARN",
        "-f",
        "3",
        "-t",
    ]
    assert out[7] == f"{name} ReadOnlyAccess@123456789012 eu-central-1 9m"


# --- Interactive zsh in a pseudo-terminal -------------------------------------------------


def prompt_after(child, line: str) -> str:
    """Runs `line`, returns the next prompt between < and > (the marker is printed, not typed)."""
    child.sendline(f"print -r -- prompt_$((6*7)); {line}")
    child.expect_exact("prompt_42")
    child.expect(r"<([^<>]*)>[%#] ")
    return child.match.group(1)


def exports(env: dict) -> str:
    return "export " + " ".join(f"{k}={posix_quote(v)}" for k, v in env.items())


def test_interactive_prompt_follows_switches_renewals_and_keeps_status(home):
    token = token_file(home, expiresAt=at(minutes=10, seconds=30))
    rc = [SOURCE, SOURCE, "setopt prompt_subst", "PROMPT='<${AWS_SSO_PROMPT}|%?>%# '"]
    child = ZSH.spawn(home, rc, hook_environment(home))
    child.expect(r"<([^<>]*)>[%#] ")
    assert child.match.group(1) == "|0"
    shown = prompt_after(child, f"{exports(sso_env(token))}; false")
    assert shown == f"staging ReadOnlyAccess@123456789012 eu-central-1 {ESC}[33m10m{ESC}[0m|1"
    token.write_text(json.dumps({"accessToken": "a", "expiresAt": at(hours=3, seconds=30)}))
    assert prompt_after(child, "true").endswith(f"{ESC}[32m3h0m{ESC}[0m|0")
    token.write_text(json.dumps({"accessToken": "a", "expiresAt": at(minutes=-1)}))
    assert f"{ESC}[1;31mexpired{ESC}[0m|0" in prompt_after(child, "true")
    refreshable = {
        "accessToken": "a",
        "expiresAt": at(minutes=-1),
        "refreshToken": "r",
        "clientId": "c",
        "clientSecret": "s",
        "registrationExpiresAt": at(days=30),
    }
    token.write_text(json.dumps(refreshable))
    assert f"{ESC}[36mrenews{ESC}[0m|0" in prompt_after(child, "true")
    child.sendline('print -r -- "[${(j: :)precmd_functions}]"')
    child.expect(r"\[(__awscli[^\]]*)\]")
    assert child.match.group(1) == "__awscli_sso_ext_prompt_update"  # registered once
    hostile = {"AWS_PROFILE": HOSTILE_NAME, "AWS_SSO_EXT_ROLE": HOSTILE_NAME}
    shown = prompt_after(child, exports(hostile))
    assert shown.startswith(f"{HOSTILE_NAME} {HOSTILE_NAME}@123456789012 ")  # % shown as is
    child.sendline("exit")
    child.expect(pytest.importorskip("pexpect").EOF)
    assert not list(home.rglob("pwned*"))


@pytest.mark.parametrize("subst", ["prompt_subst", "no_prompt_subst"])
def test_automatic_placement_keeps_the_users_prompts(home, subst):
    token = token_file(home, expiresAt=at(hours=1, minutes=1, seconds=30))
    rc = [
        f"setopt {subst}",
        "PROMPT='<mine %%>%# '",
        "RPROMPT='[%~]'",
        "AWS_SSO_PROMPT_AUTO=left",
        SOURCE,
    ]
    env = sso_env(token, AWS_PROFILE="it's $(touch pwned) %n", AWS_SSO_PROMPT_COLOR_OK="")
    child = ZSH.spawn(home, rc, hook_environment(home, **env))
    for _ in range(3):  # the segment goes in once, and stays in front of the user's prompt
        child.sendline("true")
        child.expect(r"\n\r*(.*)<mine %>[%#] ")
        assert (
            child.match.group(1)
            == "it's $(touch pwned) %n ReadOnlyAccess@123456789012 eu-central-1 1h1m "
        )
    # AWS_SSO_PROMPT_AUTO=1: in front of RPROMPT instead, the user's kept.
    child.sendline("AWS_SSO_PROMPT_AUTO=1; PROMPT='<mine %%>%# '")
    child.sendline('print -r -- $((6*7)); print -rP -- "$RPROMPT"')
    child.expect_exact("42")
    child.expect(r"\n(it's.*\])\r?\n")
    assert child.match.group(1) == (
        "it's $(touch pwned) %n ReadOnlyAccess@123456789012 eu-central-1 1h1m [~]"
    )
    child.sendline("exit")
    child.expect(pytest.importorskip("pexpect").EOF)
    assert not list(home.rglob("pwned*"))


# --- The starship recipe in docs/prompt.md (starship runs `when` and `command` with a shell) --


def test_starship_recipe_only_echoes_the_text(home):
    docs = (Path(__file__).resolve().parent.parent / "docs" / "prompt.md").read_text()
    recipe = docs[docs.index("[custom.aws_sso]") :]
    when = re.search(r"^when = '(.*)'$", recipe, re.M).group(1)
    command = re.search(r"^command = '(.*)'$", recipe, re.M).group(1)
    bash = require_program("bash")
    for text, shown in ((HOSTILE_NAME, True), ("", False)):
        env = hook_environment(home, AWS_SSO_PROMPT_TEXT=text)
        ran = subprocess.run([bash, "-c", when], env=env, cwd=home, timeout=30)
        assert (ran.returncode == 0) is shown
        out = subprocess.run(
            [bash, "-c", command], env=env, cwd=home, capture_output=True, text=True, timeout=30
        )
        assert out.stdout == text
    assert not list(home.rglob("pwned*"))
