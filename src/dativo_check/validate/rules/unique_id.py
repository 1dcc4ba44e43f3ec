"""Each contract `id` is unique across the repository.

Diffs, lineage, dbt generation and references (`<id>:<object>.<property>`) find contracts by id, so two different
contracts must never share one. The only files that may share an id are the versions of one contract in the
`specs/<source>/vMAJOR.MINOR/<object>.yaml` layout: same source and object, different version folders. ODCS
calls `id` a unique identifier, so a shared one is a certain defect: an error. Named files are compared with the
repository each lives in; files outside any repository only with the other files named with them.

PASS:

    # file: specs/stripe/v1.0/customers.yaml
    id: stripe-customers
    version: 1.0.0
    ---
    # file: specs/stripe/v1.1/customers.yaml
    id: stripe-customers
    version: 1.1.0

FAIL:

    # file: specs/stripe/v1.0/customers.yaml
    id: stripe-customers
    ---
    # file: specs/hubspot/v1.0/contacts.yaml
    id: stripe-customers
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract import layout

ID = "unique-id"
LEVEL = "error"
CATEGORY = "repository"


def _versions_of_one_contract(first: str, second: str) -> bool:
    a, b = layout.parse(first), layout.parse(second)
    return a is not None and b is not None and a.series == b.series and a.folder != b.folder


def check_repository(contracts, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    for contract in contracts:
        if contract.id is None:
            continue
        clashes = [entry.file for entry in context.index.files_with_id(contract.id)
                   if entry.file != contract.file and not _versions_of_one_contract(entry.file, contract.file)]
        if clashes:
            clashes.sort()
            named = ", ".join(clashes[:3]) + (f" and {len(clashes) - 3} more" if len(clashes) > 3 else "")
            yield Violation("/id", f"id {contract.id!r} is also used by {named}",
                            hint="give each contract its own id", contract=contract)
