"""The logical type of a property changed.

Consumers parse values by their logical type, so any change breaks them (forward breaks), widening included: code
that reads an `integer` fails on `1.5`. A widening change (integer -> number, date -> string, anything -> string)
keeps old data valid under the new contract (backward safe); a narrowing one does not. Major bump.

PASS:

    schema: [{name: orders, properties: [{name: quantity, logicalType: integer}]}]
    ---
    schema: [{name: orders, properties: [{name: quantity, logicalType: integer, description: Units ordered}]}]

FAIL:

    schema: [{name: orders, properties: [{name: quantity, logicalType: integer}]}]
    ---
    schema: [{name: orders, properties: [{name: quantity, logicalType: number}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer, subject
from dativo_check.core.model import Verdict

ID = "logical-type-changed"
CATEGORY = "schema"
KINDS = ("property",)
KEYS = ("logicalType",)
DIRECTION = "both"
FORWARD = "breaks"
BACKWARD = "breaks"
BUMP = "minor"

# old type -> types that accept every old value
WIDENINGS = {
    "integer": {"number", "string"},
    "number": {"string"},
    "boolean": {"string"},
    "date": {"string", "timestamp"},
    "timestamp": {"string"},
    "time": {"string"},
}


def detect(pair) -> Iterator[Delta]:
    if not changed(pair, "logicalType"):
        return
    old, new = pair.old("logicalType"), pair.new("logicalType")
    widening = isinstance(old, str) and isinstance(new, str) and new in WIDENINGS.get(old, set())
    yield Delta(key_pointer(pair, "logicalType"), old, new,
                f"{subject(pair)}: logicalType {old} -> {new}" + (" (widening)" if widening else ""),
                "add a new property with the new type, migrate consumers, then remove the old one in a major version",
                backward=Verdict.SAFE if widening else None)
