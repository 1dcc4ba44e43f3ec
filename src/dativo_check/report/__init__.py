"""Reports: one `Report` per run, rendered as text, JSON, GitHub annotations, SARIF or JUnit."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

from dativo_check.core.model import Change, Finding, Level, apply_levels, count_levels

if TYPE_CHECKING:
    from dativo_check.pipeline import GateDecision
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
    def baseline(self) -> bool:
        """Whether findings were compared with a base (each is then new or existing)."""
        return any(finding.new is not None for finding in self.findings)

    @property
    def existing(self) -> int:
        """Findings the base already had: shown, but they do not fail the check by default."""
        return sum(1 for finding in self.all_findings if not finding.counts)

    def failed_at(self, level: Level, include_existing: bool = False) -> list[Finding]:
        """The findings at `level` or above that fail the check."""
        return [finding for finding in self.all_findings
                if finding.level.rank >= level.rank and (include_existing or finding.counts)]

    @property
    def failed(self) -> bool:
        return bool(self.failed_at(Level.ERROR))


def settle(report: Report, levels: Mapping[str, Level]) -> Report:
    """Configured levels and `off` applied to every finding of every section (validation, load, gate, allowlist,
    dbt, cost, context) and to changes of rules switched off: the one place they are applied, after the stages
    and before the gate and the renderers."""
    if not levels:
        return report
    diffs = tuple(dataclasses.replace(
        diff, findings=tuple(apply_levels(diff.findings, levels)),
        changes=tuple(change for change in diff.changes if levels.get(change.rule) is not Level.OFF))
        for diff in report.diffs)
    cost = report.cost
    if cost is not None:
        cost = dataclasses.replace(cost, findings=tuple(apply_levels(cost.findings, levels)))
    return dataclasses.replace(report, findings=tuple(apply_levels(report.findings, levels)), diffs=diffs,
                               cost=cost)


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
