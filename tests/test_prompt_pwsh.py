"""The PowerShell prompt segment: static invariants, and its prompt wrapper in real pwsh."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import hook_environment, hook_file

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


# --- In real pwsh, where there is one (tests/test_prompt_scenarios.py renders the scenarios) ----


@pytest.mark.skipif(PWSH is None, reason="pwsh is not installed here")
def test_pwsh_wraps_the_prompt_once_and_keeps_the_users_prompt_and_status(home):
    hook = str(hook_file("powershell")).replace("'", "''")
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
    env = {"AWS_PROFILE": "dev", "AWS_DEFAULT_REGION": "us-east-1", "AWS_SSO_PROMPT_AUTO": "1"}
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
