"""PowerShell checked by its grammar (tree-sitter): the hook files and every rendered statement."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import tree_sitter
import tree_sitter_powershell
from conftest import ROOT, hook_file
from hostile import HOSTILE_NAME, QUOTING_TABLE
from hypothesis import given, settings
from hypothesis import strategies as st

from awscli_sso_ext.shells import FORMATS, SHELLS

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
POWERSHELL_FILES = sorted((ROOT / "shell").glob("*.ps1"))
QUALIFIED_CMDLET = re.compile(
    r"Microsoft\.PowerShell\.(?:Core|Management|Utility)\\[A-Z][A-Za-z]+-[A-Z]\w+"
)


def nodes(node) -> Iterator:
    """Every node of a tree, depth first."""
    yield node
    for child in node.children:
        yield from nodes(child)


def text_of(node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8")


def parse(source: bytes):
    return PARSER.parse(source).root_node


def grammar_problems(source: bytes) -> list:
    """(line, kind) of every ERROR or MISSING node: empty when the text is valid PowerShell."""
    return [
        (node.start_point[0] + 1, "missing " + node.type if node.is_missing else "error")
        for node in nodes(parse(source))
        if node.type == "ERROR" or node.is_missing
    ]


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


def command_words(command, source: bytes) -> list:
    """A command's name and each of its elements (parameters and arguments), as written."""
    words = []
    for part in command.children:
        if part.type == "command_elements":
            words += [text_of(n, source) for n in part.children if n.type != "command_argument_sep"]
        else:
            words.append(text_of(part, source))
    return words


def statement_shapes(text: str) -> list:
    """Each rendered statement as its syntax tree reads: ("set", target, value) or ("command", words).

    The value is None unless it is exactly one verbatim (single-quoted) string literal.
    """
    source = text.encode("utf-8")
    assert grammar_problems(source) == [], text
    shapes: list = []
    for statement in nodes(parse(source)):
        if statement.type == "assignment_expression":
            target, _, value = statement.children
            literals = [n for n in nodes(value) if n.type == "string_literal"]
            expandable = any(n.type.startswith("expandable") for n in nodes(value))
            written = text_of(value, source)
            verbatim = (
                len(literals) == 1
                and text_of(literals[0], source) == written
                and written.startswith("'")
                and not expandable
            )
            shapes.append(("set", text_of(target, source), unquoted(written) if verbatim else None))
        elif statement.type == "command":
            shapes.append(("command", " ".join(command_words(statement, source))))
    return shapes


def unquoted(literal: str) -> str:
    """The value of a single-quoted PowerShell string: every doubled quote counts once."""
    return re.sub(r"(['\u2018-\u201b])\1", r"\1", literal[1:-1])


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
