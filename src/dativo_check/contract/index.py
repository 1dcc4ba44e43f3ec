"""What the repository holds beyond the files being checked: contract ids, and the contracts they name.

Checking one staged file must still know whether its id is taken and whether the contracts it references exist.
The index scans the repository's contract files cheaply (a text search for `id:`), and parses a file only when a
rule asks for that contract.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

from dativo_check.config import Config
from dativo_check.contract.model import Contract
from dativo_check.core.versions import sort_key

_ID_LINE = re.compile(rb"^id:[ \t]*[\"']?([^\"'#\r\n]+?)[\"']?[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)
_VERSION_LINE = re.compile(rb"^version:[ \t]*[\"']?([^\"'#\r\n]+?)[\"']?[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)


@dataclass(frozen=True)
class IndexEntry:
    id: str
    version: str | None
    file: str


class ContractIndex:
    """Contracts by id: those loaded for this run and, when `config` is given, every other one in the repository
    at `root` (default: the configuration's root), named as findings name files."""

    def __init__(self, loaded: Iterable[Contract], config: Config | None = None, root: Path | None = None) -> None:
        self._loaded: dict[str, list[Contract]] = {}
        for contract in loaded:
            if contract.id:
                self._loaded.setdefault(contract.id, []).append(contract)
        self._config = config
        self._root = root if root is not None or config is None else config.root
        self._parsed: dict[str, Contract | None] = {}

    @cached_property
    def entries(self) -> tuple[IndexEntry, ...]:
        """Every contract of the run and of the repository, by a cheap scan of the files."""
        seen = {contract.file for group in self._loaded.values() for contract in group}
        found = [IndexEntry(contract.id, contract.version, contract.file)
                 for group in self._loaded.values() for contract in group]
        if self._config is not None and self._root is not None:
            from dativo_check.contract.discover import display_path, scan

            config = self._config
            if self._root != config.root:  # another repository: its own files, not this one's globs
                config = dataclasses.replace(config, root=self._root, paths=(), exclude=())
            for relative, raw in scan(config):
                file = relative if config is self._config else display_path(self._root / relative,
                                                                             self._config.root)
                contract_id = scan_id(raw) if file not in seen else None
                if contract_id is not None:
                    version = _VERSION_LINE.search(raw)
                    found.append(IndexEntry(contract_id, version.group(1).decode("utf-8", "replace").strip()
                                            if version else None, file))
        return tuple(found)

    def ids(self) -> list[str]:
        return sorted({entry.id for entry in self.entries})

    def files_with_id(self, contract_id: str) -> list[IndexEntry]:
        return [entry for entry in self.entries if entry.id == contract_id]

    def contract(self, contract_id: str) -> Contract | None:
        """The contract with this id, preferring one loaded for this run, else the newest version in the repo."""
        if contract_id in self._loaded:
            return max(self._loaded[contract_id], key=lambda c: sort_key(c.version))
        if contract_id not in self._parsed:
            self._parsed[contract_id] = self._load(contract_id)
        return self._parsed[contract_id]

    def _load(self, contract_id: str) -> Contract | None:
        if self._config is None:
            return None
        from dativo_check.yamlio.loader import load_path

        candidates = sorted(self.files_with_id(contract_id), key=lambda e: sort_key(e.version), reverse=True)
        for entry in candidates:
            result = load_path(self._config.root / entry.file, entry.file, self._config.limits)
            if result.document is not None:
                return Contract(result.document)
        return None


def scan_id(raw: bytes) -> str | None:
    """The root `id:` of a contract file, found without parsing it."""
    match = _ID_LINE.search(raw)
    return match.group(1).decode("utf-8", "replace").strip() if match else None


def by_repository(contracts: Sequence[Contract], config: Config) -> list[tuple[list[Contract], ContractIndex]]:
    """Named contracts grouped by the repository each file lives in, each group with the index of its repository;
    files outside any repository are compared only with each other."""
    from dativo_check.config import repository_root

    roots: dict[Path, Path | None] = {}
    groups: dict[Path | None, list[Contract]] = {}
    for contract in contracts:
        folder = (config.root / contract.file).resolve().parent
        if folder not in roots:
            roots[folder] = repository_root(folder)
        groups.setdefault(roots[folder], []).append(contract)
    return [(members, ContractIndex(members, config, root) if root is not None else ContractIndex(members))
            for root, members in groups.items()]
