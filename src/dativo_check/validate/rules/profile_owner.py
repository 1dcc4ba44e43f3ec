"""The team has a member whose role is owner.

Every contract needs someone accountable: reviewers are asked for approval, incidents are routed, and the owner
appears in dbt `meta`, lineage and AI context. The owner is a `team` member with `role: owner` (any case).
ODCS makes `team` optional, so this is a rule of the Dativo profile: a warning unless the profile is enforced (a
`profile` section in the configuration, or `--profile`), then an error.

PASS:

    team:
      - username: mhopper
        name: Grace Hopper
        role: owner

FAIL:

    team:
      - username: mhopper
        role: data engineer
"""

from __future__ import annotations

from typing import Iterator

ID = "profile-owner"
LEVEL = "error"
CATEGORY = "profile"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    if contract.owners:
        return
    pointer = "/team" if "team" in contract.data else ""
    yield Violation(pointer, "no team member has the role owner",
                    hint="add a team member with `role: owner`", at_key=True)
