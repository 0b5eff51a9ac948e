"""Config-file text shared by the tests: our [plugins] lines and the usual SSO sections."""

from __future__ import annotations

import re

from conftest import START_URL
from hostile import profile_header

PLUGINS = "[plugins]\nsso_ext = awscli_sso_ext\n"


def section(header: str, **settings) -> str:
    """One section: the header, then a `key = value` line per setting."""
    return "\n".join([header, *(f"{key} = {value}" for key, value in settings.items())]) + "\n"


def profile(name: str, **settings) -> str:
    """A [profile NAME] section; a name botocore would split is quoted for it."""
    plain = re.fullmatch(r"[\w.=-]+", name)
    return section(f"[profile {name}]" if plain else profile_header(name), **settings)


def session_profile(name: str, account: str, role: str = "ReadOnlyAccess", **settings) -> str:
    """A profile of the `corp` sso-session (region eu-central-1 unless told)."""
    settings.setdefault("region", "eu-central-1")
    return profile(name, sso_session="corp", sso_account_id=account, sso_role_name=role, **settings)


def legacy_profile(name: str, account: str, role: str = "AdministratorAccess") -> str:
    """A legacy SSO profile: the start URL and SSO region in the profile itself."""
    return profile(
        name,
        sso_start_url=START_URL,
        sso_region="eu-west-1",
        sso_account_id=account,
        sso_role_name=role,
    )


def corp_session(**settings) -> str:
    """The [sso-session corp] section the session profiles name."""
    return section(
        "[sso-session corp]", sso_start_url=START_URL, sso_region="eu-west-1", **settings
    )


def config(*sections: str) -> str:
    """Sections one blank line apart."""
    return "\n".join(sections)
