"""AWS CLI plugin entry point: adds `aws sso-switch` and `aws sso-env`, importing nothing heavy."""

__version__ = "0.1.0"


def awscli_initialize(cli):
    """Called by the AWS CLI (v1 and v2) with its event emitter when it loads plugins."""
    cli.register("building-command-table.main", _add_commands)


def _add_commands(command_table, session, **kwargs):
    # Imported here, not at module level: this module is imported on every `aws` run.
    from awscli_sso_ext.commands import SsoEnvCommand, SsoSwitchCommand

    command_table[SsoSwitchCommand.NAME] = SsoSwitchCommand(session)
    command_table[SsoEnvCommand.NAME] = SsoEnvCommand(session)
