"""Start URLs on a custom domain: followed to the AWS portal, whose region is taken."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import HEADLESS, LOOPBACK_GUARD

from awscli_sso_ext import tokens

PORTAL = "https://ssoins-7223a5e8f1c3b9d2.portal.us-east-2.app.aws"
DEV = "104729384756"


@pytest.fixture
def vanity(aws_cli, home, tmp_path):
    """(run, sandbox, vanity host): a sandbox whose portal is in us-east-2, and a config
    whose sso-session names the custom domain and eu-west-1."""
    from awscli_sso_ext.sandbox import Sandbox, default_organisation

    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(LOOPBACK_GUARD)
    organisation = replace(default_organisation(), start_url=PORTAL, region="us-east-2")
    with Sandbox(organisation, approve_after=0) as sandbox:
        host = sandbox.vanity_host(tmp_path / "tls")
        aws_cli.write_config(
            home,
            f"[profile dev]\nsso_session = corp\nsso_account_id = {DEV}\n"
            "sso_role_name = ReadOnlyAccess\n\n"
            f"[sso-session corp]\nsso_start_url = {host.url}\nsso_region = eu-west-1\n"
            "sso_registration_scopes = sso:account:access\n",
        )
        environment = {
            **sandbox.endpoint_environment(),
            **HEADLESS,
            "AWS_DATA_PATH": str(sandbox.write_data_path(tmp_path / "data")),
            "AWS_CA_BUNDLE": host.ca_bundle,
            "PYTHONPATH": str(guard),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_SSO_EXT_SHELL": "bash",
        }

        def run(*args, **extra):
            return aws_cli.run(home, *args, env={**environment, **extra})

        yield run, sandbox, host


def test_a_vanity_start_url_is_resolved_and_its_region_taken(vanity, home):
    run, sandbox, host = vanity
    mode = (home / ".aws" / "config").stat().st_mode & 0o777
    result = run("sso-switch", "dev")
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert host.requests == [("HEAD", "/start")]
    assert f"The start URL {host.url} leads to {PORTAL}." in stderr
    assert "Its portal is in us-east-2, not in eu-west-1" in stderr
    (start,) = sandbox.calls("StartDeviceAuthorization")
    assert start.params["startUrl"] == PORTAL  # the resolved URL, as CLI v2 sends it
    # Cached where the CLI caches it: under the session's name, the configured URL inside.
    cached = home / ".aws" / "sso" / "cache" / (tokens.token_cache_key(host.url, "corp") + ".json")
    written = json.loads(cached.read_text())
    assert written["startUrl"] == host.url and written["region"] == "us-east-2"
    registration = tokens.registration_path(
        host.url, "us-east-2", "corp", ["sso:account:access"], str(cached.parent)
    )
    assert json.loads(Path(registration).read_text())["clientId"] == written["clientId"]
    assert "export AWS_PROFILE=dev" in result.stdout.decode().splitlines()
    # sso_region is rewritten as `aws sso login` does, that one line only, the old file kept.
    config = home / ".aws" / "config"
    assert f"Set sso_region = us-east-2 in [sso-session corp] of {config}." in stderr
    backup = config.with_name("config.sso-sync.bak")
    assert config.read_text() == backup.read_text().replace(
        "sso_region = eu-west-1", "sso_region = us-east-2"
    )
    assert (config.stat().st_mode & 0o777, backup.stat().st_mode & 0o777) == (mode, 0o600)
    # Role keys now come from the portal's region, through botocore's own SSO provider.
    keys = run("sts", "get-caller-identity", "--profile", "dev", "--region", "us-east-2")
    assert keys.returncode == 0, keys.stderr.decode()
    assert json.loads(keys.stdout)["Account"] == DEV
    assert sandbox.calls("GetRoleCredentials")


def test_get_is_tried_when_head_is_refused(vanity, home, tmp_path):
    run, sandbox, first = vanity
    host = sandbox.vanity_host(tmp_path / "tls-get", allow_head=False)
    config = home / ".aws" / "config"
    config.write_text(config.read_text().replace(first.url, host.url))
    result = run("sso-switch", "dev", AWS_CA_BUNDLE=host.ca_bundle)
    assert result.returncode == 0, result.stderr.decode()
    assert host.requests == [("HEAD", "/start"), ("GET", "/start")]
    assert sandbox.calls("StartDeviceAuthorization")[0].params["startUrl"] == PORTAL


def test_a_vanity_host_whose_certificate_is_not_trusted_fails_and_saves_nothing(vanity, home):
    run, sandbox, host = vanity
    result = run("sso-switch", "dev", AWS_CA_BUNDLE="")  # its certificate is not trusted
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert f"The start URL {host.url} can't be reached to find its AWS access portal" in stderr
    assert result.stdout == b"" and not sandbox.calls("StartDeviceAuthorization")
    assert not list((home / ".aws" / "sso" / "cache").glob("*.json"))


@pytest.mark.parametrize(
    "start_url",
    ["http://sso.example.com/start", "sso.example.com/start"],
    ids=["http", "no-scheme"],
)
def test_a_start_url_that_is_not_https_is_refused_before_any_request(vanity, home, start_url):
    run, sandbox, host = vanity
    config = home / ".aws" / "config"
    config.write_text(config.read_text().replace(host.url, start_url))
    before = sorted(str(p) for p in (home / ".aws").rglob("*"))
    result = run("sso-switch", "dev")
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "sso_start_url" in stderr and "https://" in stderr and start_url in stderr
    assert result.stdout == b"" and not sandbox.calls() and not host.requests
    assert sorted(str(p) for p in (home / ".aws").rglob("*")) == before


@pytest.mark.parametrize(
    ("host", "aws", "region"),
    [
        ("d-1234567890.awsapps.com", True, None),
        ("D-1234567890.AWSAPPS.COM.", True, None),
        ("ssoins-7223a5e8f1c3b9d2.portal.us-east-2.app.aws", True, "us-east-2"),
        ("ssoins-1.eu-central-1.portal.amazonaws.com", True, "eu-central-1"),
        ("ssoins-1.cn-north-1.portal.amazonaws.com.cn", True, "cn-north-1"),
        ("identitycenter.amazonaws.com", True, None),
        ("evilawsapps.com", False, None),
        ("d-1234567890.awsapps.com.attacker.example", False, None),
        ("portal.us-east-2.app.aws.attacker.example", False, None),
        ("sso.example.com", False, None),
    ],
)
def test_which_hosts_are_the_aws_portal_and_their_region(host, aws, region):
    from awscli_sso_ext.vanity import is_aws_host, region_of

    assert is_aws_host(host) is aws
    assert region_of(host) == region


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("https://login.attacker.example/start", "which is not an https:// address of the AWS"),
        ("http://d-1234567890.awsapps.com/start", "which is not an https:// address of the AWS"),
    ],
    ids=["not-aws", "not-https"],
)
def test_a_vanity_url_leading_anywhere_but_the_https_portal_is_refused(tmp_path, target, problem):
    from awscli_sso_ext.errors import OperationFailed
    from awscli_sso_ext.sandbox.vanity_host import VanityHost
    from awscli_sso_ext.vanity import resolve

    host = VanityHost(tmp_path, target)
    try:
        with pytest.raises(OperationFailed, match=problem):
            resolve(host.url, "eu-west-1", where="[sso-session corp]", ca_bundle=host.ca_bundle)
        assert host.requests == [("HEAD", "/start")]
    finally:
        host.stop()


def test_a_vanity_host_that_never_answers_is_bounded_by_the_timeout(tmp_path):
    import socket
    import time

    from awscli_sso_ext.errors import OperationFailed
    from awscli_sso_ext.vanity import resolve

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never speaks TLS
    try:
        began = time.monotonic()
        with pytest.raises(OperationFailed, match="can't be reached"):
            resolve(
                f"https://localhost:{silent.getsockname()[1]}/start",
                "eu-west-1",
                where="x",
                timeout=1,
            )
        assert time.monotonic() - began < 10
    finally:
        silent.close()
