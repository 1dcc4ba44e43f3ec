"""The contracts of one revision (the working tree or a git commit), and how base and head contracts pair up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from dativo_check.config import Config
from dativo_check.contract import git, layout
from dativo_check.contract.discover import candidate, is_contract
from dativo_check.yamlio.loader import load_bytes
from dativo_check.contract.model import Contract
from dativo_check.core.model import Finding
from dativo_check.core.versions import sort_key


@dataclass(frozen=True)
class Revision:
    """The contracts found in one revision, with the findings of files that could not be loaded."""

    label: str
    contracts: tuple[Contract, ...]
    findings: tuple[Finding, ...]


def from_git(config: Config, commit: str, keep: Callable[[str, bytes], bool] | None = None,
             same: Mapping[str, Contract] | None = None) -> Revision:
    """Every contract in a commit, read with one `git ls-tree` and one `git cat-file --batch`.

    `keep(path, raw)` can skip files before they are parsed (a pre-commit run needs only the contracts it touches).
    `same` holds contracts already loaded from files known to be identical in the commit: they are reused, not read.
    """
    same = same or {}
    files = {path: oid for path, oid in git.tree(config.root, commit).items() if candidate(path, config)}
    blobs = git.read_objects(config.root, [oid for path, oid in files.items() if path not in same])
    contracts, findings = [], []
    for path, oid in sorted(files.items()):
        if path in same:
            contracts.append(same[path])
            continue
        raw = blobs.get(oid)
        if raw is None or not is_contract(path, raw, config):
            continue
        if keep is not None and not keep(path, raw):
            continue
        result = load_bytes(raw, path, config.limits)
        if result.document is None:
            findings.extend(result.findings)
        else:
            contracts.append(Contract(result.document))
    return Revision(commit[:12], tuple(contracts), tuple(findings))


def version_key(contract: Contract) -> tuple:
    return sort_key(contract.version)


def pair(base: Sequence[Contract], head: Sequence[Contract]) -> list[tuple[Contract | None, Contract | None]]:
    """Pair head contracts with their predecessors by `id`, not by path.

    A file edited in place pairs with its own base. A moved file, or a new version folder
    (`specs/stripe/v1.1/customers.yaml`), pairs with the highest earlier version of the same id, whether that one is
    in the base or still in the head. Contracts without an id pair by path only. A head contract with no
    predecessor is new; a base contract that no head contract took as its predecessor, and whose file is gone (or
    now holds another contract), was deleted, even when other versions of the same id remain.
    """
    head_by_path = {contract.file: contract for contract in head}
    base_by_path = {contract.file: contract for contract in base}
    by_id: dict[str, list[Contract]] = {}
    for contract in (*base, *head):
        if contract.id:
            by_id.setdefault(contract.id, []).append(contract)
    used: set[int] = set()
    pairs: list[tuple[Contract | None, Contract | None]] = []
    for contract in head:
        same_path = base_by_path.get(contract.file)
        if same_path is not None and same_path.id == contract.id:
            predecessor: Contract | None = same_path
        elif contract.id is None:
            predecessor = None
        else:
            earlier = [other for other in by_id[contract.id] if other is not contract and other.file != contract.file
                       and version_key(other) < version_key(contract)]
            moved = [other for other in base if other.id == contract.id and other.file not in head_by_path]
            candidates = earlier or moved
            predecessor = max(candidates, key=version_key) if candidates else None
        if predecessor is not None:
            used.add(id(predecessor))
        pairs.append((predecessor, contract))
    for contract in base:
        still_there = head_by_path.get(contract.file)
        if id(contract) not in used and (still_there is None or still_there.id != contract.id):
            pairs.append((contract, None))
    return pairs


def released_in_place(base: Contract | None, head: Contract | None) -> layout.LayoutPath | None:
    """The released version folder a head contract was edited in, when it was edited in place."""
    if base is None or head is None or base.file != head.file:
        return None
    return layout.parse(head.file)
