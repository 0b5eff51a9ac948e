"""The profile model, read from real config files through the CLI's own botocore session."""

from __future__ import annotations

import botocore.session
import pytest
from hostile import HOSTILE_NAME, profile_header

from awscli_sso_ext.errors import ConfigError, UnknownProfileError
from awscli_sso_ext.profiles import ProfileBook, SsoTarget


def book(tmp_path, monkeypatch, config: str, credentials: str = "") -> ProfileBook:
    (tmp_path / "config").write_text(config, encoding="utf-8")
    (tmp_path / "credentials").write_text(credentials, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return ProfileBook.from_session(botocore.session.Session())


def test_session_style_and_legacy_profiles(tmp_path, monkeypatch):
    profiles = book(
        tmp_path,
        monkeypatch,
        "[profile new]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\nregion = eu-west-1\n"
        "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access, other:scope\n"
        "[profile old]\nsso_start_url = https://d-2.awsapps.com/start\nsso_region = eu-west-2\n"
        "sso_account_id = 2\nsso_role_name = Q\n",
    )
    new = profiles.get("new")
    assert new.region == "eu-west-1"
    assert new.sso == SsoTarget(
        "1",
        "R",
        "https://d-1.awsapps.com/start",
        "us-east-1",
        "corp",
        ("sso:account:access", "other:scope"),
    )
    old = profiles.get("old")
    assert old.region is None
    assert old.sso == SsoTarget("2", "Q", "https://d-2.awsapps.com/start", "eu-west-2", None, None)


def test_names_come_from_both_files_as_botocore_splits_them(tmp_path, monkeypatch):
    profiles = book(
        tmp_path,
        monkeypatch,
        f'[default]\n[profile "my team"]\n[profile un quoted]\n{profile_header(HOSTILE_NAME)}\n'
        "[sso-session corp]\nsso_start_url = x\n[plugins]\nx = y\n[services s]\n",
        "[static]\naws_access_key_id = A\n",
    )
    assert profiles.names() == sorted(["default", "my team", "static", HOSTILE_NAME])
    assert profiles.get(HOSTILE_NAME).sso is None
    assert profiles.get("static").region is None


def test_suggestions_prefer_prefixes_then_substrings_then_close_names(tmp_path, monkeypatch):
    profiles = book(
        tmp_path,
        monkeypatch,
        "".join(
            f"[profile {n}]\n" for n in ["staging", "staging-eu", "prod", "pre-staging", "stagnant"]
        ),
    )
    assert profiles.suggestions("stag") == ["staging", "staging-eu", "stagnant", "pre-staging"]
    assert profiles.suggestions("prdo") == ["prod"]
    with pytest.raises(UnknownProfileError) as error:
        profiles.get("prdo")
    assert error.value.fix == "Did you mean: 'prod'?"
    assert error.value.exit_code == 2


def test_no_profiles_at_all_says_how_to_add_one(tmp_path, monkeypatch):
    profiles = book(tmp_path, monkeypatch, "")
    with pytest.raises(UnknownProfileError, match="No profiles are configured"):
        profiles.get("prod")


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        (
            "[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n",
            "names sso_session = s, but there is no [sso-session s] section",
        ),
        (
            "[profile p]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n[sso-session s]\n"
            "sso_region = eu-west-1\n",
            "The [sso-session s] section in",
        ),
        (
            "[profile p]\nsso_start_url = https://d-1.awsapps.com/start\nsso_account_id = 1\n"
            "sso_role_name = R\n",
            "is an SSO profile but has no sso_region",
        ),
    ],
)
def test_broken_sso_configuration_is_a_config_error_naming_the_file(
    tmp_path, monkeypatch, config, problem
):
    profiles = book(tmp_path, monkeypatch, config)
    with pytest.raises(ConfigError) as error:
        profiles.get("p")
    assert problem in error.value.problem
    assert str(tmp_path / "config") in error.value.problem
    assert error.value.fix and error.value.exit_code == 2


@pytest.mark.parametrize(
    ("header", "name"),
    [("[profile my team]", "my team"), ("[profile it's]", "it's"), ("[profile  a\\]", "a\\")],
)
def test_a_header_botocore_ignores_is_reported_with_the_fix(tmp_path, monkeypatch, header, name):
    profiles = book(tmp_path, monkeypatch, f"{header}\nregion = eu-west-1\n[profile ok]\n")
    assert name not in profiles.names()
    with pytest.raises(ConfigError) as error:
        profiles.get(name)
    assert (
        f"The section {header.replace('  ', ' ')} in {tmp_path / 'config'} is ignored"
        in error.value.problem
    )
    fixed = error.value.fix.removeprefix("Write the header as ").removesuffix(".")
    assert (
        book(tmp_path, monkeypatch, f"{fixed}\nregion = eu-west-1\n").get(name).region
        == "eu-west-1"
    )
