"""The contract `status` is one of the lifecycle states the standard names.

ODCS describes `status` as free text and lists proposed, draft, active, deprecated and retired as examples; it
does not make them an enum, and its own examples also use `development`, `in development` and `production`. So
another value is a convention question, not a defect, and this rule is a warning. It still matters: the states the
standard names are the ones tools act on, such as the version gate (drafts get warnings instead of errors) and
lineage (deprecated contracts are flagged downstream), and a status they do not know is treated as active.

PASS:

    status: active

FAIL:

    status: live
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import LIFECYCLE

ID = "status-lifecycle"
LEVEL = "warning"
CATEGORY = "structure"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    status = contract.status
    if status is None or status in LIFECYCLE:
        return
    hint = f"write {status.lower()}" if status.lower() in LIFECYCLE else f"use one of {', '.join(LIFECYCLE)}"
    yield Violation("/status", f"status {status!r} is not one of the lifecycle states ODCS names; tools that act "
                               "on the lifecycle treat it as active", hint=hint)
