"""`aws-sso-ext process PROFILE`: credential_process JSON from the role-key cache, stdlib only."""

# An SDK runs a profile's ``credential_process`` every time it needs keys; going through
# `aws sso-env --format process` costs a full start of the AWS CLI each time. Here the profile
# is read from the config and credentials files as botocore reads them, the role's keys are
# looked up in the cache botocore's SSO provider and AWS CLI v2 share (~/.aws/cli/cache, under
# the key botocore computes), and while they are good for at least botocore's own window (15
# minutes: the keys the plugin would hand out are then these same keys) they are printed as
# the plugin prints them. Anything else - no such profile, no SSO, nothing cached, keys about
# to expire, a file that can't be read - goes the full way: `aws sso-env --profile PROFILE
# --format process` (login when needed, fetch, cache), whose output and exit status are ours.

from __future__ import annotations

import configparser
import json
import os
import shlex
import sys
import time
from collections import namedtuple

# Light modules only: every SDK call on such a profile pays for what is imported here.
from awscli_sso_ext.errors import EXIT_FAILED, EXIT_INTERRUPTED
from awscli_sso_ext.role_key_cache import credential_cache_file
from awscli_sso_ext.shell_formats import FORMATS, ProcessFormat
from awscli_sso_ext.times import format_time, parse_time

CACHE_WINDOW_SECONDS = 15 * 60
"""botocore's SSO provider fetches new keys when the cached ones have less than this left."""

SsoRole = namedtuple("SsoRole", "account_id role_name start_url sso_region session_name")
"""An SSO profile's role, with the fields of profiles.SsoTarget that locate its keys."""


def run(profile: str, stdout=None, stderr=None) -> int:
    """Print the profile's keys as credential_process JSON; exit status as the plugin's."""
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    text = cached_answer(profile, time.time())
    if text is not None:
        stdout.write(text)
        stdout.flush()
        return 0
    return full_path(profile, stdout, stderr)


def cached_answer(profile: str, now: float) -> str | None:
    """The JSON the plugin would print now, from the cache alone; None when it can't tell."""
    target = sso_target(profile)
    if target is None:
        return None
    try:
        with open(credential_cache_file(target), encoding="utf-8") as cached:
            keys = json.load(cached)["Credentials"]
        values = {name: keys[key] for key, name in ProcessFormat.KEYS.items()}
        expiration = parse_time(values["AWS_CREDENTIAL_EXPIRATION"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(value, str) and value for value in values.values()):
        return None
    if expiration.timestamp() - now < CACHE_WINDOW_SECONDS:
        return None
    values["AWS_CREDENTIAL_EXPIRATION"] = format_time(expiration)
    return FORMATS["process"].render(values)


def sso_target(profile: str) -> SsoRole | None:
    """The profile's SSO role as botocore reads the files; None unless it is a complete one."""
    profiles, sessions = _profiles_and_sessions()
    if profiles is None:
        return None
    settings = profiles.get(profile)
    if settings is None:
        return None
    session_name = settings.get("sso_session")
    if session_name is not None:
        session = sessions.get(session_name)
        if not isinstance(session, dict):
            return None
        start_url, region = session.get("sso_start_url"), session.get("sso_region")
    elif "sso_start_url" in settings:
        start_url, region = settings.get("sso_start_url"), settings.get("sso_region")
    else:
        return None
    account, role = settings.get("sso_account_id"), settings.get("sso_role_name")
    fields = (start_url, region, account, role)
    if not all(isinstance(value, str) and value for value in fields):
        return None  # the plugin names what is missing
    if session_name is not None and not isinstance(session_name, str):
        return None
    return SsoRole(str(account), str(role), str(start_url), str(region), session_name)


def _profiles_and_sessions():
    """(profiles, sso-sessions) as botocore's session.full_config has them; (None, None) when
    a file can't be parsed (the plugin then says what is wrong)."""
    config = _raw_sections(_path("AWS_CONFIG_FILE", "~/.aws/config"))
    credentials = _raw_sections(_path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"))
    if config is None or credentials is None:
        return None, None
    profiles: dict = {}
    sessions: dict = {}
    for section, values in config.items():
        # botocore's order of tests, prefixes and all.
        if section.startswith("profile"):
            profiles.update(_named(section, values))
        elif section.startswith("sso-session"):
            sessions.update(_named(section, values))
        elif section == "default":
            profiles["default"] = values
    for section, values in credentials.items():
        if section in profiles:
            profiles[section].update(values)
        else:
            profiles[section] = values
    return profiles, sessions


def _path(variable: str, default: str) -> str:
    return os.path.expanduser(os.path.expandvars(os.environ.get(variable, default)))


def _raw_sections(path: str) -> dict | None:
    """{section: {option: value}} as botocore's raw parse gives it ({} without the file);
    an indented block stays text here, and so is never taken for a setting we use."""
    if not os.path.isfile(path):
        return {}
    parser = configparser.RawConfigParser()
    try:
        parser.read([path])
    except (configparser.Error, UnicodeDecodeError):
        return None
    sections: dict = {}
    for section in parser.sections():
        sections[section] = {}
        for option in parser.options(section):
            value = parser.get(section, option)
            if not value.startswith("\n"):
                sections[section][option] = value
            elif any("=" not in line for line in value.split("\n") if line.strip()):
                return None  # botocore refuses the whole file
    return sections


def _named(section: str, values: dict) -> dict:
    """botocore's reading of `[profile NAME]`: split shell-style, exactly two words."""
    try:
        words = shlex.split(section)
    except ValueError:
        return {}
    return {words[1]: values} if len(words) == 2 else {}


def full_path(profile: str, stdout, stderr) -> int:
    """`aws sso-env --profile PROFILE --format process`, its output and exit status ours."""
    command = ["aws", "sso-env", "--profile", profile, "--format", "process"]
    stdout.flush()
    stderr.flush()
    try:
        if os.name == "posix" and stdout is sys.stdout and stderr is sys.stderr:
            os.execvp(command[0], command)  # returns only on failure
        import subprocess

        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        stderr.write(
            "aws-sso-ext process: there is no `aws` on PATH to log in and fetch the keys.\n"
            "Install the AWS CLI, then run `aws-sso-ext setup` to register the plugin.\n"
        )
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    stdout.write(result.stdout)
    stderr.write(result.stderr)
    return result.returncode
