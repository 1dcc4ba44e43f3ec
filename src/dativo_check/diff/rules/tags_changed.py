"""Tags were added or removed.

Tags help people and catalogues find and group data; they do not change what the data is. Safe in every mode,
patch bump. (Tags that drive access policies are reviewed through classification, not tags.)

PASS:

    tags: [stripe, billing]
    ---
    tags: [billing, stripe]

FAIL:

    tags: [stripe, billing]
    ---
    tags: [stripe, billing, customers]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import items
from dativo_check.diff.rules import Delta, changed, key_pointer, subject

ID = "tags-changed"
CATEGORY = "documentation"
KINDS = ("contract", "schema-object", "property", "quality")
KEYS = ("tags",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    if not changed(pair, "tags"):
        return
    old = set(map(str, items(pair.old("tags"))))
    new = set(map(str, items(pair.new("tags"))))
    parts = [f"+{tag}" for tag in sorted(new - old)] + [f"-{tag}" for tag in sorted(old - new)]
    yield Delta(key_pointer(pair, "tags"), pair.old("tags"), pair.new("tags"),
                f"{subject(pair)}: tags {' '.join(parts)}", "no action needed; a patch bump records it")
