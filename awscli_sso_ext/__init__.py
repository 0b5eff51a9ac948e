"""AWS CLI plugin entry point: adds `aws sso-switch`, `sso-env` and `sso-sync`, lazily."""

__version__ = "0.1.0"


def awscli_initialize(cli):
    """Called by the AWS CLI (v1 and v2) with its event emitter when it loads plugins."""
    cli.register("building-command-table.main", _add_commands)


def _add_commands(command_table, session, **kwargs):
    # Imported here, not at module level: this module is imported on every `aws` run.
    from awscli_sso_ext.commands import SsoEnvCommand, SsoSwitchCommand
    from awscli_sso_ext.sync_command import SsoSyncCommand

    command_table[SsoSwitchCommand.NAME] = SsoSwitchCommand(session)
    command_table[SsoEnvCommand.NAME] = SsoEnvCommand(session)
    command_table[SsoSyncCommand.NAME] = SsoSyncCommand(session)
