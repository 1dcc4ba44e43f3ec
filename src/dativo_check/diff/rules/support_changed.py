"""Support channels changed.

`support` lists where consumers ask questions and get announcements. Changing it is safe in every mode and needs a
patch bump.

PASS:

    support: [{channel: "#billing-data", tool: slack}]
    ---
    support: [{tool: slack, channel: "#billing-data"}]

FAIL:

    support: [{channel: "#billing-data", tool: slack}]
    ---
    support: [{channel: "#billing-data", tool: slack, url: "https://acme.slack.com/archives/C01"}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, entry_delta

ID = "support-changed"
CATEGORY = "documentation"
KINDS = ("support",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    yield from entry_delta(pair, "support channel", "no action needed; a patch bump records it")
