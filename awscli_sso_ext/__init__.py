"""AWS CLI plugin entry point: adds sso-switch, sso-env, sso-status and sso-sync, lazily."""

from awscli_sso_ext.given_timeouts import GIVEN_TIMEOUTS, note_given_timeouts

__version__ = "0.1.0"
__all__ = ["GIVEN_TIMEOUTS", "awscli_initialize", "note_given_timeouts"]


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
