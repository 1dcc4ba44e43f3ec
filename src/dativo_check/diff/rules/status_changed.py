"""The contract's lifecycle status changed (other than to retired).

Moving to `deprecated` announces an end without ending anything; moving between proposed, draft and active changes
how far the contract is along. Neither changes the data: safe in every mode, patch bump. Retiring a contract is its
own rule, `contract-retired`.

PASS:

    status: active
    ---
    status: active

FAIL:

    status: active
    ---
    status: deprecated
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
    if changed(pair, "status") and pair.new("status") != "retired":
        yield Delta(key_pointer(pair, "status"), pair.old("status"), pair.new("status"),
                    f"status {pair.old('status')} -> {pair.new('status')}",
                    "no action needed; a patch bump records it")
