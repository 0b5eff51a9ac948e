"""Keeps tokens and keys out of the CLI's `--debug` log, which prints whole request and response."""

from __future__ import annotations

import logging
import re

# The name of a secret field or header in any case and spelling (camelCase, snake_case,
# header), then up to four quotes, colons, equals signs or spaces (and the b' of a bytes
# repr), then its value; or a bearer token in an Authorization header. No comma may come
# between: `"grantType": "...device_code", "deviceCode": "X"` must mask X, not the key.
_SECRET_NAMES = (
    "access_?token",
    "refresh_?token",
    "id_?token",
    "client_?secret",
    "device_?code",
    "code_?verifier",
    "secret_?access_?key",
    "session_?token",
    "x-amz-sso_bearer_token",
    "x-amz-security-token",
)
_SECRET = re.compile(
    rf"((?:{'|'.join(_SECRET_NAMES)})[\s\"':=]{{1,4}}(?:b['\"])?|\bBearer\s+)([^\"',\s}}\\]+)",
    re.IGNORECASE,
)
_LOGGERS = ("", "botocore", "awscli", "urllib3")


def redact(text: str) -> str:
    """`text` with the value of every secret field replaced by ***."""
    return _SECRET.sub(r"\1***", text)


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
