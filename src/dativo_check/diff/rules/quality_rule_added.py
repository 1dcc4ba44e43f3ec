"""A quality rule was added.

A new check promises better data to consumers (forward safe). Old data was never held to it (backward may break).
Minor bump.

PASS:

    schema: [{name: orders, quality: [{type: library, rule: rowCount, mustBeGreaterThan: 0}]}]
    ---
    schema: [{name: orders, quality: [{type: library, rule: rowCount, mustBeGreaterThan: 0}]}]

FAIL:

    schema: [{name: orders, quality: [{type: library, rule: rowCount, mustBeGreaterThan: 0}]}]
    ---
    schema: [{name: orders, quality: [{type: library, rule: rowCount, mustBeGreaterThan: 0},
                                      {type: sql, query: "SELECT COUNT(*) FROM orders WHERE total < 0", mustBe: 0}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta

ID = "quality-rule-added"
CATEGORY = "quality"
KINDS = ("quality",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.added:
        yield Delta(pair.pointer, None, pair.label, f"quality rule {pair.label!r} added to {pair.parent}",
                    "run it against existing data before release")
