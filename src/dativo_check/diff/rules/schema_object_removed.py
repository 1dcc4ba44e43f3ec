"""A schema object (table, view, topic) was removed.

Every consumer that reads the object breaks (forward breaks). Major bump. To make it safe: deprecate the object in a
minor version (say so in its description), tell its consumers, and remove it in the next major version.

PASS:

    schema: [{name: orders}, {name: order_lines}]
    ---
    schema: [{name: order_lines}, {name: orders}]

FAIL:

    schema: [{name: orders}, {name: order_lines}]
    ---
    schema: [{name: orders}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta

ID = "schema-object-removed"
CATEGORY = "schema"
KINDS = ("schema-object",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.removed:
        yield Delta(pair.pointer, pair.label, None, f"schema object {pair.label} removed",
                    "deprecate it first and remove it in a new major version")
