"""A property became required.

`required: false -> true` promises consumers a value in every row (forward safe). Rows already produced may be
empty, so history may not satisfy the new contract (backward may break). Minor bump; check history for nulls
before making the change.

PASS:

    schema: [{name: orders, properties: [{name: channel, required: true}]}]
    ---
    schema: [{name: orders, properties: [{name: channel, required: true}]}]

FAIL:

    schema: [{name: orders, properties: [{name: channel, required: false}]}]
    ---
    schema: [{name: orders, properties: [{name: channel, required: true}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, flag_delta

ID = "required-added"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("required",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    yield from flag_delta(pair, "required", True, "make sure existing rows have a value (backfill) before requiring it")
