"""The hook files as text: each shell's own linters, headers and footers, PowerShell invariants."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import HOOK_EXTENSIONS, HOOK_SHELLS, ROOT, hook_file, require_program

LINTERS = [
    ("bash", ["bash", "-n"]),
    ("bash", ["shellcheck", "-s", "bash"]),
    ("zsh", ["zsh", "-n"]),
    ("fish", ["fish", "--no-execute"]),
    ("fish", ["fish_indent", "--check"]),
]


@pytest.mark.parametrize(("shell", "linter"), LINTERS, ids=[" ".join(c) for _, c in LINTERS])
def test_linters_accept_the_hook(shell, linter):
    program = require_program(linter[0])
    # The hook and the parts it sources later (awscli-sso-ext.complete.EXT).
    files = sorted((ROOT / "shell").glob(f"awscli-sso-ext*.{HOOK_EXTENSIONS[shell]}"))
    assert hook_file(shell) in files
    for path in files:
        result = subprocess.run([program, *linter[1:], str(path)], capture_output=True, text=True)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", ""), path


LOAD = {"bash": "source", "zsh": "source", "fish": "source", "powershell": "."}


@pytest.mark.parametrize("shell", [*HOOK_SHELLS, "powershell"])
def test_prose_header_reserved_places_and_footer_with_the_rc_line(shell):
    text = hook_file(shell).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# awscli-sso-ext shell hook for ")
    header = lines[: lines.index("")]
    assert len(header) >= 10 and all(line.startswith("#") for line in header)
    assert "sso-switch" in text and "aws-sso-ext hook" in text
    assert "# --- Prompt segment ---" in text
    assert "# --- Profile completion ---" in text
    extension = HOOK_EXTENSIONS[shell]
    assert lines[-1] == f"#     {LOAD[shell]} /path/to/awscli-sso-ext.{extension}"
    assert text.endswith("\n") and not text.endswith("\n\n")


FUNCTION_DEFINITION = {
    "bash": re.compile(r"^(?:function\s+(\S+)|(\S+)\s*\(\))", re.M),
    "zsh": re.compile(r"^function\s+(\S+)", re.M),
    "fish": re.compile(r"^function\s+(\S+)", re.M),
    "powershell": re.compile(r"^function\s+global:(\S+)", re.M),
}


@pytest.mark.parametrize("shell", [*HOOK_SHELLS, "powershell"])
def test_defines_aws_once_and_otherwise_only_private_names(shell):
    text = hook_file(shell).read_text(encoding="utf-8")
    names = [next(filter(None, m.groups())) for m in FUNCTION_DEFINITION[shell].finditer(text)]
    assert names.count("aws") == 1
    public = {"aws", "aws_sso_prompt", "prompt_aws_sso"}  # the prompt's: docs/prompt.md
    assert all(name in public or name.startswith("__awscli_sso_ext_") for name in names), names
    # Defined at the top level, never nested: a function defined inside another (or only in
    # some branch) would make the result depend on how often the file was sourced.
    assert not re.search(r"^[ \t]+function[ \t]", text, re.M)


def powershell_code() -> list:
    """The PowerShell hook without comments and blank lines: what actually runs."""
    text = hook_file("powershell").read_text(encoding="utf-8")
    return [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def test_powershell_hook_is_pure_ascii():
    data = hook_file("powershell").read_bytes()
    assert data.isascii()
    assert b"\r" not in data and b"\t" not in data


def test_powershell_hook_only_runs_output_of_a_switch_that_succeeded():
    code = "\n".join(powershell_code())
    assert code.count("Invoke-Expression") == 1
    switch = code[code.index("function global:__awscli_sso_ext_switch") :]
    switch = switch[: switch.index("\n}\n")]
    check = switch.index("if ($LASTEXITCODE -ne 0) { return }")
    assert check < switch.index("Invoke-Expression")
    # Nothing between the native call and the check can reset $LASTEXITCODE to 0.
    between = switch[switch.index("$code = & $real @Words") : check]
    assert "& " not in between.replace("$code = & $real @Words", "")
    # The command's output is captured, never piped straight into Invoke-Expression.
    assert not re.search(r"\|\s*(Invoke-Expression|iex)\b", code, re.I)
    assert not re.search(r"\biex\b", code, re.I)


def test_powershell_hook_finds_the_real_aws_and_guards_against_being_run():
    code = "\n".join(powershell_code())
    # Only an application named aws: never this function, an alias or an earlier wrapper,
    # so dot-sourcing twice can't wrap aws in itself.
    lookups = re.findall(r"Get-Command[^\n]*", code)
    assert lookups == [
        "Get-Command -Name 'aws' -CommandType Application -TotalCount 1 -ErrorAction Stop"
    ]
    guard = code.index("if ($MyInvocation.InvocationName -ne '.') {")
    assert guard < code.index("function global:")
    assert code.count("exit 2") == 1
    assert "$env:AWS_SSO_EXT_SHELL = 'powershell'" in code
    assert "$input | & $real @args" in code  # pipeline input reaches the real aws


def test_powershell_hook_has_no_expanding_strings():
    # Double-quoted strings and here-strings expand $ and backticks; the hook needs neither.
    code = "\n".join(powershell_code())
    assert '"' not in code
    assert "@'" not in code and '@"' not in code
    assert "`" not in code
