"""AWS CLI plugin entry point: adds sso-switch, sso-env, sso-status and sso-sync, lazily."""

__version__ = "0.1.0"

GIVEN_TIMEOUTS = "sso_ext_given_timeouts"
"""The attribute our plugin adds to the CLI's parsed globals: the timeout options typed."""


def awscli_initialize(cli):
    """Called by the AWS CLI (v1 and v2) with its event emitter when it loads plugins."""
    cli.register("building-command-table.main", _add_commands)
    register_first = getattr(cli, "register_first", None)
    if register_first is not None:
        register_first("top-level-args-parsed", note_given_timeouts)


def _add_commands(command_table, session, **kwargs):
    # Imported here, not at module level: this module is imported on every `aws` run.
    from awscli_sso_ext.commands import SsoEnvCommand, SsoSwitchCommand
    from awscli_sso_ext.status_command import SsoStatusCommand
    from awscli_sso_ext.sync_command import SsoSyncCommand

    command_table[SsoSwitchCommand.NAME] = SsoSwitchCommand(session)
    command_table[SsoEnvCommand.NAME] = SsoEnvCommand(session)
    command_table[SsoStatusCommand.NAME] = SsoStatusCommand(session)
    command_table[SsoSyncCommand.NAME] = SsoSyncCommand(session)


def note_given_timeouts(parsed_args, **kwargs):
    """Runs before the CLI fills in its 60 s defaults: notes which timeouts the user typed."""
    typed = [
        name
        for name in ("connect_timeout", "read_timeout")
        if getattr(parsed_args, name, None) is not None
    ]
    setattr(parsed_args, GIVEN_TIMEOUTS, tuple(typed))
