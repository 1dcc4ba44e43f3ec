"""The contract was retired.

`status: retired` means the data is no longer produced: everyone who still reads it breaks (forward breaks). Major
bump. To make it safe: deprecate first (a patch), give consumers time (lineage impact lists them), then retire in a
new major version.

PASS:

    status: active
    ---
    status: deprecated

FAIL:

    status: deprecated
    ---
    status: retired
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer

ID = "contract-retired"
CATEGORY = "lifecycle"
KINDS = ("contract",)
KEYS = ("status",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if changed(pair, "status") and pair.new("status") == "retired":
        yield Delta(key_pointer(pair, "status"), pair.old("status"), "retired",
                    f"status {pair.old('status')} -> retired: the data is no longer produced, so everyone "
                    "still reading it breaks",
                    "deprecate first (consumers then see a warning and the lineage impact names them), give them "
                    "time to move, then retire in a new major version")
