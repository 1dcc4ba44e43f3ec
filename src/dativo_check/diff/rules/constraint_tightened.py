"""A value constraint became stricter.

`logicalTypeOptions` bound the values: a lower `maxLength` or `maximum`, a higher `minLength` or `minimum`, a new
`pattern`, `format` or `uniqueItems`. Consumers receive values within the old bounds, so nothing breaks for them
(forward safe); old data may fall outside the new bounds (backward may break). Minor bump.

PASS:

    schema: [{name: customers, properties: [{name: country, logicalTypeOptions: {maxLength: 2}}]}]
    ---
    schema: [{name: customers, properties: [{name: country, logicalTypeOptions: {maxLength: 2}}]}]

FAIL:

    schema: [{name: customers, properties: [{name: country, logicalTypeOptions: {maxLength: 3}}]}]
    ---
    schema: [{name: customers, properties: [{name: country, logicalTypeOptions: {maxLength: 2}}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import mapping
from dativo_check.diff.constraints import constraint_moves
from dativo_check.diff.rules import Delta, directional_deltas, subject

ID = "constraint-tightened"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("logicalTypeOptions",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.base is None or pair.head is None:
        return
    moves = constraint_moves(mapping(pair.old("logicalTypeOptions")), mapping(pair.new("logicalTypeOptions")))
    yield from directional_deltas(moves, True, f"{pair.head.pointer}/logicalTypeOptions", subject(pair),
                                  "check that existing data meets the new bound")
