"""The prompt segment in real fish: states, renewals, hostile names, right prompt."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import (
    clean_environment,
    hook_environment,
    hook_file,
    require_program,
    strict_command,
    traced_processes,
)
from hostile import HOSTILE_NAME
from prompt_helpers import at, render, sso_env, token_file
from shell_harness import driver

from awscli_sso_ext.shells import fish_quote

ESC = "\x1b"
FISH = driver("fish")
SOURCE = FISH.source_line()


REFRESHABLE = {
    "refreshToken": "r" * 300,
    "clientId": "c",
    "clientSecret": "s" * 900,
    "registrationExpiresAt": at(days=80),
}


def test_offsets_renewed_torn_and_deleted_token_files(home):
    token = token_file(home, expiresAt="2001-01-01T00:00:00.123+01:00")
    renewed = json.dumps({"accessToken": "b" * 900, "expiresAt": at(hours=8, seconds=30)})
    show = 'echo "$AWS_SSO_PROMPT_TEXT"'
    script = "\n".join(
        [
            f"__awscli_sso_ext_prompt_update; {show}",
            f"printf '%s' {fish_quote(renewed)} > {fish_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
            f"printf '%s' {fish_quote(renewed[:40])} > {fish_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
            f"rm {fish_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
        ]
    )
    out = render("fish", home, sso_env(token), script)
    assert [line.split()[-1] for line in out[:4]] == ["expired", "8h0m", "8h0m", "expired"]


def test_hostile_names_are_shown_literally_without_control_characters(home):
    token = token_file(home)
    hostile = HOSTILE_NAME + "\x1b]0;title\x07\x1b[2J\r\n\u009b"
    env = sso_env(token, AWS_PROFILE=hostile, AWS_SSO_EXT_ROLE=hostile, AWS_SSO_EXT_ACCOUNT=hostile)
    _, text, _, _, _ = render("fish", home, env)
    clean = HOSTILE_NAME + "]0;title[2J"
    assert text.startswith(f"{clean} {clean}@{clean} eu-central-1 ")
    assert not list(home.rglob("pwned*"))


# --- Interactive fish in a pseudo-terminal ------------------------------------------------


def prompt_after(child, line: str) -> str:
    """Runs `line`, returns the next prompt between < and > (the marker is printed, not typed:
    fish repaints the prompt while a line is typed)."""
    child.sendline(f"printf '%s_%s\\n' prompt done; {line}")
    child.expect_exact("prompt_done")
    child.expect(r"<([^<>]*)>> ")
    return child.match.group(1)


def exports(env: dict) -> str:
    return "; ".join(f"set -gx {k} {fish_quote(v)}" for k, v in env.items())


MY_PROMPT = "function fish_prompt; printf '<%s|%s>> ' \"$AWS_SSO_PROMPT\" $status; end"


def test_interactive_prompt_follows_switches_renewals_and_keeps_status(home):
    token = token_file(home, expiresAt=at(minutes=10, seconds=30))
    child = FISH.spawn(home, [SOURCE, SOURCE, MY_PROMPT], hook_environment(home))
    shown = prompt_after(child, f"{exports(sso_env(token))}; false")
    assert shown == f"staging ReadOnlyAccess@123456789012 eu-central-1 {ESC}[33m10m{ESC}[0m|1"
    token.write_text(json.dumps({"accessToken": "a", "expiresAt": at(hours=3, seconds=30)}))
    assert prompt_after(child, "true").endswith(f"{ESC}[32m3h0m{ESC}[0m|0")
    token.write_text(json.dumps({"accessToken": "a", "expiresAt": at(minutes=-1)}))
    assert prompt_after(child, "true").endswith(f"{ESC}[1;31mexpired{ESC}[0m|0")
    token.write_text(json.dumps({"accessToken": "a", "expiresAt": at(minutes=-1), **REFRESHABLE}))
    assert prompt_after(child, "true").endswith(f"{ESC}[36mrenews{ESC}[0m|0")
    child.sendline("printf '[%s]\\n' (functions --handlers-type generic | string match '*awscli*')")
    child.expect(r"\[(fish_prompt __awscli[^\]]*)\]")
    assert child.match.group(1) == "fish_prompt __awscli_sso_ext_prompt_update"  # once
    hostile = {"AWS_PROFILE": HOSTILE_NAME, "AWS_SSO_EXT_ROLE": HOSTILE_NAME}
    shown = prompt_after(child, exports(hostile))
    assert shown.startswith(f"{HOSTILE_NAME} {HOSTILE_NAME}@123456789012 ")
    child.sendline("exit")
    child.expect(pytest.importorskip("pexpect").EOF)
    assert not list(home.rglob("pwned*"))


def test_automatic_placement_keeps_the_users_right_prompt(home):
    token = token_file(home, expiresAt=at(hours=1, minutes=1, seconds=30))
    rc = [
        "set -gx AWS_SSO_PROMPT_AUTO 1",
        SOURCE,
        "function fish_prompt; printf '<p>> '; end",
        # The user's right prompt, defined after the hook, sees the command's $status.
        "function fish_right_prompt; printf '[mine %s]' $status; end",
    ]
    env = sso_env(token, AWS_PROFILE="it's $(touch pwned)", AWS_SSO_PROMPT_COLOR_OK="")
    child = FISH.spawn(home, rc, hook_environment(home, **env))
    # (fish draws no right prompt on a dumb terminal: it is called as fish would call it.)
    for command, status in (("false", 1), ("true", 0), ("false", 1)):
        child.sendline(f"{command}; fish_right_prompt; echo")
        child.expect(
            r"it's \$\(touch pwned\) ReadOnlyAccess@123456789012 eu-central-1 1h1m \[mine (\d)\]"
        )
        assert child.match.group(1) == str(status)
    child.sendline("exit")
    child.expect(pytest.importorskip("pexpect").EOF)
    assert not list(home.rglob("pwned*"))


def test_the_rendering_code_loads_only_once_a_profile_needs_it(home):
    fish = require_program("fish")
    script = "; ".join(
        [
            f"source {fish_quote(str(hook_file('fish')))}",
            "__awscli_sso_ext_prompt_update",
            "functions -q __awscli_sso_ext_token_times; and echo loaded; or echo not-loaded",
            "set -gx AWS_PROFILE dev",
            "__awscli_sso_ext_prompt_update",
            "functions -q __awscli_sso_ext_token_times; and echo loaded; or echo not-loaded",
            'echo "[$AWS_SSO_PROMPT_TEXT]"',
        ]
    )
    result = subprocess.run(
        [fish, "--no-config", "-c", script],
        env=clean_environment(home, AWS_REGION="eu-west-1"),
        capture_output=True,
        text=True,
    )
    assert result.stdout.splitlines() == ["not-loaded", "loaded", "[dev eu-west-1]"], result.stderr


# --- The clock without a process ---------------------------------------------------------


@pytest.mark.parametrize("clock", ["path", "proc", "date"])
def test_each_clock_gives_the_time_of_date(home, clock):
    require_program("fish")
    script = "\n".join(
        [
            SOURCE,
            f"set -g __awscli_sso_ext_clock {clock}",
            "set -l before (command date +%s)",
            "set -l now (__awscli_sso_ext_now)",
            "set -l after (command date +%s)",
            "echo $before $now $after $__awscli_sso_ext_clock",
        ]
    )
    result = subprocess.run(
        [*strict_command("fish"), script],
        env=hook_environment(home),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stderr == ""
    before, now, after, used = result.stdout.split()
    assert used == clock
    # /proc gives boot time and uptime rounded down, each: within a second of the truth.
    assert int(before) - 1 <= int(now) <= int(after) + 1


@pytest.mark.parametrize("clock", ["path", "proc"])
def test_a_prompt_render_starts_no_process(home, tmp_path, clock):
    token = token_file(home, expiresAt=at(hours=2, minutes=13, seconds=30))
    renders = "; ".join(["__awscli_sso_ext_prompt_update"] * 10 + ["aws_sso_prompt >/dev/null"] * 5)
    script = "\n".join(
        [
            SOURCE,
            f"set -g __awscli_sso_ext_clock {clock}",
            f"false; {renders}; echo status=$status",
            'echo "$AWS_SSO_PROMPT_TEXT"',
        ]
    )
    result, processes = traced_processes(
        [*strict_command("fish"), script], tmp_path, hook_environment(home, **sso_env(token))
    )
    assert result.stderr == ""
    assert result.stdout.split("\n")[1].endswith(" 2h13m")  # the clock was read: time is left
    assert processes == ["execve"]  # fish itself


def test_the_clock_is_chosen_by_what_fish_and_the_platform_give(home):
    script = "\n".join([SOURCE, "__awscli_sso_ext_now >/dev/null", "echo $__awscli_sso_ext_clock"])
    result = subprocess.run(
        [*strict_command("fish"), script],
        env=hook_environment(home),
        capture_output=True,
        text=True,
        timeout=30,
    )
    has_path = (
        "path"
        in subprocess.run(
            [require_program("fish"), "--no-config", "-c", "builtin -n"],
            capture_output=True,
            text=True,
        ).stdout.split()
    )
    has_proc = all(os.access(f"/proc/{name}", os.R_OK) for name in ("stat", "uptime"))
    # /proc first: read without a command substitution, it is the cheapest clock.
    assert result.stdout.strip() == ("proc" if has_proc else "path" if has_path else "date")


# --- The usual prompt: no command substitution, the same answers ------------------------


def test_a_token_that_gains_or_loses_its_refresh_token_shows_at_the_next_prompt(home):
    expires = at(minutes=9, seconds=30)
    token = token_file(home, expiresAt=expires)
    plain = json.loads(token.read_text())
    renewable = {**plain, **REFRESHABLE}
    show = 'echo "$AWS_SSO_PROMPT_TEXT"'
    script = "\n".join(
        [
            f"__awscli_sso_ext_prompt_update; __awscli_sso_ext_prompt_update; {show}",
            f"printf '%s' {fish_quote(json.dumps(renewable))} > {fish_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
            f"printf '%s\\n' {fish_quote(json.dumps(plain))} > {fish_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
        ]
    )
    out = render("fish", home, sso_env(token), script)
    assert [line.split()[-1] for line in out[:3]] == ["9m", "9m+", "9m"]


def test_a_prompt_renders_again_when_due_and_not_before(home):
    """The deadline is kept in the clock's own seconds: options changed between renders show
    once it has passed, and a prompt before it keeps the last text."""
    token = token_file(home, expiresAt=at(hours=2, minutes=13, seconds=30))
    show = 'echo "$AWS_SSO_PROMPT_TEXT"'
    script = "\n".join(
        [
            f"__awscli_sso_ext_prompt_update; {show}",
            "set -gx AWS_SSO_PROMPT_FORMAT '<{profile}>'",
            f"__awscli_sso_ext_prompt_update; {show}",
            "set -g __awscli_sso_ext_next_tick 0",
            f"__awscli_sso_ext_prompt_update; {show}",
            'echo "$__awscli_sso_ext_clock $__awscli_sso_ext_next_tick"',
        ]
    )
    out = render("fish", home, sso_env(token), script)
    assert out[0].endswith(" 2h13m") and out[1] == out[0]
    assert out[2] == "<staging>"
    clock, deadline = out[3].split()
    # A minute at most ahead, in the clock's seconds (uptime with /proc, epoch otherwise).
    now = (
        float(Path("/proc/uptime").read_text().split()[0])
        if clock == "proc"
        else datetime.now(timezone.utc).timestamp()
    )
    assert now - 2 <= int(deadline) <= now + 62


def test_a_torn_token_file_keeps_the_last_text_in_the_usual_prompt(home):
    token = token_file(home, expiresAt=at(hours=3, seconds=30))
    whole = token.read_text()
    show = 'echo "$AWS_SSO_PROMPT_TEXT"'
    script = "\n".join(
        [
            f"__awscli_sso_ext_prompt_update; __awscli_sso_ext_prompt_update; {show}",
            f"printf '%s' {fish_quote(whole[:-30])} > {fish_quote(str(token))}",
            f"__awscli_sso_ext_prompt_update; {show}",
        ]
    )
    out = render("fish", home, sso_env(token), script)
    assert [line.split()[-1] for line in out[:2]] == ["3h0m", "3h0m"]
