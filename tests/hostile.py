"""Hostile text shared by the tests: names and values that must never be executed or expanded."""

from __future__ import annotations

import re
import shlex

# Quotes of every kind, command substitution, backticks, separators, globs, history, prompt
# escapes, a backslash at the end, and non-ASCII (virtualenv's fixture, widened).
HOSTILE_NAME = (
    "x'\";&& $(touch pwned-1) `touch pwned-2` $HOME *?[a] ~root !! %n%% è中🚒\u2018\u201b \\"
)


def profile_header(name: str) -> str:
    """A config section header that botocore (which splits it with shlex) reads back as `name`."""
    return f"[profile {shlex.quote(name)}]"


# value: (bash and zsh, fish, PowerShell) -- each checked by hand in the real shell.
QUOTING_TABLE = {
    "": ("''", "''", "''"),
    "a b": ("'a b'", "'a b'", "'a b'"),
    "'": ("''\"'\"''", "'\\''", "''''"),
    "''": ("''\"'\"''\"'\"''", "'\\'\\''", "''''''"),
    "\\": ("'\\'", "'\\\\'", "'\\'"),
    "a\\": ("'a\\'", "'a\\\\'", "'a\\'"),
    "\\\\": ("'\\\\'", "'\\\\\\\\'", "'\\\\'"),
    "$HOME": ("'$HOME'", "'$HOME'", "'$HOME'"),
    "`id`": ("'`id`'", "'`id`'", "'`id`'"),
    "$(id)": ("'$(id)'", "'$(id)'", "'$(id)'"),
    "!": ("'!'", "'!'", "'!'"),
    "a\nb": ("'a\nb'", "'a\nb'", "'a\nb'"),
    "a\tb": ("'a\tb'", "'a\tb'", "'a\tb'"),
    "*?[a]": ("'*?[a]'", "'*?[a]'", "'*?[a]'"),
    "~root": ("'~root'", "'~root'", "'~root'"),
    "%n%%": ("%n%%", "'%n%%'", "'%n%%'"),
    ";|&": ("';|&'", "';|&'", "';|&'"),
    '"': ("'\"'", "'\"'", "'\"'"),
    "-n": ("-n", "'-n'", "'-n'"),
    "=ls": ("'=ls'", "'=ls'", "'=ls'"),  # zsh expands a bare =ls to /usr/bin/ls
    "a=b": ("a=b", "'a=b'", "'a=b'"),
    "\x1b[31m": ("'\x1b[31m'", "'\x1b[31m'", "'\x1b[31m'"),
    "é中🚒": ("'é中🚒'", "'é中🚒'", "'é中🚒'"),
    "\u2018": ("'\u2018'", "'\u2018'", "'\u2018\u2018'"),
    "\u2019": ("'\u2019'", "'\u2019'", "'\u2019\u2019'"),
    "\u201a": ("'\u201a'", "'\u201a'", "'\u201a\u201a'"),
    "\u201b": ("'\u201b'", "'\u201b'", "'\u201b\u201b'"),
    "it\u2019s '$x'": (
        "'it\u2019s '\"'\"'$x'\"'\"''",
        "'it\u2019s \\'$x\\''",
        "'it\u2019\u2019s ''$x'''",
    ),
}

# The one form a rendered PowerShell statement may take: a verbatim literal, or a removal.
POWERSHELL_LINE = re.compile(
    r"\$env:[A-Za-z_][A-Za-z0-9_]* = '(?:[^'\u2018-\u201b]|(['\u2018-\u201b])\1)*'"
    r"|Remove-Item -LiteralPath Env:[A-Za-z_][A-Za-z0-9_]* -ErrorAction SilentlyContinue",
    re.S,
)
