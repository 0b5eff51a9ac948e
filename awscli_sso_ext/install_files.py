"""Text edits that keep every other byte: the AWS config's [plugins] lines and rc-file blocks."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import stat
import tempfile

from awscli_sso_ext.errors import ConfigError

BACKUP_SUFFIX = ".awscli-sso-ext.bak"
BEGIN_MARKER = "# >>> awscli-sso-ext >>>"
END_MARKER = "# <<< awscli-sso-ext <<<"
_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
_SETTING = re.compile(r"^(\s*)([^=:\s#;][^=:]*?)\s*[=:]\s*(.*?)\s*$")


# --- Files -----------------------------------------------------------------------------


def real_target(path: str) -> str:
    """The file to edit: a symlink's target (dotfile managers link rc files), made absolute.

    A dangling link is refused: creating its target could land anywhere.
    """
    if os.path.islink(path) and not os.path.exists(path):
        raise ConfigError(
            f"{path} is a symbolic link to {os.readlink(path)}, which does not exist.",
            "Create the file it points to, or remove the link, then run setup again.",
        )
    return os.path.realpath(path)


def read_text(path: str) -> str | None:
    """The file's text exactly as stored (newlines untouched), None when it doesn't exist."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            return file.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text.", "Fix or convert that file.") from None


def check_writable(path: str) -> None:
    """ConfigError unless `path` (or, when it doesn't exist, its nearest folder) can be replaced."""
    folder = os.path.dirname(path)
    while not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    problem = None
    # The owner's write bit too: root may write anything, but a read-only file is a choice.
    if os.path.exists(path) and (
        not os.access(path, os.W_OK) or not os.stat(path).st_mode & stat.S_IWUSR
    ):
        problem = "is read-only"
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = f"can't be written: no write access to the folder {folder}"
    if problem:
        raise ConfigError(
            f"{path} {problem}; nothing was changed.",
            f"Make it writable (e.g. `chmod u+w {path}`) or run setup as its owner.",
        )


def write_atomically(path: str, text: str, backup: bool = True) -> None:
    """Replace `path` with `text` through a temporary file, keeping the old file's mode.

    With `backup`, the old file is first copied to PATH.awscli-sso-ext.bak.
    """
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    mode = None
    if os.path.exists(path):
        mode = os.stat(path).st_mode & 0o7777
        if backup:
            shutil.copy2(path, path + BACKUP_SUFFIX)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".awscli-sso-ext-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode if mode is not None else 0o644 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"


# --- The AWS config --------------------------------------------------------------------


def check_config_parses(text: str, path: str) -> None:
    """ConfigError when botocore's parser (RawConfigParser, strict) would reject `text`."""
    try:
        configparser.RawConfigParser().read_string(text, source=path)
    except configparser.Error as error:
        raise ConfigError(
            f"The AWS config {path} can't be parsed: {error}".replace("\n", " "),
            "Fix that line (every setting inside a [section], as `name = value`, no section "
            "twice), then run the command again; nothing was changed.",
        ) from None


def plugin_settings(text: str) -> dict[str, str]:
    """The [plugins] section's settings as written (keys lower-cased, last one wins)."""
    settings: dict[str, str] = {}
    lines = text.splitlines()
    start, end = _plugins_section(lines)
    for line in lines[start + 1 : end] if start is not None else []:
        match = _SETTING.match(line)
        if match and not line[:1].isspace():
            settings[match.group(2).lower()] = match.group(3)
    return settings


def _plugins_section(lines: list[str]) -> tuple[int | None, int]:
    """(index of the [plugins] header or None, index where the section ends)."""
    start = None
    for index, line in enumerate(lines):
        match = _SECTION.match(line)
        if match:
            if start is not None:
                return start, index
            if match.group(1).strip() == "plugins":
                start = index
    return start, len(lines)


def add_plugin_settings(text: str, wanted: dict[str, str]) -> tuple[str, list[dict]]:
    """`text` with each `wanted` [plugins] setting present, and the edits made (for undo).

    A key already set to the value is left alone; `cli_legacy_plugin_path` keeps its folders
    and gets ours appended; any other key with another value is replaced. Nothing else moves.
    """
    newline = _newline(text)
    lines = text.splitlines(keepends=True)
    start, end = _plugins_section([line.rstrip("\r\n") for line in lines])
    edits: list[dict] = []
    if start is None:
        if not wanted:
            return text, edits
        block = "".join(f"{key} = {value}{newline}" for key, value in wanted.items())
        separator = ""
        if text:
            separator = ("" if text.endswith("\n") else newline) + newline
        appended = f"{separator}[plugins]{newline}{block}"
        return text + appended, [{"op": "append", "text": appended}]
    insert_at = start + 1
    for index in range(start + 1, end):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith(("#", ";")):
            insert_at = index + 1
    for key, value in wanted.items():
        found = None
        for index in range(start + 1, end):
            match = _SETTING.match(lines[index].rstrip("\r\n"))
            if match and match.group(2).lower() == key:
                found = (index, match)
        if found is None:
            line = f"{key} = {value}{newline}"
            if insert_at > 0 and not lines[insert_at - 1].endswith("\n"):
                lines[insert_at - 1] += newline
                edits.append({"op": "newline", "after": lines[insert_at - 1]})
            lines.insert(insert_at, line)
            insert_at += 1
            end += 1
            edits.append({"op": "insert", "line": line})
            continue
        index, match = found
        current = match.group(3)
        if key == "cli_legacy_plugin_path":
            if value in current.split(os.pathsep):
                continue
            value = f"{current}{os.pathsep}{value}" if current else value
        elif current == value:
            continue
        old = lines[index]
        ending = old[len(old.rstrip("\r\n")) :]
        new = f"{match.group(1)}{match.group(2)} = {value}{ending}"
        lines[index] = new
        edits.append({"op": "replace", "old": old, "new": new})
    return "".join(lines), edits


def undo_edits(text: str, edits: list[dict]) -> tuple[str, list[str]]:
    """`text` with `edits` (from add_plugin_settings or add_block) undone, newest first, and
    a note for each edit that could not be found any more (edited by hand meanwhile)."""
    notes = []
    for edit in reversed(edits):
        op = edit["op"]
        if op == "append":
            if text.endswith(edit["text"]):
                text = text[: -len(edit["text"])]
            elif edit["text"] in text:
                text = text.replace(edit["text"], "", 1)
            else:
                notes.append(f"the block we added is no longer as written: {edit['text']!r}")
        elif op == "insert":
            text, found = _replace_line(text, edit["line"], "")
            if not found:
                notes.append(f"the line {edit['line'].strip()!r} is gone already")
        elif op == "replace":
            text, found = _replace_line(text, edit["new"], edit["old"])
            if not found:
                notes.append(f"{edit['new'].strip()!r} was changed since; left as it is")
        elif op == "newline":
            after = edit["after"]
            head = after.rstrip("\r\n")
            if text.endswith(after):
                text = text[: len(text) - len(after)] + head
        elif op == "block":
            text, found = _remove_block(text, edit["text"])
            if not found:
                notes.append("the awscli-sso-ext block is gone already")
    return text, notes


def _replace_line(text: str, line: str, replacement: str) -> tuple[str, bool]:
    lines = text.splitlines(keepends=True)
    for index, current in enumerate(lines):
        if current == line or (current == line.rstrip("\r\n") and index == len(lines) - 1):
            lines[index] = replacement
            return "".join(lines), True
    return text, False


# --- rc files: one block between markers -----------------------------------------------


def make_block(body_lines: list[str], newline: str = "\n") -> str:
    """The block setup adds to an rc file: markers around `body_lines`."""
    body = "".join(f"{line}{newline}" for line in body_lines)
    return f"{BEGIN_MARKER}{newline}{body}{END_MARKER}{newline}"


def add_block(text: str, block: str) -> tuple[str, list[dict]]:
    """`text` with our marker block (replacing an older one in place), and the edits made."""
    existing = _find_block(text)
    if existing is not None:
        begin, end = existing
        if text[begin:end] == block:
            return text, []
        return text[:begin] + block + text[end:], [
            {"op": "replace_block", "old": text[begin:end], "new": block}
        ]
    separator = ""
    if text:
        separator = ("" if text.endswith("\n") else "\n") + "\n"
    return text + separator + block, [{"op": "block", "text": separator + block}]


def _find_block(text: str) -> tuple[int, int] | None:
    begin = text.find(BEGIN_MARKER)
    if begin < 0 or (begin and text[begin - 1] != "\n"):
        return None
    end = text.find(END_MARKER, begin)
    if end < 0:
        return None
    end += len(END_MARKER)
    if text.startswith("\r\n", end):
        end += 2
    elif text.startswith("\n", end):
        end += 1
    return begin, end


def _remove_block(text: str, added: str) -> tuple[str, bool]:
    if text.endswith(added):
        return text[: -len(added)], True
    if added in text:
        return text.replace(added, "", 1), True
    found = _find_block(text)  # edited inside the markers since: remove the markers' span
    if found is None:
        return text, False
    return text[: found[0]] + text[found[1] :], True


def undo_block_edits(text: str, edits: list[dict]) -> tuple[str, list[str]]:
    """Undo add_block's edits (newest first); notes for what was no longer there."""
    notes = []
    for edit in reversed(edits):
        if edit["op"] == "replace_block":
            found = _find_block(text)
            if found and text[found[0] : found[1]] == edit["new"]:
                text = text[: found[0]] + edit["old"] + text[found[1] :]
            else:
                notes.append("the awscli-sso-ext block was edited since; left as it is")
        else:
            text, more = undo_edits(text, [edit])
            notes += more
    return text, notes


def has_block(text: str | None) -> bool:
    """Whether `text` holds our marker block."""
    return bool(text) and _find_block(text) is not None


def block_body(text: str | None) -> str:
    """The text between our markers ('' when there is no block)."""
    found = _find_block(text or "")
    return (text or "")[found[0] : found[1]] if found else ""
