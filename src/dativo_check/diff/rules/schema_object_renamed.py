"""A schema object was renamed.

A rename (same position and types, or same `physicalName`, under a new `name`) is one change, not a removal plus an
addition, but it still breaks every consumer that uses the old name (forward breaks). Major bump. To make it safe:
add the new name alongside the old one, migrate consumers, then remove the old one in a major version.

PASS:

    schema: [{name: orders, physicalName: raw_orders}]
    ---
    schema: [{name: orders, physicalName: raw_orders}]

FAIL:

    schema: [{name: orders, physicalName: raw_orders}]
    ---
    schema: [{name: sales_orders, physicalName: raw_orders}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, key_pointer

ID = "schema-object-renamed"
CATEGORY = "schema"
KINDS = ("schema-object",)
DIRECTION = "both"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.renamed:
        old, new = pair.old("name"), pair.new("name")
        yield Delta(key_pointer(pair, "name"), old, new, f"schema object {old} renamed to {new}",
                    "keep the old name until consumers have moved, then remove it in a major version")
