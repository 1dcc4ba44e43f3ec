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

from dativo_check.diff.rules import Delta, key_pointer, subject

ID = "required-removed"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("required",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.base and pair.head and pair.old("required") is True and pair.new("required") is not True:
        yield Delta(key_pointer(pair, "required"), True, pair.new("required"), f"{subject(pair)} is no longer required",
                    "keep it required, or release the change as a major version and tell consumers to handle nulls")
