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

from dativo_check.diff.rules import Delta, flag_delta

ID = "unique-added"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("unique",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    yield from flag_delta(pair, "unique", True, "check existing data for duplicates first")
