"""The project's errors: each carries what went wrong, how to fix it, and its exit code."""

from __future__ import annotations

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class SsoExtError(Exception):
    """A failure the user can act on; `str()` is the whole message, fix included."""

    exit_code = EXIT_FAILED

    def __init__(self, problem: str, fix: str | None = None):
        self.problem = problem
        self.fix = fix
        super().__init__(problem if fix is None else f"{problem}\n{fix}")


class UsageError(SsoExtError):
    """The command line asks for something that can't be done (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigError(SsoExtError):
    """The AWS config or credentials file is wrong (exit 2)."""

    exit_code = EXIT_USAGE


class UnknownProfileError(UsageError):
    """The named profile is in neither the config nor the credentials file (exit 2)."""


class OperationFailed(SsoExtError):
    """Login refused or expired, network, access denied (exit 1)."""


class LoginNeeded(OperationFailed):
    """The session has lapsed and logging in was not allowed (--no-login) (exit 1)."""


class Cancelled(SsoExtError):
    """The user cancelled (Esc in the picker): nothing was done (exit 130)."""

    exit_code = EXIT_INTERRUPTED
