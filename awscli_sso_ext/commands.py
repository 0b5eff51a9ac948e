"""The `aws sso-switch` and `aws sso-env` commands: parse, call the core, map errors to exits."""

from __future__ import annotations

import os
import sys

from awscli.customizations.commands import BasicCommand

# Only the module-level import above runs at `aws` start-up (the CLI has already imported it);
# everything else is imported when one of our commands actually runs.


class _EnvironmentCommand(BasicCommand):
    """Shared plumbing: streams, error reporting, rendering an environment."""

    def __init__(self, session, stdout=None, stderr=None, environ=None, stdin=None):
        super().__init__(session)
        self._stdin = stdin if stdin is not None else sys.stdin
        self._stdout = stdout
        self._stderr = stderr if stderr is not None else sys.stderr
        self._environ = environ if environ is not None else os.environ

    def _run_main(self, parsed_args, parsed_globals):
        from awscli_sso_ext.clients import network_settings
        from awscli_sso_ext.exits import guarded
        from awscli_sso_ext.redaction import redact_debug_logs

        redact_debug_logs()
        self._settings = network_settings(parsed_globals)
        text = ""

        def produce() -> int:
            nonlocal text
            text = self._output(parsed_args, parsed_globals)
            return 0

        code = guarded(produce, f"aws {self.NAME}", self._stderr, _FILE_ADVICE)
        if code:
            return code
        if text:
            self._write(text)
        self._refresh_switch_index()
        return 0

    def _output(self, parsed_args, parsed_globals) -> str:
        raise NotImplementedError

    @staticmethod
    def _refresh_switch_index() -> None:
        """Keep the index the shell hooks switch from current (never fails the command)."""
        from awscli_sso_ext.switch_index import refresh_quietly

        refresh_quietly()

    def _profile_environment(
        self,
        profile,
        parsed_args,
        parsed_globals,
        *,
        previous=None,
        credentials=False,
        verify=False,
        check_role=False,
    ):
        """The core's environment for `profile`; what STS said, when asked, goes on stderr."""
        from awscli_sso_ext.switching import SwitchOptions, build_environment

        options = SwitchOptions(
            region=parsed_globals.region,
            previous_profile=previous,
            credentials=credentials,
            verify=verify,
            check_role=check_role,
            allow_login=not parsed_args.no_login,
            open_browser=not parsed_args.no_browser,
            settings=self._settings,
            use_device_code=parsed_args.use_device_code,
        )
        root = self._profile_book().get(profile.sso_root) if profile.sso_root else None
        result = build_environment(profile, options, self._stderr, chain_root=root)
        checked = result.verification
        if checked is not None:
            self._say(f"Verified with STS: account {checked.account}, {checked.arn}")
            renews = " (renews by itself)" if checked.can_refresh else ""
            self._say(
                f"SSO login valid until {_clock(checked.token_expires_at)}{renews}; "
                f"role credentials until {_clock(checked.credentials_expire_at)}."
            )
        return result.variables

    def _profile_book(self):
        from awscli_sso_ext.profiles import ProfileBook

        return ProfileBook.from_session(self._session)

    def _stdout_is_terminal(self) -> bool:
        stream = self._stdout if self._stdout is not None else sys.stdout
        return stream.isatty()

    def _say(self, message: str) -> None:
        self._stderr.write(message.rstrip("\n") + "\n")
        self._stderr.flush()

    def _write(self, text: str) -> None:
        if self._stdout is not None:
            self._stdout.write(text)
            return
        # Bytes, so a non-ASCII profile name survives whatever locale `aws` was started in.
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()

    def _output_format(self, format_name: str | None):
        from awscli_sso_ext.detection import caller_format
        from awscli_sso_ext.errors import UsageError
        from awscli_sso_ext.shells import FORMATS

        if format_name is None:
            format_name, note = caller_format(self._environ)
            if note:
                self._say(f"aws {self.NAME}: {note}")
        output_format = FORMATS.get(format_name)
        if output_format is None:
            raise UsageError(
                f"--format {format_name!r} is not a format this command writes.",
                f"Use one of: {', '.join(FORMATS)}.",
            )
        return output_format


_FILE_ADVICE = "Check that you own ~/.aws and its sso/cache and cli/cache folders."


def _clock(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "unknown"


_LOGIN_OPTIONS = (
    {
        "name": "no-login",
        "action": "store_true",
        "help_text": (
            "<p>Never start a login: when the SSO session has lapsed, fail (exit status 1) "
            "and print the command that logs in.</p>"
        ),
    },
    {
        "name": "no-browser",
        "action": "store_true",
        "help_text": (
            "<p>Don't open a browser for a login; the address and code are printed on "
            "stderr either way.</p>"
        ),
    },
    {
        "name": "use-device-code",
        "action": "store_true",
        "help_text": (
            "<p>Log in with a code approved on any device (the device authorization flow) "
            "instead of a browser coming back to this machine (the authorization code flow "
            "with PKCE). The code is used anyway for legacy profiles and over SSH, and in a "
            "container or without a graphical display unless BROWSER names a browser.</p>"
        ),
    },
)


def _format_help() -> str:
    from awscli_sso_ext.shells import FORMATS

    items = "".join(
        f"<li><code>{name}</code>: {f.DOCUMENTATION}</li>" for name, f in FORMATS.items()
    )
    return (
        "<p>The syntax to print. Without it, the shell that runs the command is detected "
        f"(bash when it can't be told).</p><ul>{items}</ul>"
    )


class SsoSwitchCommand(_EnvironmentCommand):
    NAME = "sso-switch"
    DESCRIPTION = (
        "Moves this shell to another AWS profile: sets AWS_PROFILE, AWS_REGION and "
        "AWS_DEFAULT_REGION, clears AWS_DEFAULT_PROFILE and any static keys "
        "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, "
        "AWS_CREDENTIAL_EXPIRATION) that would beat the profile, and records the role, "
        "account and SSO session for the prompt.\n\n"
        "A program can't change the shell that started it, so the command prints shell "
        "code on stdout and the awscli-sso-ext shell hook evaluates it, only when the "
        "command succeeded. Without the hook, evaluate it yourself: "
        '``eval "$(aws sso-switch PROFILE)"``.\n\n'
        "The profile is checked against your config and credentials files; an unknown "
        "name exits with status 2, prints nothing on stdout and suggests the names you "
        "may have meant. Messages always go to stderr.\n\n"
        "Without a profile, on a terminal, you pick it from a list of your profiles (account, "
        "role, region and login state), drawn on the terminal and never on stdout: fzf when "
        "it is on PATH (FZF_DEFAULT_OPTS applies), else a built-in list where typing narrows "
        "it, the arrows move, Enter takes the highlighted profile and Esc or Ctrl-C cancels "
        "(exit status 130, nothing changed). The profiles you switch to most and lately come "
        "first; the order is kept in $XDG_STATE_HOME/awscli-sso-ext/frecency.json "
        "(~/.local/state by default). Without a terminal, a profile must be named (exit "
        "status 2)."
    )
    SYNOPSIS = (
        "aws sso-switch [PROFILE | -] [--unset] [--verify] [--no-login] [--no-browser] "
        "[--use-device-code]"
    )
    ARG_TABLE = [
        {
            "name": "profile_name",
            "positional_arg": True,
            "nargs": "?",
            "synopsis": "PROFILE",
            "help_text": (
                "<p>The profile to switch to, as named in <code>~/.aws/config</code> or "
                "<code>~/.aws/credentials</code>. <code>-</code> goes back to the profile "
                "this shell had before its last switch. Without it, the global "
                "<code>--profile</code> is used; without either, on a terminal, you pick "
                "it from a list.</p>"
            ),
        },
        {
            "name": "unset",
            "action": "store_true",
            "help_text": (
                "<p>Clear everything a switch sets, so the shell uses no profile; "
                "<code>aws sso-switch -</code> then returns to the profile it had.</p>"
            ),
        },
        {
            "name": "verify",
            "action": "store_true",
            "help_text": (
                "<p>Fetch the role's credentials and ask STS who they belong to; prints the "
                "account and ARN on stderr.</p>"
            ),
        },
        *_LOGIN_OPTIONS,
    ]
    EXAMPLES = (
        "**To move this shell to the staging profile**\n\n"
        "With the shell hook installed::\n\n"
        "    aws sso-switch staging\n\n"
        "**To use another region than the profile's**::\n\n"
        "    aws --region eu-west-1 sso-switch prod\n\n"
        "**To pick the profile from a list**::\n\n"
        "    aws sso-switch\n\n"
        "**To go back to the previous profile**::\n\n"
        "    aws sso-switch -\n\n"
        "**To fail instead of logging in, and check the role with STS**::\n\n"
        "    aws sso-switch prod --no-login --verify\n\n"
        "**To clear the profile, region and keys from this shell**::\n\n"
        "    aws sso-switch --unset\n\n"
        "**To switch without the hook** (bash or zsh)::\n\n"
        '    eval "$(aws sso-switch staging)"\n'
    )

    def _output(self, parsed_args, parsed_globals):
        from awscli_sso_ext import environment
        from awscli_sso_ext.detection import SHELL_VARIABLE
        from awscli_sso_ext.errors import UsageError

        output_format = self._output_format(None)
        current = self._environ.get("AWS_PROFILE") or self._environ.get("AWS_DEFAULT_PROFILE")
        if parsed_args.unset:
            if parsed_args.profile_name:
                raise UsageError(
                    "--unset clears the profile; it takes no profile name.",
                    "Run `aws sso-switch --unset` alone.",
                )
            env = environment.cleared_environment(current)
        else:
            name = parsed_args.profile_name or parsed_globals.profile or self._picked_profile()
            if name == "-":
                name = self._environ.get(environment.PREVIOUS_PROFILE)
                if not name:
                    raise UsageError(
                        "This shell has no previous profile to go back to.",
                        "Switch with `aws sso-switch PROFILE` first.",
                    )
            profile = self._profile_book().get(name)
            env = self._profile_environment(
                profile,
                parsed_args,
                parsed_globals,
                previous=current,
                verify=parsed_args.verify,
                check_role=True,
            )
        text = output_format.render(env)
        if not self._environ.get(SHELL_VARIABLE) and self._stdout_is_terminal():
            self._say(
                "aws sso-switch: this shell did not change, because the awscli-sso-ext shell "
                "hook is not loaded here.\n"
                'Run `eval "$(aws sso-switch ...)"`, or add the hook to your shell '
                "(`aws-sso-ext hook SHELL` prints the line for your rc file)."
            )
            return ""
        if not parsed_args.unset:
            self._remember(profile.name)
        return text

    def _picked_profile(self) -> str:
        """The profile chosen on the terminal; without one, the name is needed (exit 2)."""
        from awscli_sso_ext import picker
        from awscli_sso_ext.errors import UsageError

        tty = picker.on_terminal(self._stdin)
        if tty is None:
            raise UsageError(
                "Name the profile to switch to.",
                "Run `aws sso-switch PROFILE` (or `aws sso-switch -` for the previous one); "
                "on a terminal, `aws sso-switch` alone lets you pick it.",
            )
        try:
            return picker.pick(self._profile_book(), tty, self._environ)
        finally:
            tty.close()

    def _remember(self, name: str) -> None:
        """Count the switch for the picker's order; a failure only costs the order."""
        from awscli_sso_ext import frecency

        try:
            frecency.record(name, self._environ)
        except OSError as error:
            self._say(
                f"aws sso-switch: could not update {error.filename or 'the picker state file'} "
                f"({error.strerror}); the picker's order stays as it was."
            )


class SsoEnvCommand(_EnvironmentCommand):
    NAME = "sso-env"
    DESCRIPTION = (
        "Prints the environment that points every AWS SDK and tool at one profile: "
        "AWS_PROFILE, AWS_REGION and AWS_DEFAULT_REGION set; AWS_DEFAULT_PROFILE and static "
        "keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, "
        "AWS_CREDENTIAL_EXPIRATION) unset, because each of them would beat the profile; and "
        "the role, account and SSO session (AWS_SSO_EXT_*) for prompts.\n\n"
        "The profile is the global ``--profile``, or the one this shell uses now. Values are "
        "quoted for the chosen shell, so any profile name is safe to evaluate."
    )
    SYNOPSIS = (
        "aws sso-env [--profile PROFILE] [--format FORMAT] [--credentials] [--unset] "
        "[--no-login] [--no-browser] [--use-device-code]"
    )

    @property
    def ARG_TABLE(self):  # the name BasicCommand reads; the help is built only when run
        return [
            {"name": "format", "help_text": _format_help()},
            {
                "name": "unset",
                "action": "store_true",
                "help_text": "<p>Print the code that clears all of these variables instead.</p>",
            },
            {
                "name": "credentials",
                "action": "store_true",
                "help_text": (
                    "<p>Add the role's temporary keys (AWS_ACCESS_KEY_ID, "
                    "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and AWS_CREDENTIAL_EXPIRATION, "
                    "for tools that can't use an SSO profile; logs in first if needed. "
                    "Without it, no secret is ever printed.</p>"
                ),
            },
            *_LOGIN_OPTIONS,
        ]

    EXAMPLES = (
        "**To point this bash or zsh shell at the prod profile**::\n\n"
        '    eval "$(aws sso-env --profile prod --format bash)"\n\n'
        "**The same in fish**::\n\n"
        "    aws sso-env --profile prod --format fish | source\n\n"
        "**The same in PowerShell**::\n\n"
        "    aws sso-env --profile prod --format powershell | Invoke-Expression\n\n"
        "**To write a .env file for docker compose**::\n\n"
        "    aws sso-env --profile prod --format dotenv > .env\n\n"
        "**To give a tool that can't use SSO the role's keys**::\n\n"
        '    eval "$(aws sso-env --profile prod --credentials --format bash)"\n\n'
        "**To serve those keys to any SDK through credential_process**, in ~/.aws/config "
        "(``aws-sso-ext process`` prints the same JSON as ``--format process``, from the "
        "cache without starting the AWS CLI while the keys are good)::\n\n"
        "    [profile prod-keys]\n"
        "    credential_process = aws-sso-ext process prod\n\n"
        "**To clear the variables again**::\n\n"
        '    eval "$(aws sso-env --unset --format bash)"\n'
    )

    def _output(self, parsed_args, parsed_globals):
        from awscli_sso_ext import environment
        from awscli_sso_ext.errors import UsageError

        output_format = self._output_format(parsed_args.format)
        if parsed_args.unset:
            if not output_format.CAN_UNSET:
                raise UsageError(
                    f"The {output_format.NAME} format can't unset variables.",
                    "Choose a shell with --format (bash, zsh, fish or powershell).",
                )
            return output_format.render(environment.cleared_environment())
        name = self._session.profile or "default"
        profile = self._profile_book().get(name)
        credentials = parsed_args.credentials or output_format.NAME == "process"
        env = self._profile_environment(
            profile, parsed_args, parsed_globals, credentials=credentials
        )
        return output_format.render(env)
