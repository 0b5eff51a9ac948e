"""Which shell is running: the format the caller reads, and the shell setup should wire."""

from __future__ import annotations

import os

from awscli_sso_ext.errors import UsageError
from awscli_sso_ext.shells import FORMAT_OF_SHELL, FORMATS, SHELLS, shell_named

SHELL_VARIABLE = "AWS_SSO_EXT_SHELL"
FALLBACK_FORMAT = "bash"


def caller_format(environ) -> tuple[str, str | None]:
    """(format name, a note for stderr when the format is a guess, else None)."""
    named = environ.get(SHELL_VARIABLE)
    if named:
        chosen = FORMAT_OF_SHELL.get(named, named if named in FORMATS else None)
        if chosen is None:
            raise UsageError(
                f"{SHELL_VARIABLE}={named!r} names no shell this tool writes for.",
                f"Set it to one of: {', '.join(sorted(FORMAT_OF_SHELL))}.",
            )
        return chosen, None
    shell = _detected_shell()
    if shell is None:
        return FALLBACK_FORMAT, (
            "Could not tell which shell is running this command; printing bash syntax. "
            "Choose another with --format."
        )
    chosen = FORMAT_OF_SHELL.get(shell.lower())
    if chosen is None:
        return FALLBACK_FORMAT, (
            f"This command runs under {shell}, which this tool does not write for; "
            "printing bash syntax. Choose another with --format."
        )
    return chosen, None


def detect_shell() -> tuple[str | None, str]:
    """(the name of a shell in SHELLS or None, how it was found). install.sh passes its
    caller's pid in AWS_SSO_EXT_SHELL_PID: the nearest shell of setup itself is install.sh's sh."""
    try:
        import shellingham

        pid = os.environ.get("AWS_SSO_EXT_SHELL_PID") or None
        name = shellingham.detect_shell(pid=int(pid) if pid else None)[0]
    except Exception:  # ShellDetectionFailure, no /proc, bad pid: fall back to $SHELL
        name = None
    found = shell_named(name)
    if found is None:
        login = os.path.basename(os.environ.get("SHELL", ""))
        if login in SHELLS:
            return login, f"$SHELL (the running shell is {name or 'unknown'})"
        return None, f"the running shell is {name or 'unknown'}, $SHELL is {login or 'unset'}"
    return found.NAME, "shellingham"


def _detected_shell() -> str | None:
    try:
        import shellingham
    except ImportError:
        return None
    try:
        name, _path = shellingham.detect_shell()
    except shellingham.ShellDetectionFailure:
        return None
    return name
