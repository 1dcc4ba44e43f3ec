"""A property is no longer required.

`required: true -> false` lets the value be missing; consumers that rely on it (joins, aggregates, NOT NULL columns
downstream) break (forward breaks). Old data still satisfies the new contract (backward safe). Major bump.

PASS:

    schema: [{name: orders, properties: [{name: order_id, required: true}]}]
    ---
    schema: [{name: orders, properties: [{name: order_id, required: true, description: Order key}]}]

FAIL:

    schema: [{name: orders, properties: [{name: order_id, required: true}]}]
    ---
    schema: [{name: orders, properties: [{name: order_id, required: false}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, flag_delta

ID = "required-removed"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("required",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    yield from flag_delta(pair, "required", False, "keep it required, or release the change as a major version and "
                                                   "tell consumers to handle nulls")
