"""The team changed.

Team members (owners, stewards, engineers) joined, left or changed roles. This matters to people, not to programs
reading the data: safe in every mode, patch bump.

PASS:

    team: [{username: lmeyer, role: owner}, {username: tokafor, role: data engineer}]
    ---
    team: [{username: tokafor, role: data engineer}, {username: lmeyer, role: owner}]

FAIL:

    team: [{username: lmeyer, role: owner}]
    ---
    team: [{username: lmeyer, role: owner}, {username: sberg, role: data steward}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, entry_delta

ID = "team-changed"
CATEGORY = "documentation"
KINDS = ("team-member",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    yield from entry_delta(pair, "team member", "no action needed; a patch bump records it")
