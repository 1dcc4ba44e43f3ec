"""The primary key changed.

Adding a column to the key, removing one or reordering it changes what identifies a row: merges, upserts and joins
downstream break (forward breaks). Major bump.

PASS:

    schema: [{name: orders, properties: [{name: order_id, primaryKey: true, primaryKeyPosition: 1}]}]
    ---
    schema: [{name: orders, properties: [{name: order_id, primaryKey: true, primaryKeyPosition: 1}]}]

FAIL:

    schema: [{name: orders, properties: [{name: order_id, primaryKey: true}, {name: line}]}]
    ---
    schema: [{name: orders, properties: [{name: order_id, primaryKey: true}, {name: line, primaryKey: true}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, key_pointer, subject

ID = "primary-key-changed"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("primaryKey", "primaryKeyPosition")
DIRECTION = "both"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def _key(data) -> tuple[bool, int | None]:
    position = data.get("primaryKeyPosition")
    in_key = data.get("primaryKey") is True
    return in_key, position if in_key and isinstance(position, int) and position >= 1 else None


def detect(pair) -> Iterator[Delta]:
    if pair.base is None or pair.head is None:
        return
    old, new = _key(pair.base.data), _key(pair.head.data)
    if old == new:
        return
    if old[0] != new[0]:
        what = "joined the primary key" if new[0] else "left the primary key"
        key = "primaryKey"
    else:
        what = f"moved from primary key position {old[1]} to {new[1]}"
        key = "primaryKeyPosition"
    yield Delta(key_pointer(pair, key), pair.old(key), pair.new(key), f"{subject(pair)} {what}",
                "changing the key changes row identity: release it as a major version and rebuild downstream merges")
