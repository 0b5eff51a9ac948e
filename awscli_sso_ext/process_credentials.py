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

import json
import os
import shlex
import sys
import time
from collections import namedtuple

# Light modules only: every SDK call on such a profile pays for what is imported here
# (configparser and datetime only for files and times out of the ordinary).
from awscli_sso_ext.errors import EXIT_FAILED, EXIT_INTERRUPTED
from awscli_sso_ext.role_key_cache import credential_cache_file
from awscli_sso_ext.shell_formats import FORMATS, ProcessFormat

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
        if not all(isinstance(value, str) and value for value in values.values()):
            return None
        expires, values["AWS_CREDENTIAL_EXPIRATION"] = _expiry(values["AWS_CREDENTIAL_EXPIRATION"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if expires - now < CACHE_WINDOW_SECONDS:
        return None
    return FORMATS["process"].render(values)


def _expiry(text: str) -> tuple:
    """(epoch seconds, the CLI's form) of a cached expiry. botocore writes the CLI's own form
    (`2024-01-31T12:00:00Z`), read here with `time` alone; any other is left to times."""
    if (
        len(text) == 20
        and text[4] + text[7] + text[10] + text[13] + text[16] + text[19] == "--T::Z"
    ):
        fields = (text[0:4], text[5:7], text[8:10], text[11:13], text[14:16], text[17:19])
        if all(field.isdigit() and field.isascii() for field in fields):
            year, month, day, hour, minute, second = (int(field) for field in fields)
            # Days since 1970-01-01 (Howard Hinnant's days_from_civil), then seconds.
            year -= month <= 2
            era = year // 400
            day_of_era = (
                (year - era * 400) * 365
                + (year - era * 400) // 4
                - (year - era * 400) // 100
                + (153 * (month + (-3 if month > 2 else 9)) + 2) // 5
                + day
                - 1
            )
            epoch = ((era * 146097 + day_of_era - 719468) * 24 + hour) * 3600 + minute * 60 + second
            # Only a real date comes back the same: that refuses 2024-02-30 and 25:00:00.
            if time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)) == text:
                return epoch, text
    from awscli_sso_ext.times import format_time, parse_time

    moment = parse_time(text)
    return moment.timestamp(), format_time(moment)


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
    try:
        with open(path, "rb") as file:
            plain = plain_sections(file.read())
    except OSError:
        return None
    return plain if plain is not None else _parsed_sections(path)


def plain_sections(data: bytes) -> dict | None:
    """{section: {option: value}} exactly as configparser's RawConfigParser reads `data`, for
    the plain files people write; None (configparser must read it) when anything in it
    needs configparser's rules: a byte that isn't ASCII (it decodes by the locale), an
    indented line (a continuation), [DEFAULT], a section or option twice, a line that is
    neither a header nor `name = value` or `name: value`."""
    if not data.isascii():
        return None
    sections: dict = {}
    current = None
    # configparser reads the file in text mode: universal newlines, then lines at \n.
    for line in data.decode("ascii").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        value = line.strip()
        if not value or value[0] in "#;":
            continue  # what configparser skips (an indented comment too)
        if line[0] != value[0]:
            return None
        if value[0] == "[":
            # configparser takes `[x] more` for the section x too: only `[name]` is plain here.
            name = value[1:-1]
            if value[-1] != "]" or not name or name in sections or name == "DEFAULT":
                return None
            current = sections[name] = {}
            continue
        ends = [at for at in (value.find("="), value.find(":")) if at >= 0]
        if current is None or not ends:
            return None
        option = value[: min(ends)].rstrip().lower()
        if not option or option in current:
            return None
        current[option] = value[min(ends) + 1 :].strip()
    return sections


def _parsed_sections(path: str) -> dict | None:
    """_raw_sections by configparser itself, for a file plain_sections leaves to it."""
    import configparser

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
