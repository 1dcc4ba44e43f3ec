"""The assets a context request can name: the newest version of each contract of the repository, by id, with the
facts policies select by and the lineage graph between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from dativo_check.context.policy import AssetFacts, FieldFacts
from dativo_check.contract.model import Contract, Property
from dativo_check.lineage.graph import Graph, build
from dativo_check.core.versions import sort_key

# What a classification that is there but is not text (`[restricted]`, `7`) counts as: a level no policy can declare
# (policy levels are names), so it ranks as the most sensitive. A mistake in a contract must not switch off the rules
# that protect its most sensitive properties.
INVALID_CLASSIFICATION = "(invalid)"


@dataclass(frozen=True)
class Catalog:
    contracts: Mapping[str, Contract]
    facts: Mapping[str, AssetFacts]
    graph: Graph

    def ids(self) -> list[str]:
        return sorted(self.contracts)


def facts_of(contract: Contract) -> AssetFacts:
    return AssetFacts(
        contract.id or "",
        contract.domain,
        tags_of(contract.get("tags")),
        frozenset(classification_of(prop.data) for _, prop in contract.walk_properties()))


def field_facts(prop: Property) -> FieldFacts:
    return FieldFacts(prop.path, prop.name or "", classification_of(prop.data), tags_of(prop.data.get("tags")))


def classification_of(data: Mapping[str, Any]) -> str | None:
    """The declared classification of a property: None when there is none, `INVALID_CLASSIFICATION` when it is not
    text."""
    value = data.get("classification")
    if value is None or isinstance(value, str):
        return value
    return INVALID_CLASSIFICATION


def tags_of(value: Any) -> frozenset[str]:
    """Tags as rules select by them; a single tag written without a list (`tags: pii`) is a list of one, so that
    the rules for it still apply."""
    return frozenset(tag for tag in (value if isinstance(value, list) else [value]) if isinstance(tag, str))


def newest(contracts: Iterable[Contract]) -> dict[str, Contract]:
    """One contract per id: the highest version (the versioned layout keeps every released version)."""
    chosen: dict[str, Contract] = {}
    for contract in contracts:
        if not contract.id:
            continue
        current = chosen.get(contract.id)
        if current is None or (sort_key(contract.version), contract.file) > (sort_key(current.version), current.file):
            chosen[contract.id] = contract
    return chosen


def catalog(contracts: Sequence[Contract], manifest: Mapping[str, Any] | None = None) -> Catalog:
    chosen = newest(contracts)
    ordered = [chosen[contract_id] for contract_id in sorted(chosen)]
    return Catalog(chosen, {contract_id: facts_of(contract) for contract_id, contract in chosen.items()},
                   build(ordered, manifest))


def from_repository(config: Any, paths: Sequence[str] = ()) -> Catalog:
    """The catalogue of the named contracts (all of the repository when none are named). Files that cannot be
    loaded are left out silently: their findings could name assets the requester may not see."""
    from dativo_check.contract.discover import discover, expand
    from dativo_check.contract.load import load_contracts
    from dativo_check.lineage.graph import manifest_for

    files = expand(paths, config) if paths else discover(config)
    loaded = load_contracts(files, config)
    return catalog(loaded.contracts, manifest_for(config))
