"""`aws-sso-ext setup` and `uninstall`: register the plugin per AWS CLI, wire the rc file, undo."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Any

from awscli_sso_ext import (
    config_edit,
    frecency,
    install_clis,
    install_files,
    install_paths,
    install_plan,
    switch_index,
)
from awscli_sso_ext.config_edit import PATH_SETTING
from awscli_sso_ext.detection import detect_shell
from awscli_sso_ext.errors import OperationFailed, UsageError
from awscli_sso_ext.hooks import rc_line
from awscli_sso_ext.install_journal import Journal, lock
from awscli_sso_ext.shells import SHELLS, Shell, shell_named


def block_lines(shell: Shell, path_dir: str | None) -> list[str]:
    """What goes between the markers: PATH for aws-sso-ext (when asked), then the hook."""
    lines = ["# Added by `aws-sso-ext setup`; `aws-sso-ext uninstall` removes this block."]
    if path_dir:
        lines.append(shell.path_prepend_line(path_dir))
    lines.append(rc_line(shell.NAME))
    return lines


@contextlib.contextmanager
def session(dry_run: bool, err=None):
    """The journal, under the installer lock, with what an earlier run left halfway settled;
    this run's changes are rolled back if it fails. A dry run takes no lock, writes nothing."""
    if dry_run:
        yield Journal(install_paths.state_file(), dry_run=True)
        return
    with lock(install_paths.lock_file(), err=err) as created:
        journal = Journal(install_paths.state_file())
        journal.recover()
        install_clis.recover_plugin_folder(str(install_paths.plugin_folder()))
        dirs = journal.state.setdefault("created_dirs", [])
        dirs += [folder for folder in created if folder not in dirs]
        try:
            yield journal
        except BaseException:
            problems = journal.rollback()
            if problems:
                raise OperationFailed(
                    "Stopped halfway, and some changes could not be undone: " + "; ".join(problems),
                    f"Run `{install_paths.own_command('uninstall')}` to remove the rest.",
                ) from None
            raise
        finally:
            journal.finish()
            if not journal.holds_anything():
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(install_paths.lock_file())
                install_files.remove_empty_dirs(journal.state.get("created_dirs", []))


def _verb(dry_run: bool, present: str, past: str) -> str:
    return f"would {present}" if dry_run else past


# --- Setup -----------------------------------------------------------------------------


@dataclass
class FileEdit:
    """One planned change of a file: its new text and the ownership record that goes with it."""

    kind: str  # "config", "rc" or "pth"
    path: str
    old: str | None
    new: str
    record: Any  # the journal record: ownership (config, rc) or the text (pth)
    what: str


def setup(shell: str | None, modify_rc: bool, dry_run: bool, path_dir: str | None, out) -> int:
    """Register the plugin for every `aws` and wire the rc file; print what changed and why."""
    how = "--shell"
    if shell is None and modify_rc:
        shell, how = detect_shell()
        if shell is None:
            raise UsageError(
                f"Can't tell which shell to wire ({how}).",
                f"Name it: `aws-sso-ext setup --shell {'|'.join(SHELLS)}`, or use "
                "--no-modify-rc and add `aws-sso-ext hook SHELL`'s line yourself.",
            )
    wired = shell_named(shell)
    if shell is not None and wired is None:
        raise UsageError(f"Unknown shell {shell!r}.", f"Use one of: {', '.join(SHELLS)}.")
    shell = wired.NAME if wired else None
    folder = str(install_paths.plugin_folder())
    decision = install_plan.decide(install_clis.find_clis(), folder)
    out.write("AWS CLIs found on PATH:\n" if decision.clis else "No `aws` found on PATH.\n")
    for entry in decision.clis:
        out.write(f"  {entry.cli.path}: {entry.cli.label}: {entry.status}\n")
        for step in entry.cli.via:
            out.write(f"      {step}\n")
        out.write(f"      {entry.reason}\n")
        if entry.fix and entry.status != install_plan.REGISTERED:
            out.write(f"      fix: {entry.fix}\n")
    for note in decision.notes:
        out.write(f"  {note}\n")
    with session(dry_run) as journal:
        edits = plan_edits(decision, wired if modify_rc else None, path_dir, journal)
        changes = apply(decision, edits, journal, dry_run)
        if not dry_run and journal.holds_anything():  # something of ours is set up
            _write_switch_index(journal)
    if changes:
        out.write(f"{'Would change' if dry_run else 'Changed'}:\n")
        out.writelines(f"  {change}\n" for change in changes)
    elif decision.failed or not decision.settings:
        out.write("Changed nothing.\n")
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
    return 1 if decision.failed else 0


def plan_edits(
    decision: install_plan.CliDecision, shell: Shell | None, path_dir: str | None, journal
) -> list[FileEdit]:
    """Every file change setup will make, checked (parses, writable) before any is made."""
    edits = []
    for pth, text in decision.pth.items():
        if install_files.read_text(pth) != text:
            install_files.check_writable(pth)
            what = f"{pth} (v1 imports the plugin and ignores {PATH_SETTING})"
            edits.append(FileEdit("pth", pth, install_files.read_text(pth), text, text, what))
    config = install_files.real_target(install_paths.config_file())
    old = install_files.read_text(config)
    if old is not None:
        install_files.check_config_parses(old, config)
    if decision.settings:
        record = journal.record("config", config) or {"created": old is None, "backup": None}
        new, owned = config_edit.add_plugin_lines(old or "", decision.settings, record.get("owned"))
        if new != old:
            install_files.check_config_parses(new, config)
            install_files.check_writable(config)
            before = config_edit.plugin_settings(old or "")
            added = config_edit.plugin_settings(new)
            lines = ", ".join(f"{k} = {v}" for k, v in added.items() if before.get(k) != v)
            record = {**record, "owned": owned}
            edits.append(
                FileEdit("config", config, old, new, record, f"{config}: [plugins] {lines}")
            )
    if shell:
        body = block_lines(shell, path_dir)
        for path in shell.rc_files():
            target = install_files.real_target(path)
            old = install_files.read_text(target)
            record = journal.record("rc", target) or {"created": old is None, "backup": None}
            new, owned = config_edit.add_block(old or "", body, record.get("owned"))
            if new == (old or "") and old is not None:
                continue
            install_files.check_writable(target)
            extra = " and PATH" if path_dir else ""
            what = f"{target}: the awscli-sso-ext block (hook{extra})"
            edits.append(FileEdit("rc", target, old, new, {**record, "owned": owned}, what))
    return edits


def apply(decision, edits: list[FileEdit], journal: Journal, dry_run: bool) -> list[str]:
    """Make the changes, each journalled first: the plugin folder, then what makes each v1
    ready for it, then the config that registers it, then the rc files."""
    changes = []
    folder = str(install_paths.plugin_folder())
    if decision.build_folder and _folder_outdated(folder):
        changes.append(
            f"{_verb(dry_run, 'build', 'built')} the plugin folder {folder} "
            "(awscli_sso_ext and shellingham)"
        )
        if not dry_run:
            journal.change_folder(folder, True, install_clis.build_plugin_folder)
    for edit in edits:
        if edit.kind == "pth":
            changes.append(f"{_verb(dry_run, 'write', 'wrote')} {edit.what}")
            if not dry_run:
                journal.change("pth", edit.path, edit.new, edit.record)
            continue
        record = dict(edit.record)
        backup = edit.path + install_files.BACKUP_SUFFIX
        if edit.old is not None and not record.get("backup") and not os.path.exists(backup):
            changes.append(f"{_verb(dry_run, 'copy', 'copied')} {edit.path} to {backup}")
            if not dry_run:
                journal.change("backups", backup, edit.old, True)
            record["backup"] = backup
        if edit.old is None:
            changes.append(f"{_verb(dry_run, 'create', 'created')} {edit.what}")
        else:
            changes.append(f"{_verb(dry_run, 'add', 'added')} to {edit.what}")
        if not dry_run:
            journal.change(edit.kind, edit.path, edit.new, record)
    return changes


def _folder_outdated(folder: str) -> bool:
    from pathlib import Path

    path = Path(folder)
    return not path.is_dir() or install_clis.folder_digest(path) != install_clis.wanted_digest()


# --- Uninstall -------------------------------------------------------------------------


def uninstall(dry_run: bool, out) -> int:
    """Undo what setup recorded, finding our lines wherever they are now; every other byte
    stays. The plugin stays installed while any config still registers it."""
    with session(dry_run) as journal:
        if not journal.holds_anything():
            out.write(f"Nothing to undo: {install_paths.state_file()} records no changes.\n")
            return 0
        configs = [
            *journal.records("config"),
            install_files.real_target(install_paths.config_file()),
        ]
        undo = _plan_undo(journal)
        texts = {path: new for _kind, path, new, _message in undo}
        still = []
        for path in dict.fromkeys(configs):
            text = texts[path] if path in texts else install_files.read_text(path)
            found = config_edit.registrations(text or "", install_paths.PLUGIN_MODULE)
            still += [(path, number, line) for number, line in found]
        for kind, path, new, message in undo:
            if message:
                out.write(f"{message}\n")
            if dry_run:
                continue
            # While the plugin stays, so does the record of a [plugins] header we added and
            # another line keeps: the uninstall that ends it removes that header too.
            record = journal.record(kind, path)
            rest = None
            if still and kind == "config" and new is not None and record.get("owned"):
                rest = {**record, "owned": {**record["owned"], "blank": False, "keys": {}}}
            if rest is None and new == install_files.read_text(path):
                journal.forget(kind, path)
            else:
                journal.change(kind, path, new, rest)
        if still:
            where = "; ".join(f"{path} line {n}: `{line.strip()}`" for path, n, line in still)
            out.write(
                f"kept the plugin installed: {where} still registers it, and aws would fail "
                "without it.\n"
                f"fix: remove that line, then run `{install_paths.own_command('uninstall')}` "
                "again.\n"
            )
            return 1
        _remove_package(journal, dry_run, out)
        _remove_own_caches(dry_run, out)
        if not dry_run:
            out.write("awscli-sso-ext is unregistered; open a new shell to drop the hook.\n")
    return 0


def _plan_undo(journal: Journal) -> list[tuple]:
    """(kind, path, new text or None to delete, message) for each config and rc file; raises
    before anything is changed when one of them can't be undone safely."""
    undo: list[tuple[str, str, str | None, str]] = []
    verb = _verb
    dry_run = journal.dry_run
    for kind in ("config", "rc"):
        for path, record in journal.records(kind).items():
            text = install_files.read_text(path)
            if text is None:
                undo.append((kind, path, None, ""))
                continue
            if kind == "config":
                install_files.check_config_parses(text, path)
                new = config_edit.remove_plugin_lines(text, record.get("owned") or {})
                install_files.check_config_parses(new, path)
            else:
                new = config_edit.remove_block(text, record.get("owned") or {})
            if new != text:
                install_files.check_writable(path)
            if record.get("created") and not new.strip():
                message = f"{verb(dry_run, 'delete', 'deleted')} {path} (setup created it)"
                undo.append((kind, path, None, message))
            elif new != text:
                message = f"{verb(dry_run, 'remove', 'removed')} what setup added to {path}"
                undo.append((kind, path, new, message))
            else:
                undo.append((kind, path, text, ""))
    return undo


def _write_switch_index(journal: Journal) -> None:
    """The hooks' fast switch works from the first switch on. The folders made for the index
    are recorded, so that uninstall takes away what it leaves empty."""
    folder = switch_index.index_folder()
    if folder is None:
        return
    dirs = journal.state.setdefault("created_dirs", [])
    dirs += [d for d in install_files.missing_dirs(os.path.dirname(folder)) if d not in dirs]
    journal.save()
    switch_index.refresh_quietly()


def _remove_own_caches(dry_run: bool, out) -> None:
    """Delete what the commands keep for themselves: the fast switch's index and the picker's
    order (only our files in those folders; links are not followed)."""
    for folder, what, remove in (
        (switch_index.index_folder(), "the fast switch's index", switch_index.remove),
        (frecency.state_folder(os.environ), "the picker's order", frecency.remove),
    ):
        if folder and os.path.isdir(folder) and not os.path.islink(folder):
            out.write(f"{_verb(dry_run, 'delete', 'deleted')} {folder} ({what})\n")
            if not dry_run:
                remove()


def _remove_package(journal: Journal, dry_run: bool, out) -> None:
    """Delete the .pth files, the plugin folder and the backups setup made."""
    for pth, text in list(journal.records("pth").items()):
        current = install_files.read_text(pth)
        if current is not None and current != text:
            out.write(f"left {pth} as it is: it was edited since setup\n")
        elif current is not None:
            out.write(f"{_verb(dry_run, 'delete', 'deleted')} {pth}\n")
        if not dry_run:
            if current == text:
                journal.change("pth", pth, None, None)
            else:
                journal.forget("pth", pth)
    for kind in ("folders", "backups"):
        for path in list(journal.records(kind)):
            if os.path.lexists(path):
                out.write(f"{_verb(dry_run, 'delete', 'deleted')} {path}\n")
            if dry_run:
                continue
            if kind == "folders":
                journal.change_folder(path, None)
            else:
                journal.change(kind, path, None, None)
