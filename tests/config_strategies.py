"""Generated AWS configs and the later edits people and tools make to them, with what each gives."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import strategies as st

PLUGIN_FOLDER = "/data/awscli-sso-ext/plugins"
WANTED = {"sso_ext": "awscli_sso_ext", "cli_legacy_plugin_path": PLUGIN_FOLDER}
OUR_KEYS = ("sso_ext = ", "cli_legacy_plugin_path = ")
OTHER_PLUGIN = "otherplug"  # tests that run a real CLI make this module importable

_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)
_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=14
).map(str.strip)
_separators = st.sampled_from([" = ", "=", "  =   ", " =", "= ", " : "])
_comments = st.sampled_from(["# a comment", "; semicolon comment", "  # indented", "#"])
_blanks = st.sampled_from(["", "   "])


@dataclass
class Config:
    """A generated config's text and what the tests need to know about how it was built."""

    text: str
    has_plugins: bool
    newline: str


@st.composite
def _section_body(draw, keys):
    """Unique keys, with comments, blank lines and nested (indented) values in between."""
    lines = []
    for key in keys:
        lines += draw(st.lists(st.one_of(_comments, _blanks), max_size=2))
        lines.append(f"{key}{draw(_separators)}{draw(_values)}")
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(f"    nested_{key} = {draw(_values) or 'x'}")
    lines += draw(st.lists(st.one_of(_comments, _blanks), max_size=2))
    return lines


ANY_PLUGINS = st.sampled_from(["none", "others", "empty"])
NO_BOM = st.just(False)


@st.composite
def configs(draw, plugins=ANY_PLUGINS, bom=NO_BOM):
    """A config botocore parses (unless it starts with a BOM): profiles, an sso-session, maybe
    a [plugins] section anywhere, CRLF or LF, with or without a final newline."""
    names = draw(st.lists(_names, unique=True, max_size=4))
    headers = ["default", *[f"profile {name}" for name in names]]
    headers = draw(st.lists(st.sampled_from(headers), unique=True, max_size=4))
    if draw(st.booleans()):
        headers.append("sso-session corp")
    kind = draw(plugins)
    if kind != "none":
        headers.insert(draw(st.integers(0, len(headers))), "plugins")
    lines = draw(st.lists(st.one_of(_comments, st.just("")), max_size=2))
    for header in headers:
        lines.append(f"[{header}]")
        if header == "plugins":
            if kind == "others":
                lines += draw(st.lists(_comments, max_size=1))
                lines.append(f"other{draw(_separators)}{OTHER_PLUGIN}")
            lines += draw(st.lists(st.one_of(_comments, st.just("")), max_size=1))
            continue
        keys = draw(
            st.lists(
                st.sampled_from(["region", "output", "sso_region", "x_team_note"]), unique=True
            )
        )
        lines += draw(_section_body(keys))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if lines and draw(st.booleans()):
        text += newline
    if draw(bom):
        text = "\ufeff" + text
    return Config(text, kind != "none", newline)


# --- Later edits: each returns (the edited text after setup, what uninstall must give) ----


def to_crlf(text: str) -> str:
    return re.sub(r"(?<!\r)\n", "\r\n", text)


def to_lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _lines(text: str) -> list[str]:
    """Lines with their endings (only \\n breaks a line, as in the editor)."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def append(original: str, setup: str, appended: str) -> tuple[str, str]:
    """A section added at the very end (maybe after a blank line) by hand. When setup ended
    the original's last line, uninstall keeps that line break unless `appended` brings one."""
    edited = setup + appended
    needs_break = (
        original
        and appended
        and not original.endswith("\n")
        and setup.endswith("\n")
        and not appended.startswith(("\n", "\r\n"))
    )
    return edited, original + ("\n" if needs_break else "") + appended


def newline_of(text: str) -> str:
    first = _lines(text)[:1]
    return "\r\n" if first and first[0].endswith("\r\n") else "\n"


def _is_ours(line: str) -> bool:
    """Whether a line is one setup adds (generated configs never hold these keys)."""
    return line.startswith(OUR_KEYS)


def _plugins_span(lines: list[str]) -> tuple[int, int] | None:
    start = None
    for index, line in enumerate(lines):
        header = re.match(r"\[(.+)\]", line.lstrip("\ufeff").strip()) if line[:1] != " " else None
        if header and start is not None:
            return start, index
        if header and header.group(1) == "plugins":
            start = index
    return (start, len(lines)) if start is not None else None


def _insert(lines: list[str], at: int, line: str, newline: str) -> str:
    """`lines` with `line` inserted before index `at`. After a last line without a line break,
    an empty line is just that break; any other line gets one before it."""
    lines = list(lines)
    if at > 0 and not lines[at - 1].endswith("\n"):
        if not line:
            lines[at - 1] += newline
            return "".join(lines)
        lines[at - 1] += "\n"
    lines.insert(at, line + newline)
    return "".join(lines)


def into_plugins(original: str, setup: str, line: str, where: str):
    """`line` put inside [plugins]: right after the header, or right after our last line."""
    setup_lines = _lines(setup)
    start, end = _plugins_span(setup_lines)
    if where == "after header":
        at = start + 1
    else:
        at = max(i for i in range(start, end) if _is_ours(setup_lines[i])) + 1
    newline = newline_of(original)
    edited = _insert(setup_lines, at, line, newline)
    original_lines = _lines(original)
    span = _plugins_span(original_lines)
    if span is None and not line:  # a blank line under our header: that header goes
        return edited, original + newline
    if span is None:
        head = original + ("\n" if original and not original.endswith("\n") else "")
        return edited, f"{head}[plugins]{newline}{line}{newline}"
    start, end = span
    if where == "after header":
        at = start + 1
    else:
        at = start + 1
        for index in range(start + 1, end):
            stripped = original_lines[index].strip()
            if stripped and not stripped.startswith(("#", ";")):
                at = index + 1
    return edited, _insert(original_lines, at, line, newline)


def drop_final_newline(original: str, setup: str) -> tuple[str, str]:
    """The file's last line break deleted (an editor that strips it)."""
    if not setup.endswith("\n"):
        return setup, original
    edited = setup[:-2] if setup.endswith("\r\n") else setup[:-1]
    last = _lines(setup)[-1]
    if _is_ours(last) or not original.endswith("\n"):
        return edited, original
    return edited, original[:-2] if original.endswith("\r\n") else original[:-1]


def respace_ours(original: str, setup: str) -> tuple[str, str]:
    """Our lines rewritten by hand: no spaces, other case, trailing blanks."""
    edited = re.sub(r"(?m)^sso_ext = awscli_sso_ext", "SSO_EXT=awscli_sso_ext   ", setup)
    edited = re.sub(r"(?m)^cli_legacy_plugin_path = ", "cli_legacy_plugin_path:", edited)
    return edited, original


def swap_ours(original: str, setup: str) -> tuple[str, str]:
    """Our two lines in the other order."""
    lines = _lines(setup)
    first = next(i for i, line in enumerate(lines) if line.startswith(OUR_KEYS[0]))
    second = next(i for i, line in enumerate(lines) if line.startswith(OUR_KEYS[1]))
    if abs(first - second) == 1 and lines[max(first, second)].endswith("\n"):
        lines[first], lines[second] = lines[second], lines[first]
    return "".join(lines), original
