"""Authorization-code (PKCE) logins of the sandbox: pending consents, issued codes, checks."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ServiceError
from .organisation import User

AUTHORIZATION_CODE_GRANT = "authorization_code"
CODE_LIFETIME = 300  # seconds an issued code may wait for CreateToken
CONSENT_LIFETIME = 600  # seconds a consent page stays answerable


@dataclass
class Consent:
    """One /authorize request waiting for the user's Allow or Deny."""

    request_id: str
    client_id: str
    redirect_uri: str
    state: str
    code_challenge: str
    expires_at: float


@dataclass
class AuthorizationCode:
    """A code handed to the client's redirect URI, redeemable once with the right verifier."""

    code: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    user: User
    expires_at: float
    redeemed: bool = False


def new_id() -> str:
    return secrets.token_urlsafe(32)


def challenge_of(verifier: str) -> str:
    """The S256 code challenge of `verifier` (RFC 7636): base64url of SHA-256, unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def redirect_allowed(redirect_uri: str, registered: tuple[str, ...]) -> bool:
    """Whether `redirect_uri` is one registered, a loopback one on any port (RFC 8252 7.3)."""
    asked = urlsplit(redirect_uri)
    for uri in registered:
        known = urlsplit(uri)
        same_place = (asked.scheme, asked.hostname, asked.path) == (
            known.scheme,
            known.hostname,
            known.path,
        )
        if same_place and (asked.port == known.port or known.hostname == "127.0.0.1"):
            return True
    return False


def invalid_grant(message: str) -> ServiceError:
    return ServiceError(400, "InvalidGrantException", message)


def check_redeemable(
    code: AuthorizationCode | None, client_id: str, redirect_uri: str, verifier: str, now: float
) -> AuthorizationCode:
    """`code`, when CreateToken may exchange it; else the InvalidGrantException AWS answers."""
    if code is None or code.client_id != client_id or code.redeemed:
        raise invalid_grant("Invalid authorization code provided")
    if code.expires_at <= now:
        raise invalid_grant("The authorization code has expired")
    if redirect_uri != code.redirect_uri:
        raise invalid_grant("The redirect URI does not match the one of the authorization")
    if not secrets.compare_digest(challenge_of(verifier), code.code_challenge):
        raise invalid_grant("The code verifier does not match the code challenge")
    return code
