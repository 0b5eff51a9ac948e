"""Hostile text shared by the tests: names and values that must never be executed or expanded."""

from __future__ import annotations

import shlex

# Quotes of every kind, command substitution, backticks, separators, globs, history, prompt
# escapes, a backslash at the end, and non-ASCII (virtualenv's fixture, widened).
HOSTILE_NAME = (
    "x'\";&& $(touch pwned-1) `touch pwned-2` $HOME *?[a] ~root !! %n%% è中🚒\u2018\u201b \\"
)


def profile_header(name: str) -> str:
    """A config section header that botocore (which splits it with shlex) reads back as `name`."""
    return f"[profile {shlex.quote(name)}]"
