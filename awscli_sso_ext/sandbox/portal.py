"""The sandbox's SSO portal (`sso`): ListAccounts, ListAccountRoles, GetRoleCredentials, Logout."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs

from .errors import ServiceError, invalid_request
from .identity import IdentityCenter, Session
from .organisation import Account
from .wire import Request, Response, json_answer, json_error, required_strings

DEFAULT_PAGE_SIZE = 20
_TOKEN_HEADER = "x-amz-sso_bearer_token"

_ROUTES = {
    ("GET", "/federation/credentials"): "GetRoleCredentials",
    ("GET", "/assignment/accounts"): "ListAccounts",
    ("GET", "/assignment/roles"): "ListAccountRoles",
    ("POST", "/logout"): "Logout",
}
# query-string name -> model member name
_QUERY_MEMBERS = {
    "role_name": "roleName",
    "account_id": "accountId",
    "next_token": "nextToken",
    "max_result": "maxResults",
}


def _paged(key: str, items: list[dict[str, str]], params: dict[str, Any]) -> dict[str, Any]:
    """The page of `items` that `nextToken` and `maxResults` ask for, as `{key: [...]}`."""
    try:
        size = int(params.get("maxResults", DEFAULT_PAGE_SIZE))
        token = params.get("nextToken")
        start = 0 if token is None else int(base64.urlsafe_b64decode(token).decode())
    except (ValueError, binascii.Error):
        raise invalid_request("Invalid nextToken or maxResults") from None
    if not 1 <= size <= 100 or not 0 <= start <= len(items):
        raise invalid_request("Invalid nextToken or maxResults")
    end = start + size
    answer: dict[str, Any] = {key: items[start:end]}
    if end < len(items):
        answer["nextToken"] = base64.urlsafe_b64encode(str(end).encode()).decode()
    return answer


class Portal:
    """Answers the portal operations for the user whose bearer token comes with the request."""

    operations = tuple(_ROUTES.values())

    def __init__(self, center: IdentityCenter):
        self._center = center

    def operation(self, request: Request) -> str | None:
        return _ROUTES.get((request.method, request.path))

    def parameters(self, operation: str, request: Request) -> dict[str, Any]:
        query = parse_qs(request.query, keep_blank_values=True)
        params = {_QUERY_MEMBERS.get(name, name): values[0] for name, values in query.items()}
        if _TOKEN_HEADER in request.headers:
            params["accessToken"] = request.headers[_TOKEN_HEADER]
        return params

    def error(self, error: ServiceError) -> Response:
        return json_error(error, {"message": error.message})

    def call(self, operation: str, params: dict[str, Any], request: Request) -> Response:
        if operation == "Logout":
            self._center.logout(params.get("accessToken"))
            return json_answer(None)
        session = self._center.session_of(params.get("accessToken"))
        if operation == "ListAccounts":
            accounts = [
                {"accountId": a.account_id, "accountName": a.name, "emailAddress": a.email}
                for a in self._center.organisation.accounts_of(session.user)
            ]
            return json_answer(_paged("accountList", accounts, params))
        required_strings(params, "accountId")
        account = self._center.organisation.account(params["accountId"])
        if operation == "ListAccountRoles":
            roles = [
                {"roleName": role, "accountId": params["accountId"]}
                for role in self._roles(session, account)
            ]
            if not roles:
                raise ServiceError(404, "ResourceNotFoundException", "Account not found")
            return json_answer(_paged("roleList", roles, params))
        required_strings(params, "roleName")
        return json_answer(self._role_credentials(session, account, params["roleName"]))

    def _roles(self, session: Session, account: Account | None) -> tuple[str, ...]:
        if account is None:
            return ()
        return self._center.organisation.roles_of(session.user, account)

    def _role_credentials(
        self, session: Session, account: Account | None, role: str
    ) -> dict[str, Any]:
        if account is None or role not in self._roles(session, account):
            raise ServiceError(403, "ForbiddenException", "No access")
        credentials = self._center.issue_role_credentials(session.user, account, role)
        return {
            "roleCredentials": {
                "accessKeyId": credentials.access_key_id,
                "secretAccessKey": credentials.secret_access_key,
                "sessionToken": credentials.session_token,
                "expiration": int(credentials.expires_at * 1000),
            }
        }
