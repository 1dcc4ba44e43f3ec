"""A property was removed.

Every consumer that reads the column or field breaks (forward breaks). Major bump. To make it safe: mark it
deprecated in its description for a minor version, tell its consumers (lineage impact lists them), then remove it in
the next major version.

PASS:

    schema: [{name: customers, properties: [{name: customer_id}, {name: email}]}]
    ---
    schema: [{name: customers, properties: [{name: email}, {name: customer_id}]}]

FAIL:

    schema: [{name: customers, properties: [{name: customer_id}, {name: email}]}]
    ---
    schema: [{name: customers, properties: [{name: customer_id}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, subject

ID = "property-removed"
CATEGORY = "schema"
KINDS = ("property",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.removed:
        yield Delta(pair.pointer, pair.label, None, f"{subject(pair)} removed",
                    "deprecate it first and remove it in a new major version")
