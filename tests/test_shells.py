"""Quoting and rendering per shell: an exact table, round trips through real shells, invariants."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import clean_environment, require_program
from hostile import HOSTILE_NAME, POWERSHELL_LINE, QUOTING_TABLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awscli_sso_ext.shells import (
    FORMAT_OF_SHELL,
    FORMATS,
    UnrepresentableValueError,
    fish_quote,
    posix_quote,
    powershell_quote,
)

# How each real shell evaluates a rendered script and prints $V back, NUL-terminated.
SHELLS = {
    "bash": (["bash", "--noprofile", "--norc", "-eu"], "bash"),
    "zsh": (["zsh", "-f", "-eu"], "zsh"),
    "zsh-rcquotes": (["zsh", "-f", "-eu", "-o", "rcquotes"], "zsh"),
    "fish": (["fish", "--no-config", "--private"], "fish"),
}

text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40
)


@pytest.mark.parametrize("value", list(QUOTING_TABLE))
def test_quoting_table(value):
    posix, fish, powershell = QUOTING_TABLE[value]
    assert posix_quote(value) == posix
    assert fish_quote(value) == fish
    assert powershell_quote(value) == powershell


def round_trip(shell: str, values: list[str], tmp_path) -> list[str]:
    """Renders `V=value` for each value, runs the script in the real shell, reads $V back."""
    command, format_name = SHELLS[shell]
    require_program(command[0])
    output_format = FORMATS[format_name]
    script = "".join(
        output_format.render({"V": value}) + "printf '%s\\0' \"$V\"\n" for value in values
    )
    path = tmp_path / f"script.{format_name}"
    path.write_bytes(script.encode())
    result = subprocess.run(
        [*command, str(path)],
        env=clean_environment(tmp_path),
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == b"", result.stderr.decode()
    return result.stdout.decode().split("\0")[:-1]


@pytest.mark.parametrize("shell", list(SHELLS))
def test_quoting_table_round_trips_in_real_shell(shell, tmp_path):
    values = [*QUOTING_TABLE, HOSTILE_NAME]
    assert round_trip(shell, values, tmp_path) == values
    assert not list(tmp_path.glob("pwned*"))


@pytest.mark.parametrize("shell", list(SHELLS))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(text_values, min_size=50, max_size=120))
def test_arbitrary_text_round_trips_byte_for_byte(shell, values, tmp_path):
    assert round_trip(shell, values, tmp_path) == values


def powershell_single_quoted_value(word: str) -> str:
    """Reads a PowerShell single-quoted string literal back, as PowerShell's tokenizer does."""
    assert word[0] == "'" and word[-1] == "'"
    body = word[1:-1]
    assert re.fullmatch(r"(?:[^'\u2018-\u201b]|(['\u2018-\u201b])\1)*", body, re.S), word
    return re.sub(r"(['\u2018-\u201b])\1", r"\1", body)


@settings(max_examples=500)
@given(value=text_values)
def test_powershell_quote_is_one_literal_holding_the_value(value):
    assert powershell_single_quoted_value(powershell_quote(value)) == value


def test_every_powershell_statement_has_the_one_safe_form():
    environment = {f"V{i}": value for i, value in enumerate(QUOTING_TABLE)}
    environment.update(GONE=None, HOSTILE=HOSTILE_NAME)
    powershell = FORMATS["powershell"]
    statements = [powershell.render({name: environment[name]}) for name in sorted(environment)]
    assert powershell.render(environment) == "".join(statements)
    for statement in statements:
        assert POWERSHELL_LINE.fullmatch(statement[:-1]), statement


def test_rendering_is_sorted_one_statement_a_line():
    environment = {"B": "2", "A": None, "C": "3"}
    assert FORMATS["bash"].render(environment) == "unset A\nexport B=2\nexport C=3\n"
    assert FORMATS["fish"].render(environment) == (
        "if set -q A; set -e A; end\nset -gx B '2'\nset -gx C '3'\n"
    )
    assert FORMATS["powershell"].render(environment) == (
        "Remove-Item -LiteralPath Env:A -ErrorAction SilentlyContinue\n$env:B = '2'\n$env:C = '3'\n"
    )
    assert FORMATS["dotenv"].render(environment) == "B='2'\nC='3'\n"
    assert json.loads(FORMATS["json"].render(environment)) == environment
    assert list(json.loads(FORMATS["json"].render(environment))) == ["A", "B", "C"]


def test_names_are_checked_and_nul_is_refused():
    with pytest.raises(ValueError, match="not a variable name"):
        FORMATS["bash"].render({"A;rm": "x"})
    with pytest.raises(UnrepresentableValueError, match="NUL"):
        FORMATS["fish"].render({"A": "x\0y"})


def test_registry_covers_every_format_and_shell():
    assert list(FORMATS) == ["bash", "zsh", "fish", "powershell", "dotenv", "json", "process"]
    assert all(name == FORMATS[name].NAME and FORMATS[name].DOCUMENTATION for name in FORMATS)
    assert set(FORMAT_OF_SHELL.values()) <= set(FORMATS)


def test_sourcing_fish_output_succeeds_even_when_unsetting_unset_variables(tmp_path):
    fish = require_program("fish")
    script = tmp_path / "env.fish"
    script.write_text(FORMATS["fish"].render({"NEVER_SET": None, "V": "x"}))
    result = subprocess.run(
        [fish, "--no-config", "-c", f"source {fish_quote(str(script))}; echo $status $V"],
        env=clean_environment(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.stdout == "0 x\n", result.stderr
