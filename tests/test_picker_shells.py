"""`aws sso-switch` with no name in real interactive bash, zsh and fish (tmux), the real CLI v1."""

from __future__ import annotations

import ast
import os
import re
import shlex
import stat
import subprocess
import time
from pathlib import Path

import pytest
from aws_config import PLUGINS, config, corp_session, profile, session_profile
from conftest import (
    HOOK_SHELLS,
    V1_AWS,
    VENV_BIN,
    Tmux,
    clean_environment,
    require,
    require_program,
    write_token,
)
from hostile import HOSTILE_NAME
from shell_harness import driver, read_env

TITLE = "Switch this shell to"
CONFIG = config(
    PLUGINS,
    session_profile("staging", "205938475610"),
    session_profile(
        "prod",
        "111111111111",
        "AdministratorAccess",
        sso_account_name="Production",
        region="eu-west-1",
    ),
    profile("dev", region="us-east-1"),
    profile(HOSTILE_NAME, region="ap-south-1"),
    corp_session(),
)
BY_NAME = ["dev", "prod", "staging", HOSTILE_NAME]  # the order with no switch yet


class Terminal:
    """One interactive shell in tmux, typed at line by line."""

    def __init__(self, tmux: Tmux, shell: str, home: Path):
        self.tmux, self.shell, self.home, self.count = tmux, shell, home, 0

    def run(self, line: str) -> None:
        """Type `line` and wait until it has finished."""
        self.count += 1
        # The marker is printed, not typed: `done''7` on the command line, `done7` when done.
        self.tmux.line(f"{line}; echo done''{self.count}")
        # Not anchored at the start: a command line exactly as wide as the terminal is joined
        # with the output that follows it in the captured screen.
        self.tmux.wait(rf"done{self.count}$")

    def export(self, name: str, value: str) -> None:
        self.run(driver(self.shell).export({name: value}))

    def status(self, line: str = "") -> int:
        """The exit status of `line` (of the last command line when empty)."""
        self.count += 1
        echo = f"echo rc={driver(self.shell).status}:{self.count}"
        self.tmux.line(f"{line}; {echo}" if line else echo)
        return int(self.tmux.wait(rf"rc=(\d+):{self.count}$").group(1))

    def environment(self, name: str) -> dict:
        path = self.home / f"env-{name}"
        self.run(f"env -0 > {path}")
        return read_env(path)

    def picker(self, command: str = "aws sso-switch") -> list[str]:
        """Start `command` and wait for the built-in picker: its lines."""
        self.tmux.line(command)
        self.tmux.wait(rf"^{TITLE}")
        self.tmux.wait(r"^  \d+/\d+$")
        return self.tmux.screen().splitlines()

    def press(self, *keys: str) -> None:
        """Keys for the picker, then wait until it has closed (left the alternate screen):
        a line typed meanwhile would reach the picker (an Esc and a letter read together
        are Alt and that letter)."""
        self.tmux.keys(*keys)
        deadline = time.monotonic() + 30
        while self.tmux.value("alternate_on") != "0":
            assert time.monotonic() < deadline, self.tmux.screen()
            time.sleep(0.1)

    def entries(self) -> list[str]:
        """The picker's entries as shown (the highlighted one starts with `> `)."""
        screen = self.tmux.screen().splitlines()
        start = next(i for i, line in enumerate(screen) if line.startswith(TITLE)) + 3
        count = re.compile(r"^  \d+/\d+$")
        end = next(i for i in range(start, len(screen)) if count.match(screen[i]))
        return screen[start:end]

    def first_words(self) -> list[str]:
        """The first word of each entry: the profile names (up to a space in one)."""
        return [line[2:].split()[0] for line in self.entries()]


def rc_command(shell: str, home: Path, env: dict, hook: bool) -> str:
    """The command line that starts `shell` interactively with (or without) the hook."""
    harness = driver(shell)
    rc_lines = [harness.source_line()] if hook else []
    argv = harness.interactive_argv(home, [*rc_lines, *harness.fixed_prompt("hook-test> ")], env)
    return shlex.join([require_program(shell), *argv])


@pytest.fixture
def terminal(tmp_path, home, toolbox):
    """start(shell, hook=True, path=...) -> a Terminal in a home with CONFIG and a valid login."""
    require(V1_AWS.exists(), "AWS CLI v1 in the test environment")
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_text(CONFIG, encoding="utf-8")
    write_token(home, "corp")
    tmux = Tmux(tmp_path)

    def start(shell: str, hook: bool = True, first_on_path: tuple = ()) -> Terminal:
        # The toolbox has no fzf: the built-in picker unless a test puts one first.
        path = os.pathsep.join(str(folder) for folder in (*first_on_path, VENV_BIN, toolbox))
        env = clean_environment(
            home, PATH=path, TERM="xterm-256color", XDG_STATE_HOME=str(home / "state")
        )
        tmux.start(rc_command(shell, home, env, hook), env, width=120, height=30)
        tmux.wait("^hook-test>")
        return Terminal(tmux, shell, home)

    yield start
    tmux.stop()


def state_file(home: Path) -> Path:
    return home / "state" / "awscli-sso-ext" / "frecency.json"


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_builtin_picker_filters_switches_cancels_and_learns_the_order(shell, terminal, home):
    term = terminal(shell)
    before = term.environment("before")

    # Esc, then Ctrl-C: exit status 130, the environment as it was, nothing remembered.
    for key in ("Escape", "C-c"):
        term.picker()
        assert term.first_words()[:3] == BY_NAME[:3]
        term.press(key)
        assert term.status() == 130
    assert term.environment("cancelled") == before
    assert not state_file(home).exists()
    assert "No profile was chosen; nothing was changed." in term.tmux.screen()

    # Typing narrows the list (substring, any case); Enter takes the highlighted entry.
    term.picker()
    term.tmux("send-keys", "-l", "TAG")
    term.tmux.wait(r"^  1/4$")
    assert term.entries()[0].split()[:2] == [">", "staging"]
    term.press("Enter")
    assert term.status() == 0
    staging = term.environment("staging")
    assert staging["AWS_PROFILE"] == "staging"
    assert staging["AWS_SSO_EXT_ACCOUNT"] == "205938475610"
    assert staging["AWS_REGION"] == "eu-central-1"

    # Arrows, no filter: after that switch the list is staging, dev, prod, then the hostile one.
    term.picker()
    assert term.first_words()[:3] == ["staging", "dev", "prod"]
    term.press("Down", "Down", "Down", "Up", "Enter")
    assert term.status() == 0
    assert term.environment("prod")["AWS_PROFILE"] == "prod"
    assert stat.S_IMODE(state_file(home).stat().st_mode) == 0o600

    # After two switches: the latest first, then the earlier, then the rest by name.
    term.picker()
    assert term.first_words()[:3] == ["prod", "staging", "dev"]
    assert term.entries()[0].startswith("> prod ")
    term.press("Escape")
    assert term.status() == 130
    assert term.environment("after")["AWS_PROFILE"] == "prod"


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_a_hostile_name_is_shown_as_text_and_switched_to_exactly(shell, terminal, home):
    term = terminal(shell)
    term.picker()
    term.tmux("send-keys", "-l", "pwned-1")
    term.tmux.wait(r"^  1/4$")
    # Shown as it is, cut (with an ellipsis) at the list's widest column.
    assert term.entries()[0].startswith("> x'\";&& $(touch pwned-1) `touch pwned-2`\u2026 ")
    term.press("Enter")
    assert term.status() == 0
    assert term.environment("hostile")["AWS_PROFILE"] == HOSTILE_NAME
    assert not list(home.rglob("pwned*"))


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_without_the_hook_eval_of_the_output_switches(shell, terminal):
    term = terminal(shell, hook=False)
    command = "aws sso-switch | source" if shell == "fish" else 'eval "$(aws sso-switch)"'
    term.picker(command)
    term.tmux("send-keys", "-l", "stag")
    term.tmux.wait(r"^  1/4$")
    term.press("Enter")
    assert term.status() == 0
    assert term.environment("staging")["AWS_PROFILE"] == "staging"
    # Stdout gets the shell code alone: the picker is drawn on the terminal.
    out = term.home / "switch-code"
    term.picker(f"aws sso-switch > {out}")
    term.tmux("send-keys", "-l", "Production")
    term.tmux.wait(r"^  1/4$")
    term.press("Enter")
    assert term.status() == 0
    code = out.read_text(encoding="utf-8")
    assert "\x1b" not in code and TITLE not in code and "ReadOnlyAccess" not in code
    words = {
        "bash": ("export ", "unset "),
        "zsh": ("export ", "unset "),
        "fish": ("set ", "if set -q "),
    }
    assert all(line.startswith(words[shell]) for line in code.splitlines()), code
    assert "prod" in code


@pytest.mark.slow
@pytest.mark.parametrize("shell", HOOK_SHELLS)
def test_fzf_on_path_is_used_with_the_users_options(shell, terminal, home, fake_fzf):
    log = home / "fzf.log"
    term = terminal(shell, first_on_path=(fake_fzf[0],))
    term.export("FAKE_FZF_LOG", str(log))
    term.export("FAKE_FZF_ANSWER", "Production")
    term.export("FZF_DEFAULT_OPTS", "--height=40%")
    assert term.status("aws sso-switch") == 0
    seen = ast.literal_eval(log.read_text())
    assert seen["opts"] == "--prompt='profile> ' --tiebreak=index --height=40%"
    lines = seen["stdin"].splitlines()
    assert [line.split("\t")[1].split()[0] for line in lines[1:4]] == BY_NAME[:3]
    assert lines[4].split("\t")[1].startswith("x'\";&& $(touch pwned-1)")
    assert seen["stdin_is_tty"] is False
    assert TITLE not in term.tmux.screen()  # fzf, not the built-in picker
    assert term.environment("picked")["AWS_PROFILE"] == "prod"
    # fzf cancelled (here: no line holds the answer, exit 1): 130 and nothing changed.
    before = term.environment("before")
    term.export("FAKE_FZF_ANSWER", "nothing-matches")
    assert term.status("aws sso-switch") == 130
    after = term.environment("after")
    assert after.pop("FAKE_FZF_ANSWER") == "nothing-matches"
    assert before.pop("FAKE_FZF_ANSWER") == "Production"
    assert after == before


@pytest.mark.slow
def test_the_real_fzf_draws_on_the_terminal_and_its_choice_switches(terminal, home):
    only_fzf = home / "fzf-only"
    only_fzf.mkdir()
    (only_fzf / "fzf").symlink_to(require_program("fzf"))
    term = terminal("bash", first_on_path=(only_fzf,))
    term.tmux.line("aws sso-switch")
    term.tmux.wait(r"profile>")
    term.tmux.wait(r"PROFILE +ACCOUNT +ROLE")
    time.sleep(0.3)
    term.tmux("send-keys", "-l", "Production")
    term.tmux.wait(r"1/4")
    term.press("Enter")
    assert term.status() == 0
    assert term.environment("prod")["AWS_PROFILE"] == "prod"
    term.tmux.line("aws sso-switch")
    term.tmux.wait(r"profile>")
    term.press("Escape")
    assert term.status() == 130
    assert term.environment("after")["AWS_PROFILE"] == "prod"


def test_without_a_terminal_a_name_is_needed(aws_cli, home):
    """In a script (stdin not a terminal): exit 2, nothing on stdout, no picker, no state."""
    aws_cli.write_config(home, CONFIG.split("\n", 2)[2])
    env = {"AWS_SSO_EXT_SHELL": "bash", "XDG_STATE_HOME": str(home / "state")}
    result = aws_cli.run(home, "sso-switch", env=env, stdin=subprocess.DEVNULL)
    assert (result.returncode, result.stdout) == (2, b"")
    assert b"Name the profile to switch to." in result.stderr
    assert TITLE.encode() not in result.stderr
    assert not state_file(home).exists()
