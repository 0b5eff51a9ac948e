"""Line-owning edits of user files: our [plugins] lines in the AWS config, our rc-file block."""

# A file is a list of lines, each keeping its exact ending ("\n", "\r\n" or "" for a last line
# without one), so joining them gives back every byte. Setup adds lines and says which it owns
# (an ownership record, stored in the installer's state); uninstall finds those lines again
# wherever they are now, whatever the user or another tool did around them, and removes only
# them. Reading follows configparser (what botocore uses): a key is the text before the first
# `=` or `:` of an unindented line, lower-cased; `#` and `;` start full-line comments; an
# indented line continues the previous value.

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass

BOM = "\ufeff"
PLUGINS_SECTION = "plugins"
PATH_SETTING = "cli_legacy_plugin_path"
BEGIN_MARKER = "# >>> awscli-sso-ext >>>"
END_MARKER = "# <<< awscli-sso-ext <<<"
# The AWS CLI ends a line it appends after a last line without one with "\n", whatever the
# file's other endings; so does setup, and uninstall then gives back what the CLI would have.
TERMINATOR = "\n"
_HEADER = re.compile(r"\[(.+)\]")
_OPTION = re.compile(r"(?P<key>.*?)\s*[=:]\s*(?P<value>.*)$")
_VALUE = re.compile(r"(?P<head>.*?\s*[=:]\s*)(?P<value>.*)$")


@dataclass
class Line:
    """One line of a file: its text and the line break that ends it ('' for none)."""

    text: str
    ending: str


def split_lines(text: str) -> list[Line]:
    """`text` as lines; only "\\n" (with an optional "\\r" before it) breaks a line."""
    lines = []
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            lines.append(Line(text[start:], ""))
            break
        body = text[start:end]
        if body.endswith("\r"):
            lines.append(Line(body[:-1], "\r\n"))
        else:
            lines.append(Line(body, "\n"))
        start = end + 1
    return lines


def join_lines(lines: list[Line]) -> str:
    """The text of `lines`, byte for byte."""
    return "".join(line.text + line.ending for line in lines)


def newline_of(lines: list[Line]) -> str:
    """The line break the file uses (that of its first line), "\\n" for a file without any."""
    for line in lines:
        if line.ending:
            return line.ending
    return "\n"


def _content(lines: list[Line], index: int) -> str:
    text = lines[index].text
    return text[1:] if index == 0 and text.startswith(BOM) else text


def section_header(text: str) -> str | None:
    """The section name a line opens, or None (indented lines and comments open none)."""
    if text[:1].isspace():
        return None
    match = _HEADER.match(text.strip())
    return match.group(1) if match else None


def option(text: str) -> tuple[str, str] | None:
    """(key lower-cased, value stripped) of a `key = value` line, else None."""
    stripped = text.strip()
    if not stripped or text[:1].isspace() or stripped.startswith(("#", ";")):
        return None
    if section_header(text) is not None:
        return None
    match = _OPTION.match(text)
    if not match or not match.group("key"):
        return None
    return match.group("key").lower(), match.group("value").strip()


def _with_value(text: str, value: str) -> str:
    """`text` (a `key = value` line) with its value replaced, the key and spacing kept."""
    match = _VALUE.match(text)
    return f"{match.group('head')}{value}" if match else text


def _sections(lines: list[Line], name: str) -> list[tuple[int, int]]:
    """(header index, end index) of every section called `name`."""
    found = []
    start = None
    for index in range(len(lines)):
        header = section_header(_content(lines, index))
        if header is None:
            continue
        if start is not None:
            found.append((start, index))
            start = None
        if header == name:
            start = index
    if start is not None:
        found.append((start, len(lines)))
    return found


def _is_blank(line: Line) -> bool:
    return not line.text.strip()


def _remove(lines: list[Line], removed: set[int], terminated: list[str]) -> list[Line]:
    """`lines` without the `removed` ones. The line whose break we added (the last line with
    text before what we removed, its text in `terminated`) loses that break again when
    nothing follows it now or an empty line does: never when that would join two lines."""
    kept = [index for index in range(len(lines)) if index not in removed]
    result = [Line(lines[i].text, lines[i].ending) for i in kept]
    anchors = set()
    for position, index in enumerate(kept):
        if index + 1 < len(lines) and index + 1 in removed:
            while position >= 0 and result[position].text == "":
                position -= 1
            if position >= 0:
                anchors.add(position)
    for position in sorted(anchors, reverse=True):
        line = result[position]
        following = result[position + 1] if position + 1 < len(result) else None
        if line.text in terminated and line.ending and (following is None or not following.text):
            line.ending = ""
    return result


# --- The AWS config's [plugins] section -------------------------------------------------


def new_ownership() -> dict:
    """What setup owns in a config before it has added anything."""
    return {"header": False, "blank": False, "terminated": [], "keys": {}}


def add_plugin_lines(text: str, wanted: dict[str, str], owned: dict | None = None):
    """(`text` with each `wanted` [plugins] setting, the ownership record after it).

    A key already set to the value is left alone. `cli_legacy_plugin_path` keeps its folders
    and gets ours appended; any other key with another value gets ours (the old line is kept
    in the record for uninstall). New keys go after the section's last setting; a missing
    section is appended, after a blank line, at the end of the file.
    """
    owned = copy.deepcopy(owned) if owned else new_ownership()
    lines = split_lines(text)
    newline = newline_of(lines)
    sections = _sections(lines, PLUGINS_SECTION)
    if sections:
        start, end = sections[-1]
    else:
        if not wanted:
            return text, owned
        if lines and not lines[-1].ending:
            lines[-1].ending = TERMINATOR
            owned["terminated"].append(lines[-1].text)
        if lines:
            lines.append(Line("", newline))
            owned["blank"] = True
        lines.append(Line(f"[{PLUGINS_SECTION}]", newline))
        owned["header"] = True
        start, end = len(lines) - 1, len(lines)
    for key, value in wanted.items():
        index = _find_option(lines, start, end, key)
        if index is None:
            at = _insertion_point(lines, start, end)
            previous = lines[at - 1]
            if not previous.ending:
                previous.ending = TERMINATOR
                if not _is_owned(previous.text, owned):
                    owned["terminated"].append(previous.text)
            lines.insert(at, Line(f"{key} = {value}", newline))
            end += 1
            owned["keys"][key] = {"value": value, "replaced": None}
            continue
        current = (option(lines[index].text) or ("", ""))[1]
        if key == PATH_SETTING:
            if value in current.split(os.pathsep):
                continue
            new_value = f"{current}{os.pathsep}{value}" if current else value
        elif current == value:
            continue
        else:
            new_value = value
        old = lines[index].text
        lines[index].text = _with_value(old, new_value)
        owned["keys"][key] = {"value": value, "replaced": old}
    return join_lines(lines), owned


def _find_option(lines: list[Line], start: int, end: int, key: str) -> int | None:
    found = None
    for index in range(start + 1, end):
        parsed = option(lines[index].text)
        if parsed and parsed[0] == key:
            found = index
    return found


def _insertion_point(lines: list[Line], start: int, end: int) -> int:
    """Just after the section's last setting (or its header): comments and blank lines that
    close the section stay where they are."""
    at = start + 1
    for index in range(start + 1, end):
        stripped = lines[index].text.strip()
        if stripped and not stripped.startswith(("#", ";")):
            at = index + 1
    return at


def _is_owned(text: str, owned: dict) -> bool:
    parsed = option(text)
    if parsed is None or parsed[0] not in owned["keys"]:
        return False
    ours = owned["keys"][parsed[0]]["value"]
    return ours in parsed[1].split(os.pathsep) if parsed[0] == PATH_SETTING else parsed[1] == ours


def remove_plugin_lines(text: str, owned: dict) -> str:
    """`text` without the lines `owned` describes, found wherever they are now.

    A replaced line gets its old text back; our folder leaves `cli_legacy_plugin_path` and
    the other folders stay; the header goes only when we added it and nothing else lives
    under it; the blank line we put before it goes with it; a line break we added to the
    user's last line goes when nothing follows it any more.
    """
    lines = split_lines(text)
    removed: set[int] = set()
    for start, end in _sections(lines, PLUGINS_SECTION):
        for index in range(start + 1, end):
            _undo_option(lines, index, owned, removed)
        if not owned["header"]:
            continue
        if not any(i not in removed and not _is_blank(lines[i]) for i in range(start + 1, end)):
            removed.add(start)
        if owned["blank"] and start > 0 and _is_blank(lines[start - 1]):
            removed.add(start - 1)
    return join_lines(_remove(lines, removed, owned["terminated"]))


def _undo_option(lines: list[Line], index: int, owned: dict, removed: set[int]) -> None:
    parsed = option(lines[index].text)
    if parsed is None or parsed[0] not in owned["keys"]:
        return
    key, current = parsed
    record = owned["keys"][key]
    replaced = record["replaced"]
    if key == PATH_SETTING:
        folders = current.split(os.pathsep)
        if record["value"] not in folders:
            return
        rest = os.pathsep.join(folder for folder in folders if folder != record["value"])
        if replaced is not None and (option(replaced) or ("", None))[1] == rest:
            lines[index].text = replaced
        elif rest:
            lines[index].text = _with_value(lines[index].text, rest)
        else:
            removed.add(index)
    elif current == record["value"]:
        if replaced is not None:
            lines[index].text = replaced
        else:
            removed.add(index)


def plugin_settings(text: str) -> dict[str, str]:
    """The [plugins] section's settings as botocore reads them (keys lower-cased)."""
    lines = split_lines(text)
    settings = {}
    for start, end in _sections(lines, PLUGINS_SECTION):
        for index in range(start + 1, end):
            parsed = option(lines[index].text)
            if parsed:
                settings[parsed[0]] = parsed[1]
    return settings


def registrations(text: str, module: str) -> list[tuple[int, str]]:
    """(line number, line) of each [plugins] line that makes a CLI import `module`."""
    lines = split_lines(text)
    found = []
    for start, end in _sections(lines, PLUGINS_SECTION):
        for index in range(start + 1, end):
            parsed = option(lines[index].text)
            if parsed and (parsed[1] == module or parsed[1].startswith(module + ".")):
                found.append((index + 1, lines[index].text))
    return found


# --- rc files: one block between marker lines -------------------------------------------


def new_block_ownership() -> dict:
    """What setup owns in an rc file before it has added anything."""
    return {"added": False, "blank": False, "terminated": [], "replaced": None}


def _find_block(lines: list[Line]) -> tuple[int, int] | None:
    """(begin marker index, end marker index) of our block, or None."""
    begin = None
    for index in range(len(lines)):
        content = _content(lines, index).strip()
        if begin is None and content == BEGIN_MARKER:
            begin = index
        elif begin is not None and content == END_MARKER:
            return begin, index
    return None


def add_block(text: str, body: list[str], owned: dict | None = None):
    """(`text` with our block holding `body`, the ownership record after it).

    An existing block (found by its marker lines) is replaced in place; else the block is
    appended after a blank line.
    """
    owned = copy.deepcopy(owned) if owned else new_block_ownership()
    lines = split_lines(text)
    newline = newline_of(lines)
    block = [Line(line, newline) for line in (BEGIN_MARKER, *body, END_MARKER)]
    found = _find_block(lines)
    if found is not None:
        begin, end = found
        current = [line.text for line in lines[begin : end + 1]]
        if current == [line.text for line in block]:
            return text, owned
        if owned["replaced"] is None and not owned["added"]:
            owned["replaced"] = join_lines(lines[begin : end + 1])
        block[-1].ending = lines[end].ending or newline
        lines[begin : end + 1] = block
        return join_lines(lines), owned
    if lines and not lines[-1].ending:
        lines[-1].ending = TERMINATOR
        owned["terminated"].append(lines[-1].text)
    if lines:
        lines.append(Line("", newline))
        owned["blank"] = True
    owned["added"] = True
    return join_lines([*lines, *block]), owned


def remove_block(text: str, owned: dict) -> str:
    """`text` without our block (or with the block it replaced), found wherever it is now."""
    lines = split_lines(text)
    found = _find_block(lines)
    if found is None:
        return text
    begin, end = found
    if owned.get("replaced") is not None:
        old = split_lines(owned["replaced"])
        if old and not lines[end].ending:
            old[-1].ending = ""
        lines[begin : end + 1] = old
        return join_lines(lines)
    removed = set(range(begin, end + 1))
    if owned.get("blank") and begin > 0 and _is_blank(lines[begin - 1]):
        removed.add(begin - 1)
    return join_lines(_remove(lines, removed, owned.get("terminated", [])))


def block_body(text: str | None) -> str:
    """The text of our block, markers included ('' when there is none)."""
    lines = split_lines(text or "")
    found = _find_block(lines)
    return join_lines(lines[found[0] : found[1] + 1]) if found else ""
