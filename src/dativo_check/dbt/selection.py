"""Which contracts become which dbt resources: the versions of one contract, duplicates, the version a table follows.

In the versioned layout (`specs/<source>/vMAJOR.MINOR/<object>.yaml`) several versions of one contract coexist. The
physical table is one, so its dbt source follows one version: the latest active one. Consumers pin versions the way
dbt users already do, with model versions: one per contract major version (the latest minor of each), the current
one as `latest_version`, and a `deprecation_date` for a deprecated version that states when support ends. Any
other two files that claim one id are duplicates: only the first (by path) is generated, and the rest are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from dativo_check.contract import layout
from dativo_check.contract.model import Contract, text
from dativo_check.core.model import Finding
from dativo_check.core.ruledoc import from_text
from dativo_check.core.versions import parse, sort_key

DUPLICATE = from_text("dbt-duplicate", "error", "dbt", "dbt", """
    Each contract and each table becomes dbt resources once.

    Two files that claim the same contract `id` without being versions of one contract in the versioned layout
    would give dbt two resources for one contract, or write the same files twice. The first, in path order, is
    generated; every other one is this error, naming both files, and generates nothing. Give each contract its own
    id, or keep the versions of one contract in `specs/<source>/vMAJOR.MINOR/` folders. (Two different contracts whose
    tables share a name get a short stable suffix instead: that is not an error.)

    PASS:

        # specs/shop/v1.0/orders.yaml and specs/shop/v2.0/orders.yaml
        id: shop-orders   # two versions of one contract: one source, a staging model with two versions

    FAIL:

        # contracts/orders.yaml and legacy/orders.yaml
        id: shop-orders   # two contracts claim one id
""")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


@dataclass(frozen=True)
class ModelVersion:
    """One major version of a contract, as a dbt model version: its number and the contract (latest minor)."""

    v: int
    contract: Contract

    @property
    def deprecation_date(self) -> str | None:
        """When a deprecated version stops being supported: its `endOfSupport` SLA, else its `endOfLife`."""
        if self.contract.status != "deprecated":
            return None
        for name in ("endOfSupport", "endOfLife"):
            sla = self.contract.sla(name)
            value = text(sla.get("value")) if sla is not None else None
            if value is not None and _DATE.fullmatch(value.strip()):
                return value.strip()
        return None


@dataclass(frozen=True)
class Series:
    """One contract in one or more versions. `current` is the version the physical table follows; `versions` are
    the model versions, oldest first (empty when there is only one major version)."""

    current: Contract
    versions: tuple[ModelVersion, ...] = ()

    @property
    def latest_version(self) -> int | None:
        return _major(self.current) if self.versions else None

    @property
    def contracts(self) -> tuple[Contract, ...]:
        return tuple(version.contract for version in self.versions) or (self.current,)


@dataclass(frozen=True)
class Selection:
    series: tuple[Series, ...]
    findings: tuple[Finding, ...] = ()


def select(contracts: Sequence[Contract]) -> Selection:
    """The series the contracts make, in a stable order, and the duplicates left out."""
    groups: dict[str, list[Contract]] = {}
    for contract in sorted(contracts, key=lambda c: c.file):
        groups.setdefault(contract.id if contract.id is not None else f"\0{contract.file}", []).append(contract)
    series, findings = [], []
    for members in groups.values():
        anchor, versions = members[0], [members[0]]
        for other in members[1:]:
            if _versions_of_one_contract(anchor, other, versions):
                versions.append(other)
            else:
                findings.append(duplicate(other, f"id {other.id!r} is also claimed by {anchor.file}", anchor.file))
        series.append(_series(versions))
    return Selection(tuple(sorted(series, key=lambda s: (s.current.id or "", s.current.file))), tuple(findings))


def duplicate(contract: Contract, why: str, kept: str) -> Finding:
    return contract.finding(DUPLICATE.id, DUPLICATE.level, f"{why}; only {kept} becomes dbt resources", "/id",
                            hint="give each contract its own id, or keep its versions in specs/<source>/vMAJOR.MINOR/")


def _versions_of_one_contract(anchor: Contract, other: Contract, versions: Sequence[Contract]) -> bool:
    placed, there = layout.parse(anchor.file), layout.parse(other.file)
    return (placed is not None and there is not None and placed.series == there.series
            and all(sort_key(other.version) != sort_key(known.version) for known in versions))


def _series(versions: list[Contract]) -> Series:
    if len(versions) == 1:
        return Series(versions[0])
    active = [c for c in versions if c.status == "active"] or [c for c in versions if c.status != "retired"]
    current = max(active or versions, key=lambda c: sort_key(c.version))
    by_major: dict[int, Contract] = {}
    for contract in versions:
        major = _major(contract)
        if major not in by_major or sort_key(contract.version) > sort_key(by_major[major].version):
            by_major[major] = contract
    by_major[_major(current)] = current  # a later draft of the current major is not what the table holds
    kept = [ModelVersion(major, contract) for major, contract in sorted(by_major.items())
            if contract.status != "retired" or contract is current]
    return Series(current, tuple(kept) if len(kept) > 1 else ())


def _major(contract: Contract) -> int:
    parsed = parse(contract.version)
    return parsed.major if parsed is not None else 0
