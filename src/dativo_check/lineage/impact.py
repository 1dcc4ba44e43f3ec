"""Who is downstream of a change: for each changed contract, the datasets, dbt models, exposures and consumers that
read it, transitively, each with its owner and why it is affected.

A change to a property affects only what reads that property: affected columns are followed through column-level
edges (`transformSourceObjects`), and a dataset that reads other columns of a changed table is not listed. A change
to the table as a whole (removed, moved, SLA loosened, ...) affects everything downstream. Edges without column
detail (declared upstreams, consumers, dbt) pass the whole dataset on.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Sequence

from dativo_check.diff.engine import ContractDiff
from dativo_check.lineage.graph import IMPACT_KINDS, Edge, Graph, Node

WHOLE = "*"


@dataclass(frozen=True)
class Impacted:
    node: Node
    depth: int
    reason: str
    columns: tuple[str, ...]
    breaking: bool

    def to_dict(self) -> dict:
        return {"node": self.node.to_dict(), "depth": self.depth, "reason": self.reason,
                "columns": list(self.columns), "breaking": self.breaking}


@dataclass(frozen=True)
class ContractImpact:
    diff: ContractDiff
    changed: tuple[Node, ...]
    impacted: tuple[Impacted, ...]

    @property
    def breaking(self) -> bool:
        return self.diff.breaking

    def to_dict(self) -> dict:
        return {"id": self.diff.id, "file": self.diff.file or self.diff.base_file, "breaking": self.breaking,
                "required_bump": self.diff.required_bump.value,
                "changed": [node.to_dict() for node in self.changed],
                "impacted": [item.to_dict() for item in self.impacted]}


def impact(diffs: Sequence[ContractDiff], graph: Graph, depth: int | None = None) -> list[ContractImpact]:
    """Impact of every changed or deleted contract, breaking ones first."""
    found = []
    for diff in diffs:
        if diff.status == "added":
            continue
        datasets = graph.datasets_of(diff.id)
        found.append(ContractImpact(diff, tuple(datasets), tuple(_downstream(diff, datasets, graph, depth))))
    return sorted(found, key=lambda item: (not item.breaking, item.diff.id))


def _affected_columns(diff: ContractDiff, dataset: Node) -> dict[str, bool]:
    """Column (or WHOLE) -> whether a breaking change touches it, for the changes of one dataset."""
    affected: dict[str, bool] = {}
    for change in diff.changes:
        element = change.element
        owner, _, column = element.partition(".")
        if element and owner != dataset.object_name:
            continue
        key = column.split(".")[0].rstrip("[]") if column else WHOLE
        affected[key] = affected.get(key, False) or change.breaking
    if diff.status == "deleted":
        affected[WHOLE] = True
    elif diff.status == "not-compared":  # unknown changes: everything downstream may be affected
        affected.setdefault(WHOLE, False)
    return affected


def _downstream(diff: ContractDiff, datasets: Sequence[Node], graph: Graph, depth: int | None) -> list[Impacted]:
    reached: dict[str, Impacted] = {}
    changed = {dataset.id for dataset in datasets}
    queue: deque[tuple[Node, dict[str, bool], int]] = deque()
    for dataset in datasets:
        affected = _affected_columns(diff, dataset)
        if affected:
            queue.append((dataset, affected, 0))
    while queue:
        node, affected, level = queue.popleft()
        if depth is not None and level >= depth:
            continue
        for edge in graph.downstream_edges(node.id):
            if edge.kind not in IMPACT_KINDS:
                continue
            passed = _passed(edge, affected)
            if not passed:
                continue
            target = graph.nodes[edge.target]
            if target.id in reached or target.id in changed:
                continue
            columns = tuple(sorted(column for column in passed if column != WHOLE))
            reached[target.id] = Impacted(target, level + 1, _reason(node, edge, affected, columns),
                                          columns, any(passed.values()))
            queue.append((target, passed, level + 1))
    return sorted(reached.values(), key=lambda item: (item.depth, not item.breaking, item.node.label))


def _passed(edge: Edge, affected: dict[str, bool]) -> dict[str, bool]:
    """What of the affected columns the edge carries to its target (target columns, or WHOLE), and whether it is
    breaking there."""
    if not edge.columns:
        return {WHOLE: any(affected.values())}
    passed: dict[str, bool] = {}
    for link in edge.columns:
        if WHOLE in affected:
            hit: bool | None = affected[WHOLE]
        elif link.source_field is None:
            hit = any(affected.values())  # the source names a table, not a column: assume it reads the change
        else:
            hit = affected.get(link.source_field)
        if hit is not None:
            passed[link.target_field] = passed.get(link.target_field, False) or hit
    if WHOLE in affected and passed:
        passed[WHOLE] = affected[WHOLE]
    return passed


def _reason(source: Node, edge: Edge, affected: dict[str, bool], columns: tuple[str, ...]) -> str:
    if edge.kind == "consumes":
        return f"consumes {source.label}"
    if edge.kind == "dbt":
        return f"dbt depends on {source.label}"
    read = sorted({link.source_field for link in edge.columns
                   if link.source_field and (link.source_field in affected or WHOLE in affected)})
    if read and columns:
        return f"reads {source.label}." + ", ".join(read) + f" into {', '.join(columns)}"
    return f"reads {source.label}"
