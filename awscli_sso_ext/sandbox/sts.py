"""The sandbox's STS (query protocol, XML answers): GetCallerIdentity for the keys it issued."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from . import sigv4
from .errors import ServiceError
from .identity import IdentityCenter, RoleCredentials
from .wire import Request, Response, request_id

_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
# Shared fault codes that STS spells its own way.
_STS_CODES = {
    "TooManyRequestsException": (400, "Throttling"),
    "InternalServerException": (500, "InternalFailure"),
}


def _invalid_token() -> ServiceError:
    return ServiceError(
        403, "InvalidClientTokenId", "The security token included in the request is invalid."
    )


def _xml(status: int, body: str, error: str | None = None) -> Response:
    document = f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
    headers = {"x-amzn-RequestId": request_id()}
    return Response(status, document.encode(), "text/xml", headers, error)


class Sts:
    """Answers STS requests signed with credentials from the sandbox's GetRoleCredentials."""

    operations: tuple[str, ...] = ("GetCallerIdentity",)

    def __init__(self, center: IdentityCenter):
        self._center = center

    def operation(self, request: Request) -> str | None:
        if request.path != "/" or request.method not in ("GET", "POST"):
            return None
        return self.parameters("", request).get("Action")

    def parameters(self, operation: str, request: Request) -> dict[str, Any]:
        pairs = parse_qsl(request.query, keep_blank_values=True)
        if request.method == "POST":
            pairs += parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        return dict(pairs)

    def error(self, error: ServiceError) -> Response:
        status, code = _STS_CODES.get(error.code, (error.status, error.code))
        kind = "Receiver" if status >= 500 else "Sender"
        return _xml(
            status,
            f'<ErrorResponse xmlns="{_NAMESPACE}"><Error><Type>{kind}</Type>'
            f"<Code>{escape(code)}</Code><Message>{escape(error.message)}</Message></Error>"
            f"<RequestId>{request_id()}</RequestId></ErrorResponse>",
            code,
        )

    def call(self, operation: str, params: dict[str, Any], request: Request) -> Response:
        if operation != "GetCallerIdentity":
            raise ServiceError(
                400, "InvalidAction", f"Could not find operation {operation} for version 2011-06-15"
            )
        credentials = self._authenticate(request)
        result = (
            f"<Arn>{escape(credentials.arn)}</Arn><UserId>{escape(credentials.user_id)}</UserId>"
            f"<Account>{credentials.account.account_id}</Account>"
        )
        return _xml(
            200,
            f'<GetCallerIdentityResponse xmlns="{_NAMESPACE}">'
            f"<GetCallerIdentityResult>{result}</GetCallerIdentityResult>"
            f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>",
        )

    def _authenticate(self, request: Request) -> RoleCredentials:
        authorization = request.headers.get("authorization")
        if authorization is None:
            raise ServiceError(
                403, "MissingAuthenticationToken", "Request is missing Authentication Token"
            )
        signature = sigv4.parse(authorization)
        if signature is None:
            raise ServiceError(400, "IncompleteSignature", "The request signature is malformed")
        credentials = self._center.credentials(signature.access_key_id)
        if credentials is None:
            raise _invalid_token()
        if credentials.expires_at <= self._center.now():
            raise ServiceError(
                400, "ExpiredToken", "The security token included in the request is expired"
            )
        if request.headers.get("x-amz-security-token") != credentials.session_token:
            raise _invalid_token()
        if not sigv4.is_valid(
            signature,
            credentials.secret_access_key,
            request.method,
            request.path,
            request.query,
            request.headers,
            request.body,
        ):
            raise ServiceError(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        return credentials
