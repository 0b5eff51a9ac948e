"""The core without any command: (profile, options) -> environment, and the one exit mapping."""

from __future__ import annotations

import io
import os

import pytest
from conftest import write_token

from awscli_sso_ext import environment, exits
from awscli_sso_ext.errors import LoginNeeded, OperationFailed, UsageError
from awscli_sso_ext.profiles import ProfileBook
from awscli_sso_ext.shells import UnrepresentableValueError
from awscli_sso_ext.switching import SwitchOptions, build_environment
from awscli_sso_ext.tokens import CacheFolderError

CONFIG = """\
[profile staging]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
region = eu-central-1

[profile plain]
region = us-east-1

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
"""


@pytest.fixture
def book(tmp_path, monkeypatch):
    """The config above; no endpoint is set, so any network call would fail the test."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    config = tmp_path / "config"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    import botocore.session

    return ProfileBook.from_session(botocore.session.Session())


def test_a_cached_login_gives_the_whole_environment_in_one_build(book, tmp_path):
    token = write_token(tmp_path, "corp")
    messages = io.StringIO()
    options = SwitchOptions(region="eu-west-3", previous_profile="plain", allow_login=False)
    result = build_environment(book.get("staging"), options, messages)
    assert result.verification is None
    assert messages.getvalue() == ""
    variables = result.variables
    assert variables["AWS_PROFILE"] == "staging"
    assert variables["AWS_REGION"] == variables["AWS_DEFAULT_REGION"] == "eu-west-3"
    assert variables[environment.PREVIOUS_PROFILE] == "plain"
    assert variables["AWS_SSO_EXT_ACCOUNT"] == "111111111111"
    assert variables[environment.TOKEN_FILE] == str(token)
    assert variables[environment.TOKEN_EXPIRATION].startswith("2099-")
    assert all(variables[name] is None for name in environment.STALE_VARIABLES)


def test_a_lapsed_login_without_permission_to_log_in_is_login_needed(book):
    with pytest.raises(LoginNeeded, match="aws sso-switch staging"):
        build_environment(book.get("staging"), SwitchOptions(allow_login=False), io.StringIO())


def test_a_profile_without_sso_has_no_keys_to_fetch(book):
    plain = book.get("plain")
    assert build_environment(plain, SwitchOptions(), io.StringIO()).variables["AWS_PROFILE"] == (
        "plain"
    )
    for options in (SwitchOptions(credentials=True), SwitchOptions(verify=True)):
        with pytest.raises(UsageError, match="not an SSO profile"):
            build_environment(plain, options, io.StringIO())


def _permission_denied() -> OSError:
    return PermissionError(13, "Permission denied", "/home/me/.aws/sso/cache/x.json")


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (KeyboardInterrupt(), 130, "p: interrupted; nothing was changed."),
        (UsageError("Bad.", "Fix it."), 2, "p: Bad.\nFix it."),
        (OperationFailed("Refused."), 1, "p: Refused."),
        (
            UnrepresentableValueError("NUL in X."),
            2,
            "p: NUL in X.\nRename the profile in your AWS config.",
        ),
        (CacheFolderError("/c", "it is a file"), 1, None),
        (
            _permission_denied(),
            1,
            "p: could not use /home/me/.aws/sso/cache/x.json: Permission denied.\nAdvice.",
        ),
        (OSError("no such thing"), 1, "p: no such thing\nAdvice."),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else None,
)
def test_one_mapping_gives_each_failure_its_exit_status_and_message(error, code, message):
    got_code, got_message = exits.failure(error, "p", "Advice.")
    assert got_code == code
    if message is None:
        assert got_message == f"p: {error}"
    else:
        assert got_message == message
    stderr = io.StringIO()

    def fail() -> int:
        raise error

    assert exits.guarded(fail, "p", stderr, "Advice.") == code
    assert stderr.getvalue() == got_message + "\n"


def test_a_bug_is_not_dressed_up_as_a_failure():
    def bug() -> int:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        exits.guarded(bug, "p", io.StringIO(), "Advice.")
