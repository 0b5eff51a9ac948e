"""The `aws sso-status` command: every profile's login and role keys, from the caches alone."""

from __future__ import annotations

import shutil

from awscli_sso_ext.commands import _EnvironmentCommand


class SsoStatusCommand(_EnvironmentCommand):
    NAME = "sso-status"
    DESCRIPTION = (
        "Shows, for every profile of your config and credentials files, the account, its "
        "name when known (the ``sso_account_name`` key of the profile), the role, the "
        "region, the SSO session, the state of its login and when the login and the cached "
        "role keys end; the profile this shell uses is marked. Then, for every SSO session "
        "(or legacy start URL), when its login ends and until when it renews itself.\n\n"
        "A login is ``valid`` (15 minutes or more left), ``renews`` (less, or expired, but "
        "botocore renews it by itself with its refresh token), ``expired`` (only a login "
        "helps: ``aws sso-switch`` would log in), ``none`` (no login cached, or its cache "
        "file can't be used) or ``not-sso``.\n\n"
        "It reads the config and the caches only: no network call, no login. The global "
        "``--output`` chooses ``table`` (the default; local times, colour only on a terminal "
        "and never with NO_COLOR), ``json`` (one object with ``profiles`` and ``sessions``, "
        "times in ISO 8601 UTC) or ``text`` (tab-separated, one line per row). The "
        "``output`` setting of a profile is not used: it is the default of service commands, "
        "and ``aws configure sso`` sets it to json. With the global ``--profile``, only that "
        "profile is shown (exit status 2 when it is unknown)."
    )
    SYNOPSIS = "aws sso-status [--profile PROFILE] [--output table|json|text]"
    ARG_TABLE: list = []
    EXAMPLES = (
        "**To see every profile and how long its login lasts**::\n\n"
        "    aws sso-status\n\n"
        "**To check one profile from a script**::\n\n"
        "    aws sso-status --profile prod --output json\n"
    )

    def _output(self, parsed_args, parsed_globals):
        from awscli_sso_ext.errors import UsageError
        from awscli_sso_ext.login import utc_now
        from awscli_sso_ext.status import gather
        from awscli_sso_ext.status_render import OUTPUTS, render_json, render_table, render_text

        output = parsed_globals.output or "table"
        if output not in OUTPUTS:
            raise UsageError(
                f"aws sso-status can't write --output {output}.",
                f"Use one of: {', '.join(OUTPUTS)}.",
            )
        book = self._profile_book()
        only = parsed_globals.profile
        if only is not None and only not in book.names():
            book.get(only)  # raises UnknownProfileError, with the names you may have meant
        now = utc_now()
        status = gather(book, self._environ, now, only)
        if not status.profiles:
            self._say(f"No profiles are configured in {book.config_file}.")
        # A problem is said once: a torn cache file shows on its session and its profiles.
        problems = [row.problem for row in [*status.profiles, *status.sessions] if row.problem]
        for problem in dict.fromkeys(problems):
            self._say(f"aws sso-status: {problem}")
        if output == "json":
            return render_json(status)
        if output == "text":
            return render_text(status)
        terminal = self._stdout_is_terminal()
        return render_table(
            status, now, limit=self._table_width(terminal), colour=self._colour(terminal)
        )

    def _table_width(self, terminal: bool) -> int | None:
        """COLUMNS, else the terminal's width; no limit when the table goes to a file or pipe."""
        columns = self._environ.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 0:
            return int(columns)
        return shutil.get_terminal_size().columns if terminal else None

    def _colour(self, terminal: bool) -> bool:
        return (
            terminal and not self._environ.get("NO_COLOR") and self._environ.get("TERM") != "dumb"
        )
