"""The contract `status` is one of the ODCS lifecycle states.

The standard names five states: proposed, draft, active, deprecated and retired. Other values (`live`, `Active`,
`prod`) defeat every tool that acts on the lifecycle, such as the version gate (drafts get warnings) and lineage
(deprecated contracts are flagged downstream).

PASS:

    status: active

FAIL:

    status: live
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import LIFECYCLE

ID = "status-lifecycle"
LEVEL = "error"
CATEGORY = "structure"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    status = contract.status
    if status is None or status in LIFECYCLE:
        return
    hint = f"write {status.lower()}" if status.lower() in LIFECYCLE else f"use one of {', '.join(LIFECYCLE)}"
    yield Violation("/status", f"status {status!r} is not an ODCS lifecycle state", hint=hint)
