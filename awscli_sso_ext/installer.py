"""`aws-sso-ext setup` and `uninstall`: register the plugin per AWS CLI, wire the rc file, undo."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from awscli_sso_ext import install_clis, install_files, switch_index
from awscli_sso_ext.errors import ConfigError, SsoExtError, UsageError
from awscli_sso_ext.hooks import rc_line
from awscli_sso_ext.shells import fish_quote, posix_quote, powershell_quote

PLUGIN_NAME = "sso_ext"
PLUGIN_MODULE = "awscli_sso_ext"
PATH_SETTING = "cli_legacy_plugin_path"
SUPPORTED_SHELLS = ("bash", "zsh", "fish", "powershell")


# --- Where things are ------------------------------------------------------------------


def data_dir() -> Path:
    """${XDG_DATA_HOME:-~/.local/share}/awscli-sso-ext: plugin folder, state, install.sh's venv."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "awscli-sso-ext"


def plugin_folder() -> Path:
    """The folder AWS CLI v2 (and a v1 that can't import us) loads the plugin from."""
    return data_dir() / "plugins"


def state_file() -> Path:
    """What setup changed, so that uninstall removes exactly that."""
    return data_dir() / "state.json"


def config_file() -> str:
    """The AWS config both CLIs read: $AWS_CONFIG_FILE, else ~/.aws/config."""
    return os.path.expanduser(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config")


def rc_files(shell: str) -> list[str]:
    """The files setup wires for `shell` (bash may need a login file too, see below)."""
    home = os.path.expanduser("~")
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    if shell == "bash":
        files = [os.path.join(home, ".bashrc")]
        # A login bash (macOS terminals, ssh) reads the first of these and not ~/.bashrc;
        # wire it too unless it already reads ~/.bashrc (Debian's ~/.profile does).
        for name in (".bash_profile", ".bash_login", ".profile"):
            login = os.path.join(home, name)
            if os.path.exists(login):
                if ".bashrc" not in (install_files.read_text(real_target(login)) or ""):
                    files.append(login)
                break
        return files
    if shell == "zsh":
        return [os.path.join(os.environ.get("ZDOTDIR") or home, ".zshrc")]  # never .zshenv
    if shell == "fish":
        return [os.path.join(config_home, "fish", "conf.d", "awscli-sso-ext.fish")]
    if shell == "powershell":
        return [os.path.join(config_home, "powershell", "Microsoft.PowerShell_profile.ps1")]
    raise UsageError(f"Unknown shell {shell!r}.", f"Use one of: {', '.join(SUPPORTED_SHELLS)}.")


def real_target(path: str) -> str:
    return install_files.real_target(path)


def block_lines(shell: str, path_dir: str | None) -> list[str]:
    """What goes between the markers: PATH for aws-sso-ext (when asked), then the hook."""
    lines = ["# Added by `aws-sso-ext setup`; `aws-sso-ext uninstall` removes this block."]
    if path_dir:
        if shell in ("bash", "zsh"):
            quoted = posix_quote(path_dir)
            lines.append(
                f'case ":$PATH:" in *:{quoted}:*) ;; *) export PATH={quoted}:"$PATH" ;; esac'
            )
        elif shell == "fish":
            quoted = fish_quote(path_dir)
            lines.append(f"contains -- {quoted} $PATH; or set -gx PATH {quoted} $PATH")
        else:
            quoted = powershell_quote(path_dir)
            lines.append(
                f"if (($env:PATH -split [IO.Path]::PathSeparator) -notcontains {quoted}) "
                f"{{ $env:PATH = {quoted} + [IO.Path]::PathSeparator + $env:PATH }}"
            )
    lines.append(rc_line(shell))
    return lines


def detect_shell() -> tuple[str | None, str]:
    """(shell name or None, how it was found). install.sh passes its caller's pid in
    AWS_SSO_EXT_SHELL_PID: the nearest shell of setup itself would be install.sh's sh."""
    name = None
    how = "shellingham"
    try:
        import shellingham

        pid = os.environ.get("AWS_SSO_EXT_SHELL_PID") or None
        name = shellingham.detect_shell(pid=int(pid) if pid else None)[0]
    except Exception:  # ShellDetectionFailure, no /proc, bad pid: fall back to $SHELL
        name = None
    if name in ("pwsh",):
        name = "powershell"
    if name not in SUPPORTED_SHELLS:
        login = os.path.basename(os.environ.get("SHELL", ""))
        if login in SUPPORTED_SHELLS:
            return login, f"$SHELL (the running shell is {name or 'unknown'})"
        return None, f"the running shell is {name or 'unknown'}, $SHELL is {login or 'unset'}"
    return name, how


# --- State -----------------------------------------------------------------------------


def load_state() -> dict:
    try:
        with open(state_file(), encoding="utf-8") as file:
            state = json.load(file)
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise ConfigError(
            f"{state_file()} is damaged ({error}).",
            "Restore the *.awscli-sso-ext.bak backups by hand, then delete that file.",
        ) from None
    return state if isinstance(state, dict) else {}


def save_state(state: dict) -> None:
    path = state_file()
    if not any(state.get(key) for key in ("config", "rc", "pth", "plugin_folder")):
        if path.exists():
            path.unlink()
        return
    install_files.write_atomically(str(path), json.dumps(state, indent=2) + "\n", backup=False)


# --- Setup -----------------------------------------------------------------------------


@dataclass
class CliPlan:
    """What setup does for one `aws`, and why."""

    cli: install_clis.FoundCli
    environment: install_clis.V1Environment | None = None
    status: str = "skipped"  # "registered" or "skipped"
    reason: str = ""


@dataclass
class Plan:
    """Everything setup will change, decided before anything is touched."""

    clis: list[CliPlan] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    build_folder: bool = False
    pth: dict = field(default_factory=dict)  # site file -> text
    config: str = ""
    config_text: str | None = None
    rc: dict = field(default_factory=dict)  # rc path (real) -> block
    notes: list = field(default_factory=list)


def make_plan(shell: str | None, modify_rc: bool, path_dir: str | None) -> Plan:
    """Look at every `aws`, the config and the rc files; decide; raise before changing anything."""
    plan = Plan()
    folder = str(plugin_folder())
    clis = [CliPlan(cli) for cli in install_clis.find_clis()]
    plan.clis = clis
    v1s = [c for c in clis if c.cli.major == 1 and not c.cli.problem]
    v2s = [c for c in clis if c.cli.major == 2]
    for entry in clis:
        if entry.cli.problem:
            entry.reason = entry.cli.problem
    for entry in v1s:
        entry.environment = install_clis.inspect_v1(entry.cli.python, folder)
    blocked = [c for c in v1s if not c.environment.importable and not c.environment.site_dir]
    shimless = [c for c in v1s if not c.environment.site_dir]
    usable_v2 = []
    for entry in v2s:
        if entry.cli.build == "exe" and entry.cli.python_version < (3, 9):
            entry.reason = (
                f"this installer build runs Python {'.'.join(map(str, entry.cli.python_version))}"
                "; the plugin needs 3.9+. Update AWS CLI v2."
            )
        else:
            usable_v2.append(entry)
    if blocked:
        why = "; ".join(f"{c.cli.path}: {c.environment.problem}" for c in blocked)
        for entry in clis:
            entry.reason = entry.reason or (
                "not registered: the config is shared with a v1 that can't import the plugin, "
                f"and `sso_ext` would break it ({why}). Install awscli-sso-ext into that v1's "
                "environment (`PYTHON -m pip install awscli-sso-ext`) and run setup again."
            )
        return _finish_plan(plan, shell, modify_rc, path_dir)
    if not v1s and not usable_v2:
        plan.notes.append(
            "No usable `aws` on PATH: nothing registered. Install AWS CLI v1 or v2 (or run "
            "install.sh, which brings v1) and run `aws-sso-ext setup` again."
        )
        return _finish_plan(plan, shell, modify_rc, path_dir)
    plan.settings[PLUGIN_NAME] = PLUGIN_MODULE
    if usable_v2 and shimless:
        why = ", ".join(c.cli.path for c in shimless)
        for entry in usable_v2:
            entry.reason = (
                f"not registered: v2 needs `{PATH_SETTING}` in [plugins], which would crash the "
                f"v1 at {why} reading the same config (its site folder is not writable, so it "
                "can't be taught to ignore it). Make that folder writable and run setup again."
            )
    elif usable_v2:
        plan.settings[PATH_SETTING] = folder
        plan.build_folder = True
        for entry in usable_v2:
            entry.status = "registered"
            entry.reason = f"[plugins] {PATH_SETTING} = {folder} (the plugin and shellingham)"
    for entry in v1s:
        environment = entry.environment
        entry.status = "registered"
        parts = []
        if environment.importable:
            parts.append(f"{environment.python} already imports awscli_sso_ext")
        else:
            plan.build_folder = True
            parts.append(f"{environment.python} finds the plugin folder through a .pth")
        if environment.site_dir:
            pth = os.path.join(environment.site_dir, install_clis.PTH_NAME)
            plan.pth[pth] = install_clis.pth_text(None if environment.importable else folder)
            parts.append(f"{pth} makes it ignore v2's {PATH_SETTING}")
        entry.reason = "; ".join(parts)
    return _finish_plan(plan, shell, modify_rc, path_dir)


def _finish_plan(plan: Plan, shell: str | None, modify_rc: bool, path_dir: str | None) -> Plan:
    plan.config = real_target(config_file())
    plan.config_text = install_files.read_text(plan.config)
    if plan.config_text is not None:
        install_files.check_config_parses(plan.config_text, plan.config)
    if plan.settings:
        new, edits = install_files.add_plugin_settings(plan.config_text or "", plan.settings)
        if edits:
            install_files.check_writable(plan.config)
            install_files.check_config_parses(new, plan.config)
    if modify_rc and shell:
        block = install_files.make_block(block_lines(shell, path_dir))
        for path in rc_files(shell):
            target = real_target(path)
            text = install_files.read_text(target) or ""
            if install_files.add_block(text, block)[1]:
                install_files.check_writable(target)
            plan.rc[target] = block
    for pth in plan.pth:
        install_files.check_writable(pth)
    if plan.build_folder:
        install_files.check_writable(str(plugin_folder() / "x"))
    return plan


def setup(shell: str | None, modify_rc: bool, dry_run: bool, path_dir: str | None, out) -> int:
    """Register the plugin for every `aws` and wire the rc file; print what changed and why."""
    how = "--shell"
    if shell is None and modify_rc:
        shell, how = detect_shell()
        if shell is None:
            raise UsageError(
                f"Can't tell which shell to wire ({how}).",
                "Name it: `aws-sso-ext setup --shell bash|zsh|fish|powershell`, or use "
                "--no-modify-rc and add `aws-sso-ext hook SHELL`'s line yourself.",
            )
    shell = {"pwsh": "powershell"}.get(shell or "", shell)
    plan = make_plan(shell, modify_rc, path_dir)
    prefix = "would " if dry_run else ""
    out.write("AWS CLIs found on PATH:\n" if plan.clis else "No `aws` found on PATH.\n")
    for entry in plan.clis:
        mark = "registered" if entry.status == "registered" else "NOT registered"
        out.write(f"  {entry.cli.path}: {entry.cli.label}: {mark}\n      {entry.reason}\n")
    for note in plan.notes:
        out.write(f"  {note}\n")
    changes = apply(plan, dry_run)
    if changes:
        out.write(f"{'Would change' if dry_run else 'Changed'}:\n")
        out.writelines(f"  {prefix}{change}\n" for change in changes)
    else:
        out.write("Nothing to change: already set up.\n")
    if shell and modify_rc:
        out.write(
            f"Shell: {shell} (from {how}). Open a new {shell}, or load the hook in this one:\n"
            f"    {rc_line(shell)}\n"
        )
    elif shell or not modify_rc:
        name = shell or "SHELL"
        out.write(f"rc files left alone: `aws-sso-ext hook {name}` prints the line to add.\n")
    broken = [e for e in plan.clis if e.status != "registered" and e.cli.major in (1, 2)]
    return 1 if broken else 0


def apply(plan: Plan, dry_run: bool) -> list[str]:
    """Make the planned changes, recording each in the state file; undo them all on failure."""
    state = load_state()
    changes: list[str] = []
    undo: list = []
    try:
        if plan.build_folder:
            folder = plugin_folder()
            before = install_clis.folder_digest(folder) if folder.exists() else None
            if not dry_run:
                install_clis.build_plugin_folder(folder)
                if state.get("plugin_folder") != str(folder):
                    state["plugin_folder"] = str(folder)
            if before is None or (not dry_run and before != install_clis.folder_digest(folder)):
                changes.append(f"plugin folder {folder} (awscli_sso_ext and shellingham)")
        for pth, text in plan.pth.items():
            if install_files.read_text(pth) == text:
                continue
            changes.append(f"wrote {pth} (v1 imports the plugin and ignores {PATH_SETTING})")
            if not dry_run:
                install_files.write_atomically(pth, text, backup=False)
                undo.append(lambda pth=pth: os.unlink(pth))
                state.setdefault("pth", {})[pth] = text
                save_state(state)
        if plan.settings:
            text = plan.config_text or ""
            new, edits = install_files.add_plugin_settings(text, plan.settings)
            if edits:
                lines = ", ".join(f"{k} = {v}" for k, v in plan.settings.items())
                changes.append(f"{plan.config}: [plugins] {lines} (backup {_backup(plan.config)})")
                if not dry_run:
                    _edit(plan.config, plan.config_text, new, undo)
                    record = state.setdefault("config", {"path": plan.config, "edits": []})
                    record["created"] = record.get("created", plan.config_text is None)
                    record["edits"] += edits
                    save_state(state)
        for path, block in plan.rc.items():
            text = install_files.read_text(path)
            new, edits = install_files.add_block(text or "", block)
            if not edits:
                continue
            changes.append(f"{path}: the awscli-sso-ext block (hook{_and_path(block)})")
            if not dry_run:
                created_dirs = _missing_dirs(os.path.dirname(path))
                _edit(path, text, new, undo)
                record = state.setdefault("rc", {}).setdefault(
                    path, {"edits": [], "created": text is None, "created_dirs": created_dirs}
                )
                record["edits"] += edits
                save_state(state)
    except BaseException:
        for step in reversed(undo):
            step()
        raise
    return changes


def _and_path(block: str) -> str:
    return " and PATH" if "PATH" in block.split("\n", 2)[-1] else ""


def _backup(path: str) -> str:
    return path + install_files.BACKUP_SUFFIX


def _missing_dirs(folder: str) -> list[str]:
    missing = []
    while folder and not os.path.isdir(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    return missing


def _edit(path: str, old: str | None, new: str, undo: list) -> None:
    install_files.write_atomically(path, new)

    def restore():
        if old is None:
            os.unlink(path)
        else:
            install_files.write_atomically(path, old, backup=False)

    undo.append(restore)


# --- Uninstall -------------------------------------------------------------------------


def uninstall(dry_run: bool, out) -> int:
    """Undo exactly what setup recorded; files come back byte for byte unless edited since."""
    state = load_state()
    if not state:
        out.write(f"Nothing to undo: {state_file()} records no changes.\n")
        return 0
    prefix = "would " if dry_run else ""
    notes: list[str] = []
    texts = {}
    config = state.get("config")
    if config:
        texts[config["path"]] = ("config", config)
    for path, record in state.get("rc", {}).items():
        texts[path] = ("rc", record)
    for path, (kind, record) in texts.items():
        text = install_files.read_text(path)
        if text is None:
            notes.append(f"{path} is gone already")
            continue
        undo = install_files.undo_edits if kind == "config" else install_files.undo_block_edits
        new, more = undo(text, record["edits"])
        notes += [f"{path}: {note}" for note in more]
        if new == text:
            continue
        if not dry_run:
            install_files.check_writable(path)
        if record.get("created") and not new.strip():
            out.write(f"{prefix}delete {path} (setup created it)\n")
            if not dry_run:
                os.unlink(path)
                for folder in record.get("created_dirs", []):
                    if os.path.isdir(folder) and not os.listdir(folder):
                        os.rmdir(folder)
        else:
            out.write(f"{prefix}restore {path} (remove what setup added)\n")
            if not dry_run:
                install_files.write_atomically(path, new, backup=False)
        backup = _backup(path)
        if os.path.exists(backup) and not dry_run:
            os.unlink(backup)
    for pth, text in state.get("pth", {}).items():
        if install_files.read_text(pth) == text:
            out.write(f"{prefix}delete {pth}\n")
            if not dry_run:
                os.unlink(pth)
        elif os.path.exists(pth):
            notes.append(f"{pth} was edited since setup: left as it is")
    folder = state.get("plugin_folder")
    if folder and os.path.isdir(folder):
        out.write(f"{prefix}delete {folder}\n")
        if not dry_run:
            shutil.rmtree(folder)
    index = switch_index.index_folder()
    if index and os.path.isdir(index):
        out.write(f"{prefix}delete {index} (the fast switch's index)\n")
        if not dry_run:
            switch_index.remove()
    for note in notes:
        out.write(f"note: {note}\n")
    if not dry_run:
        state_file().unlink()
        out.write("awscli-sso-ext is unregistered; open a new shell to drop the hook.\n")
    return 0


def describe_error(error: SsoExtError) -> str:
    return f"aws-sso-ext: {error.problem}\n{error.fix or ''}".rstrip() + "\n"
