"""The request log: every request the sandbox received, for tests to inspect."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

# Parameters and headers whose values are secrets: never shown by repr().
_SECRETS = frozenset(
    {
        "accesstoken",
        "authorization",
        "clientsecret",
        "code",
        "codeverifier",
        "devicecode",
        "refreshtoken",
        "x-amz-security-token",
        "x-amz-sso_bearer_token",
    }
)


def _redacted(values: dict[str, Any]) -> dict[str, Any]:
    return {name: "***" if name.lower() in _SECRETS else v for name, v in values.items()}


@dataclass(repr=False)
class Call:
    """One request: its operation, parameters (model member names), headers (lower-case)."""

    operation: str
    params: dict[str, Any]
    headers: dict[str, str]
    time: float
    status: int | None = None  # None while the request is being answered
    error: str | None = None  # the error code answered, if any

    def __repr__(self) -> str:
        return (
            f"Call({self.operation!r}, status={self.status}, error={self.error!r}, "
            f"params={_redacted(self.params)!r})"
        )


class RequestLog:
    """Thread-safe list of calls, in the order they arrived."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def finish(self, call: Call, status: int, error: str | None) -> None:
        with self._lock:
            call.status = status
            call.error = error

    def calls(self, operation: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if operation in (None, c.operation)]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
