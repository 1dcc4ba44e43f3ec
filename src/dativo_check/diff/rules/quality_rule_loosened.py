"""A quality rule became looser or different.

A lower lower bound, a higher upper bound, a wider range, more valid values, a lower severity, or a changed query
or metric lets data through that consumers were promised would be stopped (forward breaks). Major bump. A new
valid value in particular breaks consumers that map every value (a `CASE` without `ELSE`, an enum in code).

PASS:

    schema: [{name: orders, properties: [{name: status, quality: [{type: library, rule: validValues, validValues: [open, paid, void]}]}]}]
    ---
    schema: [{name: orders, properties: [{name: status, quality: [{type: library, rule: validValues, validValues: [open, paid]}]}]}]

FAIL:

    schema: [{name: orders, properties: [{name: status, quality: [{type: library, rule: validValues, validValues: [open, paid]}]}]}]
    ---
    schema: [{name: orders, properties: [{name: status, quality: [{type: library, rule: validValues, validValues: [open, paid, refunded]}]}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff import quality
from dativo_check.diff.quality import quality_moves
from dativo_check.diff.rules import Delta, directional_deltas, subject

ID = "quality-rule-loosened"
CATEGORY = "quality"
KINDS = ("quality",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
KEYS = quality.KEYS  # owned here, so the field-changed catch-all leaves them alone
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.base is None or pair.head is None:
        return
    yield from directional_deltas(quality_moves(pair.base.data, pair.head.data), False, pair.head.pointer,
                                  subject(pair), "consumers may receive data this rule used to stop: release a major "
                                  "version")
