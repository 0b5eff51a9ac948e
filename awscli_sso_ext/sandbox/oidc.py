"""The sandbox's `sso-oidc`: RegisterClient, StartDeviceAuthorization and CreateToken."""

from __future__ import annotations

import re
from typing import Any

from .authcode import AUTHORIZATION_CODE_GRANT
from .errors import ServiceError, invalid_request
from .identity import IdentityCenter
from .wire import Request, Response, json_answer, json_body, json_error, required_strings

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REFRESH_TOKEN_GRANT = "refresh_token"
GRANT_TYPES = (DEVICE_CODE_GRANT, REFRESH_TOKEN_GRANT, AUTHORIZATION_CODE_GRANT)
DEVICE_PAGE = "/device"

_ROUTES = {
    ("POST", "/client/register"): "RegisterClient",
    ("POST", "/device_authorization"): "StartDeviceAuthorization",
    ("POST", "/token"): "CreateToken",
}


def _oauth_error(code: str) -> str:
    """`AuthorizationPendingException` -> `authorization_pending`, the OAuth name in the body."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", code.removesuffix("Exception")).lower()


class Oidc:
    """Answers the OIDC operations from the shared IdentityCenter."""

    operations = tuple(_ROUTES.values())

    def __init__(self, center: IdentityCenter, base_url: str):
        self._center = center
        self._base_url = base_url

    def operation(self, request: Request) -> str | None:
        return _ROUTES.get((request.method, request.path))

    def parameters(self, operation: str, request: Request) -> dict[str, Any]:
        return json_body(request)

    def error(self, error: ServiceError) -> Response:
        body = {"error": _oauth_error(error.code), "error_description": error.message}
        return json_error(error, body)

    def call(self, operation: str, params: dict[str, Any], request: Request) -> Response:
        if operation == "RegisterClient":
            return json_answer(self._register_client(params))
        if operation == "StartDeviceAuthorization":
            return json_answer(self._start_device_authorization(params))
        return json_answer(self._create_token(params))

    def _register_client(self, params: dict[str, Any]) -> dict[str, Any]:
        required_strings(params, "clientName", "clientType")
        if params["clientType"] != "public":
            raise ServiceError(400, "InvalidClientMetadataException", "Invalid client type")
        scopes = _strings(params, "scopes")
        grant_types = _strings(params, "grantTypes")
        redirect_uris = _strings(params, "redirectUris")
        unknown = [grant for grant in grant_types if grant not in GRANT_TYPES]
        if unknown:
            raise ServiceError(400, "InvalidClientMetadataException", f"Invalid grant {unknown[0]}")
        if AUTHORIZATION_CODE_GRANT in grant_types:
            if not redirect_uris:
                raise ServiceError(400, "InvalidRedirectUriException", "Missing redirect URIs")
            self._check_issuer(params.get("issuerUrl"))
        registration = self._center.register_client(
            tuple(scopes), tuple(grant_types), tuple(redirect_uris)
        )
        return {
            "clientId": registration.client_id,
            "clientSecret": registration.client_secret,
            "clientIdIssuedAt": int(registration.issued_at),
            "clientSecretExpiresAt": int(registration.expires_at),
        }

    def _check_issuer(self, issuer_url: Any) -> None:
        """The issuer of an authorization-code client is the instance's own start URL."""
        start_url = self._center.organisation.start_url
        if not isinstance(issuer_url, str) or issuer_url.rstrip("/#") != start_url.rstrip("/#"):
            raise invalid_request("Invalid issuer url")

    def _start_device_authorization(self, params: dict[str, Any]) -> dict[str, Any]:
        required_strings(params, "clientId", "clientSecret", "startUrl")
        registration = self._center.client(params["clientId"], params["clientSecret"])
        start_url = self._center.organisation.start_url
        if params["startUrl"].rstrip("/#") != start_url.rstrip("/#"):
            raise invalid_request("Invalid start url")
        login = self._center.start_device_login(registration)
        verification_uri = self._base_url + DEVICE_PAGE
        return {
            "deviceCode": login.device_code,
            "userCode": login.user_code,
            "verificationUri": verification_uri,
            "verificationUriComplete": f"{verification_uri}?user_code={login.user_code}",
            "expiresIn": self._center.lifetimes.device_code,
            "interval": self._center.lifetimes.polling_interval,
        }

    def _create_token(self, params: dict[str, Any]) -> dict[str, Any]:
        required_strings(params, "clientId", "clientSecret", "grantType")
        registration = self._center.client(params["clientId"], params["clientSecret"])
        grant = params["grantType"]
        if grant == DEVICE_CODE_GRANT:
            required_strings(params, "deviceCode")
            access, refresh = self._center.redeem_device_code(registration, params["deviceCode"])
        elif grant == REFRESH_TOKEN_GRANT:
            required_strings(params, "refreshToken")
            access, refresh = self._center.redeem_refresh_token(
                registration, params["refreshToken"]
            )
        elif grant == AUTHORIZATION_CODE_GRANT:
            required_strings(params, "code", "redirectUri", "codeVerifier")
            if AUTHORIZATION_CODE_GRANT not in registration.grant_types:
                raise ServiceError(400, "UnauthorizedClientException", "Grant not registered")
            access, refresh = self._center.redeem_authorization_code(
                registration, params["code"], params["redirectUri"], params["codeVerifier"]
            )
        else:
            raise ServiceError(400, "UnsupportedGrantTypeException", f"Unsupported grant {grant}")
        answer = {
            "accessToken": access.token,
            "tokenType": "Bearer",
            "expiresIn": round(access.expires_at - self._center.now()),
        }
        if refresh is not None:
            answer["refreshToken"] = refresh.token
        return answer


def _strings(params: dict[str, Any], name: str) -> list[str]:
    """The list of strings `name` (empty when absent), or InvalidRequestException."""
    values = params.get(name, [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise invalid_request(f"{name} must be a list of strings")
    return values
