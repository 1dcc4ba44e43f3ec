"""Example values changed.

Examples illustrate the data; consumers must not rely on them. Safe in every mode, patch bump.

PASS:

    schema:
      - name: customers
        properties:
          - {name: currency, examples: [EUR, USD]}
    ---
    schema:
      - name: customers
        properties:
          - {name: currency, examples: [USD, EUR]}

FAIL:

    schema:
      - name: customers
        properties:
          - {name: currency, examples: [EUR, USD]}
    ---
    schema:
      - name: customers
        properties:
          - {name: currency, examples: [EUR, USD, GBP]}
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, field_deltas

ID = "examples-changed"
CATEGORY = "documentation"
KINDS = ("property",)
KEYS = ("examples",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    yield from field_deltas(pair, ("examples",), "documentation", "no action needed; a patch bump records it")
