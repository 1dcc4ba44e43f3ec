"""A quality rule became stricter.

A higher lower bound, a lower upper bound, a narrower range, fewer valid values or a higher severity promise better
data (forward safe); old data may fail the stricter check (backward may break). Minor bump.

PASS:

    schema: [{name: orders, properties: [{name: status, quality: [{type: library, rule: validValues, validValues: [open, paid]}]}]}]
    ---
    schema: [{name: orders, properties: [{name: status, quality: [{type: library, rule: validValues, validValues: [paid, open]}]}]}]

FAIL:

    schema: [{name: orders, properties: [{name: status, quality: [{type: library, rule: validValues, validValues: [open, paid, void]}]}]}]
    ---
    schema: [{name: orders, properties: [{name: status, quality: [{type: library, rule: validValues, validValues: [open, paid]}]}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff import quality
from dativo_check.diff.quality import quality_moves
from dativo_check.diff.rules import Delta, directional_deltas, subject

ID = "quality-rule-tightened"
CATEGORY = "quality"
KINDS = ("quality",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
KEYS = quality.KEYS  # owned here, so the field-changed catch-all leaves them alone
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.base is None or pair.head is None:
        return
    yield from directional_deltas(quality_moves(pair.base.data, pair.head.data), True, pair.head.pointer,
                                  subject(pair), "run the stricter check against existing data before release")
