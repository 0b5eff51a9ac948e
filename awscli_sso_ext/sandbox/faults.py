"""Injected failures: error answers, slow or missing answers, malformed success answers."""

from __future__ import annotations

import math
import threading
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from .errors import ServiceError

# name -> (HTTP status, error code, message), as AWS sends them.
FAULTS: dict[str, tuple[int, str, str]] = {
    "authorization_pending": (400, "AuthorizationPendingException", "Authorization is pending"),
    "slow_down": (400, "SlowDownException", "Client is polling too fast"),
    "expired_token": (400, "ExpiredTokenException", "Device code has expired"),
    "access_denied": (400, "AccessDeniedException", "The user denied the request"),
    "unauthorized": (401, "UnauthorizedException", "Session token not found or invalid"),
    "throttled": (429, "TooManyRequestsException", "Rate exceeded"),
    "internal_error": (500, "InternalServerException", "Internal server error"),
    "unavailable": (503, "ServiceUnavailable", "Service unavailable"),
}


REMOVE = object()
"""The value for malform() that takes the field out of the answer instead of replacing it."""


@dataclass
class _Injected:
    fault: str
    operation: str | None
    remaining: int


@dataclass
class _Malformed:
    operation: str
    field: str  # a dotted path into the JSON answer: "roleCredentials.expiration"
    value: Any  # REMOVE, or what the field holds instead
    remaining: int


class Faults:
    """Thread-safe fault settings; `operation=None` means any operation."""

    def __init__(self, operations: Collection[str]):
        self._operations = operations
        self._lock = threading.Lock()
        self._injected: list[_Injected] = []
        self._delays: dict[str | None, float] = {}
        self._malformed: list[_Malformed] = []

    def _check_operation(self, operation: str | None) -> None:
        if operation is not None and operation not in self._operations:
            raise ValueError(f"unknown operation {operation!r}; known: {sorted(self._operations)}")

    def inject(self, fault: str, times: int = 1, operation: str | None = None) -> None:
        """Answer the next `times` requests (of `operation`) with the error named `fault`."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {sorted(FAULTS)}")
        self._check_operation(operation)
        with self._lock:
            self._injected.append(_Injected(fault, operation, times))

    def slow(self, seconds: float, operation: str | None = None) -> None:
        """Delay every request (of `operation`) by `seconds` before answering; 0 stops it."""
        self._check_operation(operation)
        with self._lock:
            self._delays[operation] = seconds

    def hang(self, operation: str | None = None) -> None:
        """Accept every request (of `operation`) and never answer it, until the server stops."""
        self.slow(math.inf, operation)

    def malform(self, operation: str, field: str, value: Any = REMOVE, times: int = 1) -> None:
        """Answer the next `times` successes of `operation` (a JSON service) with `field`
        (dotted for nested members) removed, or set to `value`: a wrong type, say."""
        self._check_operation(operation)
        with self._lock:
            self._malformed.append(_Malformed(operation, field, value, times))

    def clear(self) -> None:
        with self._lock:
            self._injected.clear()
            self._delays.clear()
            self._malformed.clear()

    def delay(self, operation: str) -> float | None:
        """Seconds to wait before answering `operation`; None: never answer."""
        with self._lock:
            seconds = self._delays.get(operation, self._delays.get(None, 0.0))
        return None if seconds == math.inf else seconds

    def malformed(self, operation: str, answer: dict[str, Any]) -> dict[str, Any]:
        """`answer` as the injected malformation of `operation` changes it, counting it used."""
        with self._lock:
            change = next((m for m in self._malformed if m.operation == operation), None)
            if change is None:
                return answer
            change.remaining -= 1
            if change.remaining <= 0:
                self._malformed.remove(change)
        *parents, name = change.field.split(".")
        holder = answer
        for parent in parents:
            holder = holder[parent]
        if change.value is REMOVE:
            holder.pop(name, None)
        else:
            holder[name] = change.value
        return answer

    def take(self, operation: str) -> ServiceError | None:
        """The injected error for this request, if any, counting it as used."""
        with self._lock:
            for injected in self._injected:
                if injected.operation in (None, operation):
                    injected.remaining -= 1
                    if injected.remaining <= 0:
                        self._injected.remove(injected)
                    return ServiceError(*FAULTS[injected.fault])
            return None
