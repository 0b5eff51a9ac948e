"""One driver per real shell for the tests: strict mode, interactive spawn, rc lines, status, prompt."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import hook_file, require_program, strict_command

from awscli_sso_ext.shells import fish_quote, posix_quote, powershell_quote


class ShellDriver:
    """What a test needs to know to drive one shell: its syntax and how to start it."""

    name = ""
    status = "$?"  # the exit status of the last command

    def quote(self, word: str) -> str:
        return posix_quote(word)

    def source_line(self, path: Path | None = None) -> str:
        """The rc line that loads the hook (this checkout's, unless told)."""
        return f"source {self.quote(str(path or hook_file(self.name)))}"

    def strict_command(self) -> list:
        """argv running a script (the last argument) in the shell's strictest mode."""
        return strict_command(self.name)

    def run(self, script: str, env: dict, cwd: Path | None = None, timeout: float = 30):
        """The finished strict-mode run of `script`, text mode, stdin closed."""
        return subprocess.run(
            [*self.strict_command(), script],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def print_lines(self, *words: str) -> str:
        """A statement printing each (already quoted or variable) word on its own line."""
        return "printf '%s\\n' " + " ".join(words)

    def export(self, env: dict) -> str:
        """A statement exporting every variable of `env`."""
        return "export " + " ".join(f"{k}={self.quote(v)}" for k, v in env.items())

    def fixed_prompt(self, text: str) -> list:
        """rc lines making the prompt exactly `text` (the shell's prompt escapes left alone)."""
        return [f"PS1={self.quote(text)}"]

    def spawn(self, home: Path, rc_lines: list, env: dict, term: str = "dumb", size=(40, 250)):
        """A pexpect child running the shell interactively on a pseudo-terminal, with
        `rc_lines` as its only start-up file."""
        pexpect = pytest.importorskip("pexpect")
        program = require_program(self.name)
        env = dict(env, TERM=term)
        argv = self.interactive_argv(home, rc_lines, env)
        child = pexpect.spawn(program, argv, env=env, cwd=str(home), encoding="utf-8", timeout=20)
        child.setwinsize(*size)
        return child

    def interactive_argv(self, home: Path, rc_lines: list, env: dict) -> list:
        raise NotImplementedError


class Bash(ShellDriver):
    name = "bash"

    def interactive_argv(self, home, rc_lines, env):
        rc = home / ".harness-bashrc"
        rc.write_text("\n".join(rc_lines) + "\n")
        return ["--noprofile", "--rcfile", str(rc), "-i"]


class Zsh(ShellDriver):
    name = "zsh"

    def print_lines(self, *words):
        return "print -rl -- " + " ".join(words)

    def interactive_argv(self, home, rc_lines, env):
        # No /etc/zsh files; no partial-line mark or bracketed paste to muddle the terminal.
        zdotdir = home / "zdotdir"
        zdotdir.mkdir(exist_ok=True)
        quiet = ["setopt no_prompt_sp", "unset zle_bracketed_paste"]
        (zdotdir / ".zshrc").write_text("\n".join([*quiet, *rc_lines]) + "\n")
        env["ZDOTDIR"] = str(zdotdir)
        return ["-d", "-i"]


class Fish(ShellDriver):
    name = "fish"
    status = "$status"

    def quote(self, word):
        return fish_quote(word)

    def export(self, env):
        return "; ".join(f"set -gx {k} {self.quote(v)}" for k, v in env.items())

    def fixed_prompt(self, text):
        return [f"function fish_prompt; printf '%s' {self.quote(text)}; end"]

    def interactive_argv(self, home, rc_lines, env):
        config = home / "xdg" / "fish" / "config.fish"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text("\n".join(["set -g fish_greeting ''", *rc_lines]) + "\n")
        env.update(XDG_CONFIG_HOME=str(home / "xdg"), XDG_DATA_HOME=str(home / "data"))
        return ["--private", "-i"]


class PowerShell(ShellDriver):
    name = "powershell"
    status = "$LASTEXITCODE"

    def quote(self, word):
        return powershell_quote(word)

    def source_line(self, path=None):
        return f". {self.quote(str(path or hook_file(self.name)))}"

    def strict_command(self):
        return [require_program("pwsh"), "-NoProfile", "-NonInteractive", "-Command"]

    def print_lines(self, *words):
        return "Write-Output " + ", ".join(words)

    def export(self, env):
        return "; ".join(f"$env:{k} = {self.quote(v)}" for k, v in env.items())


DRIVERS = {driver.name: driver for driver in (Bash(), Zsh(), Fish(), PowerShell())}


def driver(shell: str) -> ShellDriver:
    return DRIVERS[shell]


class Typist:
    """Types command lines into an interactive shell and waits for each to finish: its
    marker is printed, not typed (a shell may redraw what is typed)."""

    def __init__(self, child):
        self.child = child
        self.count = 0
        self.run("true")

    def run(self, line: str) -> str:
        self.count += 1
        self.child.sendline(f"{line}; printf '%s_%s\\n' hookdone {self.count}")
        self.child.expect_exact(f"hookdone_{self.count}")
        return self.child.before

    def close(self):
        self.child.sendline("exit")
        self.child.expect(pytest.importorskip("pexpect").EOF)


def read_env(path: Path) -> dict:
    """The environment `env -0 > path` wrote."""
    entries = path.read_bytes().decode("utf-8").split("\0")
    return dict(entry.split("=", 1) for entry in entries if entry)


def hook_shell(
    shell: str,
    home: Path,
    env: dict,
    prompt: str = "hook-test> ",
    before: tuple = (),
    after: tuple = (),
    size=(40, 250),
):
    """An interactive `shell` whose rc file runs `before`, sources the hook, runs `after` and
    sets the prompt to `prompt`."""
    harness = driver(shell)
    lines = [*before, harness.source_line(), *after, *harness.fixed_prompt(prompt)]
    return harness.spawn(home, lines, env, size=size)
