"""The profile model: profiles, their regions and SSO targets, read from the host's session."""

from __future__ import annotations

import difflib
import os
import re
import shlex
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from awscli_sso_ext.errors import ConfigError, UnknownProfileError
from awscli_sso_ext.shell_formats import posix_quote

_SSO_ROLE_KEYS = ("sso_account_id", "sso_role_name")
_ACCOUNT_ID = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
_PROFILE_HEADER = re.compile(r"^\s*\[\s*profile\s+(.+?)\s*\]\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SsoTarget:
    """Where an SSO profile's credentials come from: one role in one account."""

    account_id: str
    role_name: str
    start_url: str
    sso_region: str
    session_name: str | None  # None for a legacy profile (sso_start_url in the profile)
    registration_scopes: tuple[str, ...] | None = None  # None when not configured
    # Where the settings are, for messages: the profile's section, the one holding
    # sso_start_url and sso_region, and the config file. Not part of what the target is.
    profile_section: str = field(default="the profile", compare=False)
    login_section: str = field(default="the profile", compare=False)
    config_file: str = field(default="the AWS config file", compare=False)


@dataclass(frozen=True)
class Profile:
    """One named profile as the CLI sees it."""

    name: str
    region: str | None
    sso: SsoTarget | None
    login_session: str | None = None  # `aws login` (CLI v2 2.32+): the signed-in ARN
    role_arn: str | None = None  # the role a source_profile chain assumes
    sso_root: str | None = None  # the SSO profile at the root of that chain, if it is one


class ProfileBook:
    """All profiles of the config and credentials files, looked up by name."""

    def __init__(self, full_config: dict, config_file: str):
        self._profiles = full_config.get("profiles", {})
        self._sso_sessions = full_config.get("sso_sessions", {})
        self.config_file = config_file

    @classmethod
    def from_session(cls, session) -> ProfileBook:
        """Reads the host CLI's botocore session; a file that doesn't parse is a ConfigError."""
        from botocore.exceptions import ConfigParseError

        config_file = os.path.expanduser(session.get_config_variable("config_file") or "")
        try:
            full_config = session.full_config
        except ConfigParseError as error:
            raise ConfigError(
                f"The AWS config can't be read: {error}",
                "Fix the syntax of that file (every setting must be inside a [section] "
                "and look like `name = value`), then run the command again.",
            ) from error
        return cls(full_config, config_file)

    def names(self) -> list[str]:
        """Every profile name, sorted."""
        return sorted(self._profiles)

    def settings(self, name: str) -> dict:
        """The keys of the profile called `name` as written (empty when there is none)."""
        return dict(self._profiles.get(name) or {})

    def sso_sessions(self) -> dict:
        """Every [sso-session NAME] section: {name: its keys as written}."""
        return {name: dict(keys) for name, keys in self._sso_sessions.items()}

    def get(self, name: str) -> Profile:
        """The profile called `name`; UnknownProfileError or ConfigError when it can't be used."""
        settings = self._profiles.get(name)
        if settings is None:
            self._raise_if_header_was_ignored(name)
            raise UnknownProfileError(
                f"The profile {name!r} is not in {self.config_file} or the credentials file.",
                self._unknown_profile_fix(name),
            )
        sso = self._sso_target(name, settings)
        chained = sso is None and bool(settings.get("role_arn") and settings.get("source_profile"))
        return Profile(
            name=name,
            region=settings.get("region"),
            sso=sso,
            login_session=settings.get("login_session") or None,
            role_arn=settings.get("role_arn") or None,
            sso_root=self._sso_root(name) if chained else None,
        )

    def _sso_root(self, name: str) -> str | None:
        """The SSO profile a source_profile chain from `name` starts from (None: the root
        has other credentials); a loop or a missing link is a ConfigError naming it."""
        seen = [name]
        current = self._profiles.get(name) or {}
        while current.get("role_arn") and current.get("source_profile"):
            source = current["source_profile"]
            if source == seen[-1]:
                return None  # its own source: its static keys assume the role
            if source in seen:
                loop = " -> ".join(repr(link) for link in [*seen[seen.index(source) :], source])
                raise ConfigError(
                    f"The source_profile settings in {self.config_file} go round in a loop: "
                    f"{loop}.",
                    "Make the last profile of the chain one with credentials of its own "
                    "(SSO, keys or credential_process).",
                )
            if source not in self._profiles:
                raise ConfigError(
                    f"The profile {seen[-1]!r} in {self.config_file} names "
                    f"source_profile = {source!r}, but there is no such profile.",
                    "Add that profile, or correct the name.",
                )
            seen.append(source)
            current = self._profiles[source]
        root = seen[-1]
        if current.get("sso_session") or current.get("sso_start_url"):
            return root
        return None

    def suggestions(self, name: str, limit: int = 5) -> list[str]:
        """Profile names the user may have meant: prefix and substring matches, then close ones."""
        wanted = name.casefold()
        names = self.names()
        picked = [n for n in names if n.casefold().startswith(wanted)]
        picked += [n for n in names if wanted in n.casefold() and n not in picked]
        picked += [
            n
            for n in difflib.get_close_matches(name, names, n=limit, cutoff=0.6)
            if n not in picked
        ]
        return picked[:limit]

    def _raise_if_header_was_ignored(self, name: str) -> None:
        """botocore silently skips a header it can't shlex-split into two words: say so."""
        try:
            with open(self.config_file, encoding="utf-8", errors="replace") as config:
                text = config.read()
        except OSError:
            return
        for match in _PROFILE_HEADER.finditer(text):
            written = match.group(1)
            try:
                words = shlex.split(written)
            except ValueError:
                words = None
            if words is not None and len(words) == 1:
                continue  # botocore reads this one
            if name in (written, " ".join(words or ())):
                raise ConfigError(
                    f"The section [profile {written}] in {self.config_file} is ignored by the "
                    "AWS CLI: a profile name with spaces or quotes must be quoted in its header.",
                    f"Write the header as [profile {posix_quote(name)}].",
                )

    def _unknown_profile_fix(self, name: str) -> str:
        suggestions = self.suggestions(name)
        if suggestions:
            return "Did you mean: " + ", ".join(repr(s) for s in suggestions) + "?"
        if not self._profiles:
            return (
                f"No profiles are configured in {self.config_file}: `aws sso-sync --start-url URL "
                "--sso-region REGION` writes one per account and role (AWS CLI v1 and v2)."
            )
        return f"Known profiles: {', '.join(repr(n) for n in self.names()[:10])}" + (
            ", ..." if len(self._profiles) > 10 else ""
        )

    def _sso_target(self, name: str, settings: dict) -> SsoTarget | None:
        session_name = settings.get("sso_session")
        if session_name is None and "sso_start_url" not in settings:
            return None
        missing = [key for key in _SSO_ROLE_KEYS if not settings.get(key)]
        if session_name is not None:
            session = self._sso_session(name, session_name)
            start_url, sso_region = session["sso_start_url"], session["sso_region"]
            scopes = _split_scopes(session.get("sso_registration_scopes"))
        else:
            missing += [key for key in ("sso_region",) if not settings.get(key)]
            start_url, sso_region = settings["sso_start_url"], settings.get("sso_region")
            scopes = None  # legacy logins never ask for scopes
        if missing:
            raise ConfigError(
                f"The profile {name!r} in {self.config_file} is an SSO profile "
                f"but has no {' or '.join(missing)}.",
                f"Add {', '.join(k + ' = ...' for k in missing)} to that profile "
                "(or let `aws sso-sync` write the profiles).",
            )
        profile_section = "[default]" if name == "default" else f"[profile {name}]"
        login_section = profile_section if session_name is None else f"[sso-session {session_name}]"
        target = SsoTarget(
            account_id=settings["sso_account_id"],
            role_name=settings["sso_role_name"],
            start_url=start_url,
            sso_region=sso_region,
            session_name=session_name,
            registration_scopes=scopes,
            profile_section=profile_section,
            login_section=login_section,
            config_file=self.config_file,
        )
        return target

    def _sso_session(self, profile_name: str, session_name: str) -> dict:
        session = self._sso_sessions.get(session_name)
        if session is None:
            raise ConfigError(
                f"The profile {profile_name!r} in {self.config_file} names "
                f"sso_session = {session_name}, "
                f"but there is no [sso-session {session_name}] section.",
                f"Add a [sso-session {session_name}] section with sso_start_url and sso_region "
                "to that file, or correct the name.",
            )
        missing = [key for key in ("sso_start_url", "sso_region") if not session.get(key)]
        if missing:
            raise ConfigError(
                f"The [sso-session {session_name}] section in {self.config_file} "
                f"has no {' or '.join(missing)}.",
                f"Add {', '.join(k + ' = ...' for k in missing)} to that section.",
            )
        return session


def _split_scopes(text: str | None) -> tuple[str, ...] | None:
    from awscli_sso_ext.tokens import parse_registration_scopes

    scopes = parse_registration_scopes(text)
    return None if scopes is None else tuple(scopes)


def check_sso_settings(target: SsoTarget) -> None:
    """ConfigError for settings that can't be right, so they fail before any network call:
    an account id that is not 12 digits, a region that is not a region name, a start URL
    that is not https:// with a host."""
    if not _ACCOUNT_ID.fullmatch(target.account_id):
        _bad_setting(
            target,
            "sso_account_id",
            target.account_id,
            target.profile_section,
            "an AWS account id",
            "the account's 12 digits, like 123456789012",
        )
    if not _REGION.fullmatch(target.sso_region):
        _bad_setting(
            target,
            "sso_region",
            target.sso_region,
            target.login_section,
            "a region name",
            "the region of your IAM Identity Center, like eu-west-1",
        )
    address = urlsplit(target.start_url)
    try:
        host = address.hostname
    except ValueError:
        host = None
    if address.scheme != "https" or not host or any(c.isspace() for c in target.start_url):
        _bad_setting(
            target,
            "sso_start_url",
            target.start_url,
            target.login_section,
            "an https:// address with a host",
            "your AWS access portal's address, like https://d-1234567890.awsapps.com/start",
        )


def _bad_setting(
    target: SsoTarget, key: str, value: str, section: str, what: str, example: str
) -> None:
    raise ConfigError(
        f"{key} = {value} in {section} of {target.config_file} is not {what}.",
        f"Set {key} in that section to {example}.",
    )
