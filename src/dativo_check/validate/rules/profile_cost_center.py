"""The contract names its cost centre.

FinOps attribution, budgets and the FOCUS export charge each contract's cost to a cost centre. The contract states it
as the custom property `costCenter` with a non-empty text value. ODCS has no cost centre (custom properties are
free), so this is a rule of the Dativo profile: a warning unless the profile is enforced (a `profile` section in the
configuration, or `--profile`), then an error.

PASS:

    customProperties:
      - property: costCenter
        value: FIN-001

FAIL:

    customProperties:
      - property: project
        value: payments
"""

from __future__ import annotations

from typing import Iterator

ID = "profile-cost-center"
LEVEL = "error"
CATEGORY = "profile"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    value = contract.custom_properties.get("costCenter")
    if isinstance(value, str) and value.strip():
        return
    if "costCenter" in contract.custom_properties:
        yield Violation(contract.custom_property_pointer("costCenter"), "costCenter is empty",
                        hint="set it to your cost centre code, such as FIN-001")
        return
    yield Violation(contract.custom_property_pointer("costCenter"), "no costCenter custom property",
                    hint="add customProperties: [{property: costCenter, value: FIN-001}]", at_key=True)
