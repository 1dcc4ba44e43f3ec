"""Timestamps as text and back: RFC 3339 in UTC, as OpenLineage events, FOCUS exports and messages write them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def rfc3339(moment: datetime, fraction: bool = True) -> str:
    """`moment` in UTC as `2024-12-09T15:20:00Z` (a naive datetime is taken as UTC), with microseconds when there are
    some and `fraction` allows them (FOCUS and messages show whole seconds).

    Formatted by hand: `strftime("%Y")` does not pad years before 1000 to four digits on every platform.
    """
    moment = moment.astimezone(timezone.utc) if moment.tzinfo is not None else moment
    text = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")
    return f"{text}.{moment.microsecond:06d}Z" if fraction and moment.microsecond else f"{text}Z"


def parse_time(value: Any) -> datetime | None:
    """A datetime from a YAML/JSON value (ISO 8601 text, with `Z` or an offset; naive means UTC), or None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
