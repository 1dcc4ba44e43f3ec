"""A property was renamed.

A property that keeps its position and types, or its `physicalName`, under a new `name` is a rename, reported once.
Consumers that use the old name break (forward breaks). Major bump. To make it safe: add the new name as a copy,
migrate consumers, then remove the old name in a major version.

PASS:

    schema: [{name: customers, properties: [{name: email, logicalType: string}]}]
    ---
    schema: [{name: customers, properties: [{name: email, logicalType: string}]}]

FAIL:

    schema: [{name: customers, properties: [{name: email, logicalType: string}]}]
    ---
    schema: [{name: customers, properties: [{name: email_address, logicalType: string}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, key_pointer

ID = "property-renamed"
CATEGORY = "schema"
KINDS = ("property",)
DIRECTION = "both"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.renamed:
        old, new = pair.old("name"), pair.new("name")
        where = f"{pair.parent}." if pair.parent else ""
        yield Delta(key_pointer(pair, "name"), f"{where}{old}", f"{where}{new}",
                    f"property {where}{old} renamed to {new}",
                    "keep the old name until consumers have moved, then remove it in a major version")
