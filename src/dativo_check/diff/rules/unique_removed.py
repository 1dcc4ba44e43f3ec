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

from dativo_check.diff.rules import Delta, key_pointer, subject

ID = "unique-removed"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("unique",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.base and pair.head and pair.old("unique") is True and pair.new("unique") is not True:
        yield Delta(key_pointer(pair, "unique"), True, pair.new("unique"), f"{subject(pair)} is no longer unique",
                    "keep it unique, or release a major version and tell consumers to deduplicate")
