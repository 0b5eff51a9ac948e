"""The package's shape, read from its source: no import cycle, and shell syntax in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = "awscli_sso_ext"
# The modules allowed to write shell code: the registry of shells and the formats it renders.
SHELL_MODULES = {f"{PACKAGE}.shells", f"{PACKAGE}.shell_formats"}
# Text that is shell code when a program prints it: setting a variable in bash/zsh, fish and
# PowerShell. Quoting for a shell is shell code too.
SHELL_SYNTAX = ("export ", "set -gx", "$env:")
QUOTING_CALLS = {("shlex", "quote"), ("shlex", "join")}


def package_sources(root: Path = ROOT) -> dict[str, str]:
    """{dotted module name: source} for every module of the package."""
    sources = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


def _is_package(name: str, sources: dict[str, str]) -> bool:
    return any(other.startswith(name + ".") for other in sources)


def imports_of(name: str, sources: dict[str, str]) -> set[str]:
    """The package's modules that `name` imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(sources[name])):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package holding `name`
                base = name.split(".")
                if not _is_package(name, sources):
                    base = base[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from package import submodule` imports the submodule; any other name is the
            # package's own (its __init__).
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in sources else module
                for alias in node.names
            ]
        else:
            continue
        found.update(target for target in targets if target in sources and target != name)
    return found


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    return {name: imports_of(name, sources) for name in sources}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def shell_syntax_in(source: str) -> list[str]:
    """Where `source` writes shell code: string literals holding it, shlex quoting calls."""
    found = []
    tree = ast.parse(source)
    quoting_names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "shlex":
            quoting_names |= {
                alias.asname or alias.name
                for alias in node.names
                if ("shlex", alias.name) in QUOTING_CALLS
            }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [
                f"line {node.lineno}: {marker!r}" for marker in SHELL_SYNTAX if marker in node.value
            ]
        elif isinstance(node, ast.Call):
            function = node.func
            if (
                isinstance(function, ast.Attribute)
                and isinstance(function.value, ast.Name)
                and (function.value.id, function.attr) in QUOTING_CALLS
            ) or (isinstance(function, ast.Name) and function.id in quoting_names):
                found.append(f"line {node.lineno}: {ast.unparse(function)}()")
    return found


def test_the_package_has_no_import_cycle():
    sources = package_sources()
    graph = import_graph(sources)
    assert graph.get(f"{PACKAGE}.commands"), "graph not read"
    assert cycles(graph) == []


def test_only_the_shell_modules_write_shell_syntax():
    sources = package_sources()
    assert set(sources) >= SHELL_MODULES
    found = {
        name: where
        for name, source in sources.items()
        if name not in SHELL_MODULES and (where := shell_syntax_in(source))
    }
    assert found == {}
    # The check sees the shell modules' own code, so it would see the same elsewhere.
    assert all(shell_syntax_in(sources[name]) for name in SHELL_MODULES)


def test_the_commands_call_the_core_and_the_core_knows_no_command_line():
    graph = import_graph(package_sources())
    assert f"{PACKAGE}.switching" in graph[f"{PACKAGE}.commands"]
    assert f"{PACKAGE}.exits" in graph[f"{PACKAGE}.cli"]
    forbidden = {f"{PACKAGE}.{name}" for name in ("commands", "cli", "exits", "shells")}
    assert not graph[f"{PACKAGE}.switching"] & forbidden
    tree = ast.parse(package_sources()[f"{PACKAGE}.switching"])
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    assert not names & {"sys", "argv", "exit_code", "stdout", "print", "exit"}


PLANTED_CYCLE = {
    "pkg": "",
    "pkg.a": "from pkg import b\n",
    "pkg.b": "def late():\n    from .c import value\n",
    "pkg.c": "import pkg.a\nvalue = 1\n",
    "pkg.d": "from pkg import a\n",  # on no cycle: imports one, is imported by none
}


def test_a_planted_cycle_through_a_function_level_relative_import_is_found():
    graph = import_graph(PLANTED_CYCLE)
    assert graph["pkg.b"] == {"pkg.c"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]


@pytest.mark.parametrize(
    "planted",
    [
        'print(f"export {name}={value}")\n',
        'line = "set -gx PATH " + folder\n',
        "text = f'$env:{name} = {value}'\n",
        "import shlex\nword = shlex.quote(value)\n",
        "import shlex\nline = shlex.join(words)\n",
        "from shlex import quote as q\nword = q(value)\n",
    ],
)
def test_planted_shell_syntax_is_found(planted):
    assert shell_syntax_in(planted)


def test_parsing_words_is_not_writing_shell_syntax():
    assert shell_syntax_in("import shlex\nwords = shlex.split(line)\n") == []
