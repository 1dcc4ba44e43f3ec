"""Load many contract files at once: each is read and parsed exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from dativo_check.config import Config
from dativo_check.contract.discover import display_path
from dativo_check.contract.loader import load_path
from dativo_check.contract.model import Contract
from dativo_check.model import Finding


@dataclass(frozen=True)
class Loaded:
    contracts: tuple[Contract, ...]
    findings: tuple[Finding, ...]
    files: int


def load_contracts(paths: Iterable[str], config: Config) -> Loaded:
    contracts: list[Contract] = []
    findings: list[Finding] = []
    count = 0
    for given in paths:
        count += 1
        path = Path(given)
        if not path.is_absolute() and not path.exists():
            path = config.root / given
        result = load_path(path, display_path(path, config.root), config.limits)
        findings.extend(result.findings)
        if result.document is not None:
            contracts.append(Contract(result.document))
    return Loaded(tuple(contracts), tuple(findings), count)
