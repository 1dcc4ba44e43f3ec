"""An optional property was added.

A new column or field that may be empty promises more and takes nothing away: consumers ignore what they do not
read (forward safe). Old data lacks it (backward may break for tools that expect every column). Minor bump.

PASS:

    schema: [{name: orders, properties: [{name: order_id}]}]
    ---
    schema: [{name: orders, properties: [{name: order_id}]}]

FAIL:

    schema: [{name: orders, properties: [{name: order_id}]}]
    ---
    schema: [{name: orders, properties: [{name: order_id}, {name: coupon_code, required: false}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, subject

ID = "property-added"
CATEGORY = "schema"
KINDS = ("property",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.added and pair.new("required") is not True:
        yield Delta(pair.pointer, None, pair.label, f"{subject(pair)} added (optional)",
                    "no action needed for existing consumers")
