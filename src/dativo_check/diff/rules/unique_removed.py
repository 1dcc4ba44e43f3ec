"""A property is no longer unique.

Dropping `unique: true` allows duplicates; consumers that join or count on it break (forward breaks). Major bump.

PASS:

    schema: [{name: customers, properties: [{name: customer_id, unique: true}]}]
    ---
    schema: [{name: customers, properties: [{name: customer_id, unique: true}]}]

FAIL:

    schema: [{name: customers, properties: [{name: customer_id, unique: true}]}]
    ---
    schema: [{name: customers, properties: [{name: customer_id}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, flag_delta

ID = "unique-removed"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("unique",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    yield from flag_delta(pair, "unique", False,
                          "keep it unique, or release a major version and tell consumers to deduplicate")
