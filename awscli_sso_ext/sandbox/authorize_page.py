"""The sandbox's `/authorize` (authorization code with PKCE): a consent page, then a redirect."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlencode

from .authcode import AUTHORIZATION_CODE_GRANT, redirect_allowed
from .device_page import WebPage, html_page
from .errors import ServiceError
from .identity import IdentityCenter
from .wire import Request, Response

AUTHORIZE_PAGE = "/authorize"
CONSENT_PAGE = "/authorize/consent"
_ROUTES = {AUTHORIZE_PAGE: "Authorize", CONSENT_PAGE: "Consent"}


def _redirect(uri: str, **params: str) -> Response:
    separator = "&" if "?" in uri else "?"
    location = f"{uri}{separator}{urlencode(params)}"
    return Response(302, b"", "text/html; charset=utf-8", {"Location": location})


def _consent_form(request_id: str, client_name: str) -> str:
    links = ""
    for decision in ("allow", "deny"):
        query = urlencode({"request": request_id, "decision": decision})
        links += f'<p><a id="{decision}" href="{CONSENT_PAGE}?{query}">{decision.title()}</a></p>'
    return f"<p>Allow {escape(client_name)} to access your AWS accounts?</p>{links}"


class AuthorizePage(WebPage):
    """`GET /authorize?...` checks the request and shows the consent page (or, when the
    sandbox approves logins by itself, consents at once); `GET /authorize/consent` answers it
    and redirects the browser to the client's redirect URI with a code or an error."""

    operations: tuple[str, ...] = tuple(_ROUTES.values())

    def __init__(self, center: IdentityCenter):
        self._center = center

    def operation(self, request: Request) -> str | None:
        return _ROUTES.get(request.path) if request.method == "GET" else None

    def call(self, operation: str, params: dict[str, Any], request: Request) -> Response:
        if operation == "Consent":
            return self._consent(params)
        return self._authorize(params)

    def _authorize(self, params: dict[str, Any]) -> Response:
        registration = self._center.registered(params.get("client_id", ""))
        if registration is None or AUTHORIZATION_CODE_GRANT not in registration.grant_types:
            raise ServiceError(400, "InvalidClientException", "Unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_allowed(redirect_uri, registration.redirect_uris):
            raise ServiceError(400, "InvalidRequestException", "redirect_uri not registered")
        state = params.get("state", "")
        problem = _problem(params)
        if problem:
            return _redirect(
                redirect_uri, error="invalid_request", error_description=problem, state=state
            )
        consent = self._center.ask_consent(
            registration, redirect_uri, state, params["code_challenge"]
        )
        if self._center.approve_after is not None:  # the sandbox consents by itself
            return self._consent({"request": consent.request_id, "decision": "allow"})
        form = _consent_form(consent.request_id, "botocore-client")
        return html_page(200, "Authorize request", form)

    def _consent(self, params: dict[str, Any]) -> Response:
        try:
            consent, code = self._center.answer_consent(
                params.get("request", ""), params.get("decision") == "allow"
            )
        except LookupError:
            raise ServiceError(
                404, "NotFound", "This request is unknown or already answered."
            ) from None
        if code is None:
            return _redirect(consent.redirect_uri, error="access_denied", state=consent.state)
        return _redirect(consent.redirect_uri, code=code.code, state=consent.state)


def _problem(params: dict[str, Any]) -> str | None:
    """What is wrong with an /authorize request from a known client, or None."""
    if params.get("response_type") != "code":
        return "response_type must be code"
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return "a code_challenge with code_challenge_method S256 is required"
    if not params.get("state"):
        return "state is required"
    if not params.get("scopes"):
        return "scopes are required"
    return None
