"""Reports: one `Report` per run, rendered as text, JSON, GitHub annotations, SARIF or JUnit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from dativo_check.model import Change, Finding, Level, count_levels

if TYPE_CHECKING:
    from dativo_check.ci import GateDecision
    from dativo_check.diff.engine import ContractDiff
    from dativo_check.finops.delta import CostReport
    from dativo_check.github.event import RunContext
    from dativo_check.lineage.impact import ContractImpact

FORMATS = ("text", "json", "github", "sarif", "junit")


@dataclass(frozen=True)
class Report:
    """Everything one run found; every renderer reads this and nothing else."""

    command: str
    files: tuple[str, ...]
    findings: tuple[Finding, ...]
    diffs: tuple[ContractDiff, ...] = ()
    base: str | None = None
    head: str | None = None
    # the pull-request check (`ci`) adds these
    base_reason: str | None = None
    impacts: tuple[ContractImpact, ...] = ()
    impact_view: dict | None = field(default=None, compare=False)
    cost: CostReport | None = None
    notes: tuple[str, ...] = ()
    run: RunContext | None = None
    gate: GateDecision | None = None

    @property
    def all_findings(self) -> tuple[Finding, ...]:
        """Findings plus every change as a finding at its line, for formats that know only findings."""
        changes = tuple(change_finding(change) for diff in self.diffs for change in diff.changes)
        gates = tuple(finding for diff in self.diffs for finding in diff.findings)
        costs = self.cost.findings if self.cost is not None else ()
        return tuple(sorted(self.findings + gates + changes + costs, key=Finding.sort_key))

    @property
    def summary(self) -> dict[str, int]:
        return count_levels(list(self.all_findings))

    @property
    def failed(self) -> bool:
        return any(finding.level is Level.ERROR for finding in self.all_findings)


def change_finding(change: Change) -> Finding:
    message = change.message
    if change.accepted is not None:
        message += f" (accepted by the allowlist: {change.accepted})"
    elif change.covered:
        message += f" (covered by the {change.bump.value} bump)"
    return Finding(change.rule, change.level, message, change.file, change.line, 1, change.path,
                   None if change.covered or change.accepted else change.hint)


def renderer(fmt: str) -> Callable[..., str]:
    """The render function of a format, imported only when used."""
    import importlib

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"dativo_check.report.{fmt}_format")
    return module.render
