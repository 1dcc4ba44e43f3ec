"""Descriptions and other documentation changed.

Descriptions, business names, granularity notes and similar prose tell people what the data means; they change
nothing a program relies on. Such a change is safe in every mode and needs a patch bump.

PASS:

    description: {purpose: Stripe customers.}
    ---
    description: {purpose: Stripe customers.}

FAIL:

    description: {purpose: Stripe customers.}
    ---
    description: {purpose: Customers of the Acme Stripe account, one row per customer.}
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, field_deltas

ID = "documentation-changed"
CATEGORY = "documentation"
KINDS = ("contract", "schema-object", "property", "server", "quality", "sla")
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"

KEYS = ("description", "businessName", "dataGranularityDescription", "name", "tenant", "domain", "dataProduct",
        "criticalDataElement", "businessImpact", "dimension", "method", "schedule", "scheduler", "environment",
        "contractCreatedTs", "slaDefaultElement", "driver", "encryptedName")


def detect(pair) -> Iterator[Delta]:
    keys = tuple(key for key in KEYS if not (key == "name" and pair.kind != "contract"))
    yield from field_deltas(pair, keys, "documentation", "no action needed; a patch bump records it")
