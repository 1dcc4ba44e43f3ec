"""A custom property was added, removed or changed.

`customProperties` carry metadata the standard has no home for (cost centre, consumers, project). They describe
the data product rather than the data, so a change is safe in every mode and needs a patch bump. Cost effects are
shown by the FinOps check, not by the version gate.

PASS:

    customProperties: [{property: costCenter, value: FIN-001}, {property: project, value: billing}]
    ---
    customProperties: [{property: project, value: billing}, {property: costCenter, value: FIN-001}]

FAIL:

    customProperties: [{property: costCenter, value: FIN-001}]
    ---
    customProperties: [{property: costCenter, value: FIN-002}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, entry_delta, field_deltas

ID = "custom-property-changed"
CATEGORY = "documentation"
KINDS = ("custom-property", "schema-object", "property", "server", "quality", "sla")
KEYS = ("customProperties",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"

_HINT = "no action needed; a patch bump records it"


def detect(pair) -> Iterator[Delta]:
    if pair.kind != "custom-property":
        yield from field_deltas(pair, ("customProperties",), "custom", _HINT)
    else:
        yield from entry_delta(pair, "custom property", _HINT, key="value")
