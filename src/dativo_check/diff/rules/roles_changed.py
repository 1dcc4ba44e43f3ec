"""Access roles changed.

`roles` name the access roles that grant read or write access and their approvers. Changing them changes who
approves access, not the data. Safe in every mode, patch bump; review access with your security team when roles are
removed.

PASS:

    roles: [{role: analytics_reader, access: read}]
    ---
    roles: [{access: read, role: analytics_reader}]

FAIL:

    roles: [{role: analytics_reader, access: read}]
    ---
    roles: [{role: analytics_reader, access: read}, {role: finance_writer, access: write}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, entry_delta

ID = "roles-changed"
CATEGORY = "documentation"
KINDS = ("role",)
DIRECTION = "neutral"
FORWARD = "safe"
BACKWARD = "safe"
BUMP = "patch"


def detect(pair) -> Iterator[Delta]:
    yield from entry_delta(pair, "role", "no action needed; a patch bump records it")
