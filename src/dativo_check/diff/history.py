"""Every version of a contract across git history: what changed between them and who changed it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from dativo_check.config import Config
from dativo_check.contract import git
from dativo_check.yamlio.loader import load_bytes
from dativo_check.contract.model import Contract
from dativo_check.diff.engine import DiffOptions, compare
from dativo_check.diff.normal import content_hash
from dativo_check.core.model import Bump
from dativo_check.core.versions import sort_key


@dataclass(frozen=True)
class HistoricalVersion:
    contract: Contract
    commit: git.Commit
    content_hash: str


@dataclass(frozen=True)
class HistoryEntry:
    commit: git.Commit
    file: str
    version: str | None
    content_hash: str
    bump: Bump
    breaking: bool
    changes: int

    def to_dict(self) -> dict:
        return {"commit": self.commit.sha, "author": self.commit.author, "date": self.commit.date,
                "subject": self.commit.subject, "file": self.file, "version": self.version,
                "content_hash": self.content_hash, "bump": self.bump.value, "breaking": self.breaking,
                "changes": self.changes}


def versions(config: Config, contract_id: str, paths: Sequence[str], ref: str = "HEAD") -> list[HistoricalVersion]:
    """Distinct versions (oldest first) of the contract with this id, over the history of the files at `paths`.

    Each file's history is followed across renames (one `git log --follow` per file); every blob is then read
    through one `git cat-file --batch`.
    """
    # git lists newest first; oldest first per file, then a stable sort by date keeps same-second commits in order
    found_versions = [version for path in paths for version in reversed(git.file_history(config.root, path, ref))]
    found_versions.sort(key=lambda version: version.commit.date)
    blobs = git.read_objects(config.root, (version.oid for version in found_versions))
    found: list[HistoricalVersion] = []
    seen: set[str] = set()
    for version in found_versions:
        raw = blobs.get(version.oid)
        result = load_bytes(raw, version.path, config.limits) if raw is not None else None
        if result is None or result.document is None:
            continue
        contract = Contract(result.document)
        digest = content_hash(contract.data)
        if contract.id != contract_id or digest in seen:
            continue
        seen.add(digest)
        found.append(HistoricalVersion(contract, version.commit, digest))
    return found


def history(config: Config, contract_id: str, paths: Sequence[str], options: DiffOptions) -> list[HistoryEntry]:
    """Each version in commit order, compared with the highest version below it (a backport of 1.0.1 committed
    after 1.1.0 is compared with 1.0.0, not with 1.1.0)."""
    found = versions(config, contract_id, paths)
    entries: list[HistoryEntry] = []
    for position, version in enumerate(found):
        key = sort_key(version.contract.version)
        earlier = [other.contract for other in found[:position] if sort_key(other.contract.version) < key]
        previous = max(earlier, key=lambda c: sort_key(c.version)) if earlier else (
            found[position - 1].contract if position else None)
        if previous is None:
            bump, breaking, changes = Bump.NONE, False, 0
        else:
            diff = compare(previous, version.contract, options)
            bump, breaking, changes = diff.required_bump, diff.breaking, len(diff.changes)
        entries.append(HistoryEntry(version.commit, version.contract.file, version.contract.version,
                                    version.content_hash, bump, breaking, changes))
    return entries


def contract_files(config: Config, id_or_path: str) -> tuple[str, list[str]]:
    """The contract id and the files that hold it now, from an id or a path."""
    from dativo_check.contract.discover import display_path
    from dativo_check.contract.index import ContractIndex
    from dativo_check.yamlio.loader import load_path
    from dativo_check.core.errors import UsageError

    contract_id, paths = id_or_path, []
    if Path(id_or_path).exists():
        loaded = load_path(id_or_path)
        if loaded.document is None or not isinstance(loaded.document.data.get("id"), str):
            raise UsageError(f"{id_or_path} is not a contract with an id")
        contract_id = loaded.document.data["id"]
        paths.append(display_path(id_or_path, config.root))
    paths += [entry.file for entry in ContractIndex([], config).files_with_id(contract_id)]
    if not paths:
        raise UsageError(f"no contract with id {contract_id!r} in this repository")
    return contract_id, sorted(set(paths))


def earlier_in_major(config: Config, base: Contract, head: Contract, paths: Sequence[str],
                     ref: str) -> list[Contract]:
    """Versions before `base` in the same major line: what transitive modes also compare against.

    Versions before the last major bump were allowed to break, so they are not held against the head.
    """
    from dativo_check.core.versions import parse

    anchor = parse(base.version)
    if anchor is None:
        return []
    base_hash = content_hash(base.data)
    found = []
    for version in versions(config, head.id or "", paths, ref):
        parsed = parse(version.contract.version)
        if parsed is None or version.content_hash == base_hash:
            continue
        if parsed.major == anchor.major and parsed.compare(anchor) <= 0:
            found.append(version.contract)
    return found
