"""`--format dotenv` read back alike by python-dotenv and by docker compose's rules, or refused."""

from __future__ import annotations

import os
import re
import tempfile

import pytest
from dotenv import dotenv_values
from hostile import HOSTILE_NAME, profile_header
from hypothesis import given, settings
from hypothesis import strategies as st

from awscli_sso_ext.shells import FORMATS, UnrepresentableValueError

DOTENV = FORMATS["dotenv"]


class ComposeDotenvError(ValueError):
    """docker compose would reject the file."""


# docker compose v2 (compose-go >= 2.0): dotenv/parser.go and template/template.go, as their
# documentation and tests describe them. Escapes decoded inside double quotes: \a \b \f \n \r
# \t \v \" \\ and \$; `\0` and up to three octal digits; any other backslash stays.
_COMPOSE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_COMPOSE_ESCAPE = re.compile(r"\\(?:[abcfnrtv$\"\\]|0[0-7]{0,3})")
# `$$`, `$name`, `${name...}` (names are case-insensitive [_a-z][_a-z0-9]*); `${` followed by
# anything else is an invalid template.
_COMPOSE_TEMPLATE = re.compile(
    r"\$(?:(\$)|([_a-z][_a-z0-9]*)|\{(?:([_a-z][_a-z0-9]*)(?::?[-+?][^}]*)?\}|))", re.I
)
_COMPOSE_SPACE = "\t\v\f\r \x85\xa0"  # compose's isSpace: blanks, never a line break


def _compose_escapes(text: str) -> str:
    def decode(match):
        escape = match.group(0)
        if escape == "\\$":
            return "$$"  # a literal dollar for the interpolation that follows
        if escape[1] == "0":
            digits = escape[2:]
            return chr(int(digits, 8)) if len(digits) == 3 else escape
        if escape[1] in '"\\':
            return escape[1]
        return _COMPOSE_ESCAPES.get(escape[1], escape)  # `\c` stays

    return _COMPOSE_ESCAPE.sub(decode, text)


def _compose_interpolate(text: str, environ: dict) -> str:
    def substitute(match):
        if match.group(1):
            return "$"
        name = match.group(2) or match.group(3)
        if name is None:
            raise ComposeDotenvError(f"invalid template: {text!r}")
        return environ.get(name, "")

    return _COMPOSE_TEMPLATE.sub(substitute, text)


def compose_dotenv_values(text: str, environ: dict) -> dict:
    """The variables docker compose reads from a .env file's text."""
    values = {}
    rest = text.removeprefix("\ufeff")
    while True:
        rest = rest.lstrip()  # unicode.IsSpace, line breaks included
        if not rest:
            return values
        if rest.startswith("#"):
            rest = rest.partition("\n")[2]
            continue
        rest = re.sub(r"\Aexport\s+", "", rest)
        key = re.match(r"[^=:\n]*", rest).group(0)
        if not re.fullmatch(r"[\w.\-\[\] \t]*", key):
            raise ComposeDotenvError(f"bad variable name {key!r}")
        key = key.rstrip()
        if " " in key or rest[len(key) :].lstrip(" \t")[:1] not in ("=", ":"):
            raise ComposeDotenvError(f"bad statement {rest.splitlines()[0]!r}")
        rest = rest[len(key) :].lstrip(" \t")[1:].lstrip(_COMPOSE_SPACE)
        lookup = {**environ, **values}
        if rest[:1] not in ("'", '"'):
            line, _, rest = rest.partition("\n")
            line = line.partition(" #")[0].rstrip()
            values[key] = _compose_interpolate(line, lookup)
            continue
        quote, chars, escaped = rest[0], [], False
        for index in range(1, len(rest)):
            char = rest[index]
            if char != quote:
                if not escaped and char == "\\":
                    escaped = True
                    continue
                if escaped:
                    escaped = False
                    chars.append("\\")  # compose keeps the backslash of any other pair
                chars.append(char)
                continue
            if escaped:  # \' or \" : the quote itself
                escaped = False
                chars.append(char)
                continue
            value = "".join(chars)
            if quote == '"':
                value = _compose_interpolate(_compose_escapes(value), lookup)
            values[key] = value
            rest = rest[index + 1 :]
            break
        else:
            raise ComposeDotenvError(f"unterminated quoted value for {key}")


# Every variable a lookup could find reads back as this, so any interpolation shows.
INTERPOLATED = {name: f"<{name} interpolated>" for name in ("HOME", "x", "a", "A", "USER")}


class _Everything(dict):
    """An environment where every name is set (for the compose reader)."""

    def __missing__(self, name):
        return f"<{name} interpolated>"


def python_dotenv_values(text: str, *, interpolate: bool) -> dict:
    """What python-dotenv reads from a real file holding `text` (newlines as a file has them)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, ".env")
        with open(path, "wb") as file:
            file.write(text.encode("utf-8"))
        saved = dict(os.environ)
        os.environ.update(INTERPOLATED)
        try:
            return dotenv_values(path, interpolate=interpolate)
        finally:
            os.environ.clear()
            os.environ.update(saved)


def assert_reads_back(environment: dict) -> str:
    """Renders `environment` and checks that every reader gets exactly it back."""
    text = DOTENV.render(environment)
    assert compose_dotenv_values(text, _Everything()) == environment, text
    assert python_dotenv_values(text, interpolate=False) == environment, text
    assert python_dotenv_values(text, interpolate=True) == environment, text
    return text


# --- The reader follows compose's documented behaviour (compose-go's own test cases) ---------


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("K='\\n'", "\\n"),
        ('K="bar\\nbaz"', "bar\nbaz"),
        ("K=a\\tb", "a\\tb"),
        ('K="Z\\aZ\\bZ\\fZ\\nZ\\rZ\\tZ\\vZ\\\\Z\\0123Z"', "Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ"),
        ('K="bar\\\\\\n\\ b\\az"', "bar\\\n\\ b\az"),
        ('K="bar\\nbaz\\\\"', "bar\nbaz\\"),
        ('K="\\x07"', "\\x07"),
        ("K=bar # comment", "bar"),
        ("K=123#not-a-comment", "123#not-a-comment"),
        ("K='ba#r' # comment", "ba#r"),
        ("K='back\\\\slash\\\\'", "back\\\\slash\\\\"),  # literal, except \'
        ("K='it\\'s'", "it's"),
        ("K='$x ${x}'", "$x ${x}"),
        ('K="$$x \\$x $x ${x:-d} $ $1"', "$x $x <x> <x> $ $1"),
        ("K=$x", "<x>"),
        ("  export K = 'v'", "v"),
        ("K='a\nb'", "a\nb"),
    ],
)
def test_the_compose_reader_follows_compose_rules(line, value):
    assert compose_dotenv_values(line + "\n", {"x": "<x>"}) == {"K": value}


def test_the_compose_reader_rejects_what_compose_rejects():
    for text in ('K="${"', "K='open", 'K="${1}"', "lol$wut"):
        with pytest.raises(ComposeDotenvError):
            compose_dotenv_values(text, {})


# --- The renderer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("plain", "V='plain'"),
        ("it's mine", "V='it\\'s mine'"),
        ("Admin\u2019s", "V='Admin\u2019s'"),
        ("$HOME `id` $(id) $$ #x", "V='$HOME `id` $(id) $$ #x'"),
        ("a\\b", "V='a\\b'"),
        ("back\\slash\\", 'V="back\\\\slash\\\\"'),  # compose reads '\\' as two backslashes
        ("a\\\\b", 'V="a\\\\\\\\b"'),
        ("a\\'b", 'V="a\\\\\'b"'),
        ('say "hi"\\', 'V="say \\"hi\\"\\\\"'),
        ("line\r\nnext\\", 'V="line\\r\\nnext\\\\"'),
        ("a\nb", "V='a\nb'"),
        ("", "V=''"),
    ],
)
def test_each_value_gets_a_form_both_readers_read_alike(value, line):
    assert assert_reads_back({"V": value}) == line + "\n"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("${HOME}", "python-dotenv replaces ${HOME}"),
        ("a${x:-y}b", "python-dotenv replaces ${x:-y}"),
        ("$HOME\\", "docker compose"),
        ("cost: $$\r", "docker compose"),
        (HOSTILE_NAME, "docker compose"),
    ],
)
def test_a_value_no_form_carries_for_both_is_refused_by_name(value, problem):
    with pytest.raises(UnrepresentableValueError) as raised:
        DOTENV.render({"AWS_PROFILE": value, "AWS_REGION": "eu-west-1"})
    message = str(raised.value)
    assert "AWS_PROFILE" in message and problem in message
    assert "AWS_REGION" not in message


dotenv_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=30
)
# Text made mostly of the characters that matter to the readers, so every rule is exercised.
tricky_text = st.text(alphabet=st.sampled_from("\\'\"$ {}:-#=\n\r\tax_1é"), max_size=12)


@settings(max_examples=600, deadline=None)
@given(value=st.one_of(dotenv_text, tricky_text))
def test_any_value_reads_back_exactly_in_both_readers_or_is_refused(value):
    try:
        text = DOTENV.render({"V": value})
    except UnrepresentableValueError as error:
        assert "V" in str(error)
        # Refused only when it must be: a `${...}` python-dotenv would replace, or a value
        # that needs backslash pairs or a \r (no single quotes) and holds a `$` docker compose
        # would interpolate in double quotes.
        assert re.search(r"\$\{[^}:]*(:-[^}]*)?\}", value) or (
            re.search(r"\\[\\']|\\\Z|\r", value) and re.search(r"\$[$_{A-Za-z]", value)
        ), value
        return
    assert compose_dotenv_values(text, _Everything()) == {"V": value}, text
    assert python_dotenv_values(text, interpolate=False) == {"V": value}, text
    assert python_dotenv_values(text, interpolate=True) == {"V": value}, text


def test_everything_sso_env_prints_reads_back_alike():
    environment = {
        "AWS_PROFILE": "team/dev (eu)",
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "ASIA" + "X" * 16,
        "AWS_SECRET_ACCESS_KEY": "a+b/c=" * 7,
        "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjE/+=" * 40,
        "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z",
        "AWS_SSO_EXT_START_URL": "https://d-1234567890.awsapps.com/start#/",
        "AWS_SSO_EXT_TOKEN_FILE": "/home/it's me/.aws/sso/cache/x.json",
        "GONE": None,
    }
    text = DOTENV.render(environment)
    del environment["GONE"]
    assert compose_dotenv_values(text, _Everything()) == environment
    assert python_dotenv_values(text, interpolate=True) == environment


def test_the_real_cli_refuses_with_exit_2_and_prints_nothing(aws_cli, home):
    aws_cli.write_config(
        home,
        f"{profile_header(HOSTILE_NAME)}\nregion = eu-north-1\n[profile ok]\nregion = eu-north-1\n",
    )
    result = aws_cli.run(home, "sso-env", "--profile", HOSTILE_NAME, "--format", "dotenv")
    assert (result.returncode, result.stdout) == (2, b""), result.stderr
    stderr = result.stderr.decode()
    assert "The value for AWS_PROFILE can't go in a .env file" in stderr
    assert "docker compose replaces '$H'" in stderr and "Traceback" not in stderr
    result = aws_cli.run(home, "sso-env", "--profile", "ok", "--format", "dotenv")
    assert result.returncode == 0, result.stderr
    assert b"AWS_PROFILE='ok'\n" in result.stdout
