"""A contract was deleted.

Deleting a contract that is still active ends the data for everyone downstream (forward breaks). Major bump. To make
it safe: set `status: deprecated`, later `retired`, and delete the file only then; deleting a deprecated or retired
contract is fine.

PASS:

    status: retired
    ---
    # the file is deleted

FAIL:

    status: active
    ---
    # the file is deleted
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta

ID = "contract-deleted"
CATEGORY = "lifecycle"
KINDS = ("contract",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.head is None and pair.old("status") not in ("deprecated", "retired"):
        yield Delta("", pair.old("id"), None, f"contract {pair.old('id')} (status {pair.old('status')}) deleted",
                    "deprecate it first (status: deprecated), retire it, and delete the file only after that")
