"""Choosing the profile `aws sso-switch` was not given: fzf when on PATH, else the built-in."""

from __future__ import annotations

import os
import shutil
import subprocess

from awscli_sso_ext import frecency, picker_tty
from awscli_sso_ext.display import fit, pad, printable, width
from awscli_sso_ext.errors import Cancelled, OperationFailed, UsageError
from awscli_sso_ext.status import ProfileRow

HEADERS = ("PROFILE", "ACCOUNT", "ROLE", "REGION", "LOGIN")
MAX_COLUMN = 40  # a name longer than this is cut in the list (the choice is by index)
FZF_DEFAULTS = "--prompt='profile> ' --tiebreak=index"
"""Put before FZF_DEFAULT_OPTS, so the user's own options win over these."""
FZF_WIRING = ("--delimiter=\t", "--with-nth=2..", "--header-lines=1", "--no-multi")
"""How we read fzf's answer: after the user's options, so none can break it."""
FZF_CANCELLED = (1, 130)  # no match, or Esc / Ctrl-C


def on_terminal(stdin) -> picker_tty.Tty | None:
    """The terminal to pick on: /dev/tty when stdin is a terminal (someone can type); None
    for a script, a pipe or no controlling terminal."""
    try:
        interactive = stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    return picker_tty.Tty.open() if interactive else None


def entry_cells(row: ProfileRow) -> list[str]:
    """What the list shows of a profile, control characters stripped."""
    account, name = printable(row.account_id), printable(row.account_name)
    if name:
        account = f"{name} ({account})" if account else name
    return [
        printable(row.profile),
        account,
        printable(row.role_name),
        printable(row.region),
        row.login,
    ]


def aligned(cells: list[list[str]]) -> list[str]:
    """Lines of left-aligned columns, each at most MAX_COLUMN wide."""
    widths = [min(MAX_COLUMN, max(width(line[i]) for line in cells)) for i in range(len(cells[0]))]
    return [
        "  ".join(pad(fit(text, w), w) for text, w in zip(line, widths)).rstrip() for line in cells
    ]


def ordered_rows(rows: list[ProfileRow], environ) -> list[ProfileRow]:
    """Most used lately first (frecency), then by name."""
    by_name = {row.profile: row for row in rows}
    return [by_name[name] for name in frecency.ordered(list(by_name), environ)]


def pick(book, tty: picker_tty.Tty, environ) -> str:
    """The name of the profile picked among every profile of `book` (Cancelled when none)."""
    from awscli_sso_ext.login import utc_now
    from awscli_sso_ext.status import gather

    return choose(gather(book, environ, utc_now()).profiles, tty, environ)


def choose(rows: list[ProfileRow], tty: picker_tty.Tty, environ) -> str:
    """The name of the profile picked (Cancelled when none was)."""
    if not rows:
        raise UsageError(
            "There is no profile to choose from.",
            "Add one to your AWS config (`aws configure sso`), then run the command again.",
        )
    rows = ordered_rows(rows, environ)
    header, *lines = aligned([list(HEADERS), *(entry_cells(row) for row in rows)])
    fzf = shutil.which("fzf", path=environ.get("PATH", os.defpath))
    index = with_fzf(fzf, header, lines, environ) if fzf else picker_tty.run(tty, header, lines)
    return rows[index].profile


def with_fzf(fzf: str, header: str, lines: list[str], environ) -> int:
    """The index fzf's answer names. fzf reads the lines on stdin and draws on /dev/tty
    itself; its answer comes back on its stdout, never ours."""
    text = f"-\t{header}\n" + "".join(f"{i}\t{line}\n" for i, line in enumerate(lines))
    env = dict(environ)
    env["FZF_DEFAULT_OPTS"] = f"{FZF_DEFAULTS} {environ.get('FZF_DEFAULT_OPTS', '')}".strip()
    try:
        result = subprocess.run(
            [fzf, *FZF_WIRING],
            input=text.encode("utf-8"),
            stdout=subprocess.PIPE,
            env=env,
            check=False,
        )
    except OSError as error:
        raise OperationFailed(
            f"fzf ({fzf}) could not be started: {error.strerror}.",
            "Fix or remove it from PATH; the built-in picker is used without it.",
        ) from None
    if result.returncode in FZF_CANCELLED:
        raise Cancelled("No profile was chosen; nothing was changed.")
    answer = result.stdout.decode("utf-8", errors="replace").split("\t", 1)[0].strip()
    if result.returncode != 0 or not answer.isdigit() or int(answer) >= len(lines):
        raise OperationFailed(
            f"fzf ({fzf}) gave no usable answer (exit status {result.returncode}).",
            "Check FZF_DEFAULT_OPTS, or remove fzf from PATH to use the built-in picker.",
        )
    return int(answer)
