"""A schema object (table, view, topic) was added.

A new object promises more and takes nothing away: existing consumers are unaffected (forward safe). History does
not contain it, so data produced under the old contract does not satisfy the new one (backward may break). Minor
bump.

PASS:

    schema: [{name: orders}]
    ---
    schema: [{name: orders}]

FAIL:

    schema: [{name: orders}]
    ---
    schema: [{name: orders}, {name: order_lines}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta

ID = "schema-object-added"
CATEGORY = "schema"
KINDS = ("schema-object",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.added:
        yield Delta(pair.pointer, None, pair.label, f"schema object {pair.label} added",
                    "no action needed for existing consumers; backfill it if history must include it")
