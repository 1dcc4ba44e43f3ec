"""A value constraint became looser or different.

A higher `maxLength` or `maximum`, a lower `minLength` or `minimum`, or a removed `pattern` lets values through
that consumers were promised would never come (forward breaks): a downstream `VARCHAR(2)` column overflows, a
parser rejects the new format. Old data still fits (backward safe). A changed `pattern` or `format` accepts other
values, not just more (backward may break too). Major bump.

PASS:

    schema: [{name: customers, properties: [{name: country, logicalTypeOptions: {maxLength: 3}}]}]
    ---
    schema: [{name: customers, properties: [{name: country, logicalTypeOptions: {maxLength: 2}}]}]

FAIL:

    schema: [{name: customers, properties: [{name: country, logicalTypeOptions: {maxLength: 2}}]}]
    ---
    schema: [{name: customers, properties: [{name: country, logicalTypeOptions: {maxLength: 3}}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import mapping
from dativo_check.diff.constraints import constraint_moves
from dativo_check.diff.rules import Delta, directional_deltas, subject

ID = "constraint-loosened"
CATEGORY = "constraint"
KINDS = ("property",)
KEYS = ("logicalTypeOptions",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.base is None or pair.head is None:
        return
    moves = constraint_moves(mapping(pair.old("logicalTypeOptions")), mapping(pair.new("logicalTypeOptions")))
    yield from directional_deltas(moves, False, f"{pair.head.pointer}/logicalTypeOptions", subject(pair),
                                  "consumers may receive values they were promised would never come: release a "
                                  "major version")
