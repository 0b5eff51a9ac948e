"""HTTP requests and answers as the services see them, and AWS's REST-JSON answer format."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from .errors import ServiceError, invalid_request


@dataclass(frozen=True)
class Request:
    """One HTTP request; header names are lower-case, `query` is the raw query string."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # the error code answered, as the client will read it


def request_id() -> str:
    return str(uuid.uuid4())


def json_answer(result: dict[str, Any] | None) -> Response:
    """A REST-JSON success: 200 and the output members (an empty body when there are none)."""
    body = b"" if result is None else json.dumps(result).encode()
    return Response(200, body, "application/json", {"x-amzn-RequestId": request_id()})


def json_error(error: ServiceError, body: dict[str, Any]) -> Response:
    """A REST-JSON error: the status, `x-amzn-ErrorType` naming it, and the service's body."""
    headers = {"x-amzn-ErrorType": error.code, "x-amzn-RequestId": request_id()}
    return Response(
        error.status, json.dumps(body).encode(), "application/json", headers, error.code
    )


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or the InvalidRequestException AWS answers to anything else."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise invalid_request("The request body is not a JSON object")
    return body


def required_strings(params: dict[str, Any], *names: str) -> None:
    """Raise InvalidRequestException unless each member is a non-empty string."""
    for name in names:
        value = params.get(name)
        if not isinstance(value, str) or not value:
            raise invalid_request(f"Missing required parameter: {name}")
