"""Where a property comes from changed.

`transformSourceObjects`, `transformLogic` and `transformDescription` document lineage: which sources feed a
property and how. A change is safe for consumers by itself (the data's shape and promises are covered by other
rules) and needs a patch bump; lineage impact shows who is downstream.

PASS:

    schema: [{name: orders, properties: [{name: total, transformLogic: sum(amount)}]}]
    ---
    schema: [{name: orders, properties: [{name: total, transformLogic: sum(amount)}]}]

FAIL:

    schema: [{name: orders, properties: [{name: total, transformLogic: sum(amount)}]}]
    ---
    schema: [{name: orders, properties: [{name: total, transformLogic: sum(amount) - sum(discount)}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, field_deltas

ID = "transform-changed"
CATEGORY = "lineage"
KINDS = ("property",)
KEYS = ("transformSourceObjects", "transformLogic", "transformDescription")
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    yield from field_deltas(pair, KEYS, "lineage", "check the lineage impact of the new sources")
