"""Turns what botocore raises while logging in or fetching credentials into one clear message."""

from __future__ import annotations

from awscli_sso_ext.errors import ConfigError, OperationFailed, SsoExtError
from awscli_sso_ext.shells import command_line

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
    return command_line(["aws", "sso-switch", profile_name])


def explain(error: BaseException, profile_name: str, sso=None, settings=None) -> SsoExtError:
    """An SsoExtError (message, fix, exit code) for `error`; secrets never enter the text.

    `settings` (clients.NetworkSettings) are the timeouts the call had, for a timeout's text.
    """
    from botocore import exceptions

    login = login_command(profile_name)
    details = {
        "login": login,
        "role": sso.role_name if sso else "?",
        "account": sso.account_id if sso else "?",
    }
    if isinstance(error, exceptions.ClientError):
        return _refusal(error, profile_name, sso, details)
    if isinstance(error, (exceptions.ConnectTimeoutError, exceptions.ReadTimeoutError)):
        return _timeout(error, settings)
    if isinstance(error, (exceptions.EndpointConnectionError, exceptions.ConnectionClosedError)):
        return OperationFailed(
            f"Could not reach AWS: {error}.",
            "Check your network, proxy (HTTPS_PROXY) and the profile's regions, then retry.",
        )
    if isinstance(error, exceptions.SSOTokenLoadError):
        return OperationFailed("There is no SSO login for this profile.", f"Log in: {login}")
    if isinstance(error, exceptions.UnauthorizedSSOTokenError):
        return OperationFailed(
            f"The SSO login of the profile {profile_name!r} was refused by IAM Identity "
            "Center: it is no longer valid (signed out elsewhere, revoked, or expired).",
            f"Log in with: {login}",
        )
    if isinstance(error, exceptions.TokenRetrievalError):
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


def _refusal(error, profile_name: str, sso, details: dict) -> SsoExtError:
    """A ClientError: the service's own message, and the setting to check when we know it."""
    response = error.response
    code = response.get("Error", {}).get("Code", "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    # OIDC puts its message in error_description, which botocore leaves out of Error.
    message = response.get("Error", {}).get("Message") or response.get("error_description") or ""
    said = f" ({message})" if message else ""
    if code in _SERVICE_ERRORS:
        problem, fix = _SERVICE_ERRORS[code]
        return OperationFailed(problem.format(**details), fix.format(**details))
    if status >= 500:
        return OperationFailed(
            f"AWS answered with a server error ({status} {code}){said}.",
            "This is on AWS's side; wait a little and run the command again.",
        )
    operation = getattr(error, "operation_name", "") or "the request"
    if sso is not None and operation == "StartDeviceAuthorization":
        return OperationFailed(
            f"IAM Identity Center refused the start URL {sso.start_url}: {code}{said}.",
            f"Check sso_start_url in {sso.login_section} of {sso.config_file}: it is your AWS "
            "access portal's address, like https://d-1234567890.awsapps.com/start.",
        )
    where = f" ({sso.profile_section} in {sso.config_file})" if sso is not None else ""
    return OperationFailed(
        f"AWS refused {operation}: {code or status}{said}.",
        f"Check the profile {profile_name!r}{where}.",
    )


def _timeout(error, settings) -> SsoExtError:
    """A connect or read timeout: which endpoint, how long each attempt waited, the option."""
    from botocore.exceptions import ConnectTimeoutError

    endpoint = getattr(error, "kwargs", {}).get("endpoint_url") or "the endpoint"
    connecting = isinstance(error, ConnectTimeoutError)
    option = "--cli-connect-timeout" if connecting else "--cli-read-timeout"
    seconds = None
    if settings is not None:
        seconds = settings.connect_timeout if connecting else settings.read_timeout
    waited = f" within {seconds:g} s" if seconds is not None else ""
    what = "accept the connection" if connecting else "answer"
    return OperationFailed(
        f"{endpoint} did not {what}{waited}, on any attempt.",
        "Check your network and proxy (HTTPS_PROXY) and the profile's sso_region; to wait "
        f"longer, run `aws {option} SECONDS ...` (0 waits forever).",
    )
