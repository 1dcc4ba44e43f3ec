"""Primary and partition key positions are unique, contiguous from 1 and set only on key columns.

`primaryKeyPosition` orders the columns of a composite primary key and `partitionKeyPosition` the partition columns.
ODCS makes both optional (their default, `-1`, means "not set"), so a composite key without positions is valid;
but then nobody knows the key's column order, which generated uniqueness tests, indexes and clustering need. Positions
that repeat or leave gaps, or a position on a column that is not `primaryKey: true` (or `partitioned: true`),
contradict each other. All of these are conventions the standard leaves open, so the rule is a warning.

PASS:

    schema:
      - name: order_lines
        properties:
          - name: order_id
            primaryKey: true
            primaryKeyPosition: 1
          - name: line_number
            primaryKey: true
            primaryKeyPosition: 2

FAIL:

    schema:
      - name: order_lines
        properties:
          - name: order_id
            primaryKey: true
            primaryKeyPosition: 1
          - name: line_number
            primaryKey: true
            primaryKeyPosition: 3
"""

from __future__ import annotations

from typing import Iterator

ID = "key-position"
LEVEL = "warning"
CATEGORY = "structure"

_KEYS = (("primaryKey", "primaryKeyPosition", "primary key"), ("partitioned", "partitionKeyPosition", "partition"))


def check(contract, context) -> Iterator:
    for obj in contract.schema:
        for flag_key, position_key, what in _KEYS:
            yield from _check_object(obj, flag_key, position_key, what)


def _check_object(obj, flag_key: str, position_key: str, what: str) -> Iterator:
    from dativo_check.validate.rules import Violation

    keyed = []
    for prop in obj.properties:
        position = prop.get(position_key)
        is_key = prop.get(flag_key) is True
        has_position = isinstance(position, int) and not isinstance(position, bool) and position != -1
        if has_position and not is_key:
            yield Violation(f"{prop.pointer}/{position_key}",
                            f"{position_key} {position} is set on {prop.name!r}, which is not {flag_key}: true",
                            hint=f"set {flag_key}: true or remove {position_key}")
        if is_key:
            keyed.append((prop, position if has_position else None))
    if not keyed:
        return
    missing = [prop for prop, position in keyed if position is None]
    if len(keyed) > 1 and missing:
        for prop in missing:
            yield Violation(prop.pointer + f"/{flag_key}",
                            f"{prop.name!r} is part of a composite {what} but has no {position_key}",
                            hint=f"number the {what} columns 1..{len(keyed)} with {position_key}")
        return
    positions = [position for _, position in keyed if position is not None]
    expected = list(range(1, len(positions) + 1))
    if positions and sorted(positions) != expected:
        prop = next(p for p, position in keyed if position is not None and (
            positions.count(position) > 1 or position not in expected))
        yield Violation(f"{prop.pointer}/{position_key}",
                        f"{what} positions of {obj.name!r} are {sorted(positions)}; they must be "
                        f"{expected}, unique and without gaps",
                        hint=f"renumber {position_key} from 1")
