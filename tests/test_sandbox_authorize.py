"""The sandbox's /authorize and authorization-code grant, driven by botocore and urllib."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from awscli_sso_ext.pkce import challenge_of, new_verifier
from awscli_sso_ext.sandbox import Sandbox

START_URL = "https://d-1234567890.awsapps.com/start"
REDIRECT = "http://127.0.0.1:45678/oauth/callback"


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@pytest.fixture
def oidc(monkeypatch):
    """(sandbox, an sso-oidc client on it, a registered authorization-code client)."""
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    with Sandbox(approve_after=0) as sandbox:
        client = botocore.session.Session().create_client(
            "sso-oidc",
            region_name="eu-west-1",
            endpoint_url=sandbox.url,
            config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}),
        )
        registration = client.register_client(
            clientName="test",
            clientType="public",
            grantTypes=["authorization_code", "refresh_token"],
            redirectUris=["http://127.0.0.1/oauth/callback"],
            issuerUrl=START_URL,
            scopes=["sso:account:access"],
        )
        yield sandbox, client, registration


def authorize(sandbox, registration, verifier: str, **changes: str) -> tuple[int, dict]:
    """(status, the Location's query or {}) of one /authorize request, redirects not followed."""
    query = {
        "response_type": "code",
        "client_id": registration["clientId"],
        "redirect_uri": REDIRECT,
        "state": "the-state",
        "code_challenge_method": "S256",
        "code_challenge": challenge_of(verifier),
        "scopes": "sso:account:access",
        **changes,
    }
    opener = urllib.request.build_opener(_Stay)
    try:
        with opener.open(f"{sandbox.url}/authorize?{urlencode(query)}", timeout=10) as answer:
            return answer.status, {}
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location") or ""
        return error.code, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def redeem(client, registration, code: str, verifier: str, redirect: str = REDIRECT) -> dict:
    return client.create_token(
        grantType="authorization_code",
        clientId=registration["clientId"],
        clientSecret=registration["clientSecret"],
        code=code,
        codeVerifier=verifier,
        redirectUri=redirect,
    )


def test_a_code_is_redeemed_once_with_its_verifier(oidc):
    sandbox, client, registration = oidc
    verifier = new_verifier()
    status, answer = authorize(sandbox, registration, verifier)
    assert status == 302 and answer["state"] == "the-state"
    token = redeem(client, registration, answer["code"], verifier)
    assert token["accessToken"] and token["refreshToken"]
    with pytest.raises(client.exceptions.InvalidGrantException):
        redeem(client, registration, answer["code"], verifier)  # used already


@pytest.mark.parametrize(
    ("verifier_used", "redirect_used"),
    [("another-verifier-of-enough-length-0123456789abcdef", REDIRECT), (None, REDIRECT + "x")],
    ids=["wrong-verifier", "wrong-redirect"],
)
def test_a_code_with_the_wrong_verifier_or_redirect_is_refused(oidc, verifier_used, redirect_used):
    sandbox, client, registration = oidc
    verifier = new_verifier()
    _status, answer = authorize(sandbox, registration, verifier)
    with pytest.raises(client.exceptions.InvalidGrantException):
        redeem(client, registration, answer["code"], verifier_used or verifier, redirect_used)


@pytest.mark.parametrize(
    ("changes", "status", "error"),
    [
        ({"redirect_uri": "http://attacker.example/oauth/callback"}, 400, None),
        ({"client_id": "unknown"}, 400, None),
        ({"code_challenge_method": "plain"}, 302, "invalid_request"),
        ({"response_type": "token"}, 302, "invalid_request"),
    ],
    ids=["unregistered-redirect", "unknown-client", "plain-challenge", "implicit"],
)
def test_bad_authorize_requests(oidc, changes, status, error):
    sandbox, _client, registration = oidc
    got, answer = authorize(sandbox, registration, new_verifier(), **changes)
    assert got == status
    assert answer.get("error") == error and "code" not in answer


def test_without_self_approval_a_consent_page_offers_allow_and_deny(oidc):
    sandbox, _client, registration = oidc
    sandbox.approve_after = None
    with urllib.request.urlopen(
        f"{sandbox.url}/authorize?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": registration["clientId"],
                "redirect_uri": REDIRECT,
                "state": "s",
                "code_challenge_method": "S256",
                "code_challenge": challenge_of(new_verifier()),
                "scopes": "sso:account:access",
            }
        ),
        timeout=10,
    ) as page:
        body = page.read().decode()
    assert 'id="allow"' in body and 'id="deny"' in body


def test_a_device_client_cannot_use_the_code_grant(oidc):
    sandbox, client, _registration = oidc
    device = client.register_client(clientName="device", clientType="public")
    _status, answer = authorize(sandbox, device, new_verifier())
    assert _status == 400 and answer == {}
