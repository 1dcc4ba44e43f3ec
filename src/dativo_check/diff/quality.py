"""Which way a change to a quality rule moves: does the new contract promise better data or worse?"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from dativo_check.core.model import Direction

LOWER = ("mustBeGreaterThan", "mustBeGreaterOrEqualTo", "mustBeGreaterThanOrEqualTo")
UPPER = ("mustBeLessThan", "mustBeLessOrEqualTo", "mustBeLessThanOrEqualTo")
THRESHOLD_KEYS = LOWER + UPPER + ("mustBe", "mustNotBe", "mustBeBetween", "mustNotBeBetween")
DEFINITION_KEYS = ("rule", "metric", "type", "query", "engine", "implementation", "unit", "arguments", "validValues",
                   "severity", "element", "column")
KEYS = THRESHOLD_KEYS + DEFINITION_KEYS
_SEVERITY = {"info": 0, "warning": 1, "error": 2}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def valid_values(rule: Mapping[str, Any]) -> list[Any] | None:
    values = rule.get("validValues")
    arguments = rule.get("arguments")
    if values is None and isinstance(arguments, dict):
        values = arguments.get("validValues")
    return values if isinstance(values, list) else None


def _range(before: Any, after: Any, inside: bool) -> Direction:
    """mustBeBetween narrower promises more; mustNotBeBetween wider promises more."""
    if not (isinstance(before, list) and isinstance(after, list) and len(before) == len(after) == 2
            and all(map(_number, before + after))):
        return Direction.BOTH
    narrower = after[0] >= before[0] and after[1] <= before[1]
    wider = after[0] <= before[0] and after[1] >= before[1]
    if narrower == wider:
        return Direction.BOTH
    return Direction.TIGHTENS if narrower == inside else Direction.LOOSENS


def quality_moves(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any, Direction]]:
    """(key, old, new, direction) for every rule setting that changed; TIGHTENS promises better data."""
    old_values, new_values = valid_values(old), valid_values(new)
    if old_values != new_values:
        if old_values is None or new_values is None:
            direction = Direction.TIGHTENS if old_values is None else Direction.LOOSENS
        else:
            dropped = {repr(v) for v in old_values} - {repr(v) for v in new_values}
            added = {repr(v) for v in new_values} - {repr(v) for v in old_values}
            direction = (Direction.BOTH if dropped and added else Direction.TIGHTENS if dropped
                         else Direction.LOOSENS if added else Direction.NEUTRAL)
        if direction is not Direction.NEUTRAL:
            yield "validValues", old_values, new_values, direction
    for key in KEYS:
        if key in ("validValues", "arguments") and old_values != new_values:
            continue
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key in LOWER + UPPER and _number(before) and _number(after):
            higher = after > before
            yield key, before, after, Direction.TIGHTENS if higher == (key in LOWER) else Direction.LOOSENS
        elif key in THRESHOLD_KEYS and (before is None) != (after is None):
            yield key, before, after, Direction.TIGHTENS if before is None else Direction.LOOSENS
        elif key in ("mustBeBetween", "mustNotBeBetween"):
            yield key, before, after, _range(before, after, key == "mustBeBetween")
        elif key == "severity" and isinstance(before, str) and isinstance(after, str) and {before, after} <= set(
                _SEVERITY):
            yield key, before, after, Direction.TIGHTENS if _SEVERITY[after] > _SEVERITY[before] else Direction.LOOSENS
        else:
            yield key, before, after, Direction.BOTH
