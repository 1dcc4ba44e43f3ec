"""Schema objects and properties have unique names.

Two schema objects, or two properties of the same object, with the same name make every consumer guess which one is
meant; generated dbt YAML, lineage and diffs would silently merge them. Names that differ only in case are reported
too, because most warehouses fold identifiers to one case. ODCS uses these names to address objects and
properties (`table.column` in relationships and references), so a repeated name is a certain defect: an error.

PASS:

    schema:
      - name: orders
        properties:
          - name: order_id
          - name: customer_id

FAIL:

    schema:
      - name: orders
        properties:
          - name: order_id
          - name: Order_ID
"""

from __future__ import annotations

from typing import Iterable, Iterator

ID = "duplicate-name"
LEVEL = "error"
CATEGORY = "structure"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    def duplicates(named: Iterable, what: str, where: str) -> Iterator[Violation]:
        seen: dict[str, str] = {}
        for node in named:
            name = node.name
            if name is None:
                continue
            first = seen.get(name.casefold())
            if first is None:
                seen[name.casefold()] = name
                continue
            how = "again" if first == name else f"differing only in case from {first!r}"
            yield Violation(node.pointer + "/name", f"{what} {name!r} is defined {how}{where}",
                            hint="rename or remove one of them")

    yield from duplicates(contract.schema, "schema object", "")
    for obj in contract.schema:
        yield from duplicates(obj.properties, "property", f" in {obj.name or 'this schema object'}")
        for prop in obj.walk_properties():
            yield from duplicates(prop.children, "property", f" in {prop.path}")
