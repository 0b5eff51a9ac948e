"""The `aws sso-switch` and `aws sso-env` commands: parse, call the core, map errors to exits."""

from __future__ import annotations

import os
import sys

from awscli.customizations.commands import BasicCommand

# Only the module-level import above runs at `aws` start-up (the CLI has already imported it);
# everything else is imported when one of our commands actually runs.


class _EnvironmentCommand(BasicCommand):
    """Shared plumbing: streams, error reporting, rendering an environment."""

    def __init__(self, session, stdout=None, stderr=None, environ=None):
        super().__init__(session)
        self._stdout = stdout
        self._stderr = stderr if stderr is not None else sys.stderr
        self._environ = environ if environ is not None else os.environ

    def _run_main(self, parsed_args, parsed_globals):
        from awscli_sso_ext.errors import SsoExtError
        from awscli_sso_ext.shells import UnrepresentableValueError

        try:
            text = self._output(parsed_args, parsed_globals)
        except SsoExtError as error:
            self._say(f"aws {self.NAME}: {error}")
            return error.exit_code
        except UnrepresentableValueError as error:
            self._say(f"aws {self.NAME}: {error}\nRename the profile in your AWS config.")
            return 2
        if text:
            self._write(text)
        return 0

    def _output(self, parsed_args, parsed_globals) -> str:
        raise NotImplementedError

    def _profile_book(self):
        from awscli_sso_ext.profiles import ProfileBook

        return ProfileBook.from_session(self._session)

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

    def _render(self, environment, format_name: str | None) -> str:
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
        return output_format.render(environment)


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
        "may have meant. Messages always go to stderr."
    )
    SYNOPSIS = "aws sso-switch [PROFILE | -] [--unset]"
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
                "<code>--profile</code> is used.</p>"
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
    ]
    EXAMPLES = (
        "**To move this shell to the staging profile**\n\n"
        "With the shell hook installed::\n\n"
        "    aws sso-switch staging\n\n"
        "**To use another region than the profile's**::\n\n"
        "    aws --region eu-west-1 sso-switch prod\n\n"
        "**To go back to the previous profile**::\n\n"
        "    aws sso-switch -\n\n"
        "**To clear the profile, region and keys from this shell**::\n\n"
        "    aws sso-switch --unset\n\n"
        "**To switch without the hook** (bash or zsh)::\n\n"
        '    eval "$(aws sso-switch staging)"\n'
    )

    def _output(self, parsed_args, parsed_globals):
        from awscli_sso_ext import environment
        from awscli_sso_ext.detection import SHELL_VARIABLE
        from awscli_sso_ext.errors import UsageError

        current = self._environ.get("AWS_PROFILE") or self._environ.get("AWS_DEFAULT_PROFILE")
        if parsed_args.unset:
            if parsed_args.profile_name:
                raise UsageError(
                    "--unset clears the profile; it takes no profile name.",
                    "Run `aws sso-switch --unset` alone.",
                )
            env = environment.cleared_environment(current)
        else:
            name = parsed_args.profile_name or parsed_globals.profile
            if not name:
                raise UsageError(
                    "Name the profile to switch to.",
                    "Run `aws sso-switch PROFILE` (or `aws sso-switch -` for the previous one).",
                )
            if name == "-":
                name = self._environ.get(environment.PREVIOUS_PROFILE)
                if not name:
                    raise UsageError(
                        "This shell has no previous profile to go back to.",
                        "Switch with `aws sso-switch PROFILE` first.",
                    )
            profile = self._profile_book().get(name)
            env = environment.switch_environment(profile, parsed_globals.region, current)
        text = self._render(env, None)
        if not self._environ.get(SHELL_VARIABLE) and self._stdout_is_terminal():
            self._say(
                "aws sso-switch: this shell did not change, because the awscli-sso-ext shell "
                "hook is not loaded here.\n"
                'Run `eval "$(aws sso-switch ...)"`, or add the hook to your shell '
                "(`aws-sso-ext hook SHELL` prints the line for your rc file)."
            )
            return ""
        return text

    def _stdout_is_terminal(self) -> bool:
        stream = self._stdout if self._stdout is not None else sys.stdout
        return stream.isatty()


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
    SYNOPSIS = "aws sso-env [--profile PROFILE] [--format FORMAT] [--unset]"

    @property
    def ARG_TABLE(self):  # the name BasicCommand reads; the help is built only when run
        return [
            {"name": "format", "help_text": _format_help()},
            {
                "name": "unset",
                "action": "store_true",
                "help_text": "<p>Print the code that clears all of these variables instead.</p>",
            },
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
        "**To clear the variables again**::\n\n"
        '    eval "$(aws sso-env --unset --format bash)"\n'
    )

    def _output(self, parsed_args, parsed_globals):
        from awscli_sso_ext import environment
        from awscli_sso_ext.errors import UsageError
        from awscli_sso_ext.shells import FORMATS

        if parsed_args.unset:
            chosen = FORMATS.get(parsed_args.format)
            if chosen is not None and not chosen.CAN_UNSET:
                raise UsageError(
                    f"The {chosen.NAME} format can't unset variables.",
                    "Choose a shell with --format (bash, zsh, fish or powershell).",
                )
            return self._render(environment.cleared_environment(), parsed_args.format)
        name = self._session.profile or "default"
        profile = self._profile_book().get(name)
        return self._render(
            environment.profile_environment(profile, parsed_globals.region), parsed_args.format
        )
