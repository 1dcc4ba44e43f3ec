"""Which way a change to `logicalTypeOptions` moves: does the new contract accept fewer values or more?"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from dativo_check.core.model import Direction

_LOWER = ("minLength", "minimum", "minItems", "minProperties", "exclusiveMinimum")
_UPPER = ("maxLength", "maximum", "maxItems", "maxProperties", "exclusiveMaximum")
_FLAGS = ("uniqueItems",)


def _comparable(old: Any, new: Any) -> bool:
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, new))
    return numbers or all(isinstance(v, str) for v in (old, new))  # ISO dates compare as text


def constraint_moves(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any, Direction]]:
    """(key, old, new, direction) for every option that changed; TIGHTENS means fewer values are accepted."""
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None or after is None:
            if key in _FLAGS and (after if before is None else before) is not True:
                continue  # an explicit `uniqueItems: false` says what absence says
            direction = Direction.TIGHTENS if before is None else Direction.LOOSENS
        elif key in _LOWER + _UPPER and isinstance(before, bool) and isinstance(after, bool):
            direction = Direction.TIGHTENS if after else Direction.LOOSENS  # v3.0 boolean exclusive bounds
        elif key in _LOWER and _comparable(before, after):
            direction = Direction.TIGHTENS if after > before else Direction.LOOSENS
        elif key in _UPPER and _comparable(before, after):
            direction = Direction.TIGHTENS if after < before else Direction.LOOSENS
        elif key in _FLAGS:
            direction = Direction.TIGHTENS if after is True else Direction.LOOSENS
        else:
            direction = Direction.BOTH  # a different pattern or format accepts other values
        yield key, before, after, direction
