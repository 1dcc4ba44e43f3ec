"""Which way an SLA change moves: does the new contract promise faster, fresher, longer-kept data, or less?

Each value is read as an amount of what its property measures, so that the same promise spelled otherwise is no
change (`PT24H` and `1 d`, `99.5 percent` and `"99.5%"`). Durations are read as everywhere in the product
(`dativo_check.core.durations`). The SLA properties ODCS recommends (case-insensitive, with their synonyms), and
`freshness`, `responseTime` and `uptime`, have a direction:

| property | read as | better when |
| --- | --- | --- |
| `latency` (`ly`), `freshness`, `responseTime` | duration | lower |
| `frequency` (`fy`): the interval between updates | duration | lower |
| `timeToDetect` (`td`), `timeToNotify` (`tn`), `timeToRepair` (`tr`) | duration | lower |
| `retention` (`re`) | duration | higher |
| `availability` (`av`), `uptime` | percentage | higher |
| `errorRate` (`er`) | percentage | lower |
| `throughput` (`th`) | number in its unit | higher |
| `generalAvailability` (`ga`) | ISO 8601 date and time | earlier |
| `endOfSupport` (`es`), `endOfLife` (`el`) | ISO 8601 date and time | later |
| `timeOfAvailability` | ISO 8601 time of day | earlier |

Any other property's values are only told equal or different. A move between amounts that do not compare (other
units, text) is BOTH: changed, which the change rules treat as possibly breaking.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any, Callable, Mapping

from dativo_check.core.durations import duration_seconds, no_unit, number
from dativo_check.core.model import Direction
from dativo_check.core.timefmt import parse_time


@dataclass(frozen=True)
class Amount:
    """A value on a scale; amounts on one scale compare by `size`. Text is a scale of its own (its words, size 0), so
    two texts are only ever the same or different."""

    scale: str
    size: float


Reader = Callable[[Any, Any], Amount | None]

_PERCENT_UNITS = ("percentage", "percent", "pct", "%")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _duration(value: Any, unit: Any) -> Amount | None:
    seconds = duration_seconds(value, unit)
    return Amount("seconds", seconds) if seconds is not None else None


def _percent(value: Any, unit: Any, bare: bool = True) -> Amount | None:
    """`99.5` with unit `percent` or `%`, or `"99.5%"`; with `bare`, a number without a unit is a percentage too."""
    said = not no_unit(unit)
    if said and not (isinstance(unit, str) and unit.strip().lower() in _PERCENT_UNITS):
        return None
    if isinstance(value, str):
        value = value.strip()
        suffix = next((suffix for suffix in _PERCENT_UNITS if value.lower().endswith(suffix)), "")
        value, said = value[:len(value) - len(suffix)], said or bool(suffix)
    size = number(value)
    return Amount("percent", size) if size is not None and (said or bare) else None


def _moment(value: Any, unit: Any) -> Amount | None:
    """An ISO 8601 date, or date and time, in seconds since 1970 UTC (without an offset it is UTC, as every time the
    product reads)."""
    moment = parse_time(value) if isinstance(value, str) else None
    return Amount("date and time", (moment - _EPOCH).total_seconds()) if moment is not None else None


def _time_of_day(value: Any, unit: Any) -> Amount | None:
    """An ISO 8601 time of day (`09:00-08:00`) in seconds after midnight UTC (without an offset it is UTC)."""
    if not isinstance(value, str):
        return None
    try:
        moment = time.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    since_midnight = timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second,
                               microseconds=moment.microsecond)
    return Amount("time of day", (since_midnight - (moment.utcoffset() or timedelta())).total_seconds())


def _measured(value: Any, unit: Any) -> Amount | None:
    """A number in its unit as written (`1000` `rows/s`, or `"1000 rows/s"`)."""
    if isinstance(value, str) and no_unit(unit):
        value, _, unit = value.strip().partition(" ")
    size = number(value)
    if size is None or not (unit is None or isinstance(unit, str)):
        return None
    words = " ".join(unit.lower().split()) if unit else ""
    return Amount(f"number in {words}" if words else "number", size)


def _any(value: Any, unit: Any) -> Amount | None:
    """A value of a property with no direction, to tell equal from different: a duration or a percentage when it
    says so, a number in its unit, or text."""
    seconds = duration_seconds(value, unit, default_unit=None)
    if seconds is not None:
        return Amount("seconds", seconds)
    found = _percent(value, unit, bare=False) or _measured(value, unit)
    if found is None and isinstance(value, str) and no_unit(unit):
        return Amount(f"text {' '.join(value.split())}", 0.0)
    return found


@dataclass(frozen=True)
class _Measure:
    read: Reader
    lower_is_better: bool


_MEASURES: dict[str, _Measure] = {
    name.lower(): measure
    for measure, names in (
        (_Measure(_duration, True), ("latency", "ly", "freshness", "frequency", "fy", "timeToDetect", "td",
                                     "timeToNotify", "tn", "timeToRepair", "tr", "responseTime")),
        (_Measure(_duration, False), ("retention", "re")),
        (_Measure(_percent, False), ("availability", "av", "uptime")),
        (_Measure(_percent, True), ("errorRate", "er")),
        (_Measure(_measured, False), ("throughput", "th")),
        (_Measure(_moment, True), ("generalAvailability", "ga")),
        (_Measure(_moment, False), ("endOfSupport", "es", "endOfLife", "el")),
        (_Measure(_time_of_day, True), ("timeOfAvailability",)),
    )
    for name in names
}


def _same(read: Reader, old: Any, old_unit: Any, new: Any, new_unit: Any) -> bool:
    """Whether two values state the same amount, however spelled; values nothing reads must be written alike."""
    before = read(old, old_unit) or _any(old, old_unit)
    after = read(new, new_unit) or _any(new, new_unit)
    if before is None or after is None:
        return (before is None and after is None and type(old) is type(new) and old == new
                and (no_unit(old_unit) and no_unit(new_unit) or old_unit == new_unit))
    return before.scale == after.scale and math.isclose(before.size, after.size, rel_tol=1e-12)


def sla_direction(name: Any, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> Direction:
    """TIGHTENS when the new SLA promises more to consumers, NEUTRAL when it promises the same amount."""
    if old is None:
        return Direction.TIGHTENS
    if new is None:
        return Direction.LOOSENS
    measure = _MEASURES.get(name.strip().lower()) if isinstance(name, str) else None
    read = measure.read if measure else _any
    old_unit, new_unit = old.get("unit"), new.get("unit")
    if ("valueExt" in old or "valueExt" in new) and not _same(read, old.get("valueExt"), old_unit,
                                                              new.get("valueExt"), new_unit):
        return Direction.BOTH  # the standard leaves what the extended value means to each property
    if _same(read, old.get("value"), old_unit, new.get("value"), new_unit):
        return Direction.NEUTRAL
    if measure is None:
        return Direction.BOTH
    before, after = read(old.get("value"), old_unit), read(new.get("value"), new_unit)
    if before is None or after is None or before.scale != after.scale:
        return Direction.BOTH
    improved = after.size < before.size if measure.lower_is_better else after.size > before.size
    return Direction.TIGHTENS if improved else Direction.LOOSENS


def describe(sla: Mapping[str, Any] | None) -> str:
    """An SLA's value as the contract writes it: value, unit, extended value; `none` for an absent SLA."""
    if sla is None:
        return "none"
    shown = _written(sla.get("value"))
    if not no_unit(sla.get("unit")):
        shown += f" {_written(sla.get('unit'))}"
    if "valueExt" in sla:
        shown += f" (valueExt {_written(sla.get('valueExt'))})"
    return shown


def _written(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)  # null, true, 99.5, [1, 2]: as YAML's flow style writes them
    except (ValueError, RecursionError):  # an integer beyond Python's int-to-text limit, or absurd nesting
        return "a value too large to show"
    except TypeError:  # not a YAML value (the loader makes none such)
        return str(value)
