"""Which way an SLA change moves: does the new contract promise faster, fresher, longer-kept data, or less?"""

from __future__ import annotations

import re
from typing import Any, Mapping

from dativo_check.model import Direction

_SECONDS = {
    "ms": 0.001, "millisecond": 0.001, "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
    "h": 3600, "hr": 3600, "hour": 3600, "d": 86400, "day": 86400, "w": 604800, "week": 604800,
    "mo": 2629800, "month": 2629800, "y": 31557600, "yr": 31557600, "year": 31557600,
}
LOWER_IS_BETTER = frozenset({"latency", "frequency", "timeToDetect", "timeToNotify", "timeToRepair", "errorRate",
                             "responseTime", "generalAvailability"})
HIGHER_IS_BETTER = frozenset({"retention", "availability", "uptime", "throughput", "endOfSupport", "endOfLife"})


def _unit_seconds(unit: Any) -> float | None:
    if not isinstance(unit, str):
        return 1.0 if unit is None else None
    key = unit.strip().lower()
    if key in _SECONDS:
        return _SECONDS[key]
    key = key.rstrip("s")
    return _SECONDS.get(key)


def magnitude(sla: Mapping[str, Any]) -> float | str | None:
    """A comparable value: durations in seconds, numbers as they are, dates and times as ISO text."""
    value = sla.get("value")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        factor = _unit_seconds(sla.get("unit"))
        return value * factor if factor is not None else None
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
