"""sso-sync's plan (which profiles to add, update, remove or skip) and its careful write."""

from __future__ import annotations

import collections
import difflib
import hashlib
import os
import string
from dataclasses import dataclass, field

from awscli_sso_ext import sync_config
from awscli_sso_ext.errors import UsageError
from awscli_sso_ext.portal import Assignment, Listing

DEFAULT_TEMPLATE = "{account_name}.{role_name}"
TEMPLATE_FIELDS = ("account_name", "account_id", "role_name", "sso_session")
BACKUP_SUFFIX = ".sso-sync.bak"


@dataclass(frozen=True)
class SsoSession:
    """The sso-session profiles are written for; `new` when sync writes its section."""

    name: str
    start_url: str
    sso_region: str
    new: bool = False
    registration_scopes: str | None = None


@dataclass
class Plan:
    """The file after sync, and what changed, by profile name."""

    old_text: str
    text: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)  # ours, no longer assigned, kept
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why)

    def summary(self, listing: Listing) -> str:
        text = (
            f"{len(listing.accounts)} accounts, {len(listing.assignments)} roles: "
            f"{len(self.added)} added, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed"
        )
        if self.updated:
            text += f", {len(self.updated)} updated"
        if self.skipped:
            text += "; skipped: " + ", ".join(f"{name} ({why})" for name, why in self.skipped)
        if self.unassigned:
            text += (
                f"; no longer assigned (kept; --prune removes them): {', '.join(self.unassigned)}"
            )
        return text


def check_template(template: str) -> None:
    """UsageError unless `template` uses only the known fields."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        raise UsageError(
            f"--profile-template {template!r} is not a valid template: {error}.",
            "Write fields as {account_name}; double a brace ({{) to write one.",
        ) from None
    unknown = [name for name in fields if name not in TEMPLATE_FIELDS]
    if unknown or not fields:
        raise UsageError(
            f"--profile-template {template!r} "
            + (f"uses unknown fields: {', '.join(unknown)}." if unknown else "uses no field."),
            "Use " + ", ".join("{" + name + "}" for name in TEMPLATE_FIELDS) + ".",
        )


def profile_name(template: str, assignment: Assignment, session_name: str) -> str:
    text = template.format(
        account_name=assignment.account_name,
        account_id=assignment.account_id,
        role_name=assignment.role_name,
        sso_session=session_name,
    )
    return sync_config.safe_name(text)


def plan_sync(
    text: str,
    session: SsoSession,
    listing: Listing,
    *,
    template: str,
    region: str,
    prune: bool,
    other_profiles: frozenset[str] = frozenset(),
) -> Plan:
    """What sync does to the config `text`. `other_profiles`: names botocore also sees
    outside this file (the credentials file); a name there is a hand-written profile too."""
    editor = sync_config.Editor(text)
    found = sync_config.sections(editor.lines)
    plan = Plan(old_text=text, text=text)
    if session.new and not any(s.kind == "sso-session" and s.name == session.name for s in found):
        editor.append_section(
            f"sso-session {session.name}",
            [
                ("sso_start_url", session.start_url),
                ("sso_region", session.sso_region),
                ("sso_registration_scopes", sync_config.REGISTRATION_SCOPES),
            ],
        )
    profiles = [s for s in found if s.kind == "profile"]
    ours: dict[tuple[str, str], sync_config.Section] = {}
    for section in profiles:
        if section.owned and section.settings.get("sso_session") == session.name:
            ours.setdefault(section.assignment, section)
    assigned = {(a.account_id, a.role_name) for a in listing.assignments}
    stale = [section for key, section in ours.items() if key not in assigned]
    leaving = {id(section) for section in stale} if prune else set()
    # A name pruned in this run is free for a new profile in this same run.
    taken = {s.name for s in profiles if id(s) not in leaving} | set(other_profiles)
    hand_written = {s.name for s in profiles if not s.owned} | set(other_profiles)

    rendered = {a: profile_name(template, a, session.name) for a in listing.assignments}
    counts = collections.Counter(rendered.values())
    for assignment in listing.assignments:
        account_name = sync_config.safe_value(assignment.account_name)
        mine = ours.get((assignment.account_id, assignment.role_name))
        if mine is not None:
            if mine.settings.get(sync_config.ACCOUNT_NAME_KEY) == account_name:
                plan.unchanged.append(mine.name)
            else:
                editor.set_value(mine, sync_config.ACCOUNT_NAME_KEY, account_name)
                plan.updated.append(mine.name)
            continue
        name = rendered[assignment]
        if counts[name] > 1:
            name = f"{name}-{assignment.account_id}"
        if name in taken:
            why = "hand-written profile" if name in hand_written else "name already synced"
            plan.skipped.append((name, why))
            continue
        taken.add(name)
        editor.append_section(
            f"profile {name}",
            [
                ("sso_session", session.name),
                ("sso_account_id", assignment.account_id),
                ("sso_role_name", assignment.role_name),
                ("region", region),
                (sync_config.ACCOUNT_NAME_KEY, account_name),
                (sync_config.MARKER_KEY, sync_config.MARKER_VALUE),
            ],
        )
        plan.added.append(name)
    for section in stale:
        if prune:
            editor.remove_section(section)
            plan.removed.append(section.name)
        else:
            plan.unassigned.append(section.name)
    plan.text = editor.text()
    return plan


def unified_diff(path: str, old: str, new: str) -> str:
    """The change as `diff -u` shows it (a last line without a break is marked so)."""
    lines = []
    for line in difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), path, path
    ):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def lock_file(config_path: str) -> str:
    """The cache-folder file whose lock one sync of `config_path` holds while it writes."""
    from awscli_sso_ext import tokens

    key = hashlib.sha1(os.path.abspath(config_path).encode("utf-8")).hexdigest()
    return os.path.join(tokens.sso_cache_dir(), f"sso-sync-{key}.json")


def write_plan(path: str, plan: Plan, replan) -> Plan:
    """Write the plan's text to `path` under the lock, atomically, the old text backed up.

    When the file changed since it was planned on, `replan(text)` plans again on what it
    holds now (no network), so an edit made meanwhile is never lost.
    """
    from awscli_sso_ext import install_files, tokens

    target = install_files.real_target(path)
    with tokens.cache_lock(lock_file(target)):
        current = install_files.read_text(target) or ""
        if current != plan.old_text:
            plan = replan(current)
        if plan.text == current:
            return plan
        install_files.check_config_parses(plan.text, target)
        install_files.check_writable(target)
        if current:
            install_files.write_atomically(target + BACKUP_SUFFIX, current)
        install_files.write_atomically(target, plan.text)
    return plan
