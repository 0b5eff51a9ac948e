"""Keeps tokens and keys out of the CLI's `--debug` log, which prints whole request and response."""

from __future__ import annotations

import logging
import re

# The name of a secret field or header, then up to four characters of JSON, Python repr or
# header punctuation (and the b' of a bytes repr), then its value.
_SECRET = re.compile(
    r"(accessToken|refreshToken|clientSecret|deviceCode|secretAccessKey|sessionToken"
    r"|SecretAccessKey|SessionToken|x-amz-sso_bearer_token|x-amz-security-token"
    r"|aws_secret_access_key|aws_session_token)(\W{1,4}(?:b['\"])?)([^\"',\s}\\]+)"
)
_LOGGERS = ("", "botocore", "awscli", "urllib3")


def redact(text: str) -> str:
    """`text` with the value of every secret field replaced by ***."""
    return _SECRET.sub(r"\1\2***", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with its secrets masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def redact_debug_logs() -> None:
    """Puts the filter on every handler the CLI set up (only `--debug` sets any), once."""
    for name in _LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())
