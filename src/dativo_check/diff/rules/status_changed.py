"""The contract's lifecycle status changed (other than to deprecated or retired).

Moving between proposed, draft and active changes how far the contract is along, and taking a deprecation back
(`deprecated` -> `active`) withdraws an announcement; none of it changes the data: safe in every mode, patch bump.
Deprecating and retiring a contract are their own rules, `contract-deprecated` and `contract-retired`.

PASS:

    status: active
    ---
    status: active

FAIL:

    status: draft
    ---
    status: active
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer

ID = "status-changed"
CATEGORY = "lifecycle"
KINDS = ("contract",)
KEYS = ("status",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    if changed(pair, "status") and pair.new("status") not in ("deprecated", "retired"):
        yield Delta(key_pointer(pair, "status"), pair.old("status"), pair.new("status"),
                    f"status {pair.old('status')} -> {pair.new('status')}",
                    "no action needed; a patch bump records it")
