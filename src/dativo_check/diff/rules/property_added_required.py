"""A required property was added.

Consumers are unaffected (forward safe), but data already produced has no value for it, so history and backfills
do not satisfy the new contract (backward breaks). Minor bump under the default forward mode. To make it safe
for history: add it as optional, backfill, then make it required.

PASS:

    schema: [{name: orders, properties: [{name: order_id}]}]
    ---
    schema: [{name: orders, properties: [{name: order_id}, {name: channel}]}]

FAIL:

    schema: [{name: orders, properties: [{name: order_id}]}]
    ---
    schema: [{name: orders, properties: [{name: order_id}, {name: channel, required: true}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, subject

ID = "property-added-required"
CATEGORY = "schema"
KINDS = ("property",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "breaks"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.added and pair.new("required") is True:
        yield Delta(pair.pointer, None, pair.label, f"{subject(pair)} added as required",
                    "history has no value for it: add it as optional, backfill, then require it")
