"""A property became unique.

`unique: true` promises consumers no duplicates (forward safe); old data may hold duplicates (backward may break).
Minor bump.

PASS:

    schema: [{name: customers, properties: [{name: email, unique: true}]}]
    ---
    schema: [{name: customers, properties: [{name: email, unique: true}]}]

FAIL:

    schema: [{name: customers, properties: [{name: email}]}]
    ---
    schema: [{name: customers, properties: [{name: email, unique: true}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, key_pointer, subject

ID = "unique-added"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("unique",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.base and pair.head and pair.old("unique") is not True and pair.new("unique") is True:
        yield Delta(key_pointer(pair, "unique"), pair.old("unique"), True, f"{subject(pair)} is now unique",
                    "check existing data for duplicates first")
