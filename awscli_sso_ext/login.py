"""Device-authorization login to IAM Identity Center, cached where `aws sso login` caches."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta, timezone

from awscli_sso_ext import tokens
from awscli_sso_ext.errors import LoginNeeded
from awscli_sso_ext.failures import explain, login_command
from awscli_sso_ext.profiles import SsoTarget

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5  # seconds added to the polling interval on SlowDownException (RFC 8628)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def token_file(target: SsoTarget) -> str:
    """The cache file of this target's login (shared with `aws sso login`)."""
    return tokens.token_path(target.start_url, target.session_name)


def current_token(target: SsoTarget, stderr) -> tokens.Token | None:
    """The cached token, or None when there is none or the file is unusable (said on stderr)."""
    try:
        return tokens.read_token(token_file(target))
    except tokens.CacheFileError as error:
        stderr.write(f"{error}\n")
        return None


def ensure_login(
    session, profile_name: str, target: SsoTarget, *, allow_login: bool, open_browser: bool, stderr
) -> tokens.Token:
    """A token good for the next 15 minutes (or renewable by botocore), logging in if needed.

    No network call at all when the cached token is good.
    """
    token = current_token(target, stderr)
    session_style = target.session_name is not None
    if not tokens.needs_login(token, utc_now(), session_style=session_style):
        return token
    if not allow_login:
        state = "has no SSO login" if token is None else "has an SSO login that has expired"
        raise LoginNeeded(
            f"The profile {profile_name!r} {state} (or one about to).",
            f"Log in with: {login_command(profile_name)}",
        )
    return DeviceLogin(
        session, profile_name, target, open_browser=open_browser, stderr=stderr
    ).run()


class DeviceLogin:
    """One run of the OAuth device authorization flow against the host's botocore."""

    def __init__(
        self,
        session,
        profile_name,
        target: SsoTarget,
        *,
        open_browser,
        stderr,
        force=False,
        sleep=time.sleep,
    ):
        self._session = session
        self._profile_name = profile_name
        self._target = target
        self._open_browser = open_browser
        self._stderr = stderr
        self._force = force  # log in even though the cached token looks good (it was refused)
        self._sleep = sleep

    def run(self) -> tokens.Token:
        from botocore.exceptions import BotoCoreError, ClientError

        path = token_file(self._target)
        session_style = self._target.session_name is not None
        # The lock spans check-to-write: a second login for the same session waits here, then
        # finds the first one's token and returns it instead of asking the user again.
        with tokens.cache_lock(path):
            token = current_token(self._target, self._stderr)
            if not self._force and not tokens.needs_login(
                token, utc_now(), session_style=session_style
            ):
                return token
            try:
                token = self._log_in()
            except (BotoCoreError, ClientError) as error:
                raise explain(error, self._profile_name, self._target) from None
            tokens.write_json_atomically(path, token.to_dict())
        self._stderr.write(f"Logged in to {self._target.start_url}.\n")
        return token

    def _client(self):
        from botocore import UNSIGNED
        from botocore.config import Config

        return self._session.create_client(
            "sso-oidc",
            region_name=self._target.sso_region,
            config=Config(signature_version=UNSIGNED),
        )

    def _log_in(self) -> tokens.Token:
        client = self._client()
        registration = self._registration(client)
        authorization = client.start_device_authorization(
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            startUrl=self._target.start_url,
        )
        self._show(authorization)
        answer = self._poll(client, registration, authorization)
        now = utc_now()
        token = tokens.Token(
            access_token=answer["accessToken"],
            expires_at=now + timedelta(seconds=answer["expiresIn"]),
            start_url=self._target.start_url,
            region=self._target.sso_region,
        )
        if self._target.session_name is not None:
            # What botocore needs to refresh the token by itself later.
            token.client_id = registration.client_id
            token.client_secret = registration.client_secret
            token.registration_expires_at = registration.expires_at
            token.refresh_token = answer.get("refreshToken")
        return token

    def _registration(self, client) -> tokens.Registration:
        target = self._target
        path = tokens.registration_path(
            target.start_url, target.sso_region, target.session_name, target.registration_scopes
        )
        try:
            cached = tokens.read_registration(path)
        except tokens.CacheFileError:
            cached = None
        if cached is not None and cached.is_valid_at(utc_now()):
            return cached
        name = target.session_name or str(int(time.time()))
        request = {"clientName": f"botocore-client-{name}", "clientType": "public"}
        if target.registration_scopes:
            request["scopes"] = list(target.registration_scopes)
        answer = client.register_client(**request)
        registration = tokens.Registration(
            client_id=answer["clientId"],
            client_secret=answer["clientSecret"],
            expires_at=datetime.fromtimestamp(answer["clientSecretExpiresAt"], timezone.utc),
            scopes=list(target.registration_scopes) if target.registration_scopes else None,
        )
        tokens.write_json_atomically(path, registration.to_dict())
        return registration

    def _show(self, authorization: dict) -> None:
        url = authorization.get("verificationUriComplete") or authorization["verificationUri"]
        self._stderr.write(
            f"Log in to {self._target.start_url} for the profile {self._profile_name!r}:\n"
            f"  open {url}\n"
            f"  and check that the code shown there is {authorization['userCode']}\n"
        )
        self._stderr.flush()
        if self._open_browser:
            open_browser(url, self._stderr)

    def _poll(self, client, registration: tokens.Registration, authorization: dict) -> dict:
        interval = authorization.get("interval") or 5
        deadline = time.monotonic() + authorization.get("expiresIn", 600)
        while True:
            try:
                return client.create_token(
                    grantType=DEVICE_CODE_GRANT,
                    deviceCode=authorization["deviceCode"],
                    clientId=registration.client_id,
                    clientSecret=registration.client_secret,
                )
            except client.exceptions.AuthorizationPendingException:
                pass
            except client.exceptions.SlowDownException:
                interval += SLOW_DOWN_STEP
            if time.monotonic() + interval > deadline:
                raise client.exceptions.ExpiredTokenException(
                    {"Error": {"Code": "ExpiredTokenException", "Message": "device code expired"}},
                    "CreateToken",
                )
            self._sleep(interval)


def open_browser(url: str, stderr) -> None:
    """Opens `url` with the user's browser (honours BROWSER); failure is only a note."""
    import webbrowser

    saved = os.environ.get("LD_LIBRARY_PATH")
    original = os.environ.get("LD_LIBRARY_PATH_ORIG")
    # Frozen (PyInstaller) CLI builds change LD_LIBRARY_PATH; a browser needs the user's own.
    if original is not None:
        os.environ["LD_LIBRARY_PATH"] = original
    elif getattr(sys, "frozen", False):
        os.environ.pop("LD_LIBRARY_PATH", None)
    try:
        opened = webbrowser.open_new_tab(url)
    except webbrowser.Error:
        opened = False
    finally:
        if saved is None:
            os.environ.pop("LD_LIBRARY_PATH", None)
        else:
            os.environ["LD_LIBRARY_PATH"] = saved
    if not opened:
        stderr.write("No browser could be opened here: open the address above yourself.\n")
