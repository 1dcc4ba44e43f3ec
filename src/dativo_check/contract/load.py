"""Load many contract files at once: each is read and parsed exactly once, on every core when there are many."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from dativo_check.config import Config
from dativo_check.contract.discover import display_path
from dativo_check.yamlio.loader import Limits, LoadResult, load_path
from dativo_check.contract.model import Contract
from dativo_check.core.model import Finding

# Below this many files a second process costs more than it saves.
PARALLEL_FROM = 200


@dataclass(frozen=True)
class Loaded:
    contracts: tuple[Contract, ...]
    findings: tuple[Finding, ...]
    files: int


def load_contracts(paths: Iterable[str], config: Config) -> Loaded:
    located = [_locate(given, config) for given in paths]
    results = _load_all(located, config.limits)
    contracts = [Contract(result.document) for result in results if result.document is not None]
    findings = [finding for result in results for finding in result.findings]
    return Loaded(tuple(contracts), tuple(findings), len(located))


def _locate(given: str, config: Config) -> tuple[str, str]:
    path = Path(given)
    if not path.is_absolute() and not path.exists():
        path = config.root / given
    return str(path), display_path(path, config.root)


def _load_all(located: Sequence[tuple[str, str]], limits: Limits) -> list[LoadResult]:
    workers = min(os.cpu_count() or 1, 8)
    if len(located) < PARALLEL_FROM or workers < 2 or sys.platform != "linux":
        return _load_chunk(located, limits)
    import multiprocessing

    chunks = [located[index::workers] for index in range(workers)]
    # fork shares the already imported code; the parent loads the first share itself meanwhile
    with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
        pending = [pool.apply_async(_load_chunk, (chunk, limits)) for chunk in chunks[1:]]
        shares = [_load_chunk(chunks[0], limits)] + [job.get() for job in pending]
    ordered: list[LoadResult] = [None] * len(located)  # type: ignore[list-item]
    for index, share in enumerate(shares):
        ordered[index::workers] = share
    return ordered


def _load_chunk(located: Sequence[tuple[str, str]], limits: Limits) -> list[LoadResult]:
    return [load_path(path, display, limits) for path, display in located]

