"""Text for a terminal: names made inert (control characters stripped), measured and cut to fit."""

from __future__ import annotations

import unicodedata

ELLIPSIS = "\u2026"

# Control characters (C0, DEL, C1), format characters (bidi overrides, zero-width ones),
# line and paragraph separators and lone surrogates: each could move the cursor, reorder
# or hide text, or start an escape sequence. None of them is part of what a name shows.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def printable(text: str | None) -> str:
    """`text` with every character that is not shown as itself removed ("" for None)."""
    if not text:
        return ""
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)


def char_width(ch: str) -> int:
    """Terminal columns of one printable character: 2 for wide East Asian and emoji, 0 for
    combining marks, else 1."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Terminal columns of printable `text`."""
    return sum(char_width(ch) for ch in text)


def fit(text: str, columns: int) -> str:
    """`text` cut to at most `columns` columns, with an ellipsis where it was cut."""
    if width(text) <= columns:
        return text
    if columns <= 0:
        return ""
    kept, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > columns - 1:
            break
        kept.append(ch)
        used += w
    return "".join(kept) + ELLIPSIS


def pad(text: str, columns: int) -> str:
    """`text` padded with spaces to `columns` columns (never cut)."""
    return text + " " * max(0, columns - width(text))
