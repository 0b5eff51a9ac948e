"""Checks each answer of IAM Identity Center and STS against what we (and botocore) read of it."""

from __future__ import annotations

import json
from typing import Any, Union

from awscli_sso_ext.errors import OperationFailed

# A schema maps each member to (its kind, required); a kind is str, int, list or a schema.
Schema = dict[str, tuple[Union[type, "Schema"], bool]]

_ROLE_CREDENTIALS: Schema = {
    "accessKeyId": (str, True),
    "secretAccessKey": (str, True),
    "sessionToken": (str, True),
    "expiration": (int, True),
}
SCHEMAS: dict[str, Schema] = {
    "RegisterClient": {
        "clientId": (str, True),
        "clientSecret": (str, True),
        "clientSecretExpiresAt": (int, True),
    },
    "StartDeviceAuthorization": {
        "deviceCode": (str, True),
        "userCode": (str, True),
        "verificationUri": (str, True),
        "verificationUriComplete": (str, False),
        "expiresIn": (int, True),
        "interval": (int, False),
    },
    "CreateToken": {
        "accessToken": (str, True),
        "expiresIn": (int, True),
        "refreshToken": (str, False),
    },
    "GetRoleCredentials": {"roleCredentials": (_ROLE_CREDENTIALS, True)},
    "ListAccountRoles": {"roleList": (list, True), "nextToken": (str, False)},
    "GetCallerIdentity": {"Account": (str, True), "Arn": (str, True)},
}
_KIND_NAMES = {str: "a string", int: "a number", list: "a list", dict: "an object"}


class MalformedAnswer(OperationFailed):
    """A success answer we can't use: a member missing or of the wrong type (exit 1)."""

    def __init__(self, operation: str, problem: str):
        service = "STS" if operation == "GetCallerIdentity" else "IAM Identity Center"
        super().__init__(
            f"The answer of {service} to {operation} can't be used: {problem}.",
            "This is on the service's side or a proxy's between: run the command again in a "
            "minute; if it keeps happening, run it with --debug and tell your administrator.",
        )
        self.operation = operation


def problem_with(answer: Any, schema: Schema, prefix: str = "") -> str | None:
    """What is wrong with `answer` against `schema` (None: nothing), naming the member."""
    if not isinstance(answer, dict):
        return f"{prefix.rstrip('.') or 'the answer'} is not a JSON object"
    for name, (kind, required) in schema.items():
        value = answer.get(name)
        path = prefix + name
        if value is None:
            if required:
                return f"{path} is missing"
            continue
        if isinstance(kind, dict):
            nested = problem_with(value, kind, path + ".")
            if nested:
                return nested
            continue
        if not isinstance(value, kind) or isinstance(value, bool):
            return (
                f"{path} is of the wrong type ({_kind_of(value)} where {_KIND_NAMES[kind]} belongs)"
            )
    return None


def _kind_of(value: Any) -> str:
    for kind, name in _KIND_NAMES.items():
        if isinstance(value, kind) and not isinstance(value, bool):
            return name
    return "true or false" if isinstance(value, bool) else "null"


def check(operation: str, answer: Any) -> None:
    """Raise MalformedAnswer when the success `answer` of `operation` lacks what we read."""
    schema = SCHEMAS.get(operation)
    if schema is None:
        return
    problem = problem_with(answer, schema)
    if problem:
        raise MalformedAnswer(operation, problem)


class _CheckingParser:
    """A botocore response parser that checks a success answer before parsing it: botocore's
    own parser would stop at a wrong type with a bare ValueError, or later with a KeyError."""

    def __init__(self, parser: Any):
        self._parser = parser

    def parse(self, response: dict, shape: Any) -> Any:
        operation = shape.name.removesuffix("Response") if shape is not None else ""
        success = 200 <= response.get("status_code", 0) < 300
        if not success or operation not in SCHEMAS:
            return self._parser.parse(response, shape)
        body = response.get("body") or b""
        if body.lstrip()[:1] == b"<":  # query protocol (STS): XML; check what was parsed
            parsed = self._parser.parse(response, shape)
            check(operation, parsed)
            return parsed
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            raise MalformedAnswer(operation, "the answer is not JSON") from None
        check(operation, answer)
        return self._parser.parse(response, shape)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)


class CheckingParserFactory:
    """Wraps the session's response parser factory so every parser checks answers first."""

    def __init__(self, factory: Any):
        self._factory = factory

    def create_parser(self, protocol_name: str) -> _CheckingParser:
        return _CheckingParser(self._factory.create_parser(protocol_name))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._factory, name)


def check_answers(session: Any) -> None:
    """Make every client that `session` creates from now on check its answers."""
    factory = session.get_component("response_parser_factory")
    if not isinstance(factory, CheckingParserFactory):
        session.register_component("response_parser_factory", CheckingParserFactory(factory))
