"""`transformSourceObjects` and declared `upstreams` that reference another contract resolve to it.

A source written as `<contract-id>:<schemaObject>.<property>` (or `<contract-id>:<schemaObject>`) is a reference to
a contract in the same repository; lineage and impact analysis follow it. The reference must name an existing
contract id, one of its schema objects and, if given, one of that object's properties. The same holds for the
entries of the `upstreams` custom property. Plain names without a colon (`stripe_api.v1.customers`) are external
sources and are not checked; neither are URLs.

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
from dataclasses import dataclass
from typing import Iterator

ID = "transform-source"
LEVEL = "error"
CATEGORY = "repository"


@dataclass(frozen=True)
class Reference:
    """A parsed `<contract-id>:<object>[.<property>]` reference."""

    contract_id: str
    object_name: str
    property_path: str | None

    def __str__(self) -> str:
        suffix = f".{self.property_path}" if self.property_path else ""
        return f"{self.contract_id}:{self.object_name}{suffix}"


def parse_reference(source: str) -> Reference | None:
    """The reference a transform source names, or None for an external source (no colon, or a URL)."""
    if ":" not in source or "://" in source:
        return None
    contract_id, _, element = source.partition(":")
    object_name, _, property_path = element.partition(".")
    if not contract_id or not object_name:
        return None
    return Reference(contract_id.strip(), object_name.strip(), property_path.strip() or None)


def check_repository(contracts, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    for contract in contracts:
        upstreams = contract.custom_properties.get("upstreams")
        pointer = contract.custom_property_pointer("upstreams")
        for index, source in enumerate(upstreams if isinstance(upstreams, list) else []):
            reference = parse_reference(source) if isinstance(source, str) else None
            problem = _resolve(reference, context.index) if reference is not None else None
            if problem is not None:
                yield Violation(f"{pointer}/value/{index}", f"upstream {source!r}: {problem[0]}", problem[1],
                                contract=contract)
        for _, prop in contract.walk_properties():
            for index, source in enumerate(prop.transform_source_objects):
                reference = parse_reference(source)
                if reference is None:
                    continue
                problem = _resolve(reference, context.index)
                if problem is not None:
                    message, hint = problem
                    yield Violation(f"{prop.pointer}/transformSourceObjects/{index}",
                                    f"{prop.path}: transform source {source!r}: {message}", hint, contract=contract)


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
