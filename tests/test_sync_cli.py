"""`aws sso-sync` on the real AWS CLI v1 and Debian's v2 against the sandbox organisation."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import HEADLESS, LOOPBACK_GUARD, clean_environment, require_program
from hostile import HOSTILE_NAME

from awscli_sso_ext.sandbox import Account, Sandbox, company_organisation

START_URL = "https://d-1234567890.awsapps.com/start"
FIRST_TIME = ("--sso-session", "corp", "--start-url", START_URL, "--sso-region", "eu-west-1")
SESSION_SECTION = (
    "\n[sso-session corp]\n"
    f"sso_start_url = {START_URL}\n"
    "sso_region = eu-west-1\n"
    "sso_registration_scopes = sso:account:access\n"
)
MINE = """\
# My own profiles: sync must not touch a byte of these.
[default]
region = us-east-1
output = json

[profile Platform.Team01Access]
; hand-written, with the name sync would give one of its roles
sso_session = corp
sso_account_id = 399999999992
sso_role_name = Team01Access

[profile audit-by-hand]
sso_session = corp
sso_account_id = 399999999993
sso_role_name = ReadOnlyAccess
region = us-west-2
"""
ROLES = sum(len(a.roles) for a in company_organisation().accounts)


@pytest.fixture
def company(tmp_path):
    """(sandbox, environment): the company organisation, reached only on loopback."""
    yield from _sandbox(tmp_path, company_organisation())


def _sandbox(tmp_path, organisation):
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(LOOPBACK_GUARD)
    with Sandbox(organisation, approve_after=0) as sandbox:
        environment = dict(sandbox.endpoint_environment())
        environment["AWS_DATA_PATH"] = str(sandbox.write_data_path(tmp_path / "data"))
        environment.update(PYTHONPATH=str(guard), AWS_EC2_METADATA_DISABLED="true")
        environment.update(HEADLESS)
        yield sandbox, environment


def sync(aws_cli, home, env, *args):
    result = aws_cli.run(home, "sso-sync", *args, env=env, stdin=subprocess.DEVNULL)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def sections_named(text: str) -> list[str]:
    return re.findall(r"(?m)^\[profile ([^\]]+)\]$", text)


def test_first_time_writes_the_session_and_a_usable_profile_per_role(aws_cli, home, company):
    sandbox, env = company
    config = aws_cli.write_config(home, MINE)
    original = config.read_bytes()
    code, out, err = sync(aws_cli, home, env, *FIRST_TIME)
    assert (code, out) == (0, ""), err
    text = config.read_text()
    # Everything that was there is there byte for byte, then the session, then the profiles.
    assert text.encode().startswith(original + SESSION_SECTION.encode())
    names = sections_named(text[len(original) :])
    assert len(names) == ROLES - 1  # one name is taken by a hand-written profile
    assert "Platform.Team01Access (hand-written profile)" in err
    assert f"33 accounts, {ROLES} roles: {ROLES - 1} added, 0 unchanged, 0 removed" in err
    assert "Listing roles" not in err  # the progress line is for terminals only
    # Pagination: 33 accounts and 45 roles of one account come in pages of 20.
    assert len(sandbox.calls("ListAccounts")) == 2
    platform = [
        c for c in sandbox.calls("ListAccountRoles") if c.params["accountId"].endswith("92")
    ]
    assert len(platform) == 3
    assert "Platform.Team45Access" in names and "Platform.Team02Access" in names
    # Names made safe; the account name twice gets the account ids appended.
    assert "Bob-s-Sandbox-dev.ReadOnlyAccess-399999999991" in names
    assert "Bob-s-Sandbox-dev.ReadOnlyAccess-310000000010" in names
    assert "Search-Ads-prod.AdministratorAccess" in names
    block = text.split("[profile Mobile-iOS-qa.ReadOnlyAccess]\n", 1)[1].split("\n\n")[0]
    assert block.splitlines() == [
        "sso_session = corp",
        "sso_account_id = 310000000024",
        "sso_role_name = ReadOnlyAccess",
        "region = eu-west-1",
        "sso_account_name = Mobile (iOS) qa",
        "sso_synced_by = aws sso-sync",
    ]
    # The CLI reads them back, sso-switch uses one (with STS), and so does boto3.
    got = aws_cli.run(
        home,
        "configure",
        "get",
        "sso_account_name",
        "--profile",
        "Bob-s-Sandbox-staging.ReadOnlyAccess",
    )
    assert got.stdout.decode().strip() == "Bob's Sandbox staging"
    switch = aws_cli.run(
        home,
        "sso-switch",
        "Platform.Team45Access",
        "--verify",
        env={**env, "AWS_SSO_EXT_SHELL": "bash"},
    )
    assert switch.returncode == 0, switch.stderr
    assert "export AWS_PROFILE=Platform.Team45Access" in switch.stdout.decode()
    assert "Verified with STS: account 399999999992" in switch.stderr.decode()
    assert "Log in" not in switch.stderr.decode()  # sync's login is the one sso-switch uses
    boto3 = subprocess.run(
        [
            sys.executable,
            "-c",
            "import boto3; s = boto3.Session(profile_name='Audit.ReadOnlyAccess');"
            "print(s.client('sts').get_caller_identity()['Account'])",
        ],
        env=clean_environment(home, **{**env, "PYTHONPATH": env["PYTHONPATH"]}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert boto3.stdout.strip() == "399999999993", boto3.stderr


def test_a_second_run_changes_no_byte_and_dry_run_shows_a_diff_that_patch_applies(
    aws_cli, home, company
):
    _, env = company
    config = aws_cli.write_config(home, MINE.rstrip("\n"))  # no final newline, even
    original = config.read_bytes()
    code, out, err = sync(aws_cli, home, env, "--dry-run", *FIRST_TIME)
    assert code == 0, err
    assert config.read_bytes() == original
    assert out.startswith(f"--- {config}\n+++ {config}\n")
    assert "Dry run" in err and f"{ROLES - 1} added" in err
    patched = home / "patched"
    patched.write_bytes(original)
    patch = require_program("patch")
    subprocess.run([patch, "-s", str(patched)], input=out.encode(), check=True)
    code, out, err = sync(aws_cli, home, env, *FIRST_TIME)
    assert (code, out) == (0, ""), err
    assert config.read_bytes() == patched.read_bytes()
    written, mtime = config.read_bytes(), config.stat().st_mtime_ns
    code, out, err = sync(aws_cli, home, env)  # the one sso-session is found by itself
    assert (code, out) == (0, ""), err
    assert f"0 added, {ROLES - 1} unchanged, 0 removed" in err
    assert (config.read_bytes(), config.stat().st_mtime_ns) == (written, mtime)
    code, out, err = sync(aws_cli, home, env, "--dry-run")
    assert (code, out) == (0, ""), err


GONE = """
[profile old.Admin]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
region = eu-west-1
sso_account_name = old
sso_synced_by = aws sso-sync

# kept: about the next one
[profile old-by-hand]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Admin
"""


def test_prune_without_terminal_needs_yes_and_removes_only_our_unassigned_profiles(
    aws_cli, home, company
):
    sandbox, env = company
    config = aws_cli.write_config(home, MINE + SESSION_SECTION + GONE)
    before = config.read_bytes()
    code, out, err = sync(aws_cli, home, env, "--prune")
    assert (code, out) == (2, ""), err
    assert "--yes" in err and "nothing was changed" in err
    assert config.read_bytes() == before
    assert sandbox.calls() == []  # refused before any login or listing
    code, out, err = sync(aws_cli, home, env)
    assert code == 0, err
    assert "no longer assigned (kept; --prune removes them): old.Admin" in err
    assert "[profile old.Admin]" in config.read_text()
    code, out, err = sync(aws_cli, home, env, "--prune", "--yes")
    assert (code, out) == (0, ""), err
    assert f"0 added, {ROLES - 1} unchanged, 1 removed" in err
    text = config.read_text()
    assert "[profile old.Admin]" not in text
    kept = "\n# kept: about the next one\n[profile old-by-hand]\n"
    assert MINE + SESSION_SECTION + kept in text


def test_prune_on_a_terminal_shows_the_profiles_and_asks(aws_cli, home, company):
    pexpect = pytest.importorskip("pexpect")
    _, env = company
    config = aws_cli.write_config(home, MINE + SESSION_SECTION + GONE)
    environment = clean_environment(home, **env)
    for answer, left in (("n", True), ("y", False)):
        child = pexpect.spawn(
            str(aws_cli.executable),
            ["sso-sync", "--prune"],
            env=environment,
            cwd=str(home),
            encoding="utf-8",
            timeout=60,
        )
        child.expect(r"--prune would remove these profiles from .*\r\n  old\.Admin\r\n")
        child.expect(r"Remove these 1 profiles\? \[y/N\] ")
        child.sendline(answer)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
        assert ("[profile old.Admin]" in config.read_text()) is left
        assert "[profile old-by-hand]" in config.read_text()


def test_first_time_on_a_terminal_asks_for_the_portal_until_the_answers_are_valid(
    aws_cli, home, company
):
    pexpect = pytest.importorskip("pexpect")
    _, env = company
    config = aws_cli.write_config(home, "")
    child = pexpect.spawn(
        str(aws_cli.executable),
        ["sso-sync"],
        env=clean_environment(home, **env),
        cwd=str(home),
        encoding="utf-8",
        timeout=60,
    )
    child.expect(r"SSO start URL \(https://\.\.\.\): ")
    child.sendline("http://d-1234567890.awsapps.com/start")
    child.expect("is not an https:// address with a host")
    child.expect(r"SSO start URL \(https://\.\.\.\): ")
    child.sendline(START_URL)
    child.expect(r"SSO region \(e\.g\. eu-west-1\): ")
    child.sendline("Ireland")
    child.expect("is not an AWS region name")
    child.sendline("eu-west-1")
    child.expect(r"\r\x1b\[KListing roles: \d+/\d+ accounts")
    child.expect(r"33 accounts, \d+ roles")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    text = config.read_text()
    assert "[sso-session d-1234567890]\nsso_start_url = " + START_URL in text
    assert len(sections_named(text)) == ROLES


def test_without_terminal_or_options_and_with_two_sessions_it_is_a_usage_error(
    aws_cli, home, company
):
    sandbox, env = company
    config = aws_cli.write_config(home, MINE)
    code, out, err = sync(aws_cli, home, env)
    assert (code, out) == (2, "")
    assert "no [sso-session] yet" in err and "--start-url" in err
    other = SESSION_SECTION.replace("corp", "other")
    config = aws_cli.write_config(home, MINE + SESSION_SECTION + other)
    before = config.read_bytes()
    code, out, err = sync(aws_cli, home, env)
    assert (code, out) == (2, "")
    assert "2 sso-sessions: corp, other" in err and "--sso-session" in err
    code, out, err = sync(aws_cli, home, env, "--sso-session", "corp", "--sso-region", "us-east-1")
    assert code == 2 and "sso_region = eu-west-1, not us-east-1" in err
    code, out, err = sync(aws_cli, home, env, "--profile-template", "{account}")
    assert code == 2 and "unknown fields: account" in err
    assert config.read_bytes() == before
    assert sandbox.calls() == []


def test_a_refused_login_leaves_the_file_as_it_was(aws_cli, home, company):
    sandbox, env = company
    config = aws_cli.write_config(home, MINE)
    before = config.read_bytes()
    sandbox.faults.inject("access_denied", operation="CreateToken")
    code, out, err = sync(aws_cli, home, env, *FIRST_TIME)
    assert (code, out) == (1, ""), err
    assert "The sign-in was refused in the browser." in err
    assert config.read_bytes() == before
    assert sorted(p.name for p in config.parent.iterdir()) == ["config", "sso"]


def test_no_login_fails_with_the_command_that_logs_in(aws_cli, home, company):
    _, env = company
    config = aws_cli.write_config(home, MINE)
    before = config.read_bytes()
    code, out, err = sync(aws_cli, home, env, "--no-login", *FIRST_TIME)
    assert (code, out) == (1, ""), err
    assert "Run `aws sso-sync` without --no-login to log in." in err
    assert config.read_bytes() == before


def test_throttled_and_slow_answers_are_waited_out(aws_cli, home, company):
    sandbox, env = company
    config = aws_cli.write_config(home, "")
    sandbox.faults.inject("throttled", times=12, operation="ListAccountRoles")
    # Four in a row for one call: more than botocore's 3 or 4 attempts by default.
    sandbox.faults.inject("throttled", times=4, operation="ListAccounts")
    sandbox.faults.slow(0.05, "ListAccountRoles")
    code, out, err = sync(aws_cli, home, env, *FIRST_TIME)
    assert (code, out) == (0, ""), err
    throttled = [c for c in sandbox.calls() if c.error == "TooManyRequestsException"]
    assert len(throttled) == 16
    assert len(sections_named(config.read_text())) == ROLES


HOSTILE_ACCOUNTS = (
    Account("377777777771", HOSTILE_NAME, "h1@example.com", ("Admin$(touch pwned-3)",)),
    Account("377777777772", "line\nbreak [profile x]\r\nsso_role_name = y", "h2@example.com"),
)


@pytest.fixture
def hostile_company(tmp_path):
    yield from _sandbox(tmp_path, company_organisation(HOSTILE_ACCOUNTS))


def test_hostile_account_and_role_names_become_safe_profiles(aws_cli, home, hostile_company):
    _, env = hostile_company
    config = aws_cli.write_config(home, "")
    code, out, err = sync(aws_cli, home, env, *FIRST_TIME, "--region", "ap-south-1")
    assert (code, out) == (0, ""), err
    text = config.read_text()
    names = sections_named(text)
    assert len(names) == ROLES + 3
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", name) for name in names)
    hostile = next(n for n in names if n.endswith(".Admin-touch-pwned-3-"))
    assert hostile == "x-touch-pwned-1-touch-pwned-2-HOME-a-root-n-.Admin-touch-pwned-3-"
    got = aws_cli.run(home, "configure", "get", "sso_account_name", "--profile", hostile)
    assert got.stdout.decode().rstrip("\n") == HOSTILE_NAME.strip()
    got = aws_cli.run(home, "configure", "get", "region", "--profile", hostile)
    assert got.stdout.decode().strip() == "ap-south-1"
    assert "[profile x]" not in text.replace("line break [profile x] sso_role_name = y", "")
    switch = aws_cli.run(home, "sso-switch", hostile, env={**env, "AWS_SSO_EXT_SHELL": "bash"})
    assert switch.returncode == 0, switch.stderr
    bash = require_program("bash")
    subprocess.run(
        [bash, "--noprofile", "--norc", "-c", 'eval "$CODE"'],
        env=clean_environment(home, CODE=switch.stdout.decode()),
        cwd=home,
        check=True,
    )
    assert not list(home.glob("pwned*")) and not list(home.glob("*/pwned*"))
    assert not os.path.exists(home / "pwned-3")


def test_a_new_user_without_profiles_is_pointed_at_sso_sync_not_configure_sso(aws_cli, home):
    aws_cli.write_config(home, "")
    result = aws_cli.run(home, "sso-switch", "prod", env={"AWS_SSO_EXT_SHELL": "bash"})
    assert (result.returncode, result.stdout) == (2, b"")
    stderr = result.stderr.decode()
    assert "`aws sso-sync --start-url URL --sso-region REGION`" in stderr
    assert "configure sso" not in stderr


def test_interrupted_while_listing_exits_130_and_leaves_the_file(aws_cli, home, company):
    sandbox, env = company
    config = aws_cli.write_config(home, MINE)
    before = config.read_bytes()
    sandbox.faults.slow(3, "ListAccountRoles")
    process = subprocess.Popen(
        [str(aws_cli.executable), "sso-sync", *FIRST_TIME],
        env=clean_environment(home, **env),
        cwd=home,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not sandbox.calls("ListAccountRoles") and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out) == (130, b""), err
    assert b"interrupted; nothing was changed" in err
    assert config.read_bytes() == before


def test_a_login_the_portal_refuses_is_renewed_once(aws_cli, home, company):
    from conftest import write_token

    sandbox, env = company
    config = aws_cli.write_config(home, SESSION_SECTION)
    write_token(home, "corp")  # valid until 2099 by its file, unknown to the portal
    code, out, err = sync(aws_cli, home, env)
    assert (code, out) == (0, ""), err
    assert "the SSO session was not accepted; logging in again." in err
    assert len(sandbox.calls("StartDeviceAuthorization")) == 1
    assert len(sections_named(config.read_text())) == ROLES
    code, out, err = sync(aws_cli, home, env, "--no-login")  # the new login is cached
    assert code == 0, err
    sandbox.revoke_tokens()
    code, out, err = sync(aws_cli, home, env, "--no-login")
    assert (code, out) == (1, "")
    assert "did not accept the login of sso-session corp" in err


def test_two_syncs_at_once_write_each_profile_once(aws_cli, home, company):
    sandbox, env = company
    config = aws_cli.write_config(home, MINE + SESSION_SECTION)
    assert sync(aws_cli, home, env, "--dry-run")[0] == 0  # logs in once, first
    sandbox.faults.slow(0.02, "ListAccountRoles")
    runs = [
        subprocess.Popen(
            [str(aws_cli.executable), "sso-sync"],
            env=clean_environment(home, **env),
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [(run.wait(timeout=60), run.stderr.read().decode()) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    names = sections_named(config.read_text())
    assert len(names) == len(set(names)) == ROLES - 1 + 2  # ours, and the two by hand
    assert MINE + SESSION_SECTION + "\n[profile " in config.read_text()


def test_status_shows_the_account_names_sync_kept(aws_cli, home, company):
    _, env = company
    aws_cli.write_config(home, MINE)
    code, _, err = sync(aws_cli, home, env, *FIRST_TIME)
    assert code == 0, err
    status = aws_cli.run(home, "sso-status", "--output", "json", env=env)
    assert status.returncode == 0, status.stderr
    rows = {row["profile"]: row for row in json.loads(status.stdout)["profiles"]}
    row = rows["Mobile-iOS-qa.ReadOnlyAccess"]
    assert (row["account_name"], row["account_id"], row["role_name"]) == (
        "Mobile (iOS) qa",
        "310000000024",
        "ReadOnlyAccess",
    )
    assert row["login"] == "valid"  # sync's login, seen from the cache
    assert rows["Bob-s-Sandbox-staging.ReadOnlyAccess"]["account_name"] == "Bob's Sandbox staging"
