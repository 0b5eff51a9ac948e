"""The sandbox's state: client registrations, device logins, sign-in sessions and credentials."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from .authcode import (
    CODE_LIFETIME,
    CONSENT_LIFETIME,
    AuthorizationCode,
    Consent,
    check_redeemable,
    new_id,
)
from .errors import ServiceError, unauthorized
from .organisation import Account, Lifetimes, Organisation, User

_USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"


@dataclass
class Registration:
    """A client registered with RegisterClient."""

    client_id: str
    client_secret: str
    issued_at: float
    expires_at: float
    scopes: tuple[str, ...]
    grant_types: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()


@dataclass
class DeviceLogin:
    """One StartDeviceAuthorization, pending until a user approves or denies it."""

    device_code: str
    user_code: str
    client_id: str
    expires_at: float
    approve_at: float | None
    user: User | None = None
    denied: bool = False
    redeemed: bool = False


@dataclass
class Session:
    """A signed-in user; Logout or a revocation ends it with all its tokens."""

    user: User
    registration: Registration
    revoked: bool = False


@dataclass
class AccessToken:
    token: str
    session: Session
    expires_at: float


@dataclass
class RefreshToken:
    token: str
    session: Session
    redeemed: bool = False


@dataclass(frozen=True)
class RoleCredentials:
    """Temporary keys issued by GetRoleCredentials, known to the sandbox's STS."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    account: Account
    role_name: str
    user: User
    expires_at: float

    def _role_digest(self) -> bytes:
        """Stands for the role's unique id: the same for every session of one role."""
        return hashlib.sha256(f"{self.account.account_id}/{self.role_name}".encode()).digest()

    @property
    def arn(self) -> str:
        role = f"AWSReservedSSO_{self.role_name}_{self._role_digest().hex()[:16]}"
        return f"arn:aws:sts::{self.account.account_id}:assumed-role/{role}/{self.user.name}"

    @property
    def user_id(self) -> str:
        return f"AROA{base64.b32encode(self._role_digest()).decode()[:17]}:{self.user.name}"


class IdentityCenter:
    """Thread-safe store behind the three services, with a clock tests can move forward."""

    def __init__(self, organisation: Organisation, lifetimes: Lifetimes):
        self.organisation = organisation
        self.lifetimes = lifetimes
        self.approve_after: float | None = None
        self._lock = threading.RLock()
        self._clock_offset = 0.0
        self._registrations: dict[str, Registration] = {}
        self._logins: dict[str, DeviceLogin] = {}
        self._access_tokens: dict[str, AccessToken] = {}
        self._refresh_tokens: dict[str, RefreshToken] = {}
        self._sessions: list[Session] = []
        self._credentials: dict[str, RoleCredentials] = {}
        self._consents: dict[str, Consent] = {}
        self._codes: dict[str, AuthorizationCode] = {}

    def now(self) -> float:
        with self._lock:
            return time.time() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's time forward: whatever would expire by then has expired."""
        with self._lock:
            self._clock_offset += seconds

    # OIDC

    def register_client(
        self,
        scopes: tuple[str, ...],
        grant_types: tuple[str, ...] = (),
        redirect_uris: tuple[str, ...] = (),
    ) -> Registration:
        with self._lock:
            now = self.now()
            registration = Registration(
                client_id=secrets.token_urlsafe(16),
                client_secret=secrets.token_urlsafe(64),
                issued_at=now,
                expires_at=now + self.lifetimes.registration,
                scopes=scopes,
                grant_types=grant_types,
                redirect_uris=redirect_uris,
            )
            self._registrations[registration.client_id] = registration
            return registration

    def client(self, client_id: str, client_secret: str) -> Registration:
        with self._lock:
            registration = self._registrations.get(client_id)
            if registration is None or registration.client_secret != client_secret:
                raise ServiceError(401, "InvalidClientException", "Invalid client credentials")
            if registration.expires_at <= self.now():
                raise ServiceError(401, "InvalidClientException", "Client registration expired")
            return registration

    def start_device_login(self, registration: Registration) -> DeviceLogin:
        with self._lock:
            now = self.now()
            login = DeviceLogin(
                device_code=secrets.token_urlsafe(48),
                user_code=self._new_user_code(),
                client_id=registration.client_id,
                expires_at=now + self.lifetimes.device_code,
                approve_at=None if self.approve_after is None else now + self.approve_after,
            )
            self._logins[login.device_code] = login
            return login

    def _new_user_code(self) -> str:
        taken = {login.user_code for login in self._logins.values()}
        while True:
            letters = "".join(secrets.choice(_USER_CODE_LETTERS) for _ in range(8))
            code = f"{letters[:4]}-{letters[4:]}"
            if code not in taken:
                return code

    def _login_by_user_code(self, user_code: str) -> DeviceLogin:
        for login in self._logins.values():
            if login.user_code == user_code.upper() and not login.redeemed:
                return login
        raise LookupError(f"no pending device login with user code {user_code!r}")

    def approve(self, user_code: str, user_name: str | None = None) -> None:
        with self._lock:
            self._login_by_user_code(user_code).user = self.organisation.user(user_name)

    def deny(self, user_code: str) -> None:
        with self._lock:
            self._login_by_user_code(user_code).denied = True

    def redeem_device_code(
        self, registration: Registration, device_code: str
    ) -> tuple[AccessToken, RefreshToken | None]:
        with self._lock:
            login = self._logins.get(device_code)
            if login is None or login.client_id != registration.client_id or login.redeemed:
                raise ServiceError(400, "InvalidGrantException", "Invalid device code provided")
            now = self.now()
            if login.expires_at <= now:
                raise ServiceError(400, "ExpiredTokenException", "Device code has expired")
            if login.denied:
                raise ServiceError(400, "AccessDeniedException", "The user denied the request")
            if login.user is None and login.approve_at is not None and login.approve_at <= now:
                login.user = self.organisation.user()
            if login.user is None:
                raise ServiceError(400, "AuthorizationPendingException", "Authorization is pending")
            login.redeemed = True
            session = Session(login.user, registration)
            self._sessions.append(session)
            return self._issue_tokens(session)

    def redeem_refresh_token(
        self, registration: Registration, refresh_token: str
    ) -> tuple[AccessToken, RefreshToken | None]:
        with self._lock:
            stored = self._refresh_tokens.get(refresh_token)
            if (
                stored is None
                or stored.redeemed
                or stored.session.revoked
                or stored.session.registration is not registration
            ):
                raise ServiceError(400, "InvalidGrantException", "Invalid refresh token provided")
            stored.redeemed = True
            return self._issue_tokens(stored.session)

    def registered(self, client_id: str) -> Registration | None:
        """The live registration of `client_id` (the authorize page knows no secret)."""
        with self._lock:
            registration = self._registrations.get(client_id)
            if registration is None or registration.expires_at <= self.now():
                return None
            return registration

    def ask_consent(
        self, registration: Registration, redirect_uri: str, state: str, code_challenge: str
    ) -> Consent:
        with self._lock:
            consent = Consent(
                new_id(),
                registration.client_id,
                redirect_uri,
                state,
                code_challenge,
                self.now() + CONSENT_LIFETIME,
            )
            self._consents[consent.request_id] = consent
            return consent

    def answer_consent(self, request_id: str, allow: bool, user_name: str | None = None):
        """(the consent, the code issued, or None when the user said no); LookupError when
        there is no such pending consent."""
        with self._lock:
            consent = self._consents.pop(request_id, None)
            if consent is None or consent.expires_at <= self.now():
                raise LookupError("no pending consent with this id")
            if not allow:
                return consent, None
            code = AuthorizationCode(
                new_id(),
                consent.client_id,
                consent.redirect_uri,
                consent.code_challenge,
                self.organisation.user(user_name),
                self.now() + CODE_LIFETIME,
            )
            self._codes[code.code] = code
            return consent, code

    def redeem_authorization_code(
        self, registration: Registration, code: str, redirect_uri: str, verifier: str
    ) -> tuple[AccessToken, RefreshToken | None]:
        with self._lock:
            stored = check_redeemable(
                self._codes.get(code), registration.client_id, redirect_uri, verifier, self.now()
            )
            stored.redeemed = True
            session = Session(stored.user, registration)
            self._sessions.append(session)
            return self._issue_tokens(session)

    def _issue_tokens(self, session: Session) -> tuple[AccessToken, RefreshToken | None]:
        access = AccessToken(
            "aoa" + secrets.token_urlsafe(64),
            session,
            self.now() + self.lifetimes.access_token,
        )
        self._access_tokens[access.token] = access
        if not session.registration.scopes:
            return access, None
        refresh = RefreshToken("aor" + secrets.token_urlsafe(64), session)
        self._refresh_tokens[refresh.token] = refresh
        return access, refresh

    # Portal

    def session_of(self, access_token: str | None) -> Session:
        """The live session an access token belongs to, or the portal's 401."""
        with self._lock:
            stored = self._access_tokens.get(access_token or "")
            if stored is None or stored.session.revoked or stored.expires_at <= self.now():
                raise unauthorized()
            return stored.session

    def logout(self, access_token: str | None) -> None:
        with self._lock:
            self.session_of(access_token).revoked = True

    def revoke_tokens(self) -> None:
        """End every sign-in session: all access and refresh tokens issued so far stop working."""
        with self._lock:
            for session in self._sessions:
                session.revoked = True

    def issue_role_credentials(self, user: User, account: Account, role: str) -> RoleCredentials:
        with self._lock:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            credentials = RoleCredentials(
                access_key_id="ASIA" + "".join(secrets.choice(alphabet) for _ in range(16)),
                secret_access_key=secrets.token_urlsafe(30),
                session_token=secrets.token_urlsafe(120),
                account=account,
                role_name=role,
                user=user,
                expires_at=self.now() + self.lifetimes.role_credentials,
            )
            self._credentials[credentials.access_key_id] = credentials
            return credentials

    # STS

    def credentials(self, access_key_id: str) -> RoleCredentials | None:
        with self._lock:
            return self._credentials.get(access_key_id)
