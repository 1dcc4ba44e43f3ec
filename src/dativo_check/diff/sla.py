"""Which way an SLA change moves: does the new contract promise faster, fresher, longer-kept data, or less?"""

from __future__ import annotations

import re
from typing import Any, Mapping

from dativo_check.model import Direction

_DAY = 86400
_UNITS: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.001, ("ms", "millisecond", "milliseconds")),
    (1, ("s", "sec", "secs", "second", "seconds")),
    (60, ("m", "min", "mins", "minute", "minutes")),
    (3600, ("h", "hr", "hrs", "hour", "hours")),
    (_DAY, ("d", "day", "days")),
    (7 * _DAY, ("w", "week", "weeks")),
    (30.4375 * _DAY, ("mo", "month", "months")),  # the average Gregorian month, so that 12 months make a year
    (365.25 * _DAY, ("y", "yr", "yrs", "year", "years")),
)
_SECONDS = {name: seconds for seconds, names in _UNITS for name in names}
LOWER_IS_BETTER = frozenset({"latency", "frequency", "timeToDetect", "timeToNotify", "timeToRepair", "errorRate",
                             "responseTime", "generalAvailability"})
HIGHER_IS_BETTER = frozenset({"retention", "availability", "uptime", "throughput", "endOfSupport", "endOfLife"})


def duration_seconds(value: Any, unit: Any, default_unit: str = "d") -> float | None:
    """`value` `unit`s in seconds, or None when `value` is no number or `unit` no known unit.

    A missing or blank unit is `default_unit`: days, the unit ODCS states as the usual default. `m` is minutes,
    `mo` months (30.4375 days), `y` years (365.25 days); case does not matter.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if unit is None or isinstance(unit, str) and not unit.strip():
        unit = default_unit
    if not isinstance(unit, str):
        return None
    factor = _SECONDS.get(unit.strip().lower())
    return float(value) * factor if factor is not None else None


def magnitude(sla: Mapping[str, Any]) -> float | str | None:
    """A comparable value: durations in seconds, numbers as they are, dates and times as ISO text."""
    value = sla.get("value")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return duration_seconds(value, sla.get("unit"))
    if isinstance(value, str):
        number = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*", value)
        if number:
            return float(number.group(1))
        return value.strip()
    return None


def sla_direction(name: str | None, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> Direction:
    """TIGHTENS when the new SLA promises more to consumers."""
    if old is None:
        return Direction.TIGHTENS
    if new is None:
        return Direction.LOOSENS
    before, after = magnitude(old), magnitude(new)
    if before is None or after is None or type(before) is not type(after) and not (
            isinstance(before, (int, float)) and isinstance(after, (int, float))):
        return Direction.BOTH
    if before == after:
        return Direction.NEUTRAL
    better_when_lower = name in LOWER_IS_BETTER or name == "timeOfAvailability"
    if not better_when_lower and name not in HIGHER_IS_BETTER:
        return Direction.BOTH
    improved = after < before if better_when_lower else after > before
    return Direction.TIGHTENS if improved else Direction.LOOSENS


def describe(sla: Mapping[str, Any] | None) -> str:
    if sla is None:
        return "none"
    unit = sla.get("unit")
    return f"{sla.get('value')}{' ' + str(unit) if unit else ''}"
