"""The shell hooks in real bash, zsh and fish: strict mode, interactive, sourcing cost, fakes."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import (
    HOOK_SHELLS,
    STALE,
    V1_AWS,
    hook_environment,
    hook_file,
    require,
    require_program,
    strict_command,
    traced_processes,
)
from hostile import HOSTILE_NAME, profile_header
from shell_harness import Typist, driver, hook_shell, read_env

from awscli_sso_ext.hooks import HOOKS

CONFIG = f"""
[default]
region = us-east-1

[profile staging]
region = eu-central-1

[profile "my team"]
region = ap-southeast-2

[profile scratch]
output = json

{profile_header(HOSTILE_NAME)}
region = eu-north-1
"""
# Profiles without SSO: the hook's work doesn't depend on logging in, so no test here can
# reach the network.


# --- The scenario with the real AWS CLI v1, replayed in every shell and mode ---------------


def scenario_steps(shell: str, strict: bool) -> list:
    """Command lines for `shell`; each failing command writes its exit status to a file."""

    def failing(command: str, name: str) -> str:
        if strict and shell != "fish":  # `set -e` would end the script at the failure
            return f'{command} || echo {driver(shell).status} > "$HOOK_DUMPS/{name}"'
        return f'{command}; echo {driver(shell).status} > "$HOOK_DUMPS/{name}"'

    def dump(name: str) -> str:
        return f'env -0 > "$HOOK_DUMPS/{name}"'

    return [
        dump("start"),
        "aws sso-switch staging",
        dump("staging"),
        'aws --region eu-west-1 --no-paginate sso-switch "$HOSTILE"',
        dump("hostile"),
        "aws --output json sso-switch -",
        dump("back"),
        failing("aws sso-switch stagin", "failed.status"),
        dump("failed"),
        "aws sso-switch --unset",
        dump("unset"),
        "printf 'a b' | aws configure set region \"it's \\$HOME\" --profile scratch",
        'aws configure get region --profile scratch | cat > "$HOOK_DUMPS/scratch"',
        'aws configure get region --profile "my team" > "$HOOK_DUMPS/myteam"',
        failing("aws configure get nosuchkey", "missing.status"),
    ]


def check_scenario(dumps: Path, home: Path) -> None:
    env = {name: read_env(dumps / name) for name in ("start", "staging", "hostile", "back")}
    env["failed"] = read_env(dumps / "failed")
    env["unset"] = read_env(dumps / "unset")
    start = env["start"]
    assert {name: start.get(name) for name in STALE} == STALE

    def managed(name: str) -> dict:
        return {key: value for key, value in env[name].items() if key.startswith("AWS_")}

    assert managed("staging") == {
        "AWS_PROFILE": "staging",
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_SSO_EXT_PREVIOUS_PROFILE": "my team",
    }
    assert managed("hostile") == {
        "AWS_PROFILE": HOSTILE_NAME,
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_SSO_EXT_PREVIOUS_PROFILE": "staging",
    }
    assert managed("back")["AWS_PROFILE"] == "staging"
    assert managed("back")["AWS_SSO_EXT_PREVIOUS_PROFILE"] == HOSTILE_NAME
    assert (dumps / "failed.status").read_text().strip() == "2"
    assert env["failed"] == env["back"], "a failed switch changed the environment"
    assert managed("unset") == {"AWS_SSO_EXT_PREVIOUS_PROFILE": "staging"}
    for name, dumped in env.items():
        # Only the AWS_* variables a switch manages ever change; the hook's own variable
        # lives for one command.
        others = {k: v for k, v in dumped.items() if not k.startswith("AWS_")}
        assert others == {k: v for k, v in start.items() if not k.startswith("AWS_")}, name
        assert "AWS_SSO_EXT_SHELL" not in dumped, name
    assert (dumps / "scratch").read_text() == "it's $HOME\n"
    assert (dumps / "myteam").read_text() == "ap-southeast-2\n"
    assert (dumps / "missing.status").read_text().strip() == "1"
    assert not list(home.rglob("pwned*")), "a hostile profile name ran code"


@pytest.fixture
def cli_home(home, tmp_path):
    """HOME with the plugin registered for AWS CLI v1, a dumps folder and the environment."""
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    config = home / ".aws" / "config"
    config.parent.mkdir()
    config.write_text(f"[plugins]\nsso_ext = awscli_sso_ext\n{CONFIG}", encoding="utf-8")
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    env = hook_environment(home, HOOK_DUMPS=str(dumps), HOSTILE=HOSTILE_NAME, **STALE)
    return home, dumps, env


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_scenario_in_strict_mode(shell, cli_home):
    home, dumps, env = cli_home
    script = "\n".join([driver(shell).source_line(), *scenario_steps(shell, strict=True)])
    result = driver(shell).run(script, env, home, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "'stagin' is not in" in result.stderr
    check_scenario(dumps, home)


# --- Interactive shells in a pseudo-terminal, the hook loaded from the rc file -------------


def interrupt_until_gone(child, pid: int) -> None:
    """Ctrl-C, again if need be: a ^C typed while the shell is still handing the terminal
    to the job can reach the shell instead of the job (seen under load)."""
    for _ in range(20):
        child.sendintr()
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)
    raise AssertionError("Ctrl-C never reached the command")


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_scenario_in_an_interactive_shell(shell, cli_home):
    home, dumps, env = cli_home
    typist = Typist(hook_shell(shell, home, env))
    for line in scenario_steps(shell, strict=False):
        typist.run(line)
    typist.close()
    check_scenario(dumps, home)


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_interactive_login_prompt_reads_the_terminal_and_ctrl_c_changes_nothing(
    shell, home, tmp_path, fake_aws
):
    log = tmp_path / "fake.log"
    env = hook_environment(home, fake_aws, FAKE_AWS_LOG=str(log), AWS_PROFILE="before")
    child = hook_shell(shell, home, env)
    typist = Typist(child)
    typist.run(f"env -0 > {tmp_path}/before")
    # The switch reads a line from the terminal, as a login would, then waits: Ctrl-C.
    child.sendline("aws sso-switch interrupt")
    child.expect_exact("fake aws: code?")  # the login prompt reached the terminal
    child.sendline("")
    child.expect_exact("fake aws: waiting")
    interrupt_until_gone(child, int(Path(f"{log}.pid").read_text()))
    typist.run(f"env -0 > {tmp_path}/after")
    assert read_env(tmp_path / "after") == read_env(tmp_path / "before")
    child.sendline("aws sso-switch ok")
    child.expect_exact("fake aws: code?")
    child.sendline("typed at the prompt")
    typist.run(f"env -0 > {tmp_path}/switched")
    typist.close()
    assert read_env(tmp_path / "switched")["AWS_PROFILE"] == "ok-typed at the prompt"


# --- The hook with a stand-in aws: exact pass-through, stdin, failure, help ---------------


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_pass_through_arguments_stdin_status_and_switch_edge_cases(shell, home, tmp_path, fake_aws):
    log = tmp_path / "fake.log"
    (home / "typed.txt").write_text("typed\n")  # not a pipe: bash runs a pipe's end in a subshell
    status = driver(shell).status
    awkward = ["a b", "it's", '"quoted"', "$HOME", "", "*", "--region"]
    words = " ".join(driver(shell).quote(word) for word in awkward)
    script = "\n".join(
        [
            driver(shell).source_line(),
            f"printf 'in put' | aws --debug {words} || echo pass={status}",
            "aws --region eu-west-1 --debug sso-switch ok < typed.txt",
            'printf "profile=%s\\n" "$AWS_PROFILE"',
            f"aws sso-switch fail < typed.txt || echo fail={status}",
            'printf "profile=%s\\n" "$AWS_PROFILE"',
            "aws sso-switch help < typed.txt",
            'printf "profile=%s\\n" "$AWS_PROFILE"',
            "env | grep -q AWS_SSO_EXT_SHELL || echo no-shell-variable",
        ]
    )
    result = subprocess.run(
        [*strict_command(shell), script],
        env=hook_environment(home, fake_aws, FAKE_AWS_LOG=str(log)),
        cwd=home,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "pass=3",
        "profile=ok-typed",
        "fail=1",
        "profile=ok-typed",  # the failed switch printed code, and it was not evaluated
        "export AWS_PROFILE='help-typed'",  # help: passed through (no shell named), not run
        "profile=ok-typed",
        "no-shell-variable",
    ]
    assert result.stderr.count("fake aws: login prompt read [typed]") == 3  # stderr free
    calls = log.read_text(encoding="utf-8").split("shell=")[1:]
    assert calls[0].splitlines() == [
        "<unset>",
        "arg=[--debug]",
        *(f"arg=[{word}]" for word in awkward),
        "stdin=[in put]",
    ]
    assert calls[1].splitlines() == [
        shell,
        "arg=[--region]",
        "arg=[eu-west-1]",
        "arg=[--debug]",
        "arg=[sso-switch]",
        "arg=[ok]",
    ]
    assert calls[3].startswith("<unset>")  # `sso-switch help` ran as it is


SCANS = [
    (["sso-switch", "prod"], True),
    (["sso-switch"], True),
    (["--region", "eu-west-1", "sso-switch", "prod"], True),
    (["--profile", "x", "--debug", "sso-switch", "-"], True),
    (["--region=eu-west-1", "--no-verify-ssl", "sso-switch", "--unset"], True),
    (["--endpoint-url", "sso-switch", "s3", "ls"], False),  # the option's value, not a command
    (["--query", "x", "--output", "json", "--color", "on", "--ca-bundle", "b", "sso-switch"], True),
    (["--cli-read-timeout", "1", "--cli-connect-timeout", "1", "sso-switch", "p"], True),
    (["--cli-binary-format", "raw-in-base64-out", "sso-switch", "p"], True),
    (["--no-paginate", "--no-sign-request", "--no-cli-pager", "sso-switch", "p"], True),
    (["s3", "sso-switch"], False),
    (["configure", "get", "region"], False),
    (["sso-switch", "help"], False),
    (["sso-switch", "prod", "--version"], False),
    (["--version", "sso-switch", "prod"], False),
    (["--region"], False),
    (["--profile", "sso-switch"], False),
    ([], False),
    (["", "sso-switch"], False),
    (["SSO-SWITCH", "p"], False),
]


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_switch_is_recognised_after_global_options(shell, home):
    # The scan loads with the rest of the switch, at the first `aws ... sso-switch ...`.
    load = "__awscli_sso_ext_load switch" if shell == "fish" else "__awscli_sso_ext_switch_load"
    lines = [driver(shell).source_line(), load]
    for words, _expected in SCANS:
        quoted = " ".join(driver(shell).quote(word) for word in words)
        lines.append(f"__awscli_sso_ext_is_switch {quoted} && echo yes || echo no")
    if shell == "fish":
        lines = [
            line.replace("&& echo yes || echo no", "; and echo yes; or echo no") for line in lines
        ]
    result = subprocess.run(
        [*strict_command(shell), "\n".join(lines)],
        env=hook_environment(home),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stderr == ""
    answers = result.stdout.split()
    assert list(zip([w for w, _ in SCANS], answers)) == [
        (w, "yes" if expected else "no") for w, expected in SCANS
    ]


# --- Sourcing: silent, idempotent, no process; running the file instead ------------------

# What a shell has defined: function names, variable names, then the functions' text.
STATE = {
    "bash": "{ compgen -A function || :; echo @@; compgen -v; echo @@; declare -f; }",
    "zsh": "{ print -rl -- ${(k)functions}; echo @@; print -rl -- ${(k)parameters}; echo @@; functions; }",
    "fish": "begin; functions -a -n; echo @@; set -n; echo @@; functions aws __awscli_sso_ext_switch 2>/dev/null; or :; end",
}
OURS = {"aws"}  # the scan and the plugin path load with the fast switch
# The fast switch (tests/test_switch_fast.py): its loader, until awscli-sso-ext.switch.EXT is
# sourced at the first `aws ... sso-switch ...`.
FAST_SWITCH_FUNCTIONS = {
    "bash": {"__awscli_sso_ext_switch_load"},
    "zsh": {"__awscli_sso_ext_switch_load"},
    "fish": {"__awscli_sso_ext_load"},  # one loader for every part; the switch is all in its file
}
# Profile completion (tests/test_completion_*.py).
COMPLETION_FUNCTIONS = {
    "bash": {  # the rest is in awscli-sso-ext.complete.bash, sourced at the first TAB
        "__awscli_sso_ext_complete",
        "__awscli_sso_ext_complete_first_prompt",
        "__awscli_sso_ext_complete_load",
    },
    "zsh": {  # the rest is in awscli-sso-ext.complete.zsh, sourced at the first TAB
        "__awscli_sso_ext_complete",
        "__awscli_sso_ext_complete_adopt",
        "__awscli_sso_ext_complete_first_prompt",
        "__awscli_sso_ext_complete_load",
    },
    "fish": {"__awscli_sso_ext_complete"},  # what every entry calls; it loads the rest
}
# The prompt segment (tests/test_prompt_*.py): the entries only, until awscli-sso-ext.prompt.EXT
# is sourced at the first prompt with a profile.
PROMPT_FUNCTIONS = {
    "bash": {"aws_sso_prompt", "__awscli_sso_ext_prompt_load", "__awscli_sso_ext_prompt_update"},
    "zsh": {
        "aws_sso_prompt",
        "prompt_aws_sso",
        "__awscli_sso_ext_prompt_load",
        "__awscli_sso_ext_prompt_update",
    },
    "fish": {"aws_sso_prompt", "__awscli_sso_ext_now", "__awscli_sso_ext_prompt_update"},
}
VOLATILE = {"_", "BASH_ARGC", "BASH_ARGV", "BASH_LINENO", "BASH_SOURCE", "funcfiletrace"}


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_sourcing_is_silent_adds_only_our_functions_and_twice_changes_nothing(
    shell, home, tmp_path
):
    source = driver(shell).source_line()
    script = "\n".join(
        [
            f"{STATE[shell]} > {tmp_path}/state0",
            f"{source} > {tmp_path}/out1 2>&1",
            f"{STATE[shell]} > {tmp_path}/state1",
            f"{source} > {tmp_path}/out2 2>&1",
            f"{STATE[shell]} > {tmp_path}/state2",
        ]
    )
    result = subprocess.run(
        [*strict_command(shell), script],
        env=hook_environment(home),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "out1").read_text() == (tmp_path / "out2").read_text() == ""
    state = []
    for number in range(3):
        text = (tmp_path / f"state{number}").read_text()
        functions, variables, bodies = text.split("@@\n", 2)
        state.append((set(functions.split()), set(variables.split()) - VOLATILE, bodies))
    assert state[2] == state[1], "sourcing a second time changed the shell"
    assert state[1][0] - state[0][0] == (
        OURS | FAST_SWITCH_FUNCTIONS[shell] | PROMPT_FUNCTIONS[shell] | COMPLETION_FUNCTIONS[shell]
    )
    assert state[1][1] == state[0][1], "sourcing left variables behind"


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_running_the_file_says_how_to_source_it(shell, home):
    program = require_program(shell)
    result = subprocess.run(
        [program, str(hook_file(shell))],
        env=hook_environment(home, XDG_CONFIG_HOME=str(home / "none"), ZDOTDIR=str(home)),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "must be sourced" in result.stderr
    assert f"source {hook_file(shell)}" in result.stderr


def spawned(command: list, tmp_path: Path) -> list:
    """The processes `command` starts, which must succeed."""
    result, processes = traced_processes(command, tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    return processes


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_sourcing_starts_no_process(shell, home, tmp_path):
    base = strict_command(shell)
    baseline = spawned([*base, "true"], tmp_path)
    sourcing = spawned([*base, f"{driver(shell).source_line()}; true"], tmp_path)
    assert sourcing == baseline == ["execve"]  # only the shell itself


@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_the_rc_line_loads_the_hook_from_an_awkward_path(shell, home, tmp_path):
    folder = tmp_path / "it's a $dir"
    folder.mkdir()
    copy = folder / hook_file(shell).name
    shutil.copyfile(hook_file(shell), copy)
    check = "functions -q aws" if shell == "fish" else "typeset -f aws > /dev/null"
    result = subprocess.run(
        [*strict_command(shell), f"{HOOKS[shell].rc_line(copy)}\n{check}"],
        env=hook_environment(home),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
