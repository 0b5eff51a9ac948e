"""`aws-sso-ext doctor`: one line per check, and the exact fix for each one that fails."""

from __future__ import annotations

import configparser
import json
import os
import subprocess
from datetime import datetime, timezone

from awscli_sso_ext import (
    config_edit,
    install_clis,
    install_files,
    install_paths,
    install_plan,
    tokens,
)
from awscli_sso_ext.config_edit import PATH_SETTING
from awscli_sso_ext.detection import detect_shell
from awscli_sso_ext.errors import ConfigError, UsageError
from awscli_sso_ext.hooks import hook_path, rc_line
from awscli_sso_ext.shells import SHELLS, shell_named

OK, FAIL, INFO = "ok  ", "FAIL", "--  "


def _setup() -> str:
    return f"run `{install_paths.own_command('setup')}`"


class Doctor:
    """Collects check results; `failed` decides the exit status."""

    def __init__(self, out):
        self.out = out
        self.failed = 0

    def line(self, status: str, text: str, fix: str | None = None) -> None:
        self.out.write(f"{status} {text}\n")
        if fix and status == FAIL:
            self.out.write(f"     fix: {fix}\n")
        self.failed += status == FAIL


def run(shell: str | None, out, timeout: float = 60) -> int:
    """Every check; 1 when something is broken, else 0."""
    doctor = Doctor(out)
    clis = install_clis.find_clis()
    decision = install_plan.decide(clis, str(install_paths.plugin_folder()))
    # When setup can't register the plugin, each CLI's line says why and what fixes it; the
    # config's missing entry is a consequence, not a second problem.
    setup_can = bool(decision.settings) and not decision.failed
    text, parses = _check_config(doctor, install_paths.config_file(), setup_can)
    if not clis:
        doctor.line(FAIL, "no `aws` on PATH", "install AWS CLI v1 or v2, then " + _setup())
    for entry in decision.clis:
        _check_cli(doctor, entry, text if parses else None, timeout)
    _check_shell(doctor, shell)
    if parses:
        _check_sessions(doctor, text)
    return 1 if doctor.failed else 0


def _check_config(doctor: Doctor, path: str, setup_can: bool) -> tuple[str, bool]:
    """(the config's text, '' when there is none; whether it parses): one line, one failure
    at most."""
    text = install_files.read_text(path) if os.path.exists(path) else None
    missing = FAIL if setup_can else INFO
    if text is None:
        doctor.line(missing, f"config {path} does not exist", _setup())
        return "", True
    try:
        install_files.check_config_parses(text, path)
    except ConfigError as error:
        problem = error.problem.replace(f"The AWS config {path} can't be parsed: ", "")
        doctor.line(
            FAIL,
            f"config {path} does not parse: {problem}",
            "fix that line by hand (every `aws` command fails on this file until then), "
            f"then run `{install_paths.own_command('doctor')}` again",
        )
        return text, False
    settings = config_edit.plugin_settings(text)
    if install_paths.PLUGIN_MODULE not in settings.values():
        entry = f"config {path}: no [plugins] {install_paths.PLUGIN_NAME} entry"
        doctor.line(missing, entry, _setup())
    else:
        doctor.line(OK, f"config {path} parses; [plugins] loads {install_paths.PLUGIN_MODULE}")
    return text, True


def _check_cli(doctor: Doctor, entry: install_plan.CliPlan, text: str | None, timeout) -> None:
    cli = entry.cli
    if cli.problem:
        status = FAIL if entry.counts else INFO
        doctor.line(status, f"{cli.path}: {cli.problem}", entry.fix)
        return
    python = f", Python {'.'.join(map(str, cli.python_version))}"
    behind = f" (behind it: {os.path.realpath(cli.real_path)})" if cli.via else ""
    doctor.line(OK, f"{cli.path}: {cli.label}{python}{behind}")
    if text is None:
        doctor.line(INFO, f"{cli.path}: plugin not checked: the config must parse first")
        return
    if entry.status != install_plan.REGISTERED:
        doctor.line(FAIL, f"{cli.path}: setup can't register the plugin: {entry.reason}", entry.fix)
        return
    settings = config_edit.plugin_settings(text)
    if cli.major == 2 and PATH_SETTING not in settings:
        doctor.line(
            FAIL, f"{cli.path}: v2 loads no plugin: [plugins] has no {PATH_SETTING}", _setup()
        )
        return
    try:
        result = subprocess.run(
            [cli.path, "sso-env", "--unset", "--format", "json"],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        doctor.line(FAIL, f"{cli.path}: `aws sso-env` took over {timeout:.0f} s", _setup())
        return
    if result.returncode == 0 and _is_json(result.stdout):
        doctor.line(OK, f"{cli.path}: `aws sso-env --unset` runs: the plugin loads")
        return
    doctor.line(FAIL, f"{cli.path}: `aws sso-env --unset` fails: {_diagnose(cli, result, text)}")


def _diagnose(cli, result, text: str | None) -> str:
    error = result.stderr.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
    last = error[0]
    fix = _setup()
    if cli.major == 1 and "No module named '" + os.sep in last:
        why = f"v1 reads the v2-only `{PATH_SETTING}` as a module name and crashes"
        fix = (
            f"{_setup()} (it teaches this v1 to ignore that setting), or remove the "
            f"`{PATH_SETTING}` line from [plugins] if you don't use AWS CLI v2"
        )
    elif "awscli_sso_ext" in last or "shellingham" in last:
        why = "the plugin module is missing where this CLI looks for it"
    elif "Invalid choice" in result.stderr or "invalid choice" in result.stderr:
        why = "this CLI doesn't know the command: the plugin isn't registered for it"
    else:
        why = last
    return f"{why}\n     fix: {fix}"


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _check_shell(doctor: Doctor, shell: str | None) -> None:
    how = "--shell"
    if shell is None:
        shell, how = detect_shell()
    if shell is None:
        doctor.line(INFO, f"shell: can't tell which ({how}); pass --shell to check its rc file")
        return
    wired = shell_named(shell)
    if wired is None:
        raise UsageError(f"Unknown shell {shell!r}.", f"Use one of: {', '.join(SHELLS)}.")
    shell = wired.NAME
    rc = wired.rc_files()[0]
    body = config_edit.block_body(install_files.read_text(install_files.real_target(rc)))
    if not body:
        doctor.line(
            FAIL,
            f"{shell} (from {how}): {rc} doesn't load the hook",
            f"{install_paths.own_command('setup', '--shell', shell)}, then open a new shell",
        )
    elif rc_line(shell) not in body:
        doctor.line(
            FAIL, f"{shell}: {rc} loads a hook file that isn't this installation's", _setup()
        )
    else:
        doctor.line(
            OK,
            f"{shell}: {rc} loads the hook (new shells get it; a running shell can't be "
            "inspected from here: if `type aws` there doesn't say function, open a new one)",
        )
    hook = hook_path(shell).read_text(encoding="utf-8")
    if _registers_completion(hook):
        doctor.line(OK, f"{shell}: profile completion comes with the hook")
    else:
        doctor.line(INFO, f"{shell}: profile completion: not yet available in this version")


_COMPLETION_COMMANDS = {shell.COMPLETION_COMMAND for shell in SHELLS.values()}


def _registers_completion(hook_text: str) -> bool:
    """Whether a hook file registers a completer for `aws`: a `complete` (bash, fish, also
    as `builtin complete`), `compdef` (zsh) or `Register-ArgumentCompleter` (PowerShell,
    also module-qualified) command naming aws; comments that mention one don't count."""
    for line in hook_text.splitlines():
        words = line.split()
        while words and words[0] in ("builtin", "command", "\\builtin", "\\command"):
            words = words[1:]
        if not words:
            continue
        name = words[0].rsplit("\\", 1)[-1]
        names_aws = any(word.strip("'\"") == "aws" for word in words[1:])
        if name in _COMPLETION_COMMANDS and names_aws:
            return True
    return False


def _check_sessions(doctor: Doctor, text: str) -> None:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    logins: dict[str, tuple[str, str | None, bool, str]] = {}
    for section in parser.sections():
        values = dict(parser.items(section))
        if section.startswith("sso-session ") and "sso_start_url" in values:
            name = section.split(" ", 1)[1].strip()
            logins[f"sso-session {name}"] = (values["sso_start_url"], name, True, name)
        elif "sso_start_url" in values and "sso_session" not in values:
            profile = section.split(" ", 1)[-1].strip()
            url = values["sso_start_url"]
            logins.setdefault(f"legacy {url}", (url, None, False, profile))
    now = datetime.now(timezone.utc)
    for label, (url, session, session_style, who) in sorted(logins.items()):
        login = f"aws sso-switch {_a_profile(parser, session) if session else who}"
        try:
            token = tokens.read_token(tokens.token_path(url, session))
        except tokens.CacheFileError as error:
            doctor.line(FAIL, f"{label}: {error.problem}", error.fix)
            continue
        if token is None:
            doctor.line(INFO, f"{label}: not logged in (log in with `{login}`)")
        elif tokens.needs_login(token, now, session_style=session_style):
            doctor.line(INFO, f"{label}: login expired (log in again with `{login}`)")
        else:
            until = token.expires_at.strftime("%Y-%m-%d %H:%M UTC")
            doctor.line(OK, f"{label}: logged in until {until}")


def _a_profile(parser, session: str) -> str:
    for section in parser.sections():
        if (
            parser.has_option(section, "sso_session")
            and parser.get(section, "sso_session").strip() == session
        ):
            return section.split(" ", 1)[-1].strip() if section != "default" else "default"
    return "PROFILE"
