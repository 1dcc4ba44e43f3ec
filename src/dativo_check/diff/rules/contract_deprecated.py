"""The contract was deprecated.

`status: deprecated` announces that the data will stop: it is still produced, so nothing breaks today, but every
consumer has to move before the contract is retired. Forward, that may break the consumers who do not move (a
warning, so the pull request shows who they are: the lineage impact lists them with their owners); backward it is
safe. Semantic versioning releases a deprecation in a minor version. Un-deprecating, or moving between proposed,
draft and active, is `status-changed`; retiring is `contract-retired`.

PASS:

    status: deprecated
    ---
    status: deprecated

FAIL:

    status: active
    ---
    status: deprecated
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer

ID = "contract-deprecated"
CATEGORY = "lifecycle"
KINDS = ("contract",)
KEYS = ("status",)
DIRECTION = "loosens"
FORWARD = "may-break"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if changed(pair, "status") and pair.new("status") == "deprecated":
        yield Delta(key_pointer(pair, "status"), pair.old("status"), "deprecated",
                    f"status {pair.old('status')} -> deprecated: consumers must move before it is retired",
                    "tell the downstream owners (the lineage impact lists them) what replaces this contract and "
                    "until when it is produced")
