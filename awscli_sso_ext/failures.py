"""Turns what botocore raises while logging in or fetching credentials into one clear message."""

from __future__ import annotations

import shlex

from awscli_sso_ext.errors import ConfigError, OperationFailed, SsoExtError

# ClientError codes of the OIDC service, the portal and STS: (what happened, what to do).
_SERVICE_ERRORS = {
    "ExpiredTokenException": (
        "The sign-in code expired before it was approved in the browser.",
        "Run the command again and approve the new code within its lifetime.",
    ),
    "AccessDeniedException": (
        "The sign-in was refused in the browser.",
        "Run the command again and choose Allow, or ask your administrator for access.",
    ),
    "InvalidClientException": (
        "IAM Identity Center no longer accepts this tool's client registration.",
        "Run the command again: a new registration is made when the old one is refused.",
    ),
    "InvalidGrantException": (
        "IAM Identity Center refused the sign-in grant (it was used, revoked or expired).",
        "Run the command again to sign in afresh.",
    ),
    "UnauthorizedException": (
        "The SSO session is no longer valid (signed out elsewhere, revoked, or expired).",
        "Log in again: {login}",
    ),
    "ForbiddenException": (
        "IAM Identity Center refused role {role} in account {account} to this user.",
        "Choose a profile with a role you are assigned, or ask your administrator.",
    ),
    "ResourceNotFoundException": (
        "IAM Identity Center knows no role {role} in account {account}.",
        "Check sso_account_id and sso_role_name of the profile in your AWS config.",
    ),
    "TooManyRequestsException": (
        "IAM Identity Center is throttling requests (TooManyRequests).",
        "Wait a minute and run the command again.",
    ),
    "ThrottlingException": (
        "AWS is throttling requests (Throttling).",
        "Wait a minute and run the command again.",
    ),
    "InvalidClientTokenId": (
        "STS does not recognise the role credentials.",
        "Run `aws sso-switch --verify` again after logging in: {login}",
    ),
    "ExpiredToken": (
        "The role credentials have expired.",
        "Run the command again to fetch new ones.",
    ),
}


def login_command(profile_name: str) -> str:
    """The exact command that logs this profile in, quoted for a POSIX shell."""
    return f"aws sso-switch {shlex.quote(profile_name)}"


def explain(error: BaseException, profile_name: str, sso=None) -> SsoExtError:
    """An SsoExtError (message, fix, exit code) for `error`; secrets never enter the text."""
    from botocore import exceptions

    login = login_command(profile_name)
    details = {
        "login": login,
        "role": sso.role_name if sso else "?",
        "account": sso.account_id if sso else "?",
    }
    if isinstance(error, exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in _SERVICE_ERRORS:
            problem, fix = _SERVICE_ERRORS[code]
            return OperationFailed(problem.format(**details), fix.format(**details))
        if status >= 500:
            return OperationFailed(
                f"AWS answered with a server error ({status} {code}).",
                "This is on AWS's side; wait a little and run the command again.",
            )
        return OperationFailed(
            f"AWS refused the request: {code or status}.", f"Check the profile {profile_name!r}."
        )
    if isinstance(
        error,
        (
            exceptions.EndpointConnectionError,
            exceptions.ConnectTimeoutError,
            exceptions.ReadTimeoutError,
            exceptions.ConnectionClosedError,
        ),
    ):
        return OperationFailed(
            f"Could not reach AWS: {error}.",
            "Check your network, proxy (HTTPS_PROXY) and the profile's regions, then retry.",
        )
    if isinstance(error, exceptions.SSOTokenLoadError):
        return OperationFailed("There is no SSO login for this profile.", f"Log in: {login}")
    if isinstance(error, (exceptions.UnauthorizedSSOTokenError, exceptions.TokenRetrievalError)):
        return OperationFailed(
            "The SSO session has expired and could not be renewed.", f"Log in again: {login}"
        )
    if isinstance(error, exceptions.InvalidConfigError):
        return ConfigError(
            f"The AWS config is not valid for {profile_name!r}: {error}",
            "Fix the profile in your AWS config file.",
        )
    if isinstance(error, exceptions.ProfileNotFound):
        return ConfigError(f"{error}", "Check the profile name against your AWS config.")
    return OperationFailed(
        f"Unexpected {type(error).__name__} from botocore: {error}",
        "Run the command again with --debug and report it if it persists.",
    )
