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

from dativo_check.diff.quality import KEYS, quality_moves
from dativo_check.diff.rules import Delta
from dativo_check.model import Direction, Verdict

ID = "quality-rule-loosened"
CATEGORY = "quality"
KINDS = ("quality",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.base is None or pair.head is None:
        return
    for key, old, new, direction in quality_moves(pair.base.data, pair.head.data):
        if direction is Direction.TIGHTENS:
            continue
        other = direction is Direction.BOTH
        yield Delta(f"{pair.head.pointer}/{key}", old, new,
                    f"quality rule {pair.label!r} of {pair.parent}: {key} {old} -> {new} "
                    f"({'different' if other else 'looser'})",
                    "consumers may receive data this rule used to stop: release a major version", KEYS,
                    backward=Verdict.MAY_BREAK if other else None, direction=direction)
