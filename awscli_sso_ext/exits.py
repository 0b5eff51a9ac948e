"""The one mapping from what stops a command to its exit status and message (plugin and CLI)."""

from __future__ import annotations

from typing import Callable

from awscli_sso_ext.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, SsoExtError
from awscli_sso_ext.shell_formats import UnrepresentableValueError
from awscli_sso_ext.tokens import CacheFileError, CacheFolderError

# What a command reports instead of a traceback; anything else is a bug and is raised.
HANDLED = (
    KeyboardInterrupt,
    SsoExtError,
    UnrepresentableValueError,
    CacheFileError,
    CacheFolderError,
    OSError,
)


def failure(error: BaseException, prefix: str, file_advice: str) -> tuple[int, str]:
    """(exit status, message for stderr) for `error`; `file_advice` follows a file's failure."""
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED, f"{prefix}: interrupted; nothing was changed."
    if isinstance(error, SsoExtError):
        return error.exit_code, f"{prefix}: {error}"
    if isinstance(error, UnrepresentableValueError):
        return EXIT_USAGE, f"{prefix}: {error}\nRename the profile in your AWS config."
    if isinstance(error, (CacheFileError, CacheFolderError)):
        return EXIT_FAILED, f"{prefix}: {error}"
    if isinstance(error, OSError):  # a folder can't be written, a disk is full, ...
        if error.strerror is None:
            return EXIT_FAILED, f"{prefix}: {error}\n{file_advice}"
        where = error.filename or "a file"
        return EXIT_FAILED, f"{prefix}: could not use {where}: {error.strerror}.\n{file_advice}"
    raise error


def guarded(action: Callable[[], int], prefix: str, stderr, file_advice: str) -> int:
    """Run `action`; when it stops on a known failure, say so on `stderr` and return its
    exit status."""
    try:
        return action()
    except HANDLED as error:
        code, message = failure(error, prefix, file_advice)
        stderr.write(message.rstrip("\n") + "\n")
        stderr.flush()
        return code


def guarded_console(action: Callable[[], int], stderr) -> int:
    """`guarded` for the aws-sso-ext console script, whose file changes are all or nothing."""
    return guarded(action, "aws-sso-ext", stderr, "Nothing was left half-changed.")
