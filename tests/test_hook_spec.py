"""Every hook file in shell/ lists what awscli_sso_ext.hook_spec says, and drift is caught."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import awscli
import pytest
from conftest import ROOT, V2_AWS, require

from awscli_sso_ext import hook_spec

SHELLS = ("bash", "zsh", "fish", "powershell")
EXTENSIONS = {"bash": "bash", "zsh": "zsh", "fish": "fish", "powershell": "ps1"}
OPTION = re.compile(r"--[a-z][a-z0-9-]*")
V2_CLI_JSON = Path("/usr/lib/python3/dist-packages/awscli/data/cli.json")


def shell_text(folder: Path, shell: str) -> str:
    """The code of a shell's hook and the parts it sources later, comment lines left out."""
    files = sorted(folder.glob(f"awscli-sso-ext*.{EXTENSIONS[shell]}"))
    assert files, f"no {shell} hook in {folder}"
    lines = [
        line
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    # One statement a line: bash and fish continue a line with `\`, PowerShell after a `,`.
    return re.sub(r"\\\n\s*|,\n\s*", lambda m: ", " if "," in m.group() else " ", "\n".join(lines))


def value_option_lists(text: str) -> list:
    """Each list of options the hook skips with their value (the statements naming --region)."""
    return sorted(
        (tuple(OPTION.findall(line)) for line in text.splitlines() if "--region" in line), key=len
    )


def words(listed: str) -> tuple:
    """The words of a shell list: `a b 'c'`, `@('a', 'b')`."""
    return tuple(shlex.split(listed.replace("@(", "").replace(")", "").replace(",", " ")))


COMPLETION_BRANCH = {
    # (command, option after which values complete, or "" for options, the words offered)
    "bash": r"\$command == ([\w-]+) && \$(?:prev == (--[\w-]+)|typed == (-)\*) \]\]; then\s+"
    r'__awscli_sso_ext_complete_words "\$typed" ([^\n]+)',
    "zsh": r"\$command == ([\w-]+) && \$(?:prev == (--[\w-]+)|PREFIX == (-)\*) \]\]; then\s+"
    r"compadd (?:-- )?([^\n]+)",
    "powershell": r"\$command -ceq '([\w-]+)' -and (?:\$prev -ceq '(--[\w-]+)'|\$typed\.StartsWith"
    r"\('(-)'\))\) \{\s+\$ours = (@\([^\n]+\))",
}


def completions(text: str, shell: str) -> tuple:
    """({command: the options it completes}, {(command, option): its values})."""
    options: dict = {}
    values: dict = {}
    if shell == "fish":
        for commands, option, listed in re.findall(
            r"^complete -c aws -n '__awscli_sso_ext_complete command_is ([\w -]+)' -l ([\w-]+)"
            r"(?: -x -a '([^']*)')?",
            text,
            re.M,
        ):
            for command in commands.split():
                options.setdefault(command, []).append(f"--{option}")
                if listed:
                    values[(command, f"--{option}")] = words(listed)
        # A `complete -l` without a condition offers the option after every command.
        everywhere = re.findall(r"^complete -c aws -l ([\w-]+)", text, re.M)
        for command in options:
            options[command] += [f"--{option}" for option in everywhere]
        return {k: tuple(v) for k, v in options.items()}, values
    for command, option, dash, listed in re.findall(COMPLETION_BRANCH[shell], text):
        if dash:
            options[command] = words(listed)
        else:
            values[(command, option)] = words(listed)
    return options, values


def completed_commands(text: str, shell: str) -> tuple:
    """Our commands `aws sso-<TAB>` offers."""
    pattern = {
        "bash": r"for word in (sso-[^;]+); do",
        "zsh": r"compadd (sso-[\w -]+)$",
        "fish": r"^complete -c aws -n '__awscli_sso_ext_complete at_command' -f -a '(.*)'",
        "powershell": r"\$delegated \+= (@\([^)]*\))",
    }[shell]
    found = re.findall(pattern, text, re.M)
    if shell == "fish":  # one list of `name\\t"what it does"` entries
        return tuple(re.findall(r"(sso-[\w-]+)\\t", " ".join(found)))
    return tuple(word for listed in found for word in words(listed))


def prompt_colours(text: str, shell: str) -> dict:
    """{state: default SGR colour of the time left} from the prompt code."""
    if shell in ("bash", "zsh"):
        found = re.findall(
            r"^\s*\(?(\w+)\) __awscli_sso_ext_colour \"\$\{AWS_SSO_PROMPT_COLOR_(\w+)-([^}]*)\}\"",
            text,
            re.M,
        )
        assert all(name == state.upper() for state, name, _ in found), found
        return {state: sgr for state, _, sgr in found}
    if shell == "fish":
        listed = words(re.search(r"set -l colours (.*)", text).group(1))
        return dict(zip(listed[::2], listed[1::2]))
    listed = re.search(r"\$defaults = @\{ (.*) \}", text).group(1)
    return dict(re.findall(r"(\w+) = '([^']*)'", listed))


def prompt_states(text: str) -> set:
    """Every state the prompt code assigns."""
    assigned = re.findall(r"\bstate=(\w+)|set (?:-l )?state (\w+)|\$state = '(\w+)'", text)
    return {name for match in assigned for name in match if name}


def prompt_options(text: str, colours: dict) -> set:
    """The AWS_SSO_PROMPT_* options read; a colour variable built from the state counts for each."""
    names = set(re.findall(r"AWS_SSO_PROMPT\w*", text)) - set(hook_spec.PROMPT_OUTPUTS)
    if "AWS_SSO_PROMPT_COLOR_" in names:
        names.remove("AWS_SSO_PROMPT_COLOR_")
        names |= {f"AWS_SSO_PROMPT_COLOR_{state.upper()}" for state in colours}
    return names


def prompt_defaults(text: str) -> dict:
    """{option: default} wherever the code spells the default next to the option."""
    found = re.findall(r"\$\{(AWS_SSO_PROMPT_\w+)-('[^']*'|[^}]*)\}", text)  # bash, zsh
    found += re.findall(r"__awscli_sso_ext_option '(AWS_SSO_PROMPT_\w+)' ('[^']*')", text)
    # fish: `set -l left renews` then `set -q AWS_SSO_PROMPT_RENEWS_TEXT; and set left ...`
    found += [
        (name, value)
        for value, name in re.findall(
            r"set (?:-l )?(?:\w+) ([^\n]+)\n\s*set -q (AWS_SSO_PROMPT_\w+); and set ", text
        )
    ]
    return {
        name: words(value)[0] if value.strip("'") else ""
        for name, value in found
        if name not in hook_spec.PROMPT_OUTPUTS
    }


def prompt_fields(text: str) -> tuple:
    """The {field} names the prompt format understands."""
    pattern = r"^\s*\(?(\w+)\) value=|^\s*case (\w+)\n\s+set value|^\s*'(\w+)' \{"
    return tuple(next(filter(None, m)) for m in re.findall(pattern, text, re.M))


def index_format_lines(text: str) -> set:
    return set(re.findall(r"'(awscli-sso-ext switch index \d+)'", text))


def drift(folder: Path, shell: str) -> list:
    """What the hook of `shell` in `folder` lists differently from hook_spec: empty when none."""
    text = shell_text(folder, shell)
    problems = []

    def compare(what, found, expected):
        if found != expected:
            problems.append(f"{shell}: {what}: {found!r} != {expected!r}")

    value_lists = [hook_spec.GLOBAL_VALUE_OPTIONS, hook_spec.completed_value_options()]
    compare("options that take a value", value_option_lists(text), value_lists)
    options, values = completions(text, shell)
    for command in hook_spec.COMPLETED_COMMANDS:
        expected = hook_spec.command_options(command)
        if shell == "fish":  # fish lists them per option and sorts them itself
            extra = set(options.get(command, ())) - set(expected)
            compare(f"{command} options", set(options.get(command, ())) - extra, set(expected))
            compare(f"{command} extra options", extra - set(hook_spec.GLOBAL_VALUE_OPTIONS), set())
        else:
            compare(f"{command} options", options.get(command), expected)
    compare("option values", values, hook_spec.option_values())
    compare("our commands", completed_commands(text, shell), hook_spec.COMPLETED_COMMANDS)
    colours = prompt_colours(text, shell)
    compare("prompt colours", colours, hook_spec.PROMPT_COLOURS)
    compare("prompt states", prompt_states(text), set(hook_spec.PROMPT_STATES))
    compare("prompt options", prompt_options(text, colours), set(hook_spec.PROMPT_OPTIONS))
    defaults = prompt_defaults(text)
    spec_defaults = {name: hook_spec.PROMPT_OPTIONS.get(name) for name in defaults}
    compare("prompt option defaults", defaults, spec_defaults)
    for name in ("FORMAT", "WARN_MINUTES", "EXPIRED_TEXT", "RENEWS_TEXT"):
        if f"AWS_SSO_PROMPT_{name}" not in defaults:
            problems.append(f"{shell}: no default found for AWS_SSO_PROMPT_{name}")
    compare("prompt fields", prompt_fields(text), hook_spec.PROMPT_FIELDS)
    compare("switch index format", index_format_lines(text), {hook_spec.index_format_line()})
    return problems


@pytest.mark.parametrize("shell", SHELLS)
def test_the_hook_lists_what_the_spec_says(shell):
    assert drift(ROOT / "shell", shell) == []


# --- One hook drifting from the spec is caught: each list, mutated in a copy -------------------

# (shell, what is replaced, by what, the list that then drifts): one item gone, changed or added.
MUTATIONS = [
    (
        "bash",
        "--cli-read-timeout | --cli-connect-timeout | --cli-binary-format)",
        "--x)",
        "options that take a value",
    ),
    ("bash", "--cli-binary-format | --format)", "--format)", "options that take a value"),
    ("bash", "powershell dotenv json process", "powershell dotenv json", "option values"),
    (
        "bash",
        "--unset --verify --no-login --no-browser",
        "--unset --verify --no-login",
        "sso-switch options",
    ),
    (
        "bash",
        "for word in sso-switch sso-env sso-status",
        "for word in sso-switch sso-env",
        "our commands",
    ),
    ("bash", "AWS_SSO_PROMPT_COLOR_WARN-33", "AWS_SSO_PROMPT_COLOR_WARN-34", "prompt colours"),
    ("bash", "state=renews left", "state=renewing left", "prompt states"),
    ("bash", "AWS_SSO_PROMPT_WARN_MINUTES-15", "AWS_SSO_PROMPT_WARN_MINS-15", "prompt options"),
    (
        "bash",
        "${AWS_SSO_PROMPT_RENEWS_MARK-+}",
        "${AWS_SSO_PROMPT_RENEWS_MARK-*}",
        "prompt option defaults",
    ),
    ("bash", "region) value=", "zone) value=", "prompt fields"),
    (
        "bash",
        "'awscli-sso-ext switch index 1'",
        "'awscli-sso-ext switch index 2'",
        "switch index format",
    ),
    ("zsh", "|--cli-binary-format)", ")", "options that take a value"),
    ("zsh", "compadd table json text", "compadd table json", "option values"),
    (
        "zsh",
        "--profile --format --credentials --unset",
        "--profile --format --unset",
        "sso-env options",
    ),
    (
        "zsh",
        "AWS_SSO_PROMPT_COLOR_EXPIRED-1;31",
        "AWS_SSO_PROMPT_COLOR_EXPIRED-31",
        "prompt colours",
    ),
    (
        "zsh",
        "AWS_SSO_PROMPT_EXPIRED_TEXT-expired",
        "AWS_SSO_PROMPT_EXPIRED_TEXT-gone",
        "prompt option defaults",
    ),
    ("fish", "--cli-binary-format\n", "\n", "options that take a value"),
    (
        "fish",
        "'bash zsh fish powershell dotenv json process'",
        "'bash zsh fish dotenv json process'",
        "option values",
    ),
    ("fish", "sso-switch' -l verify", "sso-env' -l verify", "sso-switch options"),
    ("fish", "set -l colours ok 32", "set -l colours ok 92", "prompt colours"),
    ("fish", "set -l warn 15", "set -l warn 10", "prompt option defaults"),
    ("fish", "sso-status\\t", "sso-stats\\t", "our commands"),
    ("powershell", "'--ca-bundle', ", "", "options that take a value"),
    (
        "powershell",
        "'--cli-binary-format',\n        '--format'",
        "'--cli-binary-format'",
        "options that take a value",
    ),
    (
        "powershell",
        "'dotenv', 'json', 'process'",
        "'dotenv', 'json', 'yaml', 'process'",
        "option values",
    ),
    ("powershell", "@('--profile', '--output')", "@('--output')", "sso-status options"),
    ("powershell", "renews = '36'", "renews = '35'", "prompt colours"),
    (
        "powershell",
        "'AWS_SSO_PROMPT_RENEWS_TEXT' 'renews'",
        "'AWS_SSO_PROMPT_RENEWS_TEXT' 'soon'",
        "prompt option defaults",
    ),
    ("powershell", "'account' {", "'acct' {", "prompt fields"),
]


@pytest.mark.parametrize(("shell", "before", "after", "kind"), MUTATIONS)
def test_a_hook_that_drifts_is_caught(tmp_path, shell, before, after, kind):
    copy = tmp_path / "shell"
    shutil.copytree(ROOT / "shell", copy)
    files = [
        path for path in copy.glob(f"*.{EXTENSIONS[shell]}") if before in path.read_text("utf-8")
    ]
    assert len(files) == 1, f"{before!r} is not in exactly one {shell} file"
    text = files[0].read_text(encoding="utf-8")
    files[0].write_text(text.replace(before, after, 1), encoding="utf-8")
    assert f"{shell}: {kind}: " in "\n".join(drift(copy, shell))
    # Only the mutated shell drifted: the others still agree.
    assert all(drift(copy, other) == [] for other in SHELLS if other != shell)


# --- The spec agrees with the registries it is taken from -----------------------------------


def value_options_of(cli_json: Path) -> set:
    """The global options of one AWS CLI that take a value (no flag, no --version)."""
    options = json.loads(cli_json.read_text(encoding="utf-8"))["options"]
    return {
        f"--{name}"
        for name, option in options.items()
        if option.get("action") not in ("store_true", "store_false", "version")
    }


def test_global_options_with_a_value_are_those_of_aws_cli_v1_and_v2():
    require(V2_AWS.exists() and V2_CLI_JSON.exists(), "Debian's AWS CLI v2 (/usr/bin/aws)")
    v1 = value_options_of(Path(awscli.__file__).parent / "data" / "cli.json")
    v2 = value_options_of(V2_CLI_JSON)
    assert "--cli-binary-format" in v2 - v1  # each CLI adds its own: the spec is the union
    assert set(hook_spec.GLOBAL_VALUE_OPTIONS) == v1 | v2
    assert len(set(hook_spec.GLOBAL_VALUE_OPTIONS)) == len(hook_spec.GLOBAL_VALUE_OPTIONS)


def test_completed_options_are_the_commands_own_and_the_globals_they_use():
    commands = hook_spec.plugin_commands()
    assert set(hook_spec.COMPLETED_COMMANDS) <= set(commands)
    for name in hook_spec.COMPLETED_COMMANDS:
        offered = hook_spec.command_options(name)
        own = hook_spec.own_options(name)
        assert set(own) <= set(offered), name  # the synopsis shows every option of the table
        assert set(offered) - set(own) <= set(hook_spec.GLOBAL_VALUE_OPTIONS), name
    assert hook_spec.completed_value_options()[-1] == "--format"  # sso-env's, after the globals


def test_the_prompt_options_are_the_documented_ones_with_their_defaults():
    docs = (ROOT / "docs" / "prompt.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`(AWS_SSO_PROMPT\w*)[`=]", docs))
    # `AWS_SSO_PROMPT_COLOR_OK` / `_WARN`: each tail replaces the last word, or follows PROMPT.
    for head, tails in re.findall(r"`(AWS_SSO_PROMPT_\w+)`((?: / `_\w+`)+)", docs):
        for tail in re.findall(r"`(_\w+)`", tails):
            documented |= {head.rsplit("_", 1)[0] + tail, "AWS_SSO_PROMPT" + tail}
    assert set(hook_spec.PROMPT_OPTIONS) | set(hook_spec.PROMPT_OUTPUTS) <= documented
    row = re.search(r"^\| `AWS_SSO_PROMPT_COLOR_OK` .*\| `(.*)` \|", docs, re.M).group(1)
    assert row.split("` / `") == list(hook_spec.PROMPT_COLOURS.values())
    assert f"`{hook_spec.PROMPT_OPTIONS['AWS_SSO_PROMPT_FORMAT']}`" in docs
    states = re.search(r"^\| `AWS_SSO_PROMPT_STATE` \| (.*) \|$", docs, re.M).group(1)
    assert re.findall(r"`(\w+)`", states) == list(hook_spec.PROMPT_STATES)
