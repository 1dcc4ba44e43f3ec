"""Every version of a contract across git history: what changed between them and who changed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from dativo_check.config import Config
from dativo_check.contract import git
from dativo_check.contract.loader import load_bytes
from dativo_check.contract.model import Contract
from dativo_check.diff.engine import DiffOptions, compare
from dativo_check.diff.normal import content_hash
from dativo_check.model import Bump


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
    """Distinct versions (oldest first) of the contract with this id among the files at `paths` over history.

    One `git log` finds the commits, one `git cat-file --batch` reads every blob.
    """
    commits = git.log(config.root, paths, ref)
    wanted = set(paths)
    specs = [(commit, path) for commit, touched in commits for path in touched if path in wanted]
    blobs = git.read_blobs(config.root, [f"{commit.sha}:{path}" for commit, path in specs])
    found: list[HistoricalVersion] = []
    seen: set[str] = set()
    for commit, path in reversed(specs):
        raw = blobs.get(f"{commit.sha}:{path}")
        if raw is None:
            continue
        result = load_bytes(raw, path, config.limits)
        if result.document is None:
            continue
        contract = Contract(result.document)
        if contract.id != contract_id:
            continue
        digest = content_hash(contract.data)
        if digest in seen:
            continue
        seen.add(digest)
        found.append(HistoricalVersion(contract, commit, digest))
    return found


def history(config: Config, contract_id: str, paths: Sequence[str], options: DiffOptions) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    previous: Contract | None = None
    for version in versions(config, contract_id, paths):
        if previous is None:
            entries.append(HistoryEntry(version.commit, version.contract.file, version.contract.version,
                                        version.content_hash, Bump.NONE, False, 0))
        else:
            diff = compare(previous, version.contract, options)
            entries.append(HistoryEntry(version.commit, version.contract.file, version.contract.version,
                                        version.content_hash, diff.required_bump, diff.breaking, len(diff.changes)))
        previous = version.contract
    return entries


def earlier_in_major(config: Config, base: Contract, head: Contract, paths: Sequence[str],
                     ref: str) -> list[Contract]:
    """Versions before `base` in the same major line: what transitive modes also compare against.

    Versions before the last major bump were allowed to break, so they are not held against the head.
    """
    from dativo_check.diff.gate import parse

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
