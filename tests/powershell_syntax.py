"""PowerShell read by its grammar (tree-sitter-powershell), for the tests that check our text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter
import tree_sitter_powershell

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


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
