"""`aws-sso-ext process` reads plain configs and the CLI's times as configparser and datetime do."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import clean_environment
from hypothesis import given, settings
from hypothesis import strategies as st
from process_runner import process

from awscli_sso_ext import process_credentials
from awscli_sso_ext.credentials import credential_cache_file
from awscli_sso_ext.times import format_time, parse_time

# Lines that are plain, and lines whose reading needs configparser's own rules.
LINES = [
    "[default]",
    "[profile dev]",
    '[profile "my team"]',
    "[sso-session corp]",
    "[profile a]b]",
    "[profile x] ; trailing text",
    "[x] = 1",
    "[]",
    "[DEFAULT]",
    " [profile indented]",
    "sso_session = corp",
    "SSO_Account_ID=1",
    "sso_role_name : Admin",
    "region = eu-west-1 # not a comment",
    "a = b = c",
    "a : b = c",
    "a = b : c",
    "empty =",
    " = no name",
    "novalue",
    "  continued = line",
    "\tindented",
    "# comment",
    "; comment",
    "   # indented comment",
    "",
    "   ",
    "\x0c",
    "caf\u00e9 = bar",
    "x = \x1f",
]


def configparsers_reading(tmp_path: Path, data: bytes) -> dict | None:
    path = tmp_path / "config"
    path.write_bytes(data)
    return process_credentials._parsed_sections(str(path))


@pytest.mark.parametrize("line", LINES)
def test_each_line_is_read_as_configparser_reads_it_or_left_to_it(tmp_path, line):
    data = f"[profile base]\nregion = us-east-1\n{line}\nafter = 1\n".encode()
    plain = process_credentials.plain_sections(data)
    if plain is not None:
        assert plain == configparsers_reading(tmp_path, data)


def test_the_usual_files_are_read_without_configparser(tmp_path):
    data = (
        b"[default]\r\nregion = eu-west-1\r\n\r\n# SSO\r\n[profile dev]\r\nsso_session = corp\r\n"
        b"sso_account_id = 1\r\nsso_role_name = R\r\n[sso-session corp]\r\n"
        b"sso_start_url = https://d-1234567890.awsapps.com/start\r\nsso_region: eu-west-1\r\n"
    )
    plain = process_credentials.plain_sections(data)
    assert plain is not None and plain == configparsers_reading(tmp_path, data)
    assert plain["sso-session corp"]["sso_region"] == "eu-west-1"


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.sampled_from(LINES), max_size=12),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_mix_of_lines_is_read_as_configparser_reads_it_or_left_to_it(
    tmp_path_factory, lines, ending
):
    data = ending.join(lines).encode()
    plain = process_credentials.plain_sections(data)
    if plain is not None:
        assert plain == configparsers_reading(tmp_path_factory.mktemp("ini"), data)


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_the_clis_times_are_read_as_times_reads_them(moment):
    text = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    expected = parse_time(text)
    assert process_credentials._expiry(text) == (expected.timestamp(), format_time(expected))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-31T12:00:00+00:00", "2024-01-31T12:00:00Z"),
        ("2024-01-31T13:00:00.5+01:00", "2024-01-31T12:00:00Z"),
        ("2024-01-31 12:00:00 UTC", "2024-01-31T12:00:00Z"),
    ],
)
def test_other_forms_are_left_to_times(text, expected):
    assert process_credentials._expiry(text)[1] == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-30T00:00:00Z",
        "2024-01-31T25:00:00Z",
        "2024-01-31T12:00:60Z",
    ],
)
def test_impossible_times_are_refused(text):
    with pytest.raises(ValueError):
        process_credentials._expiry(text)


def test_a_call_with_cached_keys_imports_no_configparser_datetime_or_openssl(home):
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(
        "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
        "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = eu-west-1\n"
    )
    env = clean_environment(home)
    target = process_credentials.SsoRole(
        "1", "R", "https://d-1234567890.awsapps.com/start", "eu-west-1", "corp"
    )
    cache = home / ".aws" / "cli" / "cache" / Path(credential_cache_file(target)).name
    cache.parent.mkdir(parents=True)
    expiry = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    keys = {
        "AccessKeyId": "AKIA",
        "SecretAccessKey": "s",
        "SessionToken": "t",
        "Expiration": expiry,
    }
    cache.write_text(json.dumps({"ProviderType": "sso", "Credentials": keys}))
    result = process(env, "dev", python_flags=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Expiration"] == expiry
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert not imported & {"configparser", "datetime", "_datetime", "_hashlib", "hashlib"}
