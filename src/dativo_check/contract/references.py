"""References between contracts: `<contract-id>:<schemaObject>[.<property>]` in transform sources, declared
upstreams and foreign keys.

Validation checks that they resolve, lineage draws them, dbt turns foreign keys into relationship tests, and the
pull-request check follows them backwards to find the contracts a change can break.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from dativo_check.contract.model import Contract, items

TRANSFORM, UPSTREAM, FOREIGN_KEY = "transform source", "upstream", "foreign key"


@dataclass(frozen=True)
class Reference:
    """A parsed `<contract-id>:<object>[.<property>]` reference."""

    contract_id: str
    object_name: str
    property_path: str | None

    def __str__(self) -> str:
        suffix = f".{self.property_path}" if self.property_path else ""
        return f"{self.contract_id}:{self.object_name}{suffix}"


@dataclass(frozen=True)
class Use:
    """One place in a contract that names another contract (or itself)."""

    kind: str
    pointer: str
    reference: Reference
    subject: str = ""  # the property that makes it (`orders.customer_id`), empty for the contract's upstreams


def parse_reference(source: str) -> Reference | None:
    """The reference a source names, or None for an external source (no colon, or a URL)."""
    if ":" not in source or "://" in source:
        return None
    contract_id, _, element = source.partition(":")
    object_name, _, property_path = element.partition(".")
    if not contract_id or not object_name:
        return None
    return Reference(contract_id.strip(), object_name.strip(), property_path.strip() or None)


def uses(contract: Contract) -> Iterator[Use]:
    """Every reference the contract makes; foreign keys without a contract id point into the contract itself."""
    pointer = contract.custom_property_pointer("upstreams")
    for index, source in enumerate(items(contract.custom_properties.get("upstreams"))):
        reference = parse_reference(source) if isinstance(source, str) else None
        if reference is not None:
            yield Use(UPSTREAM, f"{pointer}/value/{index}", reference)
    for _, prop in contract.walk_properties():
        for index, source in enumerate(prop.transform_source_objects):
            reference = parse_reference(source)
            if reference is not None:
                yield Use(TRANSFORM, f"{prop.pointer}/transformSourceObjects/{index}", reference, prop.path)
        for target in prop.foreign_keys:
            reference = parse_reference(target if ":" in target else f"{contract.id}:{target}")
            if reference is not None:
                yield Use(FOREIGN_KEY, prop.pointer, reference, prop.path)


def referenced_ids(contract: Contract) -> set[str]:
    """The other contracts this one depends on."""
    return {use.reference.contract_id for use in uses(contract)} - {contract.id}
