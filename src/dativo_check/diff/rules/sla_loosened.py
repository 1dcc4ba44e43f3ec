"""A service level became looser, different or was removed.

Higher latency or freshness, less frequent updates, shorter retention, lower availability, a later general
availability or an earlier end of support, or a removed SLA entry promise less than consumers were told (forward
breaks): reports go stale, history they rely on disappears. Major bump. An SLA whose value changed in a way that is
neither clearly better nor worse (units that do not convert, text, a property with no direction) is reported here
too. Values compare as amounts, whatever their spelling: `P6M` is half of `P1Y`, `1 y` the same as `P12M`, `99.5
percent` the same as `"99.5%"`.

PASS:

    slaProperties: [{property: retention, value: 1, unit: y}, {property: availability, value: 99.5, unit: percent}]
    ---
    slaProperties: [{property: retention, value: P12M}, {property: availability, value: "99.5%"}]

FAIL:

    slaProperties: [{property: retention, value: P1Y}]
    ---
    slaProperties: [{property: retention, value: P6M}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import text
from dativo_check.diff.rules import Delta, looser_delta
from dativo_check.diff.sla import describe, sla_direction
from dativo_check.core.model import Direction

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
