"""Automatic prompt placement in real bash, zsh and fish (tmux): every option toggle, names never run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import Tmux, hook_environment, require_program
from hostile import HOSTILE_NAME
from prompt_helpers import at, sso_env, token_file
from shell_harness import driver

from awscli_sso_ext.shells import posix_quote

ROLE = "${HOME}`touch pwned-3`%F{red}%{x%}\\$(touch pwned-4)!x"
SEGMENT = f"{HOSTILE_NAME} {ROLE}@123456789012 eu-central-1 3d2h"
MINE = "<mine>>"  # the user's prompt: the same whatever the options
RIGHT = "[r]"  # the user's right prompt

# zsh's three prompt options, in the order (prompt_subst, prompt_percent, prompt_bang). A
# Gray code through all eight states, each step flipping one option, so every option goes
# on -> off -> on and off -> on -> off in every state of the other two; then back again.
GRAY = [(0, 1, 0), (1, 1, 0), (1, 1, 1), (0, 1, 1), (0, 0, 1), (1, 0, 1), (1, 0, 0), (0, 0, 0)]
ZSH_WALK = GRAY[1:] + GRAY[:1] + GRAY[::-1][1:]
BASH_WALK = [0, 1, 0, 1, 1, 0, 0, 1, 0]  # promptvars; the default is on


def zsh_options(state) -> str:
    names = ("prompt_subst", "prompt_percent", "prompt_bang")
    return " ".join(name if on else f"no_{name}" for name, on in zip(names, state))


def zsh_segment(state) -> str:
    """What zsh shows: the names as they are, except with no expansion at all (prompt_percent
    and prompt_subst off), where `$`, backticks and backslashes show as `?`."""
    subst, percent, _ = state
    return SEGMENT if subst or percent else re.sub(r"[$`\\]", "?", SEGMENT)


# (shell, where the segment goes, how the options change, the first state, the walk)
TABLE = [
    ("bash", "left", "typed", 1, BASH_WALK),
    ("bash", "left", "typed", 0, BASH_WALK[::-1]),
    ("bash", "left", "late hook", 0, BASH_WALK),
    ("zsh", "left", "typed", GRAY[0], ZSH_WALK),
    ("zsh", "right", "typed", GRAY[3], ZSH_WALK[::-1]),
    ("zsh", "left", "late hook", GRAY[0], ZSH_WALK),
    ("zsh", "right", "redraw", GRAY[0], ZSH_WALK),
    ("fish", "right", "typed", None, ["theme", "theme", "erase", "theme"]),
]


def rc_file(shell: str, home: Path, placement: str, first) -> tuple[str, dict]:
    """The rc file and environment that start `shell` with the user's prompt and the hook."""
    harness = driver(shell)
    source = harness.source_line()
    env: dict = {}
    if shell == "bash":
        lines = [
            f"shopt {'-s' if first else '-u'} promptvars",
            f"PS1='{MINE} '",
            "AWS_SSO_PROMPT_AUTO=1",
            source,
            # A theme's hook after ours in PROMPT_COMMAND, changing the options late.
            '__late() { [[ -z ${LATE-} ]] || shopt "$LATE" promptvars; LATE=; }',
            'PROMPT_COMMAND+=";__late"',
        ]
    elif shell == "zsh":
        lines = [
            "setopt no_prompt_sp",
            f"setopt {zsh_options(first)}",
            f"PROMPT='{MINE} '",
            f"RPROMPT='{RIGHT if placement == 'right' else ''}'",
            f"AWS_SSO_PROMPT_AUTO={placement}",
            source,
            # A precmd after ours (a theme, zinit turbo), and a widget that changes the
            # options and redraws the prompt without any precmd (zsh-defer, a timer).
            "function __late { [[ -z ${LATE-} ]] || setopt $=LATE; LATE= }",
            "precmd_functions+=(__late)",
            "integer redraws=0",
            "function __redraw { setopt $=LATE; zle reset-prompt; zle -M redrawn_$(( ++redraws )) }",
            "zle -N __redraw; bindkey '^T' __redraw",
        ]
    else:
        lines = [
            f"function fish_prompt; printf '%s ' '{MINE}'; end",
            f"function fish_right_prompt; printf '%s' '{RIGHT}'; end",
            "set -gx AWS_SSO_PROMPT_AUTO 1",
            source,
        ]
    argv = harness.interactive_argv(home, lines, env)
    return f"cd {posix_quote(str(home))} && exec {shlex.join([shell, *argv])}", env


def drawn_prompt(tmux: Tmux, number: int, last: str) -> str:
    """The prompt line drawn after the output `step_<number>` and ending with `last`."""
    end = re.escape(last)
    return tmux.wait(rf"^step_{number}\n(.*{end})$", timeout=10).group(1)


def expected_line(placement: str, segment: str, right: str = RIGHT) -> re.Pattern:
    if placement == "left":
        return re.compile(re.escape(f"{segment} {MINE}") + r"\Z")
    return re.compile(re.escape(MINE) + r" +" + re.escape(f"{segment} {right}") + r"\Z")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("shell", "placement", "how", "first", "walk"),
    TABLE,
    ids=[
        f"{row[0]}-{row[1]}-{row[2].replace(' ', '-')}-{index}" for index, row in enumerate(TABLE)
    ],
)
def test_names_never_run_and_the_segment_shows_once(
    shell, placement, how, first, walk, home, tmp_path
):
    require_program(shell)
    token = token_file(home, expiresAt=at(days=3, hours=2, minutes=40))
    command, env = rc_file(shell, home, placement, first)
    env = hook_environment(
        home, **sso_env(token, AWS_PROFILE=HOSTILE_NAME, AWS_SSO_EXT_ROLE=ROLE), **env
    )
    tmux = Tmux(tmp_path)
    tmux.start(command, env, width=320, height=80)
    step = redraws = 0

    def run(line: str) -> str:
        nonlocal step
        last = MINE if placement == "left" else right or SEGMENT[-4:]
        step += 1
        tmux.line(f"{line}{'; ' if line else ''}printf '%s_%s\\n' step {step}")
        return drawn_prompt(tmux, step, last)

    try:
        state, right = first, RIGHT
        for target in walk:
            if shell == "bash":
                options = "-s" if target else "-u"
                change = f"shopt {options} promptvars"
                segment = SEGMENT
            elif shell == "zsh":
                options = zsh_options(target)
                change = f"setopt {options}"
                segment = zsh_segment(target)
            else:  # a theme replaces the right prompt, or the user erases it
                right = "[theme]" if target == "theme" else ""
                change = (
                    f"function fish_right_prompt; printf '%s' '{right}'; end"
                    if right
                    else "functions -e fish_right_prompt"
                )
                segment = SEGMENT
            if how == "typed":
                shown = run(change)
            elif how == "late hook":
                # The options change after our hook ran, before the prompt is drawn: the
                # segment may show as it was placed, but nothing of a name runs.
                shown = run(f"LATE={posix_quote(options)}")
                assert shown.count(SEGMENT) <= 1, shown
                assert not list(home.glob("pwned*")), (how, state, target, shown)
                shown = run("")  # the next prompt places it for the options now
            else:  # redraw: options changed and the prompt redrawn, no precmd in between
                run(f"LATE={posix_quote(options)}")
                redraws += 1
                tmux.keys("C-t")
                redrawn = tmux.wait(rf"^(.*)\n.*redrawn_{redraws}", timeout=10).group(1).rstrip()
                assert redrawn.count(SEGMENT) <= 1, redrawn
                assert not list(home.glob("pwned*")), (how, state, target, redrawn)
                tmux.keys("C-u")
                shown = run("")
            if shell == "fish" and not right:
                expected = re.compile(re.escape(MINE) + r" +" + re.escape(segment) + r"\Z")
            else:
                expected = expected_line(placement, segment, right)
            assert expected.match(shown), (how, state, target, shown)
            assert not list(home.glob("pwned*")), (how, state, target, shown)
            state = target
        tmux.line("exit")
    finally:
        tmux.stop()
    assert not list(home.glob("pwned*"))
