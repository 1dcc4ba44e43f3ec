"""Contracts with classified data declare a retention SLA.

Confidential and restricted data must not be kept forever. A contract with any property at a sensitive level states
how long data is kept with an SLA property `retention` that has a value and a unit; FinOps estimates, dbt retention
tests and AI-context governance read it. ODCS lists `retention` among the SLA properties but does not require
it, so this is a rule of the Dativo profile: a warning unless the profile is enforced (a `profile` section in the
configuration, or `--profile`), then an error.

PASS:

    schema:
      - name: customers
        properties:
          - name: email
            classification: confidential
    slaProperties:
      - property: retention
        value: 3
        unit: y

FAIL:

    schema:
      - name: customers
        properties:
          - name: email
            classification: confidential
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.core.durations import duration_seconds

ID = "profile-retention"
LEVEL = "error"
CATEGORY = "profile"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    sensitive = context.config.profile.sensitive
    classified = [prop for _, prop in contract.walk_properties() if prop.classification in sensitive]
    if not classified:
        return
    retention = next(((pointer, sla) for pointer, sla in contract.sla_properties if sla.get("property") == "retention"),
                     None)
    if retention is None:
        pointer = "/slaProperties" if "slaProperties" in contract.data else ""
        yield Violation(pointer, f"{classified[0].path} is {classified[0].classification} but the contract declares "
                                 "no retention",
                        hint="add an slaProperties entry {property: retention, value: 3, unit: y}", at_key=True)
        return
    pointer, sla = retention
    if duration_seconds(sla.get("value"), sla.get("unit"), default_unit=None) is None:
        yield Violation(pointer, "the retention SLA needs a duration: a value and a unit, or an ISO 8601 duration",
                        hint="for example value: 3, unit: y, or value: P3Y")
