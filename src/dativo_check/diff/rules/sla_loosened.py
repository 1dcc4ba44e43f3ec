"""A service level became looser, different or was removed.

Higher latency, less frequent updates, shorter retention, lower availability, or a removed SLA entry promise less
than consumers were told (forward breaks): reports go stale, history they rely on disappears. Major bump. An SLA
whose value changed in a way that is neither clearly better nor worse is reported here too.

PASS:

    slaProperties: [{property: retention, value: 1, unit: y}]
    ---
    slaProperties: [{property: retention, value: 3, unit: y}]

FAIL:

    slaProperties: [{property: retention, value: 3, unit: y}]
    ---
    slaProperties: [{property: retention, value: 1, unit: y}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import text
from dativo_check.diff.rules import Delta, looser_delta
from dativo_check.diff.sla import describe, sla_direction
from dativo_check.model import Direction

ID = "sla-loosened"
CATEGORY = "sla"
KINDS = ("sla",)
KEYS = ("value", "valueExt", "unit")
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    old = pair.base.data if pair.base else None
    new = pair.head.data if pair.head else None
    direction = sla_direction(text(pair.old("property")), old, new)
    if direction not in (Direction.LOOSENS, Direction.BOTH):
        return
    verb = "removed" if new is None else f"{describe(old)} -> {describe(new)}"
    word = "changed" if direction is Direction.BOTH else "looser"
    yield looser_delta(pair.pointer + ("" if new is None else "/value"), describe(old), describe(new) if new else None,
                       f"SLA {pair.label} {verb} ({word})",
                       "consumers were promised the old level: release a major version and tell them", direction)
