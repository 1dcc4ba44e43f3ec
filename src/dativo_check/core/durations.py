"""The one reading of durations in dativo-check: SLA values such as `4 d`, `24h`, `1 day`, `P1Y` or `PT30M` as seconds.

The change rules, the dbt freshness and retention tests and the cost estimate all read SLA durations here, so a
contract means the same amount of time to each of them.

Accepted forms, for an SLA's `value` and `unit`:

- a number (or a number written as text, `"24"`) and a `unit`; without a unit the number is in days, the unit of
  the standard's own examples;
- text that states its unit: `24h`, `24 h`, `1 day`, `1.5 hours`;
- an ISO 8601 duration, `PnYnMnWnDTnHnMnS` (`P1Y`, `P6M`, `P1W`, `P1DT12H`, `PT30M`, `P0.5D`, a decimal comma as
  ISO allows), as the value and with no unit.

A value that states its own unit and also has a `unit` is not read (which of the two is meant is a guess), nor is
a negative, infinite or unparsable amount: such a value is no duration and every caller treats it as unknown.

Units (case does not matter): `ms`; `s`, `sec`, `second(s)`; `m`, `min`, `minute(s)`; `h`, `hr`, `hour(s)`; `d`,
`day(s)`; `w`, `wk`, `week(s)`; `mo`, `month(s)`; `y`, `yr`, `year(s)`. ODCS (v3.0.0 to v3.2.0, schema and docs
alike) defines the unit only as "**d**, day, days for days; **y**, yr, years for years, etc. Units use the ISO
standard." It never says what `m` is, and the ISO standards do not settle it either: ISO 80000-3 writes the minute
`min` and gives `m` to the metre, ISO 8601 durations use `M` for months before the `T` and for minutes after it. So
`m` keeps the meaning it has in most duration notations and always had here: minutes (`frequency: 1 m` on a Kafka
stream). A month is `mo`, `month`, or `P1M`.

Calendar convention: a year is 365.25 days (the Julian year) and a month a twelfth of it, 30.4375 days, so `P12M`
equals `P1Y` and a month of retention is the month the cost estimate prices; a week is 7 days. Durations are amounts,
not calendar spans: `P1M` is 30.4375 days whichever month it starts in.
"""

from __future__ import annotations

import math
import re
from typing import Any

MINUTE = 60.0
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
YEAR = 365.25 * DAY
MONTH = YEAR / 12

_UNITS: dict[str, float] = {
    name: seconds
    for seconds, names in (
        (0.001, ("ms", "msec", "millisecond", "milliseconds")),
        (1.0, ("s", "sec", "secs", "second", "seconds")),
        (MINUTE, ("m", "min", "mins", "minute", "minutes")),
        (HOUR, ("h", "hr", "hrs", "hour", "hours")),
        (DAY, ("d", "day", "days")),
        (WEEK, ("w", "wk", "wks", "week", "weeks")),
        (MONTH, ("mo", "mos", "month", "months")),
        (YEAR, ("y", "yr", "yrs", "year", "years")),
    )
    for name in names
}

_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_NUMBER_TEXT = re.compile(rf"\s*[-+]?{_NUMBER}\s*")
_WITH_UNIT = re.compile(rf"\s*({_NUMBER})\s*([a-z]+)\s*", re.IGNORECASE)
_ISO_PART = r"([0-9]+(?:[.,][0-9]+)?)"
_ISO = re.compile(rf"P(?:{_ISO_PART}Y)?(?:{_ISO_PART}M)?(?:{_ISO_PART}W)?(?:{_ISO_PART}D)?"
                  rf"(?P<time>T(?:{_ISO_PART}H)?(?:{_ISO_PART}M)?(?:{_ISO_PART}S)?)?", re.IGNORECASE)
_ISO_SIZES = (YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, 1.0)


def number(value: Any) -> float | None:
    """A YAML number, or a number written as text (`"99.5"`), as a finite float; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            result = float(value)
        except OverflowError:  # an integer beyond any float
            return None
    elif isinstance(value, str) and _NUMBER_TEXT.fullmatch(value):
        result = float(value)
    else:
        return None
    return result if math.isfinite(result) else None


def no_unit(unit: Any) -> bool:
    """Whether an SLA states no unit: none, or blank text."""
    return unit is None or isinstance(unit, str) and not unit.strip()


def unit_seconds(unit: Any) -> float | None:
    """Seconds in one `unit` (`h`, `days`, ...), or None for what is no unit of time."""
    return _UNITS.get(unit.strip().lower()) if isinstance(unit, str) else None


def iso_seconds(text: str) -> float | None:
    """An ISO 8601 duration (`P1Y`, `PT24H`, `P1DT12H`, `P0.5D`) in seconds, or None when `text` is not one."""
    match = _ISO.fullmatch(text.strip())
    if match is None:
        return None
    parts = match.groups()[:4] + match.groups()[5:]
    time_parts = parts[4:]
    if all(part is None for part in parts) or match["time"] is not None and all(part is None for part in time_parts):
        return None  # `P` alone, or a `T` with nothing after it
    seconds = sum(float(part.replace(",", ".")) * size for part, size in zip(parts, _ISO_SIZES) if part is not None)
    return seconds if math.isfinite(seconds) else None


def duration_seconds(value: Any, unit: Any = None, default_unit: str | None = "d") -> float | None:
    """An SLA `value` and `unit` as seconds, or None when they state no finite, non-negative duration.

    Without a `unit`, text that states its own (`24h`, `1 day`, `P1Y`) is read as written, and a plain number is in
    `default_unit` (days; None: a plain number is no duration). Never raises, whatever YAML the values hold.
    """
    if not no_unit(unit):
        return _scaled(number(value), unit_seconds(unit))
    if isinstance(value, str):
        stated = _stated(value)
        if stated is not None:
            return stated
    return _scaled(number(value), unit_seconds(default_unit))


def _stated(text: str) -> float | None:
    """Text that names its unit: an ISO 8601 duration or a number and a unit (`24 h`)."""
    if text.lstrip()[:1] in ("P", "p"):
        seconds = iso_seconds(text)
    else:
        match = _WITH_UNIT.fullmatch(text)
        seconds = _scaled(float(match[1]), unit_seconds(match[2])) if match else None
    return seconds if seconds is not None and seconds >= 0 else None


def _scaled(amount: float | None, size: float | None) -> float | None:
    if amount is None or size is None:
        return None
    seconds = amount * size
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
