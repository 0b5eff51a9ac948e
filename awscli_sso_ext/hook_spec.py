"""The lists the shell hooks in shell/ must agree on, taken from the registries they mirror."""

from __future__ import annotations

import re

# The AWS CLI's global options that take a value, v1 and v2 together (each CLI's
# awscli/data/cli.json): the hooks skip the word after one when they look for the command.
GLOBAL_VALUE_OPTIONS = (
    "--region",
    "--profile",
    "--output",
    "--endpoint-url",
    "--query",
    "--color",
    "--ca-bundle",
    "--cli-read-timeout",
    "--cli-connect-timeout",
    "--cli-binary-format",
)

# Our commands whose options and values the hooks complete (`aws sso-<TAB>` offers them).
COMPLETED_COMMANDS = ("sso-switch", "sso-env", "sso-status")

# What the prompt segment reports in AWS_SSO_PROMPT_STATE (empty: no profile), and the
# default SGR colour of the time left in each state that shows one.
PROMPT_STATES = ("ok", "warn", "expired", "renews", "plain")
PROMPT_COLOURS = {"ok": "32", "warn": "33", "expired": "1;31", "renews": "36"}

# The variables the prompt sets, and the fields AWS_SSO_PROMPT_FORMAT may name.
PROMPT_OUTPUTS = ("AWS_SSO_PROMPT", "AWS_SSO_PROMPT_TEXT", "AWS_SSO_PROMPT_STATE")
PROMPT_FIELDS = ("profile", "role", "account", "region", "left")

# The prompt's options (docs/prompt.md) and their defaults; AUTO's values differ per shell.
PROMPT_OPTIONS = {
    "AWS_SSO_PROMPT_FORMAT": "{profile} {role}@{account} {region} {left}",
    "AWS_SSO_PROMPT_WARN_MINUTES": "15",
    "AWS_SSO_PROMPT_COLOR": "",
    **{f"AWS_SSO_PROMPT_COLOR_{state.upper()}": sgr for state, sgr in PROMPT_COLOURS.items()},
    "AWS_SSO_PROMPT_EXPIRED_TEXT": "expired",
    "AWS_SSO_PROMPT_RENEWS_TEXT": "renews",
    "AWS_SSO_PROMPT_RENEWS_MARK": "+",
    "AWS_SSO_PROMPT_AUTO": "",
}

_OPTION = re.compile(r"--[a-z][a-z0-9-]*")


def plugin_commands() -> dict:
    """{name: command} as the plugin registers them in the CLI's command table."""
    from awscli_sso_ext import _add_commands

    table: dict = {}
    _add_commands(command_table=table, session=None)
    return table


def command_options(name: str) -> tuple:
    """The options `aws NAME` offers, in the order of its synopsis (globals it uses included)."""
    return tuple(_OPTION.findall(plugin_commands()[name].SYNOPSIS))


def own_options(name: str) -> tuple:
    """The options of `aws NAME`'s own argument table (no positional, no global)."""
    table = plugin_commands()[name].ARG_TABLE
    return tuple(f"--{arg['name']}" for arg in table if not arg.get("positional_arg"))


def completed_value_options() -> tuple:
    """What the completion skips with the word after it: the globals and our options taking one."""
    ours = {
        f"--{arg['name']}"
        for name in COMPLETED_COMMANDS
        for arg in plugin_commands()[name].ARG_TABLE
        if not arg.get("positional_arg") and arg.get("action") is None
    }
    return GLOBAL_VALUE_OPTIONS + tuple(sorted(ours - set(GLOBAL_VALUE_OPTIONS)))


def option_values() -> dict:
    """{(command, option): the values completion offers after it}."""
    from awscli_sso_ext.shells import FORMATS
    from awscli_sso_ext.status_render import OUTPUTS

    return {("sso-env", "--format"): tuple(FORMATS), ("sso-status", "--output"): tuple(OUTPUTS)}


def index_format_line() -> str:
    """The first line of the switch index the hooks' fast path accepts."""
    from awscli_sso_ext.switch_index import FORMAT_LINE

    return FORMAT_LINE
