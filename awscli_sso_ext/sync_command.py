"""The `aws sso-sync` command: choose the sso-session, log in, list, plan, confirm, write."""

from __future__ import annotations

import os
import re
import sys
from urllib.parse import urlparse

from awscli_sso_ext.commands import _LOGIN_OPTIONS, _EnvironmentCommand

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_SESSION_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


class SsoSyncCommand(_EnvironmentCommand):
    NAME = "sso-sync"
    DESCRIPTION = (
        "Writes one profile per account and role you are assigned in IAM Identity Center, "
        "into your AWS config: each with sso_session, sso_account_id, sso_role_name, region, "
        "the account's name (sso_account_name) and the line ``sso_synced_by = aws sso-sync`` "
        "that marks it as written by this command.\n\n"
        "The first time, give --start-url and --sso-region (or answer the questions on a "
        "terminal): the [sso-session] section is written as ``aws configure sso`` writes it. "
        "Logs in when the session has lapsed, as ``aws sso-switch`` does.\n\n"
        "Only its own profiles are ever changed: a hand-written profile is never touched, "
        "and a new profile whose name is taken by one is skipped and reported. Comments, "
        "order, blank lines and every other section stay byte for byte. Running it again "
        "with nothing new changes nothing. A summary goes to stderr; stdout carries only "
        "the diff of --dry-run."
    )
    SYNOPSIS = (
        "aws sso-sync [--sso-session NAME] [--start-url URL --sso-region REGION] "
        "[--profile-template TEMPLATE] [--dry-run] [--prune] [--yes] [--no-login] "
        "[--no-browser]"
    )
    ARG_TABLE = [
        {
            "name": "sso-session",
            "no_paramfile": True,
            "help_text": (
                "<p>The [sso-session NAME] to sync. Without it: the one that has "
                "--start-url, else the only one in the config.</p>"
            ),
        },
        {
            "name": "start-url",
            "no_paramfile": True,  # v1 would fetch an https:// value (and read file://)
            "help_text": (
                "<p>The AWS access portal URL (https://...). With --sso-region, creates the "
                "sso-session when it isn't in the config.</p>"
            ),
        },
        {
            "name": "sso-region",
            "no_paramfile": True,
            "help_text": "<p>The region of IAM Identity Center.</p>",
        },
        {
            "name": "profile-template",
            "no_paramfile": True,
            "default": "{account_name}.{role_name}",
            "help_text": (
                "<p>How new profiles are named, from {account_name}, {account_id}, "
                "{role_name} and {sso_session}. Each run of characters other than letters, "
                "digits, <code>.</code>, <code>_</code> and <code>-</code> becomes "
                "<code>-</code>; names given twice get the account id appended.</p>"
            ),
        },
        {
            "name": "dry-run",
            "action": "store_true",
            "help_text": "<p>Print the change as a unified diff on stdout; change nothing.</p>",
        },
        {
            "name": "prune",
            "action": "store_true",
            "help_text": (
                "<p>Also remove the profiles this command wrote for this sso-session whose "
                "account and role are no longer assigned (asks first on a terminal).</p>"
            ),
        },
        {
            "name": "yes",
            "action": "store_true",
            "help_text": "<p>Don't ask before --prune removes profiles.</p>",
        },
        *_LOGIN_OPTIONS,
    ]
    EXAMPLES = (
        "**The first time: every account and role of your organisation**::\n\n"
        "    aws sso-sync --sso-session corp --start-url https://d-1234567890.awsapps.com/start"
        " --sso-region eu-west-1\n\n"
        "**See what would change, then pick up new accounts and drop old ones**::\n\n"
        "    aws sso-sync --dry-run --prune\n"
        "    aws sso-sync --prune\n\n"
        "**Name profiles by account id, in another region**::\n\n"
        "    aws --region us-east-1 sso-sync --profile-template '{account_id}-{role_name}'\n"
    )

    def __init__(self, session, stdout=None, stderr=None, environ=None, stdin=None):
        super().__init__(session, stdout=stdout, stderr=stderr, environ=environ)
        self._stdin = stdin if stdin is not None else sys.stdin

    def _output(self, parsed_args, parsed_globals) -> str:
        from awscli_sso_ext import install_files, sync, sync_config
        from awscli_sso_ext.errors import UsageError

        sync.check_template(parsed_args.profile_template)
        if parsed_args.prune and not (parsed_args.yes or parsed_args.dry_run or self._terminal()):
            raise UsageError(
                "--prune asks before removing profiles, and there is no terminal to ask on; "
                "nothing was changed.",
                "Add --yes to remove them without asking (see them first with --dry-run).",
            )
        path = os.path.expanduser(self._session.get_config_variable("config_file"))
        text = install_files.read_text(install_files.real_target(path)) or ""
        if text.strip():
            install_files.check_config_parses(text, path)
        found = sync_config.sections(sync_config.Editor(text).lines)
        session = self._choose_session(parsed_args, found, path)
        listing = self._listing(session, parsed_args, parsed_globals)
        options = {
            "template": parsed_args.profile_template,
            "region": parsed_globals.region or session.sso_region,
            "other_profiles": self._credential_profiles(),
        }
        plan = sync.plan_sync(text, session, listing, prune=parsed_args.prune, **options)
        prune = parsed_args.prune
        if plan.removed and not (parsed_args.yes or parsed_args.dry_run):
            prune = self._confirm_removal(plan.removed, path)
            if not prune:
                plan = sync.plan_sync(text, session, listing, prune=False, **options)
        if parsed_args.dry_run:
            self._say(f"Dry run, {path} not changed: {plan.summary(listing)}")
            return sync.unified_diff(path, text, plan.text)
        plan = sync.write_plan(
            path, plan, lambda now: sync.plan_sync(now, session, listing, prune=prune, **options)
        )
        self._say(plan.summary(listing))
        return ""

    # --- the sso-session -----------------------------------------------------------------

    def _choose_session(self, parsed_args, found, path):
        from awscli_sso_ext.errors import ConfigError, UsageError
        from awscli_sso_ext.sync import SsoSession
        from awscli_sso_ext.sync_config import REGISTRATION_SCOPES

        sessions = {s.name: s.settings for s in found if s.kind == "sso-session"}
        name, start_url, region = (
            parsed_args.sso_session,
            parsed_args.start_url,
            parsed_args.sso_region,
        )
        if start_url is not None:
            start_url = _checked_start_url(start_url)
        if region is not None:
            region = _checked_region(region)
        if name is None and start_url is not None:
            same = [n for n, s in sessions.items() if s.get("sso_start_url") == start_url]
            name = same[0] if same else _session_name_for(start_url)
        if name is None:
            if len(sessions) == 1:
                name = next(iter(sessions))
            elif sessions:
                raise UsageError(
                    f"{path} has {len(sessions)} sso-sessions: {', '.join(sorted(sessions))}.",
                    "Choose one with --sso-session NAME.",
                )
            elif region is None and self._terminal():
                start_url, region = self._ask_first_session()
                name = _session_name_for(start_url)
            else:
                raise UsageError(
                    f"{path} has no [sso-session] yet, so sso-sync doesn't know your portal.",
                    "Run `aws sso-sync --start-url https://YOUR-ID.awsapps.com/start "
                    "--sso-region REGION` (the URL and region your administrator gave you).",
                )
        if not _SESSION_NAME.match(name):
            raise UsageError(
                f"--sso-session {name!r} is not a name sso-sync can write.",
                "Use letters, digits, '.', '_' and '-' only.",
            )
        existing = sessions.get(name)
        if existing is not None:
            for key, given in (("sso_start_url", start_url), ("sso_region", region)):
                if given is not None and existing.get(key) != given:
                    raise UsageError(
                        f"[sso-session {name}] in {path} has {key} = {existing.get(key)}, "
                        f"not {given}.",
                        "Drop the option to use the session as it is, or choose another "
                        "--sso-session name for the other portal.",
                    )
            missing = [k for k in ("sso_start_url", "sso_region") if not existing.get(k)]
            if missing:
                raise ConfigError(
                    f"[sso-session {name}] in {path} has no {' or '.join(missing)}.",
                    f"Add {', '.join(k + ' = ...' for k in missing)} to that section.",
                )
            return SsoSession(
                name,
                existing["sso_start_url"],
                existing["sso_region"],
                registration_scopes=existing.get("sso_registration_scopes"),
            )
        if start_url is None or region is None:
            if self._terminal() and start_url is None and region is None:
                start_url, region = self._ask_first_session()
            else:
                raise UsageError(
                    f"There is no [sso-session {name}] in {path} yet.",
                    "Give both --start-url and --sso-region to create it.",
                )

        return SsoSession(
            name, start_url, region, new=True, registration_scopes=REGISTRATION_SCOPES
        )

    def _ask_first_session(self) -> tuple[str, str]:
        """The start URL and region, asked on the terminal until each is valid."""
        from awscli_sso_ext.errors import UsageError

        self._say("No sso-session yet: sso-sync needs your AWS access portal.")
        answers = []
        for question, check in (
            ("SSO start URL (https://...): ", _checked_start_url),
            ("SSO region (e.g. eu-west-1): ", _checked_region),
        ):
            while True:
                self._stderr.write(question)
                self._stderr.flush()
                line = self._stdin.readline()
                if not line:
                    raise UsageError("No answer was given; nothing was changed.")
                try:
                    answers.append(check(line.strip()))
                    break
                except UsageError as error:
                    self._say(str(error.problem))
        return answers[0], answers[1]

    # --- login and listing ---------------------------------------------------------------

    def _listing(self, session, parsed_args, parsed_globals):
        from botocore.exceptions import BotoCoreError, ClientError

        from awscli_sso_ext import portal
        from awscli_sso_ext.errors import OperationFailed
        from awscli_sso_ext.failures import explain

        target = _target(session)
        label = f"sso-session {session.name}"
        botocore_session = _plain_session(parsed_globals, self._settings)
        token = self._login(botocore_session, label, target, parsed_args, refused=None)
        client = portal.portal_client(botocore_session, session.sso_region)
        for attempt in (1, 2):
            try:
                return portal.list_assignments(client, token.access_token, self._progress())
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code != "UnauthorizedException":
                    raise explain(error, label, None) from None
                if attempt == 2 or parsed_args.no_login:
                    raise OperationFailed(
                        f"The portal did not accept the login of {label}.",
                        "Run `aws sso-sync` again (without --no-login) to log in afresh.",
                    ) from None
                self._say(f"aws {self.NAME}: the SSO session was not accepted; logging in again.")
                token = self._login(botocore_session, label, target, parsed_args, refused=token)
            except BotoCoreError as error:
                raise explain(error, label, None) from None
            finally:
                self._end_progress()
        raise AssertionError("unreachable")

    def _login(self, botocore_session, label, target, parsed_args, *, refused):
        """A token for listing; `refused`: the one the portal has just refused (log in anew,
        unless another process already has)."""
        from awscli_sso_ext.errors import LoginNeeded
        from awscli_sso_ext.login import utc_now
        from awscli_sso_ext.sign_in import ensure_login, login_for

        open_browser = not parsed_args.no_browser
        try:
            if refused is None:
                token, _logged_in = ensure_login(
                    botocore_session,
                    label,
                    target,
                    allow_login=not parsed_args.no_login,
                    open_browser=open_browser,
                    stderr=self._stderr,
                    settings=self._settings,
                    use_device_code=parsed_args.use_device_code,
                )
                if token.seconds_left(utc_now()) > 60 or parsed_args.no_login:
                    return token
                refused = token  # renewable, but too close to its end for a long listing
            return login_for(
                botocore_session,
                label,
                target,
                open_browser=open_browser,
                stderr=self._stderr,
                refused=refused,
                settings=self._settings,
                use_device_code=parsed_args.use_device_code,
            ).run()
        except LoginNeeded as error:
            raise LoginNeeded(
                error.problem, "Run `aws sso-sync` without --no-login to log in."
            ) from None

    def _progress(self):
        if not self._stderr.isatty():
            return None

        def show(done: int, known: int) -> None:
            self._stderr.write(f"\r\x1b[KListing roles: {done}/{known} accounts")
            self._stderr.flush()

        return show

    def _end_progress(self) -> None:
        if self._stderr.isatty():
            self._stderr.write("\r\x1b[K")
            self._stderr.flush()

    # --- questions -----------------------------------------------------------------------

    def _terminal(self) -> bool:
        return self._stdin.isatty() and self._stderr.isatty()

    def _confirm_removal(self, names: list[str], path: str) -> bool:
        self._say(f"--prune would remove these profiles from {path}:")
        for name in names:
            self._say(f"  {name}")
        self._stderr.write(f"Remove these {len(names)} profiles? [y/N] ")
        self._stderr.flush()
        answer = self._stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            self._say("Kept them.")
            return False
        return True

    def _credential_profiles(self) -> frozenset[str]:
        """Profile names of the credentials file (botocore merges them with the config's)."""
        import configparser

        path = os.path.expanduser(
            self._session.get_config_variable("credentials_file") or "~/.aws/credentials"
        )
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            return frozenset()
        return frozenset(parser.sections())


def _target(session):
    from awscli_sso_ext.profiles import SsoTarget
    from awscli_sso_ext.tokens import parse_registration_scopes

    scopes = parse_registration_scopes(session.registration_scopes)
    return SsoTarget(
        account_id="",
        role_name="",
        start_url=session.start_url,
        sso_region=session.sso_region,
        session_name=session.name,
        registration_scopes=None if scopes is None else tuple(scopes),
    )


def _plain_session(parsed_globals, settings):
    """A botocore session for the portal: the global --profile's settings (retries, CA
    bundle) if given, else the default's; never a stale AWS_PROFILE naming a profile that
    isn't there (the profile variable is read from no environment variable). Its clients
    wait no longer than the CLI's timeouts allow and check each answer."""
    import botocore.session

    from awscli_sso_ext.clients import bounded

    session = botocore.session.Session(
        profile=parsed_globals.profile, session_vars={"profile": (None, None, None, None)}
    )
    return bounded(session, settings)


def _checked_start_url(url: str) -> str:
    from awscli_sso_ext.errors import UsageError

    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.hostname or any(c.isspace() for c in url):
        raise UsageError(
            f"The start URL {url!r} is not an https:// address with a host.",
            "Use the AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start.",
        )
    return url


def _checked_region(region: str) -> str:
    from awscli_sso_ext.errors import UsageError

    if not _REGION.match(region):
        raise UsageError(
            f"{region!r} is not an AWS region name.",
            "Use the region of IAM Identity Center, e.g. eu-west-1 or us-east-1.",
        )
    return region


def _session_name_for(start_url: str) -> str:
    """A session name from the portal's host: `d-1234567890` for d-1234567890.awsapps.com."""
    host = urlparse(start_url).hostname or "sso"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", host.split(".")[0]) or "sso"
