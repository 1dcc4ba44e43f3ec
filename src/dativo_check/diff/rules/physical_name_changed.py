"""The physical name of a schema object or property changed.

`physicalName` is the name in storage (table, column, topic). Every query, job and dashboard that uses it breaks
(forward breaks). Major bump. To make it safe: create the new name alongside the old one (a view or an extra
column), migrate consumers, then drop the old name in a major version.

PASS:

    schema: [{name: customers, physicalName: raw_stripe_customers}]
    ---
    schema: [{name: customers, physicalName: raw_stripe_customers}]

FAIL:

    schema: [{name: customers, physicalName: raw_stripe_customers}]
    ---
    schema: [{name: customers, physicalName: stg_stripe_customers}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer, subject

ID = "physical-name-changed"
CATEGORY = "schema"
KINDS = ("schema-object", "property")
KEYS = ("physicalName",)
DIRECTION = "both"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if changed(pair, "physicalName"):
        old, new = pair.old("physicalName"), pair.new("physicalName")
        yield Delta(key_pointer(pair, "physicalName"), old, new, f"{subject(pair)}: physicalName {old} -> {new}",
                    "keep the old physical name available (a view or a copy) until consumers have moved")
