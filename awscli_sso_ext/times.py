"""Times as the AWS caches write them: parsed from ISO 8601 and formatted, standard library only."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
"""How the CLI writes every time in the cache: UTC, whole seconds."""

_TIME_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|UTC|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)


def parse_time(text: str) -> datetime:
    """An aware UTC datetime from the CLI's format and the variants other SDKs write:
    fractional seconds, "+00:00" or other offsets, a "UTC" suffix; no zone means UTC."""
    match = _TIME_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:  # botocore's dateutil would accept more, but nothing writes more
        raise ValueError("not an ISO 8601 time")
    day, clock, fraction, zone = match.groups()
    microsecond = int((fraction or "0")[:6].ljust(6, "0"))
    # The fields by hand, not strptime: that one's import costs a credential_process call ~5 ms.
    year, month, date = (int(part) for part in day.split("-"))
    hour, minute, second = (int(part) for part in clock.split(":"))
    try:  # datetime() checks the ranges
        moment = datetime(year, month, date, hour, minute, second, microsecond, _parse_zone(zone))
    except ValueError:
        raise ValueError("not a valid time") from None
    return moment.astimezone(timezone.utc)


def _parse_zone(zone: str | None) -> timezone:
    if zone is None or zone.upper() in ("Z", "UTC"):
        return timezone.utc
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def format_time(moment: datetime) -> str:
    """The CLI's format: UTC, whole seconds, "Z". Naive datetimes are refused."""
    return as_utc(moment).strftime(TIME_FORMAT)


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: give it a time zone")
    return moment.astimezone(timezone.utc)
