"""Errors that name the key, the section, the file and the fix, before the network if they can."""

from __future__ import annotations

import pytest
from login_world import (
    DEV,
    LEGACY_TOKEN,
    START_URL,
    age_token,
    cache,
    snapshot,
)


def edit_config(world, old: str, new: str) -> str:
    path = world.home / ".aws" / "config"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return str(path)


# (profile, text in the config, its replacement, key, section)
BAD_SETTINGS = [
    ("dev", f"sso_account_id = {DEV}", "sso_account_id = abc", "sso_account_id", "[profile dev]"),
    (
        "dev",
        f"sso_account_id = {DEV}",
        "sso_account_id = 10472938475",
        "sso_account_id",
        "[profile dev]",
    ),
    (
        "dev",
        "sso_region = eu-west-1\nsso_registration_scopes",
        "sso_region = eu-west-1/../x\nsso_registration_scopes",
        "sso_region",
        "[sso-session corp]",
    ),
    (
        "legacy",
        "sso_region = eu-west-1\nsso_account_id",
        "sso_region = Ireland\nsso_account_id",
        "sso_region",
        "[profile legacy]",
    ),
    (
        "dev",
        f"sso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_registration_scopes",
        "sso_start_url = htps://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n"
        "sso_registration_scopes",
        "sso_start_url",
        "[sso-session corp]",
    ),
    (
        "legacy",
        f"sso_start_url = {START_URL}",
        "sso_start_url = https:///start",
        "sso_start_url",
        "[profile legacy]",
    ),
]


@pytest.mark.parametrize(("profile", "old", "new", "key", "section"), BAD_SETTINGS)
def test_a_bad_setting_is_exit_2_naming_key_section_and_file_before_the_network(
    world, profile, old, new, key, section
):
    config = edit_config(world, old, new)
    before = snapshot(world.home)
    for args in (("sso-switch", profile), ("sso-env", "--profile", profile, "--credentials")):
        result = world(*args, AWS_SSO_EXT_SHELL="bash")
        stderr = result.stderr.decode()
        assert (result.returncode, result.stdout) == (2, b""), stderr
        assert key in stderr and section in stderr and config in stderr, stderr
        assert "Traceback" not in stderr and "report it" not in stderr
    assert world.sandbox.calls() == []
    assert snapshot(world.home) == before


def test_a_start_url_the_server_refuses_carries_the_servers_message_and_the_key(world):
    config = edit_config(
        world,
        f"sso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_reg",
        f"sso_start_url = {START_URL.replace('start', 'strat')}\nsso_region = eu-west-1\nsso_reg",
    )
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert (result.returncode, result.stdout) == (1, b""), stderr
    assert "Invalid start url" in stderr  # the server's own words
    assert "sso_start_url" in stderr and "[sso-session corp]" in stderr and config in stderr


def test_a_switch_that_logged_in_checks_the_role_is_assigned(world):
    edit_config(world, "sso_role_name = ReadOnlyAccess", "sso_role_name = PowerUserAccess")
    before = snapshot(world.home)
    result = world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash")
    stderr = result.stderr.decode()
    assert (result.returncode, result.stdout) == (1, b""), stderr
    assert "PowerUserAccess" in stderr and DEV in stderr
    assert "AdministratorAccess, ReadOnlyAccess" in stderr  # the roles that are assigned
    assert "sso_role_name" in stderr
    assert len(world.sandbox.calls("ListAccountRoles")) == 1
    # The login itself was good and stays cached; only the shell was left as it was.
    changed = {k for k, v in snapshot(world.home).items() if before.get(k) != v}
    assert changed and all("/sso/cache/" in k for k in changed)


def test_a_switch_with_a_valid_login_makes_no_role_check(world):
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    world.sandbox.clear_calls()
    assert world("sso-switch", "dev", AWS_SSO_EXT_SHELL="bash").returncode == 0
    assert world.sandbox.calls() == []


def test_no_login_says_which_case_it_is(world):
    never = world("sso-switch", "legacy", "--no-login", AWS_SSO_EXT_SHELL="bash")
    assert never.returncode == 1
    assert "has no SSO login yet" in never.stderr.decode()
    assert world("sso-switch", "legacy", AWS_SSO_EXT_SHELL="bash").returncode == 0
    age_token(cache(world.home) / LEGACY_TOKEN, -5)
    expired = world("sso-switch", "legacy", "--no-login", AWS_SSO_EXT_SHELL="bash")
    assert expired.returncode == 1
    assert "expired at" in expired.stderr.decode()
    assert "(or one about to)" not in expired.stderr.decode()
    age_token(cache(world.home) / LEGACY_TOKEN, 5)
    soon = world("sso-switch", "legacy", "--no-login", AWS_SSO_EXT_SHELL="bash")
    assert soon.returncode == 1 and "expires in 4 minutes" in soon.stderr.decode()
    age_token(cache(world.home) / LEGACY_TOKEN, 60)
    world.sandbox.revoke_tokens()
    refused = world(
        "sso-env", "--profile", "legacy", "--credentials", "--no-login", "--format", "json"
    )
    stderr = refused.stderr.decode()
    assert refused.returncode == 1
    assert "was refused" in stderr and "expired (or one about to)" not in stderr
    for result in (never, expired, soon, refused):
        assert "Log in with: aws sso-switch legacy" in result.stderr.decode()
