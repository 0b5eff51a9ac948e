"""Shell syntax as text: quoting a word for each shell, and rendering an environment per format."""

from __future__ import annotations

import json
import re
import shlex

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# PowerShell treats the typographic single quotes as quotes too; each is escaped by doubling.
_POWERSHELL_QUOTES = ("'", "\u2018", "\u2019", "\u201a", "\u201b")


class UnrepresentableValueError(ValueError):
    """A value no environment variable can hold (a NUL character)."""


def posix_quote(value: str) -> str:
    """A single word for bash, zsh and POSIX sh that evaluates to exactly `value`."""
    quoted = shlex.quote(value)
    if quoted == value and value.startswith("="):
        # shlex leaves `=cmd` bare, but zsh expands it to the path of `cmd`, even after `NAME=`.
        return f"'{value}'"
    return quoted


def command_line(words) -> str:
    """A command line for bash, zsh and POSIX sh that runs exactly `words`."""
    return " ".join(posix_quote(word) for word in words)


def fish_quote(value: str) -> str:
    """A single-quoted fish word: backslash first, then the quote (shlex.quote breaks in fish)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def powershell_quote(value: str) -> str:
    """A single-quoted PowerShell string; `$` and backtick stay literal there."""
    for quote in _POWERSHELL_QUOTES:
        value = value.replace(quote, quote + quote)
    return "'" + value + "'"


def checked_items(environment: dict) -> list:
    """(name, value) pairs sorted by name, after checking that every one can be rendered."""
    for name, value in environment.items():
        if not _NAME.match(name):
            raise ValueError(f"not a variable name: {name!r}")
        if value is not None and "\0" in value:
            raise UnrepresentableValueError(
                f"The value for {name} contains a NUL character, which no environment "
                "variable can hold."
            )
    return sorted(environment.items())


class OutputFormat:
    """Renders {name: value or None} as text, sorted by name, one statement a line."""

    NAME = ""
    DOCUMENTATION = ""
    CAN_UNSET = True

    def render(self, environment: dict) -> str:
        lines = [
            self.unset_line(name) if value is None else self.set_line(name, value)
            for name, value in checked_items(environment)
        ]
        return "".join(line + "\n" for line in lines if line is not None)

    def set_line(self, name: str, value: str) -> str:
        raise NotImplementedError

    def unset_line(self, name: str):
        raise NotImplementedError


class BashFormat(OutputFormat):
    NAME = "bash"
    DOCUMENTATION = "bash (and POSIX sh, dash, ksh): `export NAME='value'` and `unset NAME`."

    def set_line(self, name, value):
        return f"export {name}={posix_quote(value)}"

    def unset_line(self, name):
        return f"unset {name}"


class ZshFormat(BashFormat):
    NAME = "zsh"
    DOCUMENTATION = "zsh: the same statements as bash."


class FishFormat(OutputFormat):
    NAME = "fish"
    DOCUMENTATION = "fish: `set -gx NAME 'value'` and `set -e NAME` (when it is set)."

    def set_line(self, name, value):
        return f"set -gx {name} {fish_quote(value)}"

    def unset_line(self, name):
        # A bare `set -e` of an unset variable returns 4, which would become the status of
        # `aws sso-switch` or `... | source`; guarded, the statement always succeeds.
        return f"if set -q {name}; set -e {name}; end"


class PowerShellFormat(OutputFormat):
    NAME = "powershell"
    DOCUMENTATION = (
        "PowerShell (pwsh and Windows PowerShell): `$env:NAME = 'value'` and "
        "`Remove-Item -LiteralPath Env:NAME`."
    )

    def set_line(self, name, value):
        return f"$env:{name} = {powershell_quote(value)}"

    def unset_line(self, name):
        return f"Remove-Item -LiteralPath Env:{name} -ErrorAction SilentlyContinue"


# python-dotenv replaces `${NAME}` and `${NAME:-default}` in every value, quoted or not, unless
# interpolation is turned off, and has no escape for it.
_PYTHON_DOTENV_VARIABLE = re.compile(r"\$\{[^}:]*(?::-[^}]*)?\}")
# Inside single quotes docker compose keeps every backslash except the one of `\'`, and
# python-dotenv decodes `\\` and `\'`: they agree on a backslash unless it comes before another
# backslash, a quote or the closing quote. python-dotenv also reads a file's \r as a line break.
_NOT_SINGLE_QUOTABLE = re.compile(r"\\[\\']|\\\Z|\r")
# Inside double quotes docker compose replaces `$$`, `$NAME` and `${...}`; python-dotenv keeps them.
_COMPOSE_TEMPLATE = re.compile(r"\$[$_{A-Za-z]")
_DOUBLE_QUOTED_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}


class DotenvFormat(OutputFormat):
    NAME = "dotenv"
    DOCUMENTATION = (
        "a .env file for docker compose (v2) and python-dotenv (interpolation on or off), "
        "which both read each value back exactly: `NAME='value'` (`\\'` for a quote), or "
        '`NAME="value"` (`\\\\`, `\\"`, `\\n`, `\\r`) for a value that holds a backslash pair, a '
        "backslash at the end or a carriage return. A value they would read differently "
        "(one holding `${...}`, which python-dotenv replaces, or such a value with a `$` "
        "docker compose replaces in double quotes) is refused: exit status 2 and a message "
        "naming the variable. Only the variables that are set: a .env file can't unset anything."
    )
    CAN_UNSET = False

    def set_line(self, name, value):
        replaced = _PYTHON_DOTENV_VARIABLE.search(value)
        if replaced:
            raise UnrepresentableValueError(
                f"The value for {name} can't go in a .env file: python-dotenv replaces "
                f"{replaced.group(0)} in it with that variable's value, however it is quoted."
            )
        if not _NOT_SINGLE_QUOTABLE.search(value):
            return f"{name}='" + value.replace("'", "\\'") + "'"
        template = _COMPOSE_TEMPLATE.search(value)
        if template:
            raise UnrepresentableValueError(
                f"The value for {name} can't go in a .env file that docker compose and "
                "python-dotenv read alike: it needs double quotes (it holds a backslash before "
                "a backslash or a quote, a backslash at the end, or a carriage return), and "
                f"there docker compose replaces {template.group(0)!r}."
            )
        return f'{name}="' + re.sub(r'[\\"\n\r]', _double_quoted_escape, value) + '"'

    def unset_line(self, name):
        return None


def _double_quoted_escape(match) -> str:
    return _DOUBLE_QUOTED_ESCAPES[match.group(0)]


class JsonFormat(OutputFormat):
    NAME = "json"
    DOCUMENTATION = "JSON: an object of names to values, null meaning unset."

    def render(self, environment):
        return json.dumps(dict(checked_items(environment)), indent=2) + "\n"


class ProcessFormat(OutputFormat):
    NAME = "process"
    DOCUMENTATION = (
        "the JSON a `credential_process` prints (Version 1): the role's keys and their "
        "expiry, so tools that can't use SSO get them from "
        "`credential_process = aws sso-env --profile P --format process`, or faster from "
        "`credential_process = aws-sso-ext process P` (the same JSON, from the cache without "
        "starting the AWS CLI). Implies --credentials."
    )
    CAN_UNSET = False
    KEYS = {
        "AccessKeyId": "AWS_ACCESS_KEY_ID",
        "SecretAccessKey": "AWS_SECRET_ACCESS_KEY",
        "SessionToken": "AWS_SESSION_TOKEN",
        "Expiration": "AWS_CREDENTIAL_EXPIRATION",
    }

    def render(self, environment):
        values = dict(checked_items(environment))
        document = {"Version": 1}
        document.update({key: values[name] for key, name in self.KEYS.items()})
        return json.dumps(document, indent=2) + "\n"


FORMATS = {
    cls.NAME: cls()
    for cls in (
        BashFormat,
        ZshFormat,
        FishFormat,
        PowerShellFormat,
        DotenvFormat,
        JsonFormat,
        ProcessFormat,
    )
}
