"""`aws sso-status` output: an aligned table for people, JSON and tab-separated text for tools."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime, tzinfo

from awscli_sso_ext import tokens
from awscli_sso_ext.display import fit, pad, printable, width
from awscli_sso_ext.status import EXPIRED, NONE, NOT_SSO, RENEWS, VALID, Status

OUTPUTS = ("table", "json", "text")
GAP = "  "
MIN_SHRUNK = 6  # a shrunk column keeps at least this many columns (or its header's width)
COLOURS = {VALID: "32", RENEWS: "36", EXPIRED: "31", NONE: "33", NOT_SSO: "2"}
MISSING = "-"


# --- JSON and text ------------------------------------------------------------------------


def _plain(value):
    return tokens.format_time(value) if isinstance(value, datetime) else value


def as_document(status: Status) -> dict:
    """{"profiles": [...], "sessions": [...]}, times in ISO 8601 UTC, missing values null."""
    return {
        "profiles": [
            {f.name: _plain(getattr(r, f.name)) for f in fields(r)} for r in status.profiles
        ],
        "sessions": [
            {f.name: _plain(getattr(r, f.name)) for f in fields(r)} for r in status.sessions
        ],
    }


def render_json(status: Status) -> str:
    return json.dumps(as_document(status), indent=4, ensure_ascii=False) + "\n"


def _text_value(value) -> str:
    if value is None or isinstance(value, bool):
        return str(value)  # None, True, False: as the CLI's own text output writes them
    return printable(str(value)).replace("\t", " ")


def render_text(status: Status) -> str:
    """One line per row, fields tab-separated in the JSON's order after PROFILE or SESSION."""
    document = as_document(status)
    lines = []
    for kind, rows in (("PROFILE", document["profiles"]), ("SESSION", document["sessions"])):
        for row in rows:
            lines.append("\t".join([kind, *(_text_value(v) for v in row.values())]))
    return "".join(line + "\n" for line in lines)


# --- Times for people -------------------------------------------------------------------


def duration(seconds: float) -> str:
    """3d2h, 2h13m, 13m or <1m, as the prompt shows time left."""
    seconds = int(seconds)
    if seconds >= 86400:
        return f"{seconds // 86400}d{seconds % 86400 // 3600}h"
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60}m"
    if seconds >= 60:
        return f"{seconds // 60}m"
    return "<1m"


def clock(moment: datetime, now: datetime, zone: tzinfo | None = None) -> str:
    """Local time: 14:05 today, Mar 01 10:00 this year, else 2027-03-01."""
    local, today = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%b %d %H:%M")
    return local.strftime("%Y-%m-%d")


def time_cell(moment: datetime | None, now: datetime, zone: tzinfo | None) -> list[str]:
    """[long, short]: `14:05 (2h13m left)` and `2h13m left`; `ended` once past."""
    if moment is None:
        return [MISSING]
    left = (moment - now).total_seconds()
    relative = f"{duration(left)} left" if left > 0 else "ended"
    return [f"{clock(moment, now, zone)} ({relative})", relative]


# --- The table --------------------------------------------------------------------------


@dataclass
class Column:
    header: str
    cells: list[list[str]]  # each cell: its forms, longest first
    shrinks: float = 0  # names: cut with an ellipsis when too wide, weighted by this (0: never)
    floor: int = MIN_SHRUNK  # columns a cut keeps (at least the header's width)
    optional: bool = False  # left out when the table can't fit otherwise
    colours: list[str | None] | None = None  # SGR per cell


def _text_cell(value: str | None) -> list[str]:
    text = printable(value)
    return [text if text else MISSING]


def layout(columns: list[Column], limit: int | None) -> list[tuple[Column, int, int]]:
    """(column, form, width) for each column: long forms first; when wider than `limit`,
    short forms, then names cut down by one column at a time, each time the one whose width
    times its `shrinks` weight is largest (profile names keep more than regions)."""

    def natural(column: Column, form: int) -> int:
        texts = [cell[min(form, len(cell) - 1)] for cell in column.cells]
        return max([width(column.header), *(width(t) for t in texts)])

    forms = [0] * len(columns)
    widths = [natural(c, 0) for c in columns]

    def total() -> int:
        return sum(widths) + len(GAP) * (len(columns) - 1)

    if limit is not None and total() > limit:
        forms = [1] * len(columns)
        widths = [natural(c, 1) for c in columns]
    floors = [min(w, max(c.floor, width(c.header))) for c, w in zip(columns, widths)]
    while limit is not None and total() > limit:
        candidates = [i for i, c in enumerate(columns) if c.shrinks and widths[i] > floors[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: columns[i].shrinks * widths[i])
        widths[widest] -= 1
    return list(zip(columns, forms, widths))


def _width_of(placed: list[tuple[Column, int, int]]) -> int:
    return sum(w for _column, _form, w in placed) + len(GAP) * (len(placed) - 1)


def _sgr(code: str | None, text: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def render_columns(columns: list[Column], limit: int | None, colour: bool) -> list[str]:
    placed = layout(columns, limit)
    while limit is not None and _width_of(placed) > limit and any(c.optional for c in columns):
        dropped = next(c for c in reversed(columns) if c.optional)
        columns = [c for c in columns if c is not dropped]
        placed = layout(columns, limit)
    lines = []
    header = GAP.join(pad(fit(c.header, w), w) for c, _form, w in placed).rstrip()
    lines.append(_sgr("1", header, colour))
    for index in range(len(columns[0].cells)):
        parts = []
        for number, (column, form, w) in enumerate(placed):
            cell = column.cells[index]
            text = fit(cell[min(form, len(cell) - 1)], w)
            last = number == len(placed) - 1
            shown = text if last else pad(text, w)
            code = column.colours[index] if column.colours else None
            parts.append(_sgr(code, text, colour) + shown[len(text) :])
        lines.append(GAP.join(parts).rstrip())
    return lines


def render_table(
    status: Status,
    now: datetime,
    *,
    limit: int | None,
    colour: bool,
    zone: tzinfo | None = None,
) -> str:
    """The profiles (the current one marked `*`), then the SSO logins, each table aligned and
    no wider than `limit` columns when it can be; names are shown without control characters."""
    blocks = []
    if status.profiles:
        blocks.append(render_columns(_profile_columns(status, now, zone), limit, colour))
    if status.sessions:
        blocks.append(render_columns(_session_columns(status, now, zone), limit, colour))
    return "\n".join("".join(line + "\n" for line in block) for block in blocks)


def login_label(sso_session: str | None, start_url: str | None) -> str:
    """The session's name; for a legacy login, its start URL's host without awsapps.com."""
    if sso_session or not start_url:
        return printable(sso_session)
    host = start_url.split("://", 1)[-1].split("/", 1)[0]
    return printable(host.removesuffix(".awsapps.com"))


def _profile_columns(status: Status, now: datetime, zone: tzinfo | None) -> list[Column]:
    rows = status.profiles
    accounts = [
        " ".join(filter(None, (printable(r.account_id), printable(r.account_name)))) for r in rows
    ]
    columns = [
        Column(
            "  PROFILE",
            [[("* " if r.current else "  ") + printable(r.profile)] for r in rows],
            shrinks=0.5,
        ),
        # The ID first and never cut; the account's name after it, when known.
        Column(
            "ACCOUNT",
            [[text or MISSING] for text in accounts],
            shrinks=1,
            floor=max(width(printable(r.account_id)) + (2 if r.account_name else 0) for r in rows),
        ),
        Column("ROLE", [_text_cell(r.role_name) for r in rows], shrinks=0.75),
        Column("REGION", [_text_cell(r.region) for r in rows], shrinks=1),
    ]
    labels = [login_label(r.sso_session, r.sso_start_url) for r in rows]
    if len({label for label, r in zip(labels, rows) if r.login != NOT_SSO}) > 1:
        # With one login for all, the table below says which it is; it says it too when
        # the column doesn't fit.
        cells = [[label or MISSING] for label in labels]
        columns.append(Column("SESSION", cells, shrinks=1, optional=True))
    columns += [
        Column("LOGIN", [[r.login] for r in rows], colours=[COLOURS[r.login] for r in rows]),
        Column("LOGIN ENDS", [time_cell(r.login_expires_at, now, zone) for r in rows]),
        Column("ROLE KEYS", [time_cell(r.credentials_expire_at, now, zone) for r in rows]),
    ]
    return columns


def _session_columns(status: Status, now: datetime, zone: tzinfo | None) -> list[Column]:
    rows = status.sessions
    return [
        Column("SSO SESSION", [_text_cell(r.sso_session) for r in rows], shrinks=0.5),
        Column("LOGIN", [[r.login] for r in rows], colours=[COLOURS[r.login] for r in rows]),
        Column("LOGIN ENDS", [time_cell(r.login_expires_at, now, zone) for r in rows]),
        Column("RENEWS UNTIL", [time_cell(r.renews_until, now, zone) for r in rows]),
        Column("START URL", [_text_cell(r.sso_start_url) for r in rows], shrinks=1),
    ]
