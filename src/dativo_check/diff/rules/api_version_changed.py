"""The contract moved to another version of the standard.

`apiVersion` says which ODCS version the file is written in; moving from v3.0.2 to v3.1.0 changes the notation,
not the data. Safe in every mode, patch bump. Changes the new notation brings (a renamed quality keyword, say) are
reported by their own rules.

PASS:

    apiVersion: v3.0.2
    ---
    apiVersion: v3.0.2

FAIL:

    apiVersion: v3.0.1
    ---
    apiVersion: v3.0.2
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, field_deltas

ID = "api-version-changed"
CATEGORY = "documentation"
KINDS = ("contract",)
KEYS = ("apiVersion",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    yield from field_deltas(pair, ("apiVersion",), "standard", "no action needed; a patch bump records it")
