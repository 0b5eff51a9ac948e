"""The authorization-code login with PKCE, as `aws sso login` (v2 2.22+) does for sso-sessions."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from awscli_sso_ext import tokens
from awscli_sso_ext.errors import OperationFailed
from awscli_sso_ext.login import Login, utc_now
from awscli_sso_ext.loopback import CallbackListener, Redirect
from awscli_sso_ext.oidc_members import call
from awscli_sso_ext.waiting import WaitingLine

GRANT_TYPES = ["authorization_code", "refresh_token"]
DEFAULT_SCOPE = "sso:account:access"  # what the CLI asks for when none is configured
# The CLI registers the loopback redirect without a port; each login's has its own port.
REGISTERED_REDIRECT_URI = "http://127.0.0.1/oauth/callback"
AUTHORIZATION_TIMEOUT = 600  # seconds the browser has to come back, as in the CLI
_PROBE_EVENT = "before-call.sso-oidc.RegisterClient"


def new_verifier() -> str:
    """A PKCE code verifier: 64 random characters of the URL-safe alphabet (RFC 7636 4.1)."""
    return secrets.token_urlsafe(48)


def challenge_of(verifier: str) -> str:
    """Its S256 code challenge: base64url of its SHA-256, without padding (RFC 7636 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def oidc_endpoint(client: Any) -> str:
    """`scheme://host[:port]` the OIDC client sends requests to, as its endpoint resolution
    (overrides and rule sets included) decides: a RegisterClient is resolved, never sent."""
    from botocore.awsrequest import AWSResponse

    seen: dict[str, str] = {}

    def capture(params: dict, **_: Any) -> tuple:
        parts = urlsplit(params["url"])
        seen["endpoint"] = f"{parts.scheme}://{parts.netloc}"
        return AWSResponse(params["url"], 200, {}, None), {}

    client.meta.events.register_first(_PROBE_EVENT, capture, unique_id="awscli-sso-ext-probe")
    try:
        client.register_client(clientName="endpoint-probe", clientType="public")
    finally:
        client.meta.events.unregister(_PROBE_EVENT, unique_id="awscli-sso-ext-probe")
    return seen["endpoint"]


def authorize_url(
    endpoint: str, client_id: str, redirect_uri: str, state: str, challenge: str, scopes: list[str]
) -> str:
    """The address of the service's authorize page for this login."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge_method": "S256",
        "scopes": " ".join(scopes),
        "code_challenge": challenge,
    }
    return f"{endpoint}/authorize?{urlencode(query, quote_via=quote)}"


class PkceLogin(Login):
    """Authorization code with PKCE: the browser signs in and comes back to a one-shot
    listener on 127.0.0.1, whose answer (state checked) is exchanged with the verifier."""

    def _reuses(self, registration: tokens.Registration) -> bool:
        grants = registration.grant_types or ()
        fresh = registration.expires_at - utc_now() >= tokens.REFRESH_WINDOW
        return "authorization_code" in grants and fresh

    def _scopes(self) -> list[str]:
        return list(self._target.registration_scopes or ()) or [DEFAULT_SCOPE]

    def _registration_request(self) -> dict[str, Any]:
        return {
            "grantTypes": list(GRANT_TYPES),
            "redirectUris": [REGISTERED_REDIRECT_URI],
            "issuerUrl": self._issuer_url,
            "scopes": self._scopes(),
        }

    def _log_in(self) -> tokens.Token:
        client = self._client()
        registration = self._registration(client)
        state = str(uuid.uuid4())
        verifier = new_verifier()
        listener = CallbackListener(state)
        try:
            url = authorize_url(
                oidc_endpoint(client),
                registration.client_id,
                listener.redirect_uri,
                state,
                challenge_of(verifier),
                self._scopes(),
            )
            self._show(url)
            redirect = self._wait_for_browser(listener)
        finally:
            listener.close()
        code = self._code(redirect)
        try:
            answer = call(
                client,
                "CreateToken",
                {
                    "grantType": "authorization_code",
                    "clientId": registration.client_id,
                    "clientSecret": registration.client_secret,
                    "code": code,
                },
                {"redirectUri": listener.redirect_uri, "codeVerifier": verifier},
            )
        except client.exceptions.InvalidGrantException:
            raise OperationFailed(
                "IAM Identity Center refused the authorization code the browser brought back "
                "(its code verifier or redirect address did not match, or it was used or "
                "expired).",
                "Run the command again to sign in afresh.",
            ) from None
        return self._token(answer, registration)

    def _show(self, url: str) -> None:
        self._stderr.write(
            f"Log in to {self._target.start_url} for the profile {self._profile_name!r} in "
            f"your browser:\n  open {url}\n"
        )
        self._stderr.flush()
        self._open(url)

    def _wait_for_browser(self, listener: CallbackListener) -> Redirect:
        deadline = self._clock() + AUTHORIZATION_TIMEOUT
        waiting_for = f"the browser to come back to {listener.redirect_uri}"
        line = WaitingLine(self._stderr, waiting_for, deadline, self._clock, "the login times out")
        try:
            redirect = listener.wait(deadline, self._clock, line.show)
        finally:
            line.close()
        if redirect is None:
            minutes = AUTHORIZATION_TIMEOUT // 60
            raise OperationFailed(
                f"The sign-in was not finished in the browser within {minutes} minutes.",
                "Run the command again and finish it in time, or add --use-device-code to "
                "approve a code on any device.",
            )
        return redirect

    @staticmethod
    def _code(redirect: Redirect) -> str:
        """The authorization code, or the failure the browser's answer stands for."""
        if redirect.wrong_state:
            raise OperationFailed(
                "The browser came back with an answer that does not belong to this login (its "
                "state does not match), so it was not used.",
                "Run the command again, and close other sign-in tabs that are still open.",
            )
        if redirect.error == "access_denied":
            raise OperationFailed(
                "The sign-in was refused in the browser.",
                "Run the command again and choose Allow, or ask your administrator for access.",
            )
        if redirect.error is not None or not redirect.code:
            shown = re.sub(r"[^A-Za-z0-9_.-]", "", redirect.error or "")[:60] or "no code"
            raise OperationFailed(
                f"IAM Identity Center did not sign you in (the browser came back with {shown}).",
                "Run the command again; if it keeps failing, add --use-device-code.",
            )
        return redirect.code
