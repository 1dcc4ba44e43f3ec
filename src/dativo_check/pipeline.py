"""The pull-request check: every stage against one base, into one `Report`.

validate -> diff with the version gate -> dbt drift -> lineage impact -> cost delta. The working tree is loaded once
and shared by every stage. A stage with nothing to work on (no base, no dbt project, no changed contract) is skipped
with a note in the report, never silently.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from dativo_check.config import Config
from dativo_check.contract import git
from dativo_check.contract.revision import Revision
from dativo_check.core.model import Finding, Level
from dativo_check.report import Report, settle

if TYPE_CHECKING:
    from dativo_check.contract.index import ContractIndex
    from dativo_check.contract.model import Contract
    from dativo_check.diff.engine import ContractDiff
    from dativo_check.diff.run import DiffRun
    from dativo_check.github.event import RunContext

FAIL_ON = ("error", "warning", "never")




@dataclass(frozen=True)
class CheckOptions:
    base: str | None
    base_reason: str
    paths: tuple[str, ...] = ()
    compat: str | None = None
    validate_all: bool = False
    fail_on: str = "error"
    fail_on_bump: bool = False
    pricing: str | None = None
    history: str | None = None
    dbt_manifest: str | None = None
    fail_on_existing: bool = False


@dataclass(frozen=True)
class GateDecision:
    """Whether the check fails, and the settings that decided it (they are shown in the report)."""

    failed: bool
    fail_on: str
    fail_on_bump: bool
    reasons: tuple[str, ...] = ()
    fail_on_existing: bool = False

    def to_dict(self) -> dict:
        return {"failed": self.failed, "fail_on": self.fail_on, "fail_on_bump": self.fail_on_bump,
                "fail_on_existing": self.fail_on_existing, "reasons": list(self.reasons)}


def run_checks(config: Config, options: CheckOptions, context: RunContext | None = None) -> Report:
    from dativo_check.diff.run import load_working_tree, scope_of

    notes: list[str] = []
    tree = load_working_tree(config, scope_of(options.paths, config))
    run: DiffRun | None = None
    findings: list[Finding] = list(tree.findings)
    base_sha = head_sha = None
    if options.base:
        from dativo_check.diff.run import diff_refs, ensure_available

        transitive = (options.compat or config.compat).endswith("-transitive")
        git.toplevel(config.root)
        shallow = git.is_shallow(config.root)
        if ensure_available(config.root, options.base, history=transitive):
            notes.append(f"fetched the base {options.base} from origin" + (" (a shallow clone)" if shallow else ""))
        base_sha = git.resolve(config.root, options.base)
        run = diff_refs(config, base_sha, None, options.paths, options.compat, working_tree=tree)
        findings = list(run.findings)
        head_sha = git.resolve(config.root, "HEAD")
    diffs = run.diffs if run is not None else ()
    findings += _validate(tree, run, config, options, notes)
    findings += _dbt_drift(config, tree, options, notes)
    impacts, view = _impact(config, tree, diffs, options, notes)
    cost = _cost(config, tree, diffs, options, notes)
    if context is not None and context.head_sha:
        head_sha = context.head_sha
    files = tuple(sorted({contract.file for contract in tree.contracts} | {f.file for f in findings}))
    report = settle(Report("ci", files, tuple(sorted(findings, key=Finding.sort_key)), diffs, base_sha, head_sha,
                           options.base_reason, tuple(impacts), view, cost, tuple(notes), context),
                    config.rule_levels)
    return dataclasses.replace(report, gate=decide(report, options.fail_on, options.fail_on_bump,
                                                   options.fail_on_existing))


def decide(report: Report, fail_on: str, fail_on_bump: bool, fail_on_existing: bool = False) -> GateDecision:
    """`fail_on` sets the least severe level that fails; only findings the change introduced count, unless
    `fail_on_existing`; `fail_on_bump` fails a wrong version bump whatever the level (so `--fail-on never
    --fail-on-bump` gates on versions only)."""
    from dativo_check.diff.gate import RULES as GATE_RULES

    threshold = {"error": Level.ERROR, "warning": Level.WARNING, "never": None}[fail_on]
    reasons = []
    if threshold is not None:
        failing = report.failed_at(threshold, fail_on_existing)
        if failing:
            new = "" if fail_on_existing or not report.baseline else "new "
            reasons.append(f"{len(failing)} {new}finding(s) at level {fail_on} or above")
    if fail_on_bump:
        version_rules = {rule.id for rule in GATE_RULES if rule.category in ("version", "layout")}
        wrong = [f for f in report.all_findings if f.rule in version_rules and f.level is not Level.INFO]
        if wrong:
            reasons.append(f"{len(wrong)} contract version(s) do not carry the bump their changes need")
    return GateDecision(bool(reasons), fail_on, fail_on_bump, tuple(reasons), fail_on_existing)


def _validate(tree: Revision, run: DiffRun | None, config: Config, options: CheckOptions,
              notes: list[str]) -> list[Finding]:
    """Schema and lint findings: of every contract without a base, else of what the change touches."""
    from dativo_check.contract.index import ContractIndex
    from dativo_check.validate.engine import check_contracts

    index = ContractIndex(tree.contracts, config if options.paths else None)
    if run is None:
        notes.append(f"validated all {len(tree.contracts)} contract(s)")
        return list(check_contracts(tree.contracts, config, index))
    findings, said = validate_change(run, config, index, options.validate_all, limited=bool(options.paths))
    notes.extend(said)
    if options.fail_on_existing:
        notes.append("--fail-on-existing: findings the base already had fail the check too")
    return findings


def validate_change(run: DiffRun, config: Config, index: ContractIndex, everything: bool = False,
                    limited: bool = False) -> tuple[list[Finding], list[str]]:
    """Schema and lint findings of the contracts a change adds or modifies and of the contracts whose references
    point into them (every contract with `everything`), each marked new or existing against its base copy:
    contracts nobody touched do not fail somebody else's pull request, and neither do problems the base already
    had. Also returns notes that say what was checked (`limited`: the run covers only some paths)."""
    from dativo_check.contract.index import ContractIndex
    from dativo_check.validate.engine import check_change

    head = run.head.contracts if run.head is not None else ()
    checked, dependents = _checked(head, run, everything)
    if everything:
        note = f"validated all {len(checked)} contract(s)"
    else:
        named = ", ".join(contract.label for contract in dependents[:10])
        more = f" and {len(dependents) - 10} more" if len(dependents) > 10 else ""
        depending = f", and {len(dependents)} that reference them ({named}{more})" if dependents else ""
        note = (f"validated the {len(checked) - len(dependents)} contract(s) this change adds or modifies"
                f"{depending} ({len(head)} in {'the named paths' if limited else 'the repository'})")
    base = run.base.contracts if run.base is not None else ()
    base_by_file = {contract.file: contract for contract in base}
    paired = {diff.file: diff.base_contract for diff in run.diffs if diff.file}
    base_of = {contract.file: paired[contract.file] if contract.file in paired else base_by_file.get(contract.file)
               for contract in checked}
    findings = check_change(checked, index, base_of, ContractIndex(base), config)
    return findings, [note, "findings are compared with the base: those it already had are shown as existing"]


def _checked(head: Sequence[Contract], run: DiffRun, everything: bool) -> tuple[list[Contract], list[Contract]]:
    """The contracts to validate: the changed ones and those whose references point into a changed one."""
    from dativo_check.contract.references import referenced_ids

    if everything:
        return list(head), []
    changed_files = {diff.file for diff in run.diffs if diff.file and diff.status != "deleted"}
    changed_ids = {diff.id for diff in run.diffs}
    changed = [contract for contract in head if contract.file in changed_files]
    dependents = [contract for contract in head
                  if contract.file not in changed_files and referenced_ids(contract) & changed_ids]
    return changed + dependents, dependents


def _dbt_drift(config: Config, tree: Revision, options: CheckOptions, notes: list[str]) -> list[Finding]:
    from dativo_check.dbt import drift

    out = config.root / config.dbt.out
    if not drift.present(out):
        notes.append(f"dbt drift not checked: no generated dbt files in {config.dbt.out}/")
        return []
    if tree.findings or options.paths:
        reason = "some contracts could not be loaded" if tree.findings else "the check is limited to some paths"
        notes.append(f"dbt drift not checked: {reason}")
        return []
    result = drift.check(tree.contracts, config.dbt, out, config.root)
    notes.append(f"dbt drift checked in {config.dbt.out}/: {result.summary}")
    return list(result.findings)


def _impact(config: Config, tree: Revision, diffs: Sequence[ContractDiff], options: CheckOptions,
            notes: list[str]) -> tuple[list, dict | None]:
    if not diffs:
        return [], None
    from dativo_check.lineage.graph import build, manifest_for
    from dativo_check.lineage.impact import impact
    from dativo_check.report.lineage_format import impact_view

    manifest = manifest_for(config, options.dbt_manifest)
    previous = [diff.base_contract for diff in diffs if diff.base_contract is not None]
    graph = build(tree.contracts, manifest, previous)
    impacts = impact(diffs, graph)
    if not any(item.impacted for item in impacts):
        notes.append("lineage: nothing downstream of the changed contracts")
    return impacts, impact_view(impacts, graph, config.lineage.depth, config.lineage.max_nodes)


def _cost(config: Config, tree: Revision, diffs: Sequence[ContractDiff], options: CheckOptions,
          notes: list[str]):
    if not diffs:
        return None
    from dativo_check.finops.delta import compare_costs
    from dativo_check.finops.pricing import inputs

    pricing, history = inputs(config, options.pricing, options.history)
    pairs = [(diff.base_contract, diff.head_contract) for diff in diffs if diff.compared]
    report = compare_costs(pairs, pricing, history.runs, config.finops.thresholds)
    if history.findings:
        notes.append(f"{len(history.findings)} run-metrics file(s) could not be read; their runs are left out")
    return dataclasses.replace(report, findings=report.findings + tuple(history.findings))
