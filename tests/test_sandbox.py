"""The sandbox Identity Center, driven over loopback by real botocore clients and AWS CLIs."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError
from conftest import V1_AWS, V2_AWS, clean_environment, require

from awscli_sso_ext.sandbox import Account, Lifetimes, Organisation, Sandbox, User
from awscli_sso_ext.sandbox.rulesets import API_VERSIONS

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SCOPES = ["sso:account:access"]
DEV, STAGING, PRODUCTION = "104729384756", "205938475610", "306182736455"
NO_RETRIES = {"total_max_attempts": 1}
LOOPBACK = ("127.0.0.1", "localhost")
# Made the sitecustomize of the real CLIs run here: a request that misses the sandbox fails
# before it leaves the machine. (A proxy can't serve as a guard: botocore picks the proxy
# for a rule-set endpoint from the service's usual AWS host, so it would catch the sandbox.)
LOOPBACK_GUARD = f"""\
import socket
_resolve = socket.getaddrinfo
def _loopback_only(host, *args, **kwargs):
    if host not in {LOOPBACK!r}:
        raise OSError("test guard: no traffic to " + str(host))
    return _resolve(host, *args, **kwargs)
socket.getaddrinfo = _loopback_only
"""


@pytest.fixture(scope="module")
def session():
    """One botocore session for the module (models load once), blind to the machine's config."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("AWS_")]:
            patch.delenv(name)
        patch.setenv("AWS_CONFIG_FILE", os.devnull)
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        resolve = socket.getaddrinfo

        def loopback_only(host, *args, **kwargs):
            assert host in LOOPBACK, f"a test tried to reach {host}"
            return resolve(host, *args, **kwargs)

        patch.setattr(socket, "getaddrinfo", loopback_only)
        yield botocore.session.Session()


@pytest.fixture
def sandbox():
    with Sandbox(approve_after=0) as running:
        yield running


def unsigned(session, sandbox, service, **config):
    config = Config(**{"signature_version": UNSIGNED, "retries": NO_RETRIES, **config})
    return session.create_client(
        service, region_name="eu-west-1", endpoint_url=sandbox.url, config=config
    )


@pytest.fixture
def oidc(session, sandbox):
    return unsigned(session, sandbox, "sso-oidc")


@pytest.fixture
def portal(session, sandbox):
    return unsigned(session, sandbox, "sso")


def register(oidc, scopes=SCOPES):
    return oidc.register_client(clientName="tests", clientType="public", scopes=scopes)


def start(oidc, sandbox, client):
    return oidc.start_device_authorization(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        startUrl=sandbox.organisation.start_url,
    )


def poll(oidc, client, device):
    return oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType=DEVICE_GRANT,
        deviceCode=device["deviceCode"],
    )


def refresh(oidc, client, token):
    return oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType="refresh_token",
        refreshToken=token["refreshToken"],
    )


def login(oidc, sandbox, scopes=SCOPES):
    """A whole device login with auto-approval: (client registration, CreateToken answer)."""
    client = register(oidc, scopes)
    return client, poll(oidc, client, start(oidc, sandbox, client))


def error_of(excinfo) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def role_credentials(portal, token, account=DEV, role="ReadOnlyAccess"):
    answer = portal.get_role_credentials(
        accessToken=token["accessToken"], accountId=account, roleName=role
    )
    return answer["roleCredentials"]


def sts_client(session, sandbox, credentials, **overrides):
    keys = {
        "aws_access_key_id": credentials["accessKeyId"],
        "aws_secret_access_key": credentials["secretAccessKey"],
        "aws_session_token": credentials["sessionToken"],
        **overrides,
    }
    return session.create_client(
        "sts",
        region_name="eu-west-1",
        endpoint_url=sandbox.url,
        config=Config(retries=NO_RETRIES),
        **keys,
    )


def credentials_environment(credentials) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": credentials["accessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["secretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["sessionToken"],
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


# --- OIDC: the device authorization flow --------------------------------------------------


def test_device_login_is_pending_until_approved_then_gives_tokens(oidc, sandbox):
    sandbox.approve_after = None
    client = register(oidc)
    assert client["clientSecretExpiresAt"] > client["clientIdIssuedAt"] >= time.time() - 5
    device = start(oidc, sandbox, client)
    assert device["verificationUriComplete"].startswith(f"{sandbox.url}/device?user_code=")
    assert device["verificationUriComplete"].endswith(device["userCode"])
    assert (device["expiresIn"], device["interval"]) == (600, 1)

    with pytest.raises(oidc.exceptions.AuthorizationPendingException):
        poll(oidc, client, device)
    sandbox.approve(device["userCode"])
    token = poll(oidc, client, device)

    assert token["tokenType"] == "Bearer"
    assert token["expiresIn"] == sandbox.lifetimes.access_token
    assert token["accessToken"] != token["refreshToken"]
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        poll(oidc, client, device)  # a device code is good for one token


def test_no_refresh_token_without_registration_scopes(oidc, sandbox):
    _, token = login(oidc, sandbox, scopes=[])
    assert token["accessToken"]
    assert "refreshToken" not in token


def test_refresh_token_grant_rotates_the_refresh_token(oidc, portal, sandbox):
    client, token = login(oidc, sandbox)
    renewed = refresh(oidc, client, token)
    assert renewed["accessToken"] != token["accessToken"]
    assert renewed["refreshToken"] != token["refreshToken"]
    assert portal.list_accounts(accessToken=renewed["accessToken"])["accountList"]
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh(oidc, client, token)


def test_refresh_token_only_works_for_its_own_client(oidc, sandbox):
    _, token = login(oidc, sandbox)
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh(oidc, register(oidc), token)


def test_denied_login_answers_access_denied(oidc, sandbox):
    sandbox.approve_after = None
    client = register(oidc)
    device = start(oidc, sandbox, client)
    sandbox.deny(device["userCode"])
    with pytest.raises(oidc.exceptions.AccessDeniedException):
        poll(oidc, client, device)


def test_opening_the_verification_page_approves(oidc, sandbox):
    sandbox.approve_after = None
    client = register(oidc)
    device = start(oidc, sandbox, client)
    with urllib.request.urlopen(device["verificationUriComplete"], timeout=5) as page:
        assert b"approved" in page.read()
    assert poll(oidc, client, device)["accessToken"]
    assert sandbox.calls("ApproveDevice")[0].status == 200
    with pytest.raises(urllib.error.HTTPError) as used:
        urllib.request.urlopen(device["verificationUriComplete"], timeout=5)
    assert used.value.code == 404


def test_approving_an_unknown_code_raises(sandbox):
    with pytest.raises(LookupError):
        sandbox.approve("BCDF-GHJK")


def test_device_code_expires_with_the_clock(oidc, sandbox):
    sandbox.approve_after = None
    client = register(oidc)
    device = start(oidc, sandbox, client)
    sandbox.advance_clock(device["expiresIn"] + 1)
    with pytest.raises(oidc.exceptions.ExpiredTokenException) as expired:
        poll(oidc, client, device)
    assert expired.value.response["error"] == "expired_token"


def test_client_registrations_expire(oidc, sandbox):
    client = register(oidc)
    sandbox.advance_clock(client["clientSecretExpiresAt"] - time.time() + 1)
    with pytest.raises(oidc.exceptions.InvalidClientException):
        start(oidc, sandbox, client)


def test_wrong_client_secret_is_an_invalid_client(oidc, sandbox):
    client = dict(register(oidc), clientSecret="not-the-secret")
    with pytest.raises(oidc.exceptions.InvalidClientException) as invalid:
        start(oidc, sandbox, client)
    assert error_of(invalid) == ("InvalidClientException", 401)


def test_unknown_start_url_is_an_invalid_request(oidc, sandbox):
    client = register(oidc)
    with pytest.raises(oidc.exceptions.InvalidRequestException):
        oidc.start_device_authorization(
            clientId=client["clientId"],
            clientSecret=client["clientSecret"],
            startUrl="https://d-0000000000.awsapps.com/start",
        )


def test_unsupported_grant_type(oidc, sandbox):
    client = register(oidc)
    with pytest.raises(oidc.exceptions.UnsupportedGrantTypeException):
        oidc.create_token(
            clientId=client["clientId"],
            clientSecret=client["clientSecret"],
            grantType="password",
        )


def test_missing_parameters_get_the_real_error(session, sandbox):
    """With botocore's own validation off, the sandbox checks requests as AWS does."""
    oidc = unsigned(session, sandbox, "sso-oidc", parameter_validation=False)
    portal = unsigned(session, sandbox, "sso", parameter_validation=False)
    with pytest.raises(oidc.exceptions.InvalidRequestException) as no_name:
        oidc.register_client(clientType="public")
    assert no_name.value.response["error"] == "invalid_request"
    client, token = login(oidc, sandbox)
    with pytest.raises(oidc.exceptions.InvalidRequestException):
        oidc.create_token(
            clientId=client["clientId"], clientSecret=client["clientSecret"], grantType=DEVICE_GRANT
        )
    with pytest.raises(portal.exceptions.InvalidRequestException) as no_role:
        portal.get_role_credentials(accessToken=token["accessToken"], accountId=DEV)
    assert error_of(no_role) == ("InvalidRequestException", 400)
    with pytest.raises(portal.exceptions.UnauthorizedException):
        portal.list_accounts()


# --- Portal ------------------------------------------------------------------------------


def test_list_accounts_paginates(oidc, portal, sandbox):
    _, token = login(oidc, sandbox)
    paginator = portal.get_paginator("list_accounts")
    pages = list(
        paginator.paginate(accessToken=token["accessToken"], PaginationConfig={"PageSize": 2})
    )
    assert [len(page["accountList"]) for page in pages] == [2, 2, 1]
    listed = [account["accountId"] for page in pages for account in page["accountList"]]
    assert listed == [account.account_id for account in sandbox.organisation.accounts]
    assert pages[0]["accountList"][0] == {
        "accountId": DEV,
        "accountName": "development",
        "emailAddress": "aws+development@example.com",
    }
    calls = sandbox.calls("ListAccounts")
    assert [call.params.get("nextToken") is None for call in calls] == [True, False, False]
    assert {call.params["maxResults"] for call in calls} == {"2"}


def test_a_bad_next_token_is_an_invalid_request(oidc, portal, sandbox):
    _, token = login(oidc, sandbox)
    with pytest.raises(portal.exceptions.InvalidRequestException):
        portal.list_accounts(accessToken=token["accessToken"], nextToken="not-a-token")


def test_list_account_roles(oidc, portal, sandbox):
    _, token = login(oidc, sandbox)
    roles = portal.list_account_roles(accessToken=token["accessToken"], accountId=STAGING)
    assert roles["roleList"] == [
        {"roleName": "AdministratorAccess", "accountId": STAGING},
        {"roleName": "ReadOnlyAccess", "accountId": STAGING},
    ]
    first = portal.list_account_roles(
        accessToken=token["accessToken"], accountId=STAGING, maxResults=1
    )
    assert len(first["roleList"]) == 1
    assert first["nextToken"]


def test_assignments_limit_what_a_user_sees(oidc, portal, sandbox):
    sandbox.approve_after = None
    client = register(oidc)
    device = start(oidc, sandbox, client)
    sandbox.approve(device["userCode"], user="bob@example.com")
    token = poll(oidc, client, device)

    accounts = portal.list_accounts(accessToken=token["accessToken"])["accountList"]
    assert [account["accountId"] for account in accounts] == [DEV, STAGING]
    roles = portal.list_account_roles(accessToken=token["accessToken"], accountId=DEV)
    assert [role["roleName"] for role in roles["roleList"]] == ["ReadOnlyAccess"]
    with pytest.raises(portal.exceptions.ResourceNotFoundException):
        portal.list_account_roles(accessToken=token["accessToken"], accountId=PRODUCTION)
    with pytest.raises(ClientError) as forbidden:
        role_credentials(portal, token, DEV, "AdministratorAccess")
    assert error_of(forbidden) == ("ForbiddenException", 403)


def test_a_custom_organisation(session):
    organisation = Organisation(
        start_url="https://d-9999999999.awsapps.com/start",
        region="us-east-1",
        accounts=(Account("111122223333", "lab", "lab@example.com", roles=("PowerUser",)),),
        users=(User("carol"),),
    )
    with Sandbox(organisation, approve_after=0, lifetimes=Lifetimes(access_token=60)) as sandbox:
        oidc = unsigned(session, sandbox, "sso-oidc")
        _, token = login(oidc, sandbox)
        assert token["expiresIn"] == 60
        portal = unsigned(session, sandbox, "sso")
        roles = portal.list_account_roles(
            accessToken=token["accessToken"], accountId="111122223333"
        )
        assert roles["roleList"] == [{"roleName": "PowerUser", "accountId": "111122223333"}]


def test_role_credentials_identify_the_caller_in_sts(session, oidc, portal, sandbox):
    _, token = login(oidc, sandbox)
    credentials = role_credentials(portal, token, PRODUCTION, "AdministratorAccess")
    assert credentials["accessKeyId"].startswith("ASIA")
    lifetime = credentials["expiration"] / 1000 - time.time()
    assert sandbox.lifetimes.role_credentials - 10 < lifetime <= sandbox.lifetimes.role_credentials

    identity = sts_client(session, sandbox, credentials).get_caller_identity()

    assert identity["Account"] == PRODUCTION
    prefix = f"arn:aws:sts::{PRODUCTION}:assumed-role/AWSReservedSSO_AdministratorAccess_"
    assert identity["Arn"].startswith(prefix)
    assert identity["Arn"].endswith("/alice@example.com")
    assert identity["UserId"].startswith("AROA")
    assert identity["UserId"].endswith(":alice@example.com")


def test_sts_refuses_keys_it_did_not_issue_or_that_expired(session, oidc, portal, sandbox):
    _, token = login(oidc, sandbox)
    credentials = role_credentials(portal, token)
    cases = [
        ({"aws_access_key_id": "ASIAUNKNOWNUNKNOWN00"}, ("InvalidClientTokenId", 403)),
        ({"aws_secret_access_key": "wrong" * 8}, ("SignatureDoesNotMatch", 403)),
        ({"aws_session_token": "wrong"}, ("InvalidClientTokenId", 403)),
    ]
    for overrides, expected in cases:
        with pytest.raises(ClientError) as refused:
            sts_client(session, sandbox, credentials, **overrides).get_caller_identity()
        assert error_of(refused) == expected, overrides
    sandbox.advance_clock(sandbox.lifetimes.role_credentials + 1)
    with pytest.raises(ClientError) as expired:
        sts_client(session, sandbox, credentials).get_caller_identity()
    assert error_of(expired) == ("ExpiredToken", 400)


def test_logout_revokes_the_session(oidc, portal, sandbox):
    client, token = login(oidc, sandbox)
    portal.logout(accessToken=token["accessToken"])
    with pytest.raises(portal.exceptions.UnauthorizedException) as revoked:
        portal.list_accounts(accessToken=token["accessToken"])
    assert error_of(revoked) == ("UnauthorizedException", 401)
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh(oidc, client, token)


def test_expired_access_token_is_a_401(oidc, portal, sandbox):
    _, token = login(oidc, sandbox)
    sandbox.advance_clock(token["expiresIn"] + 1)
    with pytest.raises(portal.exceptions.UnauthorizedException):
        role_credentials(portal, token)


def test_revoked_tokens_are_a_401_and_cannot_be_refreshed(oidc, portal, sandbox):
    client, token = login(oidc, sandbox)
    sandbox.revoke_tokens()
    with pytest.raises(portal.exceptions.UnauthorizedException):
        portal.list_accounts(accessToken=token["accessToken"])
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh(oidc, client, token)


def test_short_token_lifetime_set_while_running(oidc, sandbox):
    sandbox.lifetimes.access_token = 5
    assert login(oidc, sandbox)[1]["expiresIn"] == 5


# --- Fault injection ---------------------------------------------------------------------

# fault, operation, error code and status answered, exception class botocore raises
FAULT_CASES = [
    ("authorization_pending", "CreateToken", "AuthorizationPendingException", 400, None),
    ("slow_down", "CreateToken", "SlowDownException", 400, None),
    ("expired_token", "CreateToken", "ExpiredTokenException", 400, None),
    ("access_denied", "CreateToken", "AccessDeniedException", 400, None),
    ("internal_error", "CreateToken", "InternalServerException", 500, None),
    ("unauthorized", "ListAccounts", "UnauthorizedException", 401, None),
    ("throttled", "GetRoleCredentials", "TooManyRequestsException", 429, None),
    ("unavailable", "ListAccountRoles", "ServiceUnavailable", 503, "ClientError"),
    ("throttled", "GetCallerIdentity", "Throttling", 400, "ClientError"),
    ("internal_error", "GetCallerIdentity", "InternalFailure", 500, "ClientError"),
]


@pytest.mark.parametrize(("fault", "operation", "code", "status", "exception"), FAULT_CASES)
def test_injected_fault_answers_once_with_the_real_error(
    session, oidc, portal, sandbox, fault, operation, code, status, exception
):
    client, token = login(oidc, sandbox)
    credentials = role_credentials(portal, token)
    sts = sts_client(session, sandbox, credentials)
    calls = {
        "CreateToken": lambda: refresh(oidc, client, token),
        "ListAccounts": lambda: portal.list_accounts(accessToken=token["accessToken"]),
        "ListAccountRoles": lambda: portal.list_account_roles(
            accessToken=token["accessToken"], accountId=DEV
        ),
        "GetRoleCredentials": lambda: role_credentials(portal, token),
        "GetCallerIdentity": sts.get_caller_identity,
    }
    sandbox.faults.inject(fault, operation=operation)
    for other_operation, other_call in calls.items():
        if other_operation != operation:
            other_call()  # the fault is limited to its operation

    with pytest.raises(ClientError) as failed:
        calls[operation]()
    assert error_of(failed) == (code, status)
    assert type(failed.value).__name__ == (exception or code)  # the modelled class, if any
    assert sandbox.calls(operation)[-1].error == code
    calls[operation]()  # injected once: the next request is answered normally


def test_pending_polls_before_an_approved_login_completes(oidc, sandbox):
    client = register(oidc)
    device = start(oidc, sandbox, client)
    sandbox.faults.inject("authorization_pending", times=2, operation="CreateToken")
    for _ in range(2):
        with pytest.raises(oidc.exceptions.AuthorizationPendingException):
            poll(oidc, client, device)
    assert poll(oidc, client, device)["accessToken"]
    errors = [call.error for call in sandbox.calls("CreateToken")]
    assert errors == ["AuthorizationPendingException"] * 2 + [None]


def test_botocore_retries_a_503_and_the_fault_counts_each_attempt(session, oidc, sandbox):
    _, token = login(oidc, sandbox)
    portal = unsigned(
        session, sandbox, "sso", retries={"mode": "standard", "total_max_attempts": 2}
    )
    sandbox.faults.inject("unavailable", times=1, operation="ListAccounts")
    assert portal.list_accounts(accessToken=token["accessToken"])["accountList"]
    attempts = sandbox.calls("ListAccounts")
    assert [call.status for call in attempts] == [503, 200]
    assert "attempt=2" in attempts[1].headers["amz-sdk-request"]


def test_slow_answers_are_limited_to_their_operation(session, oidc, portal, sandbox):
    _, token = login(oidc, sandbox)
    sandbox.faults.slow(0.3, operation="ListAccounts")
    began = time.monotonic()
    portal.list_account_roles(accessToken=token["accessToken"], accountId=DEV)
    assert time.monotonic() - began < 0.3
    began = time.monotonic()
    portal.list_accounts(accessToken=token["accessToken"])
    assert time.monotonic() - began >= 0.3
    impatient = unsigned(session, sandbox, "sso", read_timeout=0.1)
    with pytest.raises(ReadTimeoutError):
        impatient.list_accounts(accessToken=token["accessToken"])
    sandbox.faults.clear()
    assert sandbox.faults.delay("ListAccounts") == 0


def test_unknown_fault_or_operation_is_refused(sandbox):
    with pytest.raises(ValueError, match="unknown fault"):
        sandbox.faults.inject("gremlins")
    with pytest.raises(ValueError, match="unknown operation"):
        sandbox.faults.inject("throttled", operation="ListBuckets")


# --- Request log -------------------------------------------------------------------------


def test_request_log_records_operations_and_hides_secrets(oidc, portal, sandbox):
    client, token = login(oidc, sandbox)
    portal.list_accounts(accessToken=token["accessToken"])
    assert [call.operation for call in sandbox.calls()] == [
        "RegisterClient",
        "StartDeviceAuthorization",
        "CreateToken",
        "ListAccounts",
    ]
    (create_token,) = sandbox.calls("CreateToken")
    assert create_token.params["grantType"] == DEVICE_GRANT
    assert create_token.params["clientId"] == client["clientId"]
    assert create_token.status == 200
    assert "botocore" in create_token.headers["user-agent"].lower()
    (list_accounts,) = sandbox.calls("ListAccounts")
    assert list_accounts.params["accessToken"] == token["accessToken"]
    shown = repr(sandbox.calls())
    for secret in (client["clientSecret"], token["accessToken"], token["refreshToken"]):
        assert secret not in shown
    sandbox.clear_calls()
    assert sandbox.calls() == []


def test_unknown_paths_are_a_404_in_the_log(sandbox):
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{sandbox.url}/nothing/here", timeout=5)
    assert missing.value.code == 404
    assert missing.value.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert sandbox.calls("Unknown")[0].status == 404


# --- Redirecting real clients -------------------------------------------------------------


def test_endpoint_environment_names_the_sandbox(sandbox):
    assert sandbox.endpoint_environment() == {
        "AWS_ENDPOINT_URL_SSO": sandbox.url,
        "AWS_ENDPOINT_URL_SSO_OIDC": sandbox.url,
        "AWS_ENDPOINT_URL_STS": sandbox.url,
    }


def test_data_path_redirects_a_client_created_without_endpoint_url(session, sandbox, tmp_path):
    folder = sandbox.write_data_path(tmp_path / "data")
    for service, version in API_VERSIONS.items():
        rules = json.loads((folder / service / version / "endpoint-rule-set-1.json").read_text())
        assert rules["rules"][0]["endpoint"]["url"] == sandbox.url
        loader = session.get_component("data_loader")
        assert loader.determine_latest_version(service, "service-2") == version
        debian = Path("/usr/lib/python3/dist-packages/awscli/botocore/data", service, version)
        assert debian.is_dir() or not V2_AWS.exists()

    redirected = botocore.session.Session()
    redirected.set_config_variable("data_path", str(folder))
    config = Config(signature_version=UNSIGNED, retries=NO_RETRIES)
    oidc = redirected.create_client("sso-oidc", region_name="eu-west-1", config=config)
    assert oidc.register_client(clientName="redirected", clientType="public")["clientId"]
    assert len(sandbox.calls("RegisterClient")) == 1


@pytest.mark.parametrize("cli", ["v1 with AWS_ENDPOINT_URL_STS", "Debian v2 with AWS_DATA_PATH"])
def test_real_aws_cli_reaches_the_sandbox(oidc, portal, sandbox, tmp_path, cli):
    executable = V1_AWS if cli.startswith("v1") else V2_AWS
    require(executable.exists(), str(executable))
    _, token = login(oidc, sandbox)
    credentials = role_credentials(portal, token, STAGING)
    redirect = (
        sandbox.endpoint_environment()
        if cli.startswith("v1")
        else {"AWS_DATA_PATH": str(sandbox.write_data_path(tmp_path / "data"))}
    )
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(LOOPBACK_GUARD)
    environment = clean_environment(
        tmp_path, PYTHONPATH=str(guard), **credentials_environment(credentials), **redirect
    )
    result = subprocess.run(
        [str(executable), "sts", "get-caller-identity", "--output", "json"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Account"] == STAGING
    assert sandbox.calls("GetCallerIdentity")[0].headers["user-agent"].startswith("aws-cli/")


# --- Running it ---------------------------------------------------------------------------


def test_stopping_leaves_no_thread_even_with_open_and_slow_requests(session):
    before = set(threading.enumerate())
    with Sandbox(approve_after=0) as sandbox:
        oidc = unsigned(session, sandbox, "sso-oidc")
        login(oidc, sandbox)  # leaves a keep-alive connection open
        sandbox.faults.slow(30, operation="ListAccounts")
        portal = unsigned(session, sandbox, "sso")
        outcome = []
        stuck = threading.Thread(target=lambda: outcome.append(call_quietly(portal)))
        stuck.start()
        while not sandbox.calls("ListAccounts"):
            time.sleep(0.01)
        began = time.monotonic()
    assert time.monotonic() - began < 5
    stuck.join(5)
    assert set(threading.enumerate()) == before
    assert outcome and isinstance(outcome[0], Exception)  # answered 401, or cut off


def call_quietly(portal) -> object:
    try:
        return portal.list_accounts(accessToken="not-a-token")
    except Exception as error:
        return error


@pytest.mark.parametrize(("stop_signal", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)])
def test_module_prints_exports_and_stops_cleanly(session, tmp_path, stop_signal, exit_code):
    process = subprocess.Popen(
        [sys.executable, "-m", "awscli_sso_ext.sandbox", "--approve-after", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_environment(tmp_path),
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        exports = dict(shlex.split(line)[1].split("=", 1) for line in lines)
        assert set(exports) == {
            "AWS_ENDPOINT_URL_SSO",
            "AWS_ENDPOINT_URL_SSO_OIDC",
            "AWS_ENDPOINT_URL_STS",
        }
        url = exports["AWS_ENDPOINT_URL_SSO_OIDC"]
        assert url.startswith("http://127.0.0.1:")
        config = Config(signature_version=UNSIGNED, retries=NO_RETRIES)
        oidc = session.create_client(
            "sso-oidc", region_name="eu-west-1", endpoint_url=url, config=config
        )
        assert oidc.register_client(clientName="cli", clientType="public")["clientId"]
        process.send_signal(stop_signal)
        assert process.wait(timeout=10) == exit_code
        errors = process.stderr.read()
        assert "Sandbox Identity Center at " + url in errors
        assert "RegisterClient -> 200" in errors
        assert "Traceback" not in errors
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()


def test_module_says_why_when_the_port_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "awscli_sso_ext.sandbox", "--port", str(port)],
            capture_output=True,
            text=True,
            env=clean_environment(tmp_path),
            timeout=30,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"can't listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_hung_operation_accepts_and_never_answers_until_stopped(session):
    with Sandbox(approve_after=0) as hung:
        hung.faults.hang(operation="RegisterClient")
        impatient = unsigned(session, hung, "sso-oidc", read_timeout=0.5)
        began = time.monotonic()
        with pytest.raises(ReadTimeoutError):
            register(impatient)
        assert time.monotonic() - began >= 0.5
        assert [call.status for call in hung.calls("RegisterClient")] == [None]  # never answered
        assert hung.faults.delay("RegisterClient") is None
        assert hung.faults.delay("CreateToken") == 0  # only that operation hangs
        began = time.monotonic()
    assert time.monotonic() - began < 5  # stopping wakes the hung request


@pytest.mark.parametrize(
    ("operation", "field", "value", "call"),
    [
        ("RegisterClient", "clientId", None, lambda oidc, sandbox: register(oidc)),
        ("RegisterClient", "clientSecret", 12345, lambda oidc, sandbox: register(oidc)),
        (
            "StartDeviceAuthorization",
            "deviceCode",
            None,
            lambda oidc, sandbox: start(oidc, sandbox, register(oidc)),
        ),
        ("CreateToken", "accessToken", ["a"], lambda oidc, sandbox: login(oidc, sandbox)[1]),
    ],
)
def test_a_malformed_answer_lacks_or_mistypes_one_field_once(
    oidc, sandbox, operation, field, value, call
):
    from awscli_sso_ext.sandbox import REMOVE

    sandbox.faults.malform(operation, field, REMOVE if value is None else value)
    answer = call(oidc, sandbox)
    if value is None:
        assert field not in answer
    else:
        assert answer[field] == value
    assert field in call(oidc, sandbox) and call(oidc, sandbox)[field] != value  # once only


def test_a_malformed_nested_field(oidc, portal, sandbox):
    _, token = login(oidc, sandbox)
    sandbox.faults.malform("GetRoleCredentials", "roleCredentials.sessionToken", 7)
    assert role_credentials(portal, token)["sessionToken"] == 7
    sandbox.faults.malform("GetRoleCredentials", "roleCredentials")
    answer = portal.get_role_credentials(
        accessToken=token["accessToken"], accountId=DEV, roleName="ReadOnlyAccess"
    )
    assert "roleCredentials" not in answer
    assert isinstance(role_credentials(portal, token)["expiration"], int)
    with pytest.raises(ValueError, match="unknown operation"):
        sandbox.faults.malform("ListBuckets", "Buckets")
