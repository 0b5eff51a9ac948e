"""What setup would do for each `aws` found, and why: decided before anything is touched."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field

from awscli_sso_ext import install_clis, install_paths
from awscli_sso_ext.config_edit import PATH_SETTING
from awscli_sso_ext.shells import posix_quote

REGISTERED = "registered"
NOT_REGISTERED = "NOT registered"
SKIPPED = "skipped"


@dataclass
class CliPlan:
    """The verdict for one `aws`: registered or not, why, and the command that fixes it."""

    cli: install_clis.FoundCli
    environment: install_clis.V1Environment | None = None
    status: str = SKIPPED
    reason: str = ""
    fix: str = ""

    @property
    def v1(self) -> install_clis.V1Environment:
        """What the probe of this v1's Python found (only v1s that were probed have one)."""
        if self.environment is None:
            raise ValueError(f"{self.cli.path} is not a probed AWS CLI v1")
        return self.environment

    @property
    def counts(self) -> bool:
        """Whether setup fails when this CLI isn't registered (a real v1 or v2 found)."""
        return self.cli.major in (1, 2) and self.status != SKIPPED


@dataclass
class CliDecision:
    """What every `aws` needs together: the [plugins] settings, the .pth files, the folder."""

    clis: list[CliPlan] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    pth: dict = field(default_factory=dict)  # site folder's .pth path -> its text
    build_folder: bool = False
    notes: list = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(entry.counts and entry.status != REGISTERED for entry in self.clis)


def decide(clis: list[install_clis.FoundCli], folder: str) -> CliDecision:
    """Ask each CLI's Python what it needs (one failing never stops the others), then decide
    what one shared config can register without breaking any of them."""
    decision = CliDecision(clis=[CliPlan(cli) for cli in clis])
    v1s, v2s = [], []
    for entry in decision.clis:
        cli = entry.cli
        if cli.problem:
            entry.status = NOT_REGISTERED if cli.major in (1, 2) else SKIPPED
            entry.reason = cli.problem
            entry.fix = "make this `aws` start on its own (`aws --version`), then " + _again()
        elif cli.major == 1:
            entry.environment = install_clis.inspect_v1(cli.python or "", folder)
            if entry.environment.problem:
                entry.status = NOT_REGISTERED
                entry.reason = entry.environment.problem
                entry.fix = f"make `{cli.python} -c pass` work, then {_again()}"
            else:
                v1s.append(entry)
        elif cli.major == 2:
            if cli.build == "exe" and cli.python_version < (3, 9):
                entry.status = NOT_REGISTERED
                version = ".".join(map(str, cli.python_version))
                entry.reason = f"this installer build runs Python {version}; the plugin needs 3.9+"
                entry.fix = f"update AWS CLI v2, then {_again()}"
            else:
                v2s.append(entry)
    blocked = [e for e in v1s if not e.v1.importable and not e.v1.site_dir]
    if blocked:
        _block_all(decision, blocked, [*v1s, *v2s])
        return decision
    if not v1s and not v2s:
        decision.notes.append(
            "No usable `aws` on PATH: nothing registered. Install AWS CLI v1 or v2 (or run "
            f"install.sh, which brings v1), then {_again()}."
        )
        return decision
    decision.settings[install_paths.PLUGIN_NAME] = install_paths.PLUGIN_MODULE
    shimless = [e for e in v1s if not e.v1.site_dir and not e.v1.shim_active]
    for entry in v2s:
        if shimless:
            names = ", ".join(e.cli.path for e in shimless)
            entry.status = NOT_REGISTERED
            entry.reason = (
                f"v2 needs `{PATH_SETTING}` in [plugins], which would crash the v1 at {names} "
                "reading the same config (this user can't add a .pth to its site folder to "
                "teach it to ignore that setting)"
            )
            entry.fix = _writable_fix(shimless[0])
            continue
        decision.settings[PATH_SETTING] = folder
        decision.build_folder = True
        entry.status = REGISTERED
        entry.reason = f"[plugins] {PATH_SETTING} = {folder} (the plugin and shellingham)"
    for entry in v1s:
        environment = entry.v1
        entry.status = REGISTERED
        parts = []
        if environment.importable:
            parts.append(f"{environment.python} already imports awscli_sso_ext")
        else:
            decision.build_folder = True
            parts.append(f"{environment.python} finds the plugin folder through a .pth")
        if environment.site_dir:
            pth = os.path.join(environment.site_dir, install_clis.PTH_NAME)
            decision.pth[pth] = install_clis.pth_text(None if environment.importable else folder)
            parts.append(f"{pth} makes it ignore v2's {PATH_SETTING}")
        entry.reason = "; ".join(parts)
    return decision


def _block_all(decision: CliDecision, blocked: list[CliPlan], others: list[CliPlan]) -> None:
    """A v1 that can't import the plugin and can't be given a .pth: `sso_ext` in the shared
    config would make each of its commands fail, so nothing is registered for anyone."""
    for entry in blocked:
        environment = entry.v1
        entry.status = NOT_REGISTERED
        entry.reason = (
            f"{environment.python} can't import awscli_sso_ext and this user can't add a "
            f".pth to {environment.purelib or 'its site folder'}: `sso_ext` in the shared config "
            "would make every command of this aws fail"
        )
        entry.fix = _install_fix(entry)
    names = ", ".join(e.cli.path for e in blocked)
    for entry in others:
        if entry in blocked:
            continue
        entry.status = NOT_REGISTERED
        entry.reason = (
            f"the config is shared with {names}, which registering would break (see above)"
        )
        entry.fix = blocked[0].fix


def _again() -> str:
    return f"run `{install_paths.own_command('setup')}` again"


def _install_fix(entry: CliPlan) -> str:
    environment = entry.v1
    command = install_paths.pip_install_command(environment.python)
    if command and environment.has_pip:
        folder = environment.purelib
        return f"`{_as_owner(folder)}{command}`{_who(folder)}, then {_again()}"
    where = install_paths.package_source()
    source = f" from {posix_quote(where)}" if where else ""
    return (
        f"install awscli-sso-ext{source} into the environment of {environment.python} "
        f"(it has no pip), then {_again()}"
    )


def _owner(folder: str) -> int | None:
    while folder and not os.path.exists(folder):
        folder = os.path.dirname(folder)
    try:
        return os.stat(folder).st_uid
    except OSError:
        return None


def _as_owner(folder: str) -> str:
    """`sudo ` when the folder is root's, this user isn't root and sudo is there."""
    if _owner(folder) == 0 and os.geteuid() != 0 and shutil.which("sudo"):
        return "sudo "
    return ""


def _who(folder: str) -> str:
    owner = _owner(folder)
    if owner is None or owner == os.geteuid() or _as_owner(folder):
        return ""
    try:
        import pwd

        name = pwd.getpwuid(owner).pw_name
    except (ImportError, KeyError):
        name = f"user {owner}"
    return f" as {name}, who owns {folder}"


def _writable_fix(entry: CliPlan) -> str:
    folder = entry.v1.purelib
    if not folder:
        return f"give {entry.cli.path} a writable site folder, then {_again()}"
    pth = posix_quote(os.path.join(folder, install_clis.PTH_NAME))
    tee = "sudo tee" if _as_owner(folder) else "tee"
    line = posix_quote(install_clis.SHIM_IMPORT)
    return f"`echo {line} | {tee} {pth}`{_who(folder)}, then {_again()}"
