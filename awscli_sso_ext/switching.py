"""The core of sso-switch and sso-env: (profile, options) -> environment, logging in when needed."""

# No argv, no output of its own, no exit codes: the commands parse, call `build_environment`,
# render what it returns and map what it raises (exits.py). The only text that leaves from
# here is the login's own (its address, code and progress), on the `login_messages` stream.

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from awscli_sso_ext import environment
from awscli_sso_ext.clients import NetworkSettings
from awscli_sso_ext.errors import OperationFailed, UsageError
from awscli_sso_ext.profiles import Profile


@dataclass(frozen=True)
class SwitchOptions:
    """What the caller asked for, beyond the profile."""

    region: str | None = None  # instead of the profile's
    previous_profile: str | None = None  # the profile being left (sso-switch), remembered
    credentials: bool = False  # add the role's temporary keys
    verify: bool = False  # ask STS whose the keys are
    check_role: bool = False  # after a login, make sure the role is one the user holds
    allow_login: bool = True
    open_browser: bool = True
    use_device_code: bool = False  # the device code even where PKCE would work
    settings: NetworkSettings = field(default_factory=NetworkSettings)


@dataclass(frozen=True)
class Verification:
    """What STS said about the role's keys, and how long the login and the keys last."""

    account: str
    arn: str
    token_expires_at: datetime | None
    can_refresh: bool
    credentials_expire_at: datetime | None


@dataclass
class ProfileEnvironment:
    """The environment for the profile, and the STS answer when verification was asked for."""

    variables: environment.Environment
    verification: Verification | None = None


def build_environment(
    profile: Profile, options: SwitchOptions, login_messages, *, chain_root: Profile | None = None
) -> ProfileEnvironment:
    """Everything that points a shell at `profile`, after logging in when its SSO session has
    lapsed (unless `options.allow_login` is off: then LoginNeeded). `chain_root`: the SSO
    profile a source_profile chain from `profile` starts from, logged in the same way."""
    from botocore.exceptions import BotoCoreError, ClientError

    from awscli_sso_ext.failures import explain
    from awscli_sso_ext.login import current_token
    from awscli_sso_ext.profiles import check_sso_settings

    variables = environment.switch_environment(profile, options.region, options.previous_profile)
    if profile.sso is None:
        if options.credentials or options.verify:
            raise UsageError(
                f"The profile {profile.name!r} is not an SSO profile, so this command "
                "has no role credentials to fetch for it.",
                "Drop --credentials/--verify, or choose an SSO profile.",
            )
        if chain_root is not None:
            variables.update(_root_login(chain_root, options, login_messages))
        return ProfileEnvironment(variables)
    check_sso_settings(profile.sso)
    flow = _Flow(profile, options, login_messages)
    verification = None
    try:
        token, logged_in = flow.login()
        if logged_in and options.check_role:
            flow.check_role(token)
        if options.credentials or options.verify:
            keys = flow.role_credentials()
            token = current_token(profile.sso, login_messages) or token  # maybe renewed
            if options.credentials:
                variables.update(environment.credential_variables(keys))
            if options.verify:
                verification = flow.verify(keys)
    except (BotoCoreError, ClientError) as error:
        raise explain(error, profile.name, profile.sso, options.settings) from None
    variables.update(_login_metadata(profile, token))
    return ProfileEnvironment(variables, verification)


class _Flow:
    """The network steps for one SSO profile, each through a session of that profile."""

    def __init__(self, profile: Profile, options: SwitchOptions, login_messages):
        self._profile = profile
        self._options = options
        self._messages = login_messages

    def _session(self) -> Any:
        """A botocore session for the profile we act on, not for whatever the shell points
        at (a stale AWS_PROFILE naming a deleted profile must not get in the way), with the
        CLI's timeouts and retry settings."""
        from awscli_sso_ext.clients import profile_session

        return profile_session(self._profile.name, self._options.settings)

    def login(self):
        from awscli_sso_ext.sign_in import ensure_login

        return ensure_login(
            self._session(),
            self._profile.name,
            self._profile.sso,
            allow_login=self._options.allow_login,
            open_browser=self._options.open_browser,
            stderr=self._messages,
            settings=self._options.settings,
            use_device_code=self._options.use_device_code,
        )

    def check_role(self, token) -> None:
        from awscli_sso_ext.portal import assigned_roles

        sso = self._profile.sso
        assert sso is not None
        roles = assigned_roles(self._session(), sso, token.access_token)
        if sso.role_name in roles:
            return
        raise OperationFailed(
            f"You are not assigned the role {sso.role_name} in account {sso.account_id} "
            f"(the profile {self._profile.name!r}); roles assigned to you there: "
            f"{', '.join(roles) or 'none'}.",
            f"Set sso_role_name in {sso.profile_section} of {sso.config_file} to one of "
            f"those, or ask your administrator to assign you {sso.role_name}.",
        )

    def role_credentials(self):
        """Role keys; a session revoked or lapsed behind our back gets one fresh login, or
        the login another process made meanwhile."""
        from botocore.exceptions import TokenRetrievalError, UnauthorizedSSOTokenError

        from awscli_sso_ext.credentials import role_credentials
        from awscli_sso_ext.login import current_token
        from awscli_sso_ext.sign_in import login_for

        sso = self._profile.sso
        assert sso is not None
        refused = current_token(sso)  # what botocore is about to present
        try:
            return role_credentials(self._session())
        except (UnauthorizedSSOTokenError, TokenRetrievalError):
            if not self._options.allow_login:
                raise
        login_for(
            self._session(),
            self._profile.name,
            sso,
            open_browser=self._options.open_browser,
            stderr=self._messages,
            refused=refused,
            settings=self._options.settings,
            use_device_code=self._options.use_device_code,
        ).run()
        return role_credentials(self._session())

    def verify(self, keys) -> Verification:
        from awscli_sso_ext.credentials import caller_identity, profile_status
        from awscli_sso_ext.login import utc_now

        region = self._options.region or self._profile.region
        identity = caller_identity(self._session(), keys, region)
        status = profile_status(self._profile.sso, utc_now())
        return Verification(
            identity["Account"],
            identity["Arn"],
            status.token_expires_at,
            status.can_refresh,
            status.credentials_expire_at,
        )


def _root_login(root: Profile, options: SwitchOptions, login_messages) -> environment.Environment:
    """Log in the SSO profile at the root of a role chain when its session has lapsed; the
    prompt's pointers to that login."""
    from botocore.exceptions import BotoCoreError, ClientError

    from awscli_sso_ext.failures import explain
    from awscli_sso_ext.profiles import check_sso_settings

    assert root.sso is not None
    check_sso_settings(root.sso)
    try:
        token, _logged_in = _Flow(root, options, login_messages).login()
    except (BotoCoreError, ClientError) as error:
        raise explain(error, root.name, root.sso, options.settings) from None
    return _login_metadata(root, token)


def _login_metadata(profile: Profile, token) -> environment.Environment:
    from awscli_sso_ext import tokens
    from awscli_sso_ext.login import token_file

    assert profile.sso is not None
    return environment.login_metadata(token_file(profile.sso), tokens.format_time(token.expires_at))
