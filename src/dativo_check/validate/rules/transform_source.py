"""`transformSourceObjects` and declared `upstreams` that reference another contract resolve to it.

A source written as `<contract-id>:<schemaObject>.<property>` (or `<contract-id>:<schemaObject>`) is a reference to
a contract in the same repository; lineage and impact analysis follow it. The reference must name an existing
contract id, one of its schema objects and, if given, one of that object's properties. The same holds for the
entries of the `upstreams` custom property. Plain names without a colon (`stripe_api.v1.customers`) are external
sources and are not checked; neither are URLs. A reference that names no existing contract, object or property
is broken, so lineage and impact analysis lose the link: an error. The pull-request check also validates every
contract whose references point into a changed one, so the change that breaks a reference fails.

PASS:

    # file: specs/stripe/v1.0/customers.yaml
    id: stripe-customers
    schema:
      - name: customers
        properties:
          - name: customer_id
    ---
    # file: specs/analytics/v1.0/customer_orders.yaml
    id: analytics-customer-orders
    schema:
      - name: customer_orders
        properties:
          - name: customer_id
            transformSourceObjects:
              - stripe-customers:customers.customer_id

FAIL:

    # file: specs/analytics/v1.0/customer_orders.yaml
    id: analytics-customer-orders
    schema:
      - name: customer_orders
        properties:
          - name: customer_id
            transformSourceObjects:
              - stripe-customers:customers.cust_id
"""

from __future__ import annotations

import difflib
from typing import Iterator

from dativo_check.contract.references import FOREIGN_KEY, Reference, uses

ID = "transform-source"
LEVEL = "error"
CATEGORY = "repository"


def check_repository(contracts, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    for contract in contracts:
        for use in uses(contract):
            if use.kind == FOREIGN_KEY:
                continue  # a foreign key names a table, not data flow; shorthand ones need not be contracts
            problem = _resolve(use.reference, context.index)
            if problem is None:
                continue
            message, hint = problem
            subject = f"{use.subject}: " if use.subject else ""
            yield Violation(use.pointer, f"{subject}{use.kind} {str(use.reference)!r}: {message}", hint,
                            contract=contract)


def _resolve(reference: Reference, index) -> tuple[str, str | None] | None:
    target = index.contract(reference.contract_id)
    if target is None:
        close = difflib.get_close_matches(reference.contract_id, index.ids(), n=1)
        return (f"no contract with id {reference.contract_id!r} in this repository",
                f"did you mean {close[0]!r}?" if close else None)
    obj = target.schema_object(reference.object_name)
    if obj is None:
        names = [o.name for o in target.schema if o.name]
        return (f"contract {reference.contract_id!r} has no schema object {reference.object_name!r}",
                f"its schema objects are {', '.join(names)}" if names else None)
    if reference.property_path is None:
        return None
    names = [prop.path.split(".", 1)[1] for prop in obj.walk_properties() if "." in prop.path]
    if reference.property_path in names:
        return None
    close = difflib.get_close_matches(reference.property_path, names, n=1)
    return (f"{reference.contract_id}:{reference.object_name} has no property {reference.property_path!r}",
            f"did you mean {close[0]!r}?" if close else None)
