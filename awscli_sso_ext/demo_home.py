"""The demo's throwaway world: a home with profiles for the sandbox, rc files, an environment."""

# Everything lives under one folder (`root`) that the demo deletes on exit; nothing here
# reads or writes the user's own ~/.aws, rc files, token cache or shell history.

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from awscli_sso_ext.shells import SHELLS, ThrowawayShell, posix_quote

SESSION_NAME = "acme"
# Account name in the sandbox -> (profile name, region of its profiles).
ACCOUNT_PROFILES = {
    "development": ("dev", "eu-west-1"),
    "staging": ("staging", "eu-west-1"),
    "production": ("prod", "eu-central-1"),
    "shared-services": ("shared", "us-east-1"),
    "security": ("security", "eu-west-2"),
}
# Role -> suffix of the profile name: `dev` reads, `dev-admin` administers.
ROLE_SUFFIXES = {"ReadOnlyAccess": "", "AdministratorAccess": "-admin"}
# Proxies are chosen by the service's AWS host name even when the endpoint is redirected.
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
# What the user's environment may carry that would reach their real files or change the shell.
DROPPED_VARIABLES = (
    "BOTO_CONFIG",
    "HISTFILE",
    "ZDOTDIR",
    "BASH_ENV",
    "ENV",
    "PROMPT_COMMAND",
    "PS1",
    "PROMPT",
    "RPROMPT",
    "_ARGCOMPLETE",
)


@dataclass(frozen=True)
class Profile:
    name: str
    account_id: str
    role: str
    region: str


@dataclass
class DemoHome:
    """The files of one demo and how to start its shell."""

    root: Path
    home: Path
    config: Path
    shell: str
    argv: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    profiles: list[Profile] = field(default_factory=list)


def demo_profiles(organisation) -> list[Profile]:
    """Two profiles per account of the sandbox organisation: `NAME` (read-only), `NAME-admin`."""
    profiles = []
    for account in organisation.accounts:
        name, region = ACCOUNT_PROFILES.get(account.name, (account.name, organisation.region))
        for role in sorted(account.roles, key=lambda r: ROLE_SUFFIXES.get(r, r)):
            suffix = ROLE_SUFFIXES.get(role, "-" + role.lower())
            profiles.append(Profile(name + suffix, account.account_id, role, region))
    return profiles


def config_text(organisation, profiles: list[Profile], plugin_settings: dict[str, str]) -> str:
    """~/.aws/config: [plugins], one profile per account and role, one sso-session."""
    lines = ["# awscli-sso-ext demo: a throwaway config, deleted when the demo ends.", "[plugins]"]
    lines += [f"{key} = {value}" for key, value in plugin_settings.items()]
    for profile in profiles:
        lines += [
            "",
            f"[profile {profile.name}]",
            f"sso_session = {SESSION_NAME}",
            f"sso_account_id = {profile.account_id}",
            f"sso_role_name = {profile.role}",
            f"region = {profile.region}",
            "output = json",
        ]
    lines += [
        "",
        f"[sso-session {SESSION_NAME}]",
        f"sso_start_url = {organisation.start_url}",
        f"sso_region = {organisation.region}",
        "sso_registration_scopes = sso:account:access",
    ]
    return "\n".join(lines) + "\n"


def browser_script(approve_after: float | None, python: str = sys.executable) -> str:
    """BROWSER for the demo: says what a browser would do; the sandbox approves by itself.
    A PKCE sign-in address is followed as a browser would (urllib, in the background), so
    the sandbox's redirect reaches the login waiting on 127.0.0.1."""
    when = (
        "when this address is opened"
        if approve_after is None
        else f"{approve_after:g} s after the login started"
    )
    follow = "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=30).read()"
    return (
        "#!/bin/sh\n"
        "# awscli-sso-ext demo: stands in for a browser, opens nothing.\n"
        'case "$1" in\n'
        "*/authorize\\?*)\n"
        "  printf '(demo) A browser would open this address now; the sandbox signs you in "
        "and sends it back to the terminal.\\n' >&2\n"
        f'  exec {posix_quote(python)} -c {posix_quote(follow)} "$1" ;;\n'
        "esac\n"
        f"printf '(demo) A browser would open this address now; the sandbox approves the "
        f"login by itself {when}.\\n' >&2\n"
    )


def environment(
    base: dict[str, str],
    *,
    root: Path,
    home: Path,
    config: Path,
    shell: ThrowawayShell,
    bin_folder: Path,
    endpoints: dict[str, str],
    data_path: Path,
    browser: Path,
    python_path: str | None,
) -> dict[str, str]:
    """The demo shell's environment: the user's, minus AWS_* and proxies, pointed at `root`."""
    result = {
        key: value
        for key, value in base.items()
        if not key.startswith(("AWS_", "__awscli_sso_ext"))
        and key.upper() not in PROXY_VARIABLES
        and key not in DROPPED_VARIABLES
    }
    result.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_DATA_HOME=str(root / "data"),
        XDG_CACHE_HOME=str(root / "cache"),
        XDG_STATE_HOME=str(root / "state"),
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_DATA_PATH=str(data_path),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
        AWS_SSO_PROMPT_AUTO="1",
        AWS_SSO_EXT_DEMO="1",
        BROWSER=str(browser),
        PATH=os.pathsep.join([str(bin_folder), base.get("PATH", os.defpath)]),
    )
    # Every other service goes to the sandbox too (it answers an error): no request leaves
    # this machine from CLIs that know AWS_ENDPOINT_URL (v1 1.29+, v2 2.13+).
    result["AWS_ENDPOINT_URL"] = endpoints["AWS_ENDPOINT_URL_STS"]
    result.update(endpoints)
    # Temporary files of the shell and its commands go in the throwaway folder too.
    result["TMPDIR"] = str(root / "tmp")
    result.update(shell.environment)
    if python_path:
        result["PYTHONPATH"] = os.pathsep.join(
            [python_path, *([base["PYTHONPATH"]] if base.get("PYTHONPATH") else [])]
        )
    return result


def build(
    root: Path,
    *,
    sandbox,
    shell: str,
    shell_path: str,
    hook: Path,
    aws: str,
    plugin_settings: dict[str, str],
    python_path: str | None,
    base_environment: dict[str, str],
) -> DemoHome:
    """Write the demo's files under `root` (which must exist and be empty)."""
    home = root / "home"
    config = home / ".aws" / "config"
    config.parent.mkdir(parents=True, mode=0o700)
    profiles = demo_profiles(sandbox.organisation)
    config.write_text(config_text(sandbox.organisation, profiles, plugin_settings), "utf-8")
    bin_folder = root / "bin"
    bin_folder.mkdir()
    # The chosen `aws` first on PATH, with its completer if it has one beside it.
    (bin_folder / "aws").symlink_to(aws)
    for folder in {os.path.dirname(aws), os.path.dirname(os.path.realpath(aws))}:
        completer = os.path.join(folder, "aws_completer")
        if os.access(completer, os.X_OK) and not (bin_folder / "aws_completer").exists():
            (bin_folder / "aws_completer").symlink_to(completer)
    browser = bin_folder / "demo-browser"
    browser.write_text(browser_script(sandbox.approve_after), "utf-8")
    browser.chmod(0o755)
    data_path = sandbox.write_data_path(root / "endpoints")
    started = SHELLS[shell].throwaway(root, home, hook)
    if started is None:
        raise ValueError(f"the demo has no {shell!r} shell")
    for path, text in started.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    argv = [shell_path, *started.argv[1:]]
    for folder in ("config", "data", "cache", "state", "tmp", "runtime"):
        (root / folder).mkdir(mode=0o700, exist_ok=True)
    env = environment(
        base_environment,
        root=root,
        home=home,
        config=config,
        shell=started,
        bin_folder=bin_folder,
        endpoints=sandbox.endpoint_environment(),
        data_path=data_path,
        browser=browser,
        python_path=python_path,
    )
    return DemoHome(root, home, config, shell, argv, env, profiles)
