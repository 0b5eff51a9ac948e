"""The Sandbox: OIDC, SSO portal and STS on one loopback port, with controls for tests."""

from __future__ import annotations

from pathlib import Path

from .authorize_page import AuthorizePage
from .calls import Call, RequestLog
from .device_page import DevicePage
from .dispatch import Dispatcher
from .faults import Faults
from .identity import IdentityCenter
from .oidc import Oidc
from .organisation import Lifetimes, Organisation, default_organisation
from .portal import Portal
from .rulesets import write_data_path
from .server import LoopbackServer
from .sts import Sts
from .vanity_host import VanityHost


class Sandbox:
    """A local IAM Identity Center. Use as `with Sandbox() as sandbox:` (or start()/stop()).

    `approve_after`: seconds after StartDeviceAuthorization at which a login is approved by
    the organisation's first user; None leaves it pending until approve(), or until a
    browser opens its verificationUriComplete. With it set, `/authorize` (the PKCE flow)
    consents at once; with None it shows a consent page with Allow and Deny links.
    `lifetimes` may be changed while running.
    """

    def __init__(
        self,
        organisation: Organisation | None = None,
        *,
        approve_after: float | None = None,
        lifetimes: Lifetimes | None = None,
        port: int = 0,
    ):
        self.organisation = organisation or default_organisation()
        self.lifetimes = lifetimes or Lifetimes()
        self._center = IdentityCenter(self.organisation, self.lifetimes)
        self._center.approve_after = approve_after
        operations = (
            Oidc.operations
            + Portal.operations
            + Sts.operations
            + DevicePage.operations
            + AuthorizePage.operations
        )
        self.faults = Faults(operations)
        self._log = RequestLog()
        self._port = port
        self._server: LoopbackServer | None = None
        self._dispatcher: Dispatcher | None = None
        self._vanity_hosts: list[VanityHost] = []

    def start(self) -> Sandbox:
        server = LoopbackServer(self._port)
        url = f"http://127.0.0.1:{server.port}"
        services = (
            Oidc(self._center, url),
            Portal(self._center),
            Sts(self._center),
            DevicePage(self._center),
            AuthorizePage(self._center),
        )
        self._dispatcher = Dispatcher(services, self.faults, self._log)
        server.serve(self._dispatcher.answer)
        self._server = server
        return self

    def stop(self) -> None:
        while self._vanity_hosts:
            self._vanity_hosts.pop().stop()
        if self._server is not None and self._dispatcher is not None:
            self._dispatcher.stopping.set()
            self._server.stop()
            self._server = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return f"http://127.0.0.1:{self._server.port}"

    def endpoint_environment(self) -> dict[str, str]:
        """The variables that send botocore 1.31+ (CLI v1 1.29+, v2 2.13+) here."""
        return {
            "AWS_ENDPOINT_URL_SSO": self.url,
            "AWS_ENDPOINT_URL_SSO_OIDC": self.url,
            "AWS_ENDPOINT_URL_STS": self.url,
        }

    def vanity_host(self, folder: str | Path, allow_head: bool = True) -> VanityHost:
        """A custom-domain start URL (https://localhost:PORT/start, its certificate written in
        `folder`) that redirects to the organisation's start URL; stopped with the sandbox."""
        host = VanityHost(Path(folder), self.organisation.start_url + "/", allow_head)
        self._vanity_hosts.append(host)
        return host

    def write_data_path(self, directory: str | Path) -> Path:
        """Write an AWS_DATA_PATH folder whose endpoint rule sets send sso, sso-oidc and sts
        here (how to redirect older CLIs, like Debian's v2 2.9, that ignore AWS_ENDPOINT_URL_*)."""
        return write_data_path(directory, self.url)

    @property
    def approve_after(self) -> float | None:
        return self._center.approve_after

    @approve_after.setter
    def approve_after(self, seconds: float | None) -> None:
        self._center.approve_after = seconds

    def approve(self, user_code: str, user: str | None = None) -> None:
        """Approve the pending login with this user code as `user` (default: the first user)."""
        self._center.approve(user_code, user)

    def deny(self, user_code: str) -> None:
        """Refuse the pending login: its next CreateToken answers AccessDeniedException."""
        self._center.deny(user_code)

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's time forward: codes, tokens and keys past their lifetime expire."""
        self._center.advance_clock(seconds)

    def revoke_tokens(self) -> None:
        """End every sign-in: the portal answers 401 and refresh tokens are refused."""
        self._center.revoke_tokens()

    def calls(self, operation: str | None = None) -> list[Call]:
        """The requests received so far (of `operation`, if given), oldest first."""
        return self._log.calls(operation)

    def clear_calls(self) -> None:
        self._log.clear()
