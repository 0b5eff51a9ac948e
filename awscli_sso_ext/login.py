"""One login at a time per SSO session, cached where `aws sso login` caches; the device flow."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from awscli_sso_ext import tokens
from awscli_sso_ext.errors import OperationFailed
from awscli_sso_ext.failures import explain
from awscli_sso_ext.oidc_members import call
from awscli_sso_ext.profiles import SsoTarget
from awscli_sso_ext.waiting import WaitingLine

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5  # seconds added to the polling interval on SlowDownException (RFC 8628)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def token_file(target: SsoTarget) -> str:
    """The cache file of this target's login (shared with `aws sso login`)."""
    return tokens.token_path(target.start_url, target.session_name)


def current_token(target: SsoTarget, stderr=None) -> tokens.Token | None:
    """The cached token, or None when there is none or the file is unusable (said on
    `stderr`, when given). A file no login can replace (a folder in its place) fails."""
    try:
        return tokens.read_token(token_file(target))
    except tokens.CacheFileError as error:
        if not error.replaceable:
            raise OperationFailed(str(error)) from None
        if stderr is not None:
            stderr.write(f"{error}\n")
        return None


class Login:
    """One login against the host's botocore, under the cache lock of its token file, the
    flow (_log_in) being the subclass's.

    `refused`: the token the service has just refused; a token in the cache that is another
    one (a sibling process logged in or renewed meanwhile) is used instead of logging in.
    """

    def __init__(
        self,
        session,
        profile_name,
        target: SsoTarget,
        *,
        open_browser,
        stderr,
        refused: tokens.Token | None = None,
        sleep=time.sleep,
        clock=time.monotonic,
        settings=None,
    ):
        self._session = session
        self._profile_name = profile_name
        self._target = target
        self._open_browser = open_browser
        self._stderr = stderr
        self._refused = refused
        self._sleep = sleep
        self._clock = clock
        self._settings = settings
        self.logged_in = False  # whether run() logged in (rather than finding a token)
        # Where the login goes: the portal behind a vanity start URL, and its region.
        self._issuer_url = target.start_url
        self._region = target.sso_region

    def run(self) -> tokens.Token:
        from botocore.exceptions import BotoCoreError, ClientError

        path = token_file(self._target)
        # The lock spans check-to-write: a second login for the same session waits here, then
        # finds the first one's token and returns it instead of asking the user again.
        with tokens.cache_lock(path, on_wait=self._say_waiting):
            cached = current_token(self._target)
            if cached is not None and self._usable(cached):
                return cached
            tokens.check_writable(path)
            if self._refused is not None:
                self._stderr.write(
                    f"The SSO session of the profile {self._profile_name!r} was not accepted; "
                    "logging in again.\n"
                )
            self._resolve_start_url()
            try:
                token = self._log_in()
            except (BotoCoreError, ClientError) as error:
                raise explain(error, self._profile_name, self._target, self._settings) from None
            tokens.write_json_atomically(path, token.to_dict())
        self.logged_in = True
        self._fix_region()
        self._stderr.write(f"Logged in to {self._target.start_url}.\n")
        return token

    def _usable(self, token: tokens.Token) -> bool:
        if self._refused is not None and token.access_token == self._refused.access_token:
            return False
        session_style = self._target.session_name is not None
        return not tokens.needs_login(token, utc_now(), session_style=session_style)

    def _say_waiting(self) -> None:
        self._stderr.write(
            f"Profile {self._profile_name!r}: waiting for the login in progress in another "
            "terminal... Ctrl-C cancels.\n"
        )
        self._stderr.flush()

    def _client(self):
        from botocore import UNSIGNED
        from botocore.config import Config

        return self._session.create_client(
            "sso-oidc",
            region_name=self._region,
            config=Config(signature_version=UNSIGNED),
        )

    def _log_in(self) -> tokens.Token:
        raise NotImplementedError

    def _resolve_start_url(self) -> None:
        """Follow a start URL on a custom domain to its AWS portal, taking the portal's region
        when it says one (as CLI v2 2.35.13+ does); an AWS start URL stays as it is."""
        from awscli_sso_ext.vanity import resolve

        target = self._target
        where = f"{target.login_section} of {target.config_file}"
        timeout = self._settings.connect_timeout if self._settings is not None else 10
        ca_bundle = self._session.get_config_variable("ca_bundle")
        resolved = resolve(
            target.start_url, target.sso_region, where=where, timeout=timeout, ca_bundle=ca_bundle
        )
        if resolved.start_url != target.start_url:
            self._stderr.write(f"The start URL {target.start_url} leads to {resolved.start_url}.\n")
        if resolved.region != target.sso_region:
            self._stderr.write(
                f"Its portal is in {resolved.region}, not in {target.sso_region} as sso_region "
                f"in {where} says: logging in there.\n"
            )
        self._issuer_url, self._region = resolved.start_url, resolved.region

    def _fix_region(self) -> None:
        """After the login, sso_region as the portal says (as `aws sso login` does), so the
        CLI and SDKs ask the right region for role keys and renewals."""
        from awscli_sso_ext.region_fix import fix_region_quietly

        target = self._target
        if self._region == target.sso_region:
            return
        kind, name = (
            ("sso-session", target.session_name)
            if target.session_name
            else (
                "profile",
                self._profile_name,
            )
        )
        where = f"{target.login_section} of {target.config_file}"
        problem = fix_region_quietly(target.config_file, kind, name, self._region)
        if problem is None:
            self._stderr.write(f"Set sso_region = {self._region} in {where}.\n")
        else:
            self._stderr.write(
                f"Set sso_region = {self._region} in {where} yourself ({problem}).\n"
            )

    def _registration(self, client) -> tokens.Registration:
        target = self._target
        path = tokens.registration_path(
            target.start_url, self._region, target.session_name, target.registration_scopes
        )
        try:
            cached = tokens.read_registration(path)
        except tokens.CacheFileError:
            cached = None
        if cached is not None and self._reuses(cached):
            return cached
        name = target.session_name or str(int(time.time()))
        request = self._registration_request()
        answer = call(
            client,
            "RegisterClient",
            {"clientName": f"botocore-client-{name}", "clientType": "public"},
            request,
        )
        registration = tokens.Registration(
            client_id=answer["clientId"],
            client_secret=answer["clientSecret"],
            expires_at=datetime.fromtimestamp(answer["clientSecretExpiresAt"], timezone.utc),
            scopes=request.get("scopes"),
            grant_types=request.get("grantTypes"),
        )
        tokens.write_json_atomically(path, registration.to_dict())
        return registration

    def _reuses(self, registration: tokens.Registration) -> bool:
        """Whether this flow can use the cached `registration`."""
        return registration.is_valid_at(utc_now())

    def _registration_request(self) -> dict[str, Any]:
        """What RegisterClient gets besides the client's name and type."""
        scopes = self._target.registration_scopes
        return {"scopes": list(scopes)} if scopes else {}

    def _open(self, url: str) -> None:
        """Open `url` in a browser unless told not to; say so when none could start."""
        from awscli_sso_ext.browser import open_browser

        if not self._open_browser:
            return
        not_opened = open_browser(url)
        if not_opened:
            self._stderr.write(
                f"No browser is started ({not_opened}): open the address above on any "
                "device with a browser.\n"
            )

    def _token(self, answer: dict, registration: tokens.Registration) -> tokens.Token:
        """The cache's token from CreateToken's `answer`; for an sso-session with what
        botocore needs to refresh it by itself later."""
        token = tokens.Token(
            access_token=answer["accessToken"],
            expires_at=utc_now() + timedelta(seconds=answer["expiresIn"]),
            start_url=self._target.start_url,
            region=self._region,
        )
        if self._target.session_name is not None:
            token.client_id = registration.client_id
            token.client_secret = registration.client_secret
            token.registration_expires_at = registration.expires_at
            token.refresh_token = answer.get("refreshToken")
        return token


class DeviceLogin(Login):
    """The OAuth device authorization flow: a code shown here, approved on any device.

    `reason`: why this flow and not PKCE, said in one line when the login starts."""

    def __init__(self, *args, reason: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._reason = reason

    def _log_in(self) -> tokens.Token:
        if self._reason:
            self._stderr.write(f"Logging in with a device code: {self._reason}.\n")
        client = self._client()
        registration = self._registration(client)
        authorization = client.start_device_authorization(
            clientId=registration.client_id,
            clientSecret=registration.client_secret,
            startUrl=self._issuer_url,
        )
        url = self._show(authorization)
        answer = self._poll(client, registration, authorization, url)
        return self._token(answer, registration)

    def _show(self, authorization: dict) -> str:
        url = authorization.get("verificationUriComplete") or authorization["verificationUri"]
        self._stderr.write(
            f"Log in to {self._target.start_url} for the profile {self._profile_name!r}:\n"
            f"  open {url}\n"
            f"  and check that the code shown there is {authorization['userCode']}\n"
        )
        self._stderr.flush()
        self._open(url)
        return url

    def _poll(self, client, registration, authorization: dict, url: str) -> dict:
        """CreateToken every `interval` seconds until approved, refused, or the code's own
        expiry (the last poll is at that moment)."""
        interval = authorization.get("interval") or 5
        expires_at = self._clock() + authorization["expiresIn"]
        waiting_for = f"approval of code {authorization['userCode']} at {url}"
        line = WaitingLine(self._stderr, waiting_for, expires_at, self._clock)
        try:
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
                left = expires_at - self._clock()
                if left <= 0:
                    raise client.exceptions.ExpiredTokenException(
                        {"Error": {"Code": "ExpiredTokenException", "Message": "code expired"}},
                        "CreateToken",
                    )
                self._wait(min(interval, left), line)
        finally:
            line.close()

    def _wait(self, seconds: float, line: WaitingLine) -> None:
        """Sleep `seconds`; on a terminal in steps of a second, the line counting down."""
        line.show()
        if not line.live:
            self._sleep(seconds)
            return
        while seconds > 0:
            step = min(1.0, seconds)
            self._sleep(step)
            seconds -= step
            line.show()
