"""The AWS config as sso-sync sees it: sections, the profiles sync owns, and line edits."""

# sync owns whole profile sections: the ones it wrote carry the marker line below, which is
# how they are found again wherever they are now (stateless: no record outside the file).
# Every other line is never changed. New sections go at the end of the file, each after a
# blank line; a removed section takes its header and its settings (and a blank line next to
# it), while comments after its last setting stay (they may be about what follows).

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from awscli_sso_ext import config_edit
from awscli_sso_ext.config_edit import Line

MARKER_KEY = "sso_synced_by"
MARKER_VALUE = "aws sso-sync"
ACCOUNT_NAME_KEY = "sso_account_name"
REGISTRATION_SCOPES = "sso:account:access"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


@dataclass
class Section:
    """One [section] of the file: its kind, name (as botocore reads it) and line span."""

    kind: str  # "profile", "sso-session" or "other"
    name: str
    start: int  # the header's index
    end: int  # the index after the section's last setting (comments after it excluded)
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def owned(self) -> bool:
        return self.kind == "profile" and self.settings.get(MARKER_KEY) == MARKER_VALUE

    @property
    def assignment(self) -> tuple[str, str]:
        return self.settings.get("sso_account_id", ""), self.settings.get("sso_role_name", "")


def _kind_and_name(header: str) -> tuple[str, str]:
    """botocore's reading of a header: `profile X` and `sso-session X` split shell-style."""
    if header == "default":
        return "profile", "default"
    for kind in ("profile", "sso-session"):
        if header.startswith(kind):
            try:
                words = shlex.split(header)
            except ValueError:
                return "other", header
            if len(words) == 2 and words[0] == kind:
                return kind, words[1]
    return "other", header


def sections(lines: list[Line]) -> list[Section]:
    """Every section of the file, in order."""
    found: list[Section] = []
    for index, line in enumerate(lines):
        header = config_edit.section_header(line.text)
        if header is not None:
            kind, name = _kind_and_name(header.strip())
            found.append(Section(kind, name, index, index + 1))
            continue
        if not found:
            continue
        current = found[-1]
        stripped = line.text.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        current.end = index + 1  # a setting, or an indented continuation of one
        parsed = config_edit.option(line.text)
        if parsed is not None:
            current.settings[parsed[0]] = parsed[1]
    return found


def safe_name(text: str) -> str:
    """A profile name from `text`: each run of characters other than letters, digits, `.`,
    `_` and `-` becomes one `-`, so the name needs no quoting in a header or a shell."""
    return _UNSAFE.sub("-", text)


def safe_value(text: str) -> str:
    """`text` as a one-line config value: control characters (line breaks) become spaces,
    outer blanks go (the parser would strip them)."""
    return _CONTROL.sub(" ", text).strip()


def _with_value(text: str, value: str) -> str:
    key, separator, _ = re.match(r"(\s*[^=:]*?)(\s*[=:]\s*)(.*)$", text).groups()  # type: ignore[union-attr]
    return f"{key}{separator}{value}"


class Editor:
    """The file's lines, changed one section at a time; `text()` gives the result."""

    def __init__(self, text: str):
        self.lines = config_edit.split_lines(text)
        self.newline = config_edit.newline_of(self.lines)
        self._appended: list[list[str]] = []
        self._removed: set[int] = set()
        self._replaced: dict[int, str] = {}

    def append_section(self, header: str, settings: list[tuple[str, str]]) -> None:
        self._appended.append([f"[{header}]", *(f"{key} = {value}" for key, value in settings)])

    def set_value(self, section: Section, key: str, value: str) -> None:
        """Give `key` of `section` the value `value` (its line keeps key and spacing)."""
        for index in range(section.start + 1, section.end):
            parsed = config_edit.option(self.lines[index].text)
            if parsed is not None and parsed[0] == key:
                self._replaced[index] = _with_value(self.lines[index].text, value)
                return
        # No such line: it goes right after the section's header, before the settings.
        self._replaced[section.start] = (
            f"{self.lines[section.start].text}{self.newline}{key} = {value}"
        )

    def remove_section(self, section: Section) -> None:
        self._removed.update(range(section.start, section.end))
        # The blank line before it goes when a blank line (or nothing) follows: one of the
        # two stays between what was around it.
        before, after = section.start - 1, section.end
        blank_after = after >= len(self.lines) or not self.lines[after].text.strip()
        if before >= 0 and not self.lines[before].text.strip() and blank_after:
            self._removed.add(before)

    def text(self) -> str:
        lines = []
        for index, line in enumerate(self.lines):
            if index in self._removed:
                continue
            lines.append(Line(self._replaced.get(index, line.text), line.ending))
        if lines and not lines[-1].ending and self._appended:
            lines[-1].ending = config_edit.TERMINATOR
        for block in self._appended:
            if lines and lines[-1].text.strip():
                lines.append(Line("", self.newline))
            lines += [Line(text, self.newline) for text in block]
        return config_edit.join_lines(lines)
