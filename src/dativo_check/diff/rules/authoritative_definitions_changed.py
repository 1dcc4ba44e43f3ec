"""Links to authoritative definitions changed.

`authoritativeDefinitions` point to business glossaries, catalogues and implementations. Changing them documents the
data better without changing it. Safe in every mode, patch bump.

PASS:

    authoritativeDefinitions: [{type: businessDefinition, url: "https://wiki.acme.com/customer"}]
    ---
    authoritativeDefinitions: [{url: "https://wiki.acme.com/customer", type: businessDefinition}]

FAIL:

    authoritativeDefinitions: [{type: businessDefinition, url: "https://wiki.acme.com/customer"}]
    ---
    authoritativeDefinitions: [{type: businessDefinition, url: "https://catalog.acme.com/terms/customer"}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, field_deltas

ID = "authoritative-definitions-changed"
CATEGORY = "documentation"
KINDS = ("contract", "schema-object", "property", "quality")
KEYS = ("authoritativeDefinitions",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    yield from field_deltas(pair, ("authoritativeDefinitions",), "documentation",
                            "no action needed; a patch bump records it")
