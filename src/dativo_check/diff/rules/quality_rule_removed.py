"""A quality rule was removed.

Consumers lose a guarantee they may rely on (forward breaks): data that would have been stopped now flows. Major
bump. To make it safe: lower its severity to warning in a minor version, then remove it in a major version.

PASS:

    schema: [{name: orders, quality: [{type: library, rule: rowCount, mustBeGreaterThan: 0}]}]
    ---
    schema: [{name: orders, quality: [{type: library, rule: rowCount, mustBeGreaterThan: 0, description: Not empty}]}]

FAIL:

    schema: [{name: orders, quality: [{type: library, rule: rowCount, mustBeGreaterThan: 0}]}]
    ---
    schema: [{name: orders}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta

ID = "quality-rule-removed"
CATEGORY = "quality"
KINDS = ("quality",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.removed:
        yield Delta(pair.pointer, pair.label, None, f"quality rule {pair.label!r} removed from {pair.parent}",
                    "consumers lose this guarantee: release a major version, or keep the rule at severity warning")
