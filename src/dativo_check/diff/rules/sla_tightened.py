"""A service level became stricter.

Lower latency or freshness, more frequent updates, longer retention, higher availability, or a new SLA entry promise
more to consumers (forward safe); data produced before may not have met it (backward may break). Minor bump. Values
are compared as amounts of time, percentages or dates, whatever their units (`PT24H` equals `1 d`, `P1Y` is more
than `P6M`).

PASS:

    slaProperties: [{property: latency, value: 24, unit: h}]
    ---
    slaProperties: [{property: latency, value: P1D}]

FAIL:

    slaProperties: [{property: latency, value: 24, unit: h}]
    ---
    slaProperties: [{property: latency, value: PT4H}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import text
from dativo_check.diff.rules import Delta
from dativo_check.diff.sla import describe, sla_direction
from dativo_check.core.model import Direction

ID = "sla-tightened"
CATEGORY = "sla"
KINDS = ("sla",)
KEYS = ("value", "valueExt", "unit")
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    old = pair.base.data if pair.base else None
    new = pair.head.data if pair.head else None
    if sla_direction(text(pair.new("property")), old, new) is not Direction.TIGHTENS:
        return
    verb = "added" if old is None else f"{describe(old)} -> {describe(new)}"
    yield Delta(pair.pointer + ("" if old is None else "/value"), describe(old) if old else None, describe(new),
                f"SLA {pair.label} {verb} (stricter)", "make sure the pipeline can meet it before release")
