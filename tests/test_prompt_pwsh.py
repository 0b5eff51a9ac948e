"""The PowerShell prompt segment: static invariants, and golden renders checked by fish (and pwsh)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, hook_environment, hook_file, strict_command
from hostile import HOSTILE_NAME

from awscli_sso_ext.shells import fish_quote

GOLDEN = ROOT / "tests" / "golden" / "prompt-scenarios.json"
PWSH = shutil.which("pwsh")


def prompt_section() -> str:
    """The PowerShell prompt section without comments and blank lines."""
    text = hook_file("powershell").read_text(encoding="ascii")
    section = text[text.index("# --- Prompt segment ---") : text.index("# --- Profile completion")]
    return "\n".join(
        line for line in section.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


def test_prompt_code_starts_no_process_and_runs_nothing():
    code = prompt_section()
    assert not re.search(r"Start-Process|Invoke-Expression|\biex\b|Get-Command|\bcmd\b", code, re.I)
    # The only `&` runs the user's own saved prompt (a script block), not a program.
    assert re.findall(r"&\s*\S+", code) == ["& $global:__awscli_sso_ext_user_prompt"]
    assert "[DateTimeOffset]::UtcNow.ToUnixTimeSeconds()" in code  # the clock, in process
    assert "[System.IO.File]::ReadAllText($file)" in code


def test_prompt_is_wrapped_once_behind_a_guard_and_restores_status_last():
    code = prompt_section()
    guard = "if ($env:AWS_SSO_PROMPT_AUTO -eq '1' -and $null -eq $global:__awscli_sso_ext_user_prompt) {"
    assert code.count("Function:global:prompt") == 1
    assert code.index(guard) < code.index("Set-Item -Path 'Function:global:prompt'")
    wrapper = code[code.index("function global:__awscli_sso_ext_prompt {") :]
    wrapper = wrapper[: wrapper.index("\n}\n")].splitlines()
    assert wrapper[1:3] == [
        "    $savedStatus = $global:?",
        "    $savedExitCode = $global:LASTEXITCODE",
    ]
    # The user's prompt runs after both are put back; both are put back again at the end.
    call = wrapper.index("    $mine = & $global:__awscli_sso_ext_user_prompt")
    assert wrapper[call - 2].strip() == "$global:LASTEXITCODE = $savedExitCode"
    assert "Write-Error '' -ErrorAction 'Ignore'" in wrapper[call - 1]
    assert wrapper[call + 1].strip() == "$global:LASTEXITCODE = $savedExitCode"
    assert "Write-Error '' -ErrorAction 'Ignore'" in wrapper[-2]
    assert wrapper[-1].strip() == "return $line"


def test_names_are_stripped_of_control_characters_and_colours_checked():
    code = prompt_section()
    assert "$control = '[\\x00-\\x1f\\x7f-\\x9f]'" in code
    assert code.count("-replace $control, ''") == 4  # the value, the literals, the rest (twice)
    assert "$Sgr -notmatch '^[0-9;]+$'" in code and "$env:NO_COLOR" in code


# --- Golden renders: time-independent scenarios, the same in every shell ---------------------

REFRESHABLE = {"refreshToken": "r", "clientId": "c", "clientSecret": "s"}


def scenarios(home: Path) -> dict:
    """name -> environment. Only times far in the past or future: the text can't drift."""
    cache = home / "cache"
    cache.mkdir(exist_ok=True)

    def token(name, **fields):
        path = cache / f"{name}.json"
        path.write_text(json.dumps({"startUrl": "u", "accessToken": "a", **fields}))
        return str(path)

    sso = {
        "AWS_PROFILE": "staging",
        "AWS_REGION": "eu-central-1",
        "AWS_SSO_EXT_ACCOUNT": "123456789012",
        "AWS_SSO_EXT_ROLE": "ReadOnlyAccess",
        "AWS_SSO_EXT_SESSION": "my-sso",
    }
    past = "2001-01-01T00:00:00Z"
    return {
        "no-profile": {"AWS_REGION": "us-east-1"},
        "plain": {"AWS_PROFILE": "dev", "AWS_DEFAULT_REGION": "us-east-1"},
        "expired": {**sso, "AWS_SSO_EXT_TOKEN_FILE": token("expired", expiresAt=past)},
        "logged-out": {**sso, "AWS_SSO_EXT_TOKEN_FILE": str(cache / "gone.json")},
        "expiration-only": {**sso, "AWS_SSO_EXT_EXPIRATION": "2001-01-01T01:00:00+01:00"},
        "renews": {
            **sso,
            "AWS_SSO_EXT_TOKEN_FILE": token(
                "renews",
                expiresAt=past,
                registrationExpiresAt="2099-01-01T00:00:00Z",
                **REFRESHABLE,
            ),
        },
        "legacy-never-renews": {
            **sso,
            "AWS_SSO_EXT_SESSION": "https://d-1234567890.awsapps.com/start",
            "AWS_SSO_EXT_TOKEN_FILE": token(
                "legacy",
                expiresAt=past,
                registrationExpiresAt="2099-01-01T00:00:00Z",
                **REFRESHABLE,
            ),
        },
        "options": {
            **sso,
            "AWS_SSO_EXT_EXPIRATION": past,
            "AWS_SSO_PROMPT_FORMAT": "aws:[{account}/{role}|{left}] {nope} {unclosed",
            "AWS_SSO_PROMPT_COLOR": "1",
            "AWS_SSO_PROMPT_COLOR_EXPIRED": "35;$(touch pwned)",
            "AWS_SSO_PROMPT_EXPIRED_TEXT": "login!",
        },
        "no-color": {**sso, "AWS_SSO_EXT_EXPIRATION": past, "NO_COLOR": "1"},
        "hostile": {
            **sso,
            "AWS_PROFILE": HOSTILE_NAME + "\x1b]0;t\x07\r\n",
            "AWS_SSO_EXT_ROLE": HOSTILE_NAME,
            "AWS_SSO_EXT_EXPIRATION": past,
        },
    }


def fish_renders(home: Path) -> dict:
    rendered = {}
    for name, env in scenarios(home).items():
        script = f"source {fish_quote(str(hook_file('fish')))}\n" + (
            "aws_sso_prompt >/dev/null; printf '%s\\n' \"$AWS_SSO_PROMPT_TEXT\" "
            '"$AWS_SSO_PROMPT_STATE" "$AWS_SSO_PROMPT"'
        )
        result = subprocess.run(
            [*strict_command("fish"), script],
            env=hook_environment(home, **env),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.stderr == ""
        text, state, prompt = result.stdout.split("\n")[:3]
        rendered[name] = {"text": text, "state": state, "prompt": prompt}
    return rendered


def test_golden_renders_are_what_fish_renders(home):
    # fish keeps the colours as raw escapes, as PowerShell does: one golden file for both.
    assert fish_renders(home) == json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert not list(home.rglob("pwned*"))


@pytest.mark.skipif(PWSH is None, reason="pwsh is not installed here")
def test_pwsh_renders_the_golden_text_and_keeps_its_prompt(home):
    hook = str(hook_file("powershell")).replace("'", "''")
    rendered = {}
    for name, env in scenarios(home).items():
        script = "\n".join(
            [
                f". '{hook}'",
                "$null = aws_sso_prompt",
                "@($env:AWS_SSO_PROMPT_TEXT, $env:AWS_SSO_PROMPT_STATE, $env:AWS_SSO_PROMPT) |"
                " ConvertTo-Json -Compress",
            ]
        )
        result = subprocess.run(
            [PWSH, "-NoProfile", "-NonInteractive", "-Command", script],
            env=hook_environment(home, **env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        text, state, prompt = (value or "" for value in json.loads(result.stdout))
        rendered[name] = {"text": text, "state": state, "prompt": prompt}
    assert rendered == json.loads(GOLDEN.read_text(encoding="utf-8"))
    # Wrapped once (dot-sourced twice), the user's prompt kept, $LASTEXITCODE kept.
    script = "\n".join(
        [
            "function global:prompt { 'mine> ' }",
            f". '{hook}'",
            f". '{hook}'",
            "$global:LASTEXITCODE = 7",
            "Write-Output (prompt)",
            "Write-Output ('code=' + $LASTEXITCODE)",
        ]
    )
    env = dict(scenarios(home)["plain"], AWS_SSO_PROMPT_AUTO="1")
    result = subprocess.run(
        [PWSH, "-NoProfile", "-NonInteractive", "-Command", script],
        env=hook_environment(home, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines() == ["dev us-east-1 mine> ", "code=7"]
    assert not list(home.rglob("pwned*"))


def test_the_segment_is_returned_as_text_never_expanded():
    code = prompt_section()
    # Nothing in the prompt code expands or runs a string: no ExpandString, no scriptblock
    # made from text, no double-quoted string holding a variable of ours.
    assert not re.search(
        r"ExpandString|\[scriptblock\]::Create|NewScriptBlock|Invoke-Command", code, re.I
    )
    assert not re.search(r'"[^"\n]*\$(?:env:AWS|segment|text|prompt)', code, re.I)
    wrapper = code[code.index("function global:__awscli_sso_ext_prompt {") :]
    wrapper = wrapper[: wrapper.index("\n}\n")]
    assert "$line = $segment + ' ' + $line" in wrapper and "return $line" in wrapper
