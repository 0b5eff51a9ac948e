"""What a switch sets and clears, as data: {name: value, or None to unset}. Knows no shell."""

from __future__ import annotations

from awscli_sso_ext.profiles import Profile

Environment = dict  # {variable name: value, or None meaning "unset it"}

PROFILE = "AWS_PROFILE"
PREVIOUS_PROFILE = "AWS_SSO_EXT_PREVIOUS_PROFILE"
REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")

# Each of these would silently beat the profile we switch to (FACTS.md): botocore prefers
# AWS_DEFAULT_PROFILE over AWS_PROFILE, and static keys beat any profile in every SDK.
# AWS_SECURITY_TOKEN is the old name some tools still read for the session token.
STALE_VARIABLES = (
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
)

# Metadata for the prompt; cleared when the profile has no SSO role so nothing stale shows.
SSO_METADATA = {
    "AWS_SSO_EXT_ACCOUNT": lambda sso: sso.account_id,
    "AWS_SSO_EXT_ROLE": lambda sso: sso.role_name,
    "AWS_SSO_EXT_SESSION": lambda sso: sso.session_name or sso.start_url,
    "AWS_SSO_EXT_START_URL": lambda sso: sso.start_url,
}
# Where the prompt reads the time left: the login's cache file, and its expiry when switched.
TOKEN_FILE = "AWS_SSO_EXT_TOKEN_FILE"
TOKEN_EXPIRATION = "AWS_SSO_EXT_EXPIRATION"
LOGIN_METADATA = (TOKEN_FILE, TOKEN_EXPIRATION)


def profile_environment(profile: Profile, region: str | None = None) -> Environment:
    """The variables that make every SDK and tool use `profile` (and `region`, if given)."""
    region = region or profile.region
    environment: Environment = {PROFILE: profile.name}
    environment.update(dict.fromkeys(REGION_VARIABLES, region))
    environment.update(dict.fromkeys(STALE_VARIABLES))
    for name, value_of in SSO_METADATA.items():
        environment[name] = value_of(profile.sso) if profile.sso else None
    environment.update(dict.fromkeys(LOGIN_METADATA))
    if profile.sso is None and (profile.login_session or profile.role_arn):
        from awscli_sso_ext.login_sessions import identity_of, prompt_metadata

        if profile.login_session:
            environment.update(prompt_metadata(profile.login_session))
        else:
            environment.update(identity_of(profile.role_arn or ""))
    return environment


def login_metadata(token_file: str, expires_at: str) -> Environment:
    """The prompt's pointers to the login: its cache file and its expiry (UTC, ISO 8601)."""
    return {TOKEN_FILE: token_file, TOKEN_EXPIRATION: expires_at}


def credential_variables(credentials) -> Environment:
    """The role's temporary keys, for tools that can't use an SSO profile themselves."""
    return {
        "AWS_ACCESS_KEY_ID": credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
        "AWS_SESSION_TOKEN": credentials.session_token,
        "AWS_CREDENTIAL_EXPIRATION": credentials.expiration_text(),
    }


def switch_environment(
    profile: Profile, region: str | None, current_profile: str | None
) -> Environment:
    """profile_environment, remembering the profile being left so `sso-switch -` can return."""
    environment = profile_environment(profile, region)
    if current_profile and current_profile != profile.name:
        environment[PREVIOUS_PROFILE] = current_profile
    return environment


def cleared_environment(current_profile: str | None = None) -> Environment:
    """Unsets everything a switch sets; remembers `current_profile` as the previous one if given."""
    names = (
        PROFILE,
        *REGION_VARIABLES,
        *STALE_VARIABLES,
        *SSO_METADATA,
        *LOGIN_METADATA,
        PREVIOUS_PROFILE,
    )
    environment: Environment = dict.fromkeys(names)
    if current_profile:
        environment[PREVIOUS_PROFILE] = current_profile
    return environment
