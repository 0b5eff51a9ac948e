"""PowerShell checked by its grammar (tree-sitter): the hook files and every rendered statement."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, hook_file
from hostile import HOSTILE_NAME, QUOTING_TABLE
from hypothesis import given, settings
from hypothesis import strategies as st
from powershell_syntax import grammar_problems, nodes, parse, statement_shapes, text_of, unquoted

from awscli_sso_ext.shells import FORMATS, SHELLS

POWERSHELL_FILES = sorted((ROOT / "shell").glob("*.ps1"))
QUALIFIED_CMDLET = re.compile(
    r"Microsoft\.PowerShell\.(?:Core|Management|Utility)\\[A-Z][A-Za-z]+-[A-Z]\w+"
)


def test_there_are_powershell_files_to_check():
    assert hook_file("powershell") in POWERSHELL_FILES


@pytest.mark.parametrize("path", POWERSHELL_FILES, ids=lambda p: p.name)
def test_every_powershell_file_parses_without_errors(path):
    assert grammar_problems(path.read_bytes()) == []


def test_the_grammar_check_sees_a_broken_hook():
    # The check above is only worth something if a damaged file fails it.
    source = hook_file("powershell").read_bytes()
    cut = source.index(b"function global:__awscli_sso_ext_switch")
    damaged = source[:cut] + b"function global:broken { if ($x -eq ) { '\n" + source[cut:]
    assert grammar_problems(damaged) != []


def command_names(source: bytes) -> list:
    return [text_of(n, source) for n in nodes(parse(source)) if n.type == "command_name"]


def defined_functions(source: bytes) -> set:
    names = (text_of(n, source) for n in nodes(parse(source)) if n.type == "function_name")
    return {name.removeprefix("global:") for name in names}


def test_the_hook_calls_only_module_qualified_cmdlets_and_its_own_functions():
    # A user's alias or function named Where-Object (or `select`) can't change what the hook
    # runs: every cmdlet is called by its module-qualified name.
    source = hook_file("powershell").read_bytes()
    own = defined_functions(source)
    called = command_names(source)
    assert called, "no command found: the grammar check is not looking at the hook"
    strangers = [
        name for name in called if name not in own and not QUALIFIED_CMDLET.fullmatch(name)
    ]
    assert strangers == []
    assert any(QUALIFIED_CMDLET.fullmatch(name) for name in called)


def test_an_unqualified_cmdlet_would_be_caught():
    source = b"$x = @(1, 2) | Where-Object { $_ }\n"
    assert command_names(source) == ["Where-Object"]
    assert not QUALIFIED_CMDLET.fullmatch("Where-Object")


REMOVAL = "Remove-Item -LiteralPath Env:{} -ErrorAction SilentlyContinue"


@pytest.mark.parametrize("value", [*QUOTING_TABLE, HOSTILE_NAME], ids=repr)
def test_every_rendered_value_is_one_verbatim_string_literal(value):
    text = FORMATS["powershell"].render({"AWS_PROFILE": value, "AWS_SESSION_TOKEN": None})
    assert statement_shapes(text) == [
        ("set", "$env:AWS_PROFILE", value),
        ("command", REMOVAL.format("AWS_SESSION_TOKEN")),
    ]


VARIABLE_NAMES = st.from_regex(r"AWS_[A-Z_]{1,12}", fullmatch=True)
VALUES = st.text().filter(lambda value: "\0" not in value) | st.none()


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(VARIABLE_NAMES, VALUES, min_size=1, max_size=6))
def test_any_rendered_environment_is_only_literal_assignments_and_removals(environment):
    expected = [
        ("set", f"$env:{name}", value) if value is not None else ("command", REMOVAL.format(name))
        for name, value in sorted(environment.items())
    ]
    assert statement_shapes(FORMATS["powershell"].render(environment)) == expected


GOLDEN_RENDERS = sorted((ROOT / "tests" / "golden").glob("*.powershell"))


@pytest.mark.parametrize("path", GOLDEN_RENDERS, ids=lambda p: p.name)
def test_the_commands_golden_powershell_output_is_literal_assignments_and_removals(path):
    shapes = statement_shapes(path.read_text(encoding="utf-8"))
    assert shapes and len(shapes) == len(path.read_text(encoding="utf-8").splitlines())
    for shape in shapes:
        assert shape[0] == "command" or shape[2] is not None, shape
        if shape[0] == "command":
            assert re.fullmatch(REMOVAL.format(r"AWS_[A-Z_]+"), shape[1]), shape


@pytest.mark.parametrize("folder", ["/opt/bin", *QUOTING_TABLE, HOSTILE_NAME], ids=repr)
def test_the_lines_setup_writes_in_the_powershell_profile_hold_the_folder_verbatim(folder):
    shell = SHELLS["powershell"]
    hook = f"{folder}/awscli-sso-ext.ps1"
    text = f"{shell.path_prepend_line(folder)}\n{shell.rc_line(hook)}\n"
    source = text.encode("utf-8")
    assert grammar_problems(source) == [], text
    tree = list(nodes(parse(source)))
    assert not [n for n in tree if n.type.startswith("expandable")], text
    literals = [unquoted(text_of(n, source)) for n in tree if n.type == "string_literal"]
    assert literals == [folder, folder, hook], text
    assignments = [
        text_of(n.children[0], source) for n in tree if n.type == "assignment_expression"
    ]
    assert assignments == ["$env:PATH"]
