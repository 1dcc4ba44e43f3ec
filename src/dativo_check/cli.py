"""The command line: parse arguments, call one stage function, render, choose the exit code.

Exit codes: 0 no error-level findings, 1 error-level findings (the gate fails), 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from dativo_check import __version__
from dativo_check.cliutil import config as _config
from dativo_check.cliutil import emit as _emit
from dativo_check.cliutil import require_existing as _require_existing
from dativo_check.cliutil import use_color as _use_color
from dativo_check.cliutil import write_file as _write_file
from dativo_check.core.errors import UsageError
from dativo_check.core.model import Level

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Commands with a default action and named sub-actions, such as `lineage [PATHS]` and `lineage impact`.
_SPLIT_COMMANDS = {("lineage", "impact"), ("lineage", "record"), ("cost", "anomalies"), ("cost", "export")}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 itself; keep its message short and uniform
        self.print_usage(sys.stderr)
        raise SystemExit(f"{self.prog}: error: {message}")


def _common(parser: argparse.ArgumentParser, formats: Sequence[str] | None = None) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE", help="configuration file (default: .dativo-check.yaml "
                                                                    "or [tool.dativo-check] in pyproject.toml)")
    if formats:
        parser.add_argument("--format", "-f", choices=formats, default="text", help="output format (default: text)")
        parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE")
        parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                            help="colour text output (auto: only on a terminal, honouring NO_COLOR)")


def _git_options(parser: argparse.ArgumentParser, default_base: str | None = None) -> None:
    from dativo_check.core.model import MODES

    parser.add_argument("--base", metavar="REF", default=default_base,
                        help="git ref to compare against" + (f" (default {default_base})" if default_base else ""))
    parser.add_argument("--head", metavar="REF", help="git ref to compare (default: the working tree)")
    parser.add_argument("--compat", choices=MODES, help="compatibility mode (default: forward, or `compat` in the "
                                                        "configuration)")
    parser.add_argument("--fetch", action="store_true", help="fetch missing refs from origin (deepens shallow clones)")


def _profile_options(parser: argparse.ArgumentParser) -> None:
    """The three profile states: advisory (warnings, the default without a `profile` section), enforced, off."""
    parser.add_argument("--profile", dest="profile", action="store_true", default=None,
                        help="enforce the Dativo profile rules at their own level (default: warnings, unless the "
                             "configuration has a `profile` section)")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip the Dativo profile rules (owner, classification, retention, cost centre)")


def _fail_on_existing(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fail-on-existing", action="store_true",
                        help="count findings the base already had toward failing, not only those the change "
                             "introduces")


def _finops_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pricing", metavar="FILE",
                        help="pricing file (default: finops.pricing, else the shipped one)")
    parser.add_argument("--history", metavar="DIR", help="run-metrics folder (default: finops.history, .finops)")


def build_parser() -> argparse.ArgumentParser:
    from dativo_check.report import FORMATS

    parser = _Parser(prog="dativo-check", description="Keep ODCS data contracts honest in code review.")
    parser.add_argument("--version", action="version", version=f"dativo-check {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    validate = commands.add_parser("validate", help="validate contracts against the ODCS schema and lint rules",
                                   description="Validate contracts (all contracts of the repository when no paths "
                                               "are given) against the ODCS schema of their apiVersion, the lint "
                                               "rules and the Dativo profile.")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="contract files or folders")
    _common(validate, FORMATS)
    validate.add_argument("--strict", action="store_true", default=None,
                          help="use the strict ODCS schema where one exists (v3.0.2)")
    _profile_options(validate)
    validate.add_argument("--contracts-only", action="store_true",
                          help="skip named files that are not contracts (for hooks that pass every staged YAML file)")
    validate.set_defaults(handler=_validate)

    rules = commands.add_parser("rules", help="list every rule with its id, level and explanation")
    rules.add_argument("rule", nargs="?", metavar="RULE_ID", help="show one rule in full")
    rules.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    rules.set_defaults(handler=_rules)

    diff = commands.add_parser(
        "diff", help="classify the changes between two versions of contracts and check their version bump",
        description="Compare two contract files (diff OLD NEW), or the working tree with a git ref "
                    "(diff --base REF [PATHS]): every change with its verdict under the compatibility mode, the "
                    "bump it requires, and the version gate.")
    diff.add_argument("paths", nargs="*", metavar="PATH", help="OLD NEW without --base; with --base, limit to PATHS")
    _git_options(diff)
    _common(diff, FORMATS)
    diff.add_argument("--pre-commit", action="store_true",
                      help="hook mode: staged contracts against HEAD, or the pushed range in the pre-push stage")
    _profile_options(diff)
    _fail_on_existing(diff)
    diff.set_defaults(handler=_diff)

    history = commands.add_parser("history", help="every version of a contract in git history, with its bump")
    history.add_argument("contract", metavar="ID_OR_PATH")
    history.add_argument("--format", "-f", choices=("text", "json"), default="text")
    _common(history)
    history.set_defaults(handler=_history)

    bump = commands.add_parser("bump", help="set changed contracts to the version their changes need",
                               description="Set each changed contract's version to its next version; in the "
                                           "specs/<source>/vMAJOR.MINOR layout a minor or major bump writes a new "
                                           "version folder and leaves the released one untouched. Without "
                                           "--write, prints what it would do.")
    bump.add_argument("paths", nargs="*", metavar="PATH")
    _git_options(bump, default_base="HEAD")
    bump.add_argument("--write", action="store_true", help="make the changes")
    _common(bump)
    bump.set_defaults(handler=_bump)

    lineage = commands.add_parser(
        "lineage", help="the lineage graph of the contracts (json, mermaid, dot, openlineage)",
        description="Show the lineage the contracts describe. Also: `lineage impact --base REF` (who is downstream "
                    "of a change) and `lineage record` (a run's OpenLineage event).")
    lineage.add_argument("paths", nargs="*", metavar="PATH")
    lineage.add_argument("--format", "-f", choices=("json", "mermaid", "dot", "openlineage"), default="json")
    lineage.add_argument("--output", "-o", type=Path, metavar="FILE")
    lineage.add_argument("--dbt-manifest", metavar="FILE", help="add the models and exposures of a dbt manifest.json")
    _common(lineage)
    lineage.set_defaults(handler=_lineage)

    impact = commands.add_parser("lineage-impact", help="(lineage impact) who is downstream of a change",
                                 description="For each contract that changed against --base, everything downstream "
                                             "of it, transitively, with owners and the reason each is affected.")
    impact.add_argument("paths", nargs="*", metavar="PATH")
    _git_options(impact, default_base=None)
    impact.add_argument("--format", "-f", choices=("text", "json", "mermaid"), default="text")
    impact.add_argument("--output", "-o", type=Path, metavar="FILE")
    impact.add_argument("--depth", type=int, metavar="N", help="steps downstream in the flowchart (default 2)")
    impact.add_argument("--dbt-manifest", metavar="FILE")
    _common(impact)
    impact.set_defaults(handler=_lineage_impact)

    record = commands.add_parser(
        "lineage-record", help="(lineage record) write a run's OpenLineage RunEvent, and post it",
        description="Write an OpenLineage RunEvent for one run of a job to .lineage/<tenant>/<job>_<time>.json, "
                    "with the run metrics as a facet; with --emit, post it to an OpenLineage endpoint (the token "
                    "is read from OPENLINEAGE_API_KEY).")
    record.add_argument("--tenant", required=True)
    record.add_argument("--job", required=True)
    record.add_argument("--status", required=True, help="start, running, complete, fail or abort")
    record.add_argument("--metrics", metavar="FILE", help="the run's metrics (JSON)")
    record.add_argument("--run-id", metavar="UUID", help="default: from the metrics, else derived or random")
    record.add_argument("--job-namespace", metavar="NAMESPACE", help="default: the tenant")
    record.add_argument("--error", metavar="MESSAGE", help="the failure message of a failed run")
    record.add_argument("--emit", metavar="URL", help="post the event to this OpenLineage endpoint")
    record.add_argument("--retries", type=int, default=3, metavar="N")
    record.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS")
    _common(record)
    record.set_defaults(handler=_lineage_record)

    cost = commands.add_parser(
        "cost", help="monthly cost of contracts, or of a change (--base); also: cost anomalies, cost export",
        description="Estimate the monthly cost of each contract (compute, storage, network, API calls), from "
                    "declared usage or measured run metrics; with --base, the cost before and after a change and "
                    "what drives the difference.")
    cost.add_argument("paths", nargs="*", metavar="PATH")
    _git_options(cost, default_base=None)
    cost.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    cost.add_argument("--output", "-o", type=Path, metavar="FILE")
    _finops_options(cost)
    _common(cost)
    cost.set_defaults(handler=_cost)

    ci = commands.add_parser(
        "ci", help="the pull-request check: validate, diff, dbt drift, impact and cost, with one report",
        description="Run every check against the pull request's base and publish one report: text on stdout, "
                    "annotations, the step summary, step outputs, SARIF and JSON files and, with --comment, the one "
                    "pull-request comment. The base is --base, else the pull request, merge group or push of "
                    "GITHUB_EVENT_PATH; without one, contracts are only validated.")
    ci.add_argument("paths", nargs="*", metavar="PATH", help="limit the check to these contracts or folders")
    ci.add_argument("--base", metavar="REF", help="git ref to compare with (default: from the GitHub event)")
    from dativo_check.core.model import MODES

    ci.add_argument("--compat", choices=MODES, help="compatibility mode (default: `compat` in the configuration)")
    ci.add_argument("--all", dest="validate_all", action="store_true",
                    help="validate every contract, not only those the change touches")
    ci.add_argument("--fail-on", choices=("error", "warning", "never"), default="error",
                    help="the least severe level that fails the check (default: error)")
    ci.add_argument("--fail-on-bump", action="store_true",
                    help="fail when a contract's version does not carry its changes, whatever --fail-on says")
    _fail_on_existing(ci)
    _profile_options(ci)
    ci.add_argument("--comment", action="store_true", help="create or update the pull-request comment")
    ci.add_argument("--comment-author", metavar="LOGIN", default=None,
                    help="login the token comments as (default: github-actions[bot])")
    ci.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report (schemas/report.schema.json)")
    ci.add_argument("--sarif", type=Path, metavar="FILE", help="write a SARIF 2.1.0 file for code scanning")
    ci.add_argument("--markdown", type=Path, metavar="FILE", help="write the comment's Markdown")
    ci.add_argument("--annotations", choices=("auto", "always", "never"), default="auto",
                    help="print GitHub annotations (auto: when GITHUB_ACTIONS is true)")
    _finops_options(ci)
    ci.add_argument("--dbt-out", metavar="DIR", help="dbt project folder checked for drift (default: dbt.out)")
    ci.add_argument("--dbt-manifest", metavar="FILE", help="add dbt models and exposures to the lineage impact")
    _common(ci)
    ci.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    ci.set_defaults(handler=_ci)

    publish = commands.add_parser(
        "publish", help="post the pull-request comment of a report made by an unprivileged workflow",
        description="In a `workflow_run` workflow: render the comment from REPORT (the JSON report artifact of a "
                    "`ci` run on a pull request, possibly from a fork) and post it. Nothing of the pull request's "
                    "code runs; the report is validated and everything in it escaped.")
    publish.add_argument("report", type=Path, metavar="REPORT")
    publish.add_argument("--comment-author", metavar="LOGIN", default=None)
    publish.set_defaults(handler=_publish)

    export = commands.add_parser(
        "cost-export", help="(cost export) the cost estimates as FOCUS 1.2 billing data",
        description="Export the monthly cost estimate of each contract as FinOps FOCUS 1.2 rows (one per contract "
                    "and cost component: compute, storage, network, API calls), as CSV or JSON. See docs/focus.md.")
    export.add_argument("paths", nargs="*", metavar="PATH")
    export.add_argument("--format", "-f", choices=("focus-csv", "focus-json"), default="focus-csv")
    export.add_argument("--period", metavar="YYYY-MM", help="billing period (default: the current month, UTC)")
    export.add_argument("--output", "-o", type=Path, metavar="FILE")
    _finops_options(export)
    _common(export)
    export.set_defaults(handler=_cost_export)

    anomalies = commands.add_parser(
        "cost-anomalies", help="(cost anomalies) runs whose cost or usage departs from their job's baseline",
        description="Over the run-metrics history of each job, flag runs whose cost or usage departs from the recent "
                    "baseline (median and MAD): spikes, steps and drifts, each explained, with contract version "
                    "changes named. See docs/finops-anomalies.md.")
    _finops_options(anomalies)
    anomalies.add_argument("--format", "-f", choices=("text", "json"), default="text")
    anomalies.add_argument("--output", "-o", type=Path, metavar="FILE")
    _common(anomalies)
    anomalies.set_defaults(handler=_cost_anomalies, paths=[])

    dbt = commands.add_parser("dbt", help="generate dbt sources, models, exposures and tests from contracts")
    dbt_commands = dbt.add_subparsers(dest="dbt_command", metavar="SUBCOMMAND", parser_class=_Parser)
    dbt_commands.required = True
    generate = dbt_commands.add_parser(
        "generate", help="write dbt property files, SQL and tests generated from the contracts",
        description="Generate dbt sources (with freshness and data tests), exposures and, with --models, staging "
                    "models with enforced contracts. --check writes nothing and exits 1 when the files drifted or "
                    "could not all be compared. --explain writes nothing, lists what has no dbt form and exits 0. "
                    "Symlinks, special files and non-UTF-8 files in the output folder are never read or replaced: "
                    "they are reported (rule dbt-output-skipped). See docs/dbt.md.")
    generate.add_argument("paths", nargs="*", metavar="PATH", help="contracts (default: all of the repository)")
    generate.add_argument("--out", type=Path, metavar="DIR", help="dbt project folder (default: dbt.out, else dbt)")
    generate.add_argument("--models", action="store_true", default=None, help="also generate staging models")
    generate.add_argument("--check", action="store_true",
                          help="write nothing; show the drift and exit 1 if any, or if a file could not be compared")
    generate.add_argument("--explain", action="store_true",
                          help="only list what the contracts state that has no dbt form (otherwise only counted); "
                               "writes nothing, exit 0")
    generate.add_argument("--fail-on-change", action="store_true",
                          help="exit 1 when files were written (hooks: the new files must be staged)")
    _common(generate)
    generate.set_defaults(handler=_dbt_generate)
    init = dbt_commands.add_parser("init", help="write a minimal dbt_project.yml around the generated files")
    init.add_argument("--out", type=Path, metavar="DIR", help="dbt project folder (default: dbt.out, else dbt)")
    init.add_argument("--force", action="store_true", help="replace an existing dbt_project.yml")
    _common(init)
    init.set_defaults(handler=_dbt_init)

    from dativo_check.context import cli as context_cli

    context_cli.register(commands, _common)

    migrate = commands.add_parser("migrate", help="convert legacy Dativo asset files into ODCS v3.0.2 contracts",
                                  description="Convert legacy Dativo asset files into ODCS v3.0.2 contracts. "
                                              "Without --write or --out, prints the converted contracts (each "
                                              "after a `# --- FILE` line when there are several); notes go to "
                                              "stderr. See docs/migration.md.")
    migrate.add_argument("files", nargs="+", metavar="FILE")
    target = migrate.add_mutually_exclusive_group()
    target.add_argument("--write", action="store_true", help="replace each file with its converted contract")
    target.add_argument("--out", type=Path, metavar="DIR",
                        help="write converted contracts into DIR/<source>/vMAJOR.MINOR/<object>.yaml")
    migrate.add_argument("--force", action="store_true",
                         help="with --out, overwrite existing files whose content differs")
    _common(migrate)
    migrate.set_defaults(handler=_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import gc

    # A run allocates many small, acyclic objects (parsed contracts) and ends soon after: the default collector
    # thresholds make it traverse them again and again (about 40% of a 1,000-contract run).
    gc.set_threshold(50_000, 20, 20)
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) > 1 and (argv[0], argv[1]) in _SPLIT_COMMANDS:
        argv = [f"{argv[0]}-{argv[1]}", *argv[2:]]  # `lineage impact` reads better than a subcommand of its own
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
            return EXIT_ERROR
        return int(stop.code or 0)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UsageError as error:
        print(f"dativo-check: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("dativo-check: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence: a message, never a traceback
        if os.environ.get("DATIVO_CHECK_DEBUG"):
            raise
        print(f"dativo-check: internal error: {type(error).__name__}: {error}\n"
              "Set DATIVO_CHECK_DEBUG=1 to see the traceback, and please report it.", file=sys.stderr)
        return EXIT_ERROR


def _validate(args: argparse.Namespace) -> int:
    from dativo_check.report import Report, renderer, settle
    from dativo_check.validate.engine import validate

    config = _config(args).with_options(strict=args.strict, profile=args.profile)
    _require_existing(args.paths)
    paths = args.paths
    if args.contracts_only:
        from dativo_check.contract.discover import only_contracts

        paths = only_contracts(paths, config)
        if not paths:
            return EXIT_OK
    result = validate(paths, config)
    if not result.files:
        raise UsageError("no contracts found; name contract files, or run in a repository that has "
                         "files with `kind: DataContract` (or set `paths` in .dativo-check.yaml)")
    files = tuple(sorted({*(c.file for c in result.contracts), *(f.file for f in result.findings)}))
    report = settle(Report("validate", files, result.findings), config.rule_levels)
    _emit(renderer(args.format)(report, color=_use_color(args)), args)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    import json

    from dativo_check import catalog
    from dativo_check.docs import compatibility_table, rule_markdown, rules_table

    rules = catalog.all_rules()
    if args.rule:
        chosen = [rule for rule in rules if rule.id == args.rule]
        if not chosen:
            raise UsageError(f"unknown rule id {args.rule!r}; `dativo-check rules` lists them")
        rules = chosen
    if args.format == "json":
        sys.stdout.write(json.dumps([rule.to_dict() for rule in rules], indent=2) + "\n")
    elif args.format == "markdown" or args.rule:
        sys.stdout.write("\n".join(rule_markdown(rule) for rule in rules))
    else:
        sys.stdout.write(rules_table(rules, markdown=False))
        if any(rule.compatibility for rule in rules):
            sys.stdout.write("\nChange rules: direction, verdict per compatibility mode, bump required\n\n"
                             + compatibility_table(rules, markdown=False))
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from dativo_check.diff.run import diff_files, diff_refs
    from dativo_check.report import Report, renderer, settle

    config = _config(args).with_options(profile=args.profile)
    paths = args.paths
    base, head = args.base, args.head
    if args.pre_commit:
        from dativo_check.contract import git
        from dativo_check.contract.discover import only_contracts

        base = os.environ.get("PRE_COMMIT_FROM_REF") or base or "HEAD"
        head = os.environ.get("PRE_COMMIT_TO_REF") or head
        paths = only_contracts([path for path in paths if os.path.exists(path)], config) + [
            path for path in paths if not os.path.exists(path)]
        if not paths:
            return EXIT_OK
        if base == "HEAD" and not git.has_commits(config.root):
            return EXIT_OK  # the first commit: nothing to compare with
    if base is None:
        if len(paths) != 2:
            raise UsageError("diff needs two files (diff OLD NEW), or --base REF to compare with git")
        _require_existing(paths)
        run = diff_files(paths[0], paths[1], config, args.compat)
    else:
        run = diff_refs(config, base, head, paths, args.compat, args.fetch)
    findings = [*run.findings, *_validation_of(run, config, scanned=base is not None and bool(paths))]
    report = settle(Report("diff", run.files, tuple(sorted(findings, key=lambda f: f.sort_key())), run.diffs,
                           run.base_sha or run.base_label, run.head_sha or run.head_label), config.rule_levels)
    _emit(renderer(args.format)(report, color=_use_color(args)), args)
    return EXIT_FINDINGS if report.failed_at(Level.ERROR, args.fail_on_existing) else EXIT_OK


def _validation_of(run, config, scanned: bool) -> list:
    """The schema and lint findings of what a diff changed, new or existing against its base; `scanned`: the
    diff covers only some paths, so the rest of the repository is scanned for ids and references."""
    from dativo_check.pipeline import validate_change
    from dativo_check.contract.index import ContractIndex

    if run.head is None:
        return []
    findings, _ = validate_change(run, config, ContractIndex(run.head.contracts, config if scanned else None),
                                  limited=scanned)
    return findings


def _history(args: argparse.Namespace) -> int:
    from dativo_check.diff.history import contract_files, history
    from dativo_check.diff.run import options_from
    from dativo_check.report.history_format import render

    config = _config(args)
    contract_id, paths = contract_files(config, args.contract)
    entries = history(config, contract_id, paths, options_from(config))
    sys.stdout.write(render(contract_id, entries, args.format))
    return EXIT_OK


def _bump(args: argparse.Namespace) -> int:
    from dativo_check.diff import bump
    from dativo_check.diff.run import diff_refs

    config = _config(args)
    if args.head:
        raise UsageError("bump writes to the working tree; --head is not supported")
    run = diff_refs(config, args.base, None, args.paths, args.compat, args.fetch)
    actions = bump.plan(run, config)
    if not actions:
        print("every changed contract already has a correct version")
        return EXIT_OK
    for action in actions:
        print(("" if args.write else "would ") + action.describe())
    if args.write:
        bump.apply(actions, config)
    return EXIT_OK


def _lineage(args: argparse.Namespace) -> int:
    from dativo_check.lineage.graph import from_repository
    from dativo_check.report.lineage_format import graph_dot, graph_json, graph_mermaid

    config = _config(args)
    _require_existing(args.paths)
    graph, found = from_repository(config, args.paths, args.dbt_manifest)
    findings = _print_problems("lineage", found, config)
    if args.format == "openlineage":
        from dativo_check.lineage.openlineage import events_json

        text = events_json(graph, config.lineage.job_namespace)
    else:
        text = {"json": graph_json, "mermaid": graph_mermaid, "dot": graph_dot}[args.format](graph)
    args.color = "never"
    _emit(text, args)
    return EXIT_FINDINGS if findings else EXIT_OK


def _lineage_impact(args: argparse.Namespace) -> int:
    from dativo_check.diff.run import diff_refs
    from dativo_check.lineage.graph import from_repository
    from dativo_check.lineage.impact import impact
    from dativo_check.report.lineage_format import impact_json, impact_mermaid, impact_text

    config = _config(args)
    if args.base is None:
        raise UsageError("lineage impact needs --base REF (the git ref to compare with)")
    run = diff_refs(config, args.base, args.head, args.paths, args.compat, args.fetch)
    previous = [diff.base_contract for diff in run.diffs if diff.base_contract is not None]
    graph, _ = from_repository(config, (), args.dbt_manifest, previous)
    impacts = impact(run.diffs, graph)
    if args.format == "json":
        text = impact_json(impacts, run.base_sha)
    elif args.format == "mermaid":
        text = impact_mermaid(impacts, graph, args.depth or config.lineage.depth, config.lineage.max_nodes)
    else:
        text = impact_text(impacts)
    args.color = "never"
    _emit(text, args)
    return EXIT_OK


def _lineage_record(args: argparse.Namespace) -> int:
    from dativo_check.lineage import record

    config = _config(args)
    recorded = record.record_run(config.root, args.tenant, args.job, args.status, args.metrics, run_id=args.run_id,
                                 job_namespace=args.job_namespace, error=args.error)
    print(f"wrote {recorded.path}", file=sys.stderr)
    if args.emit:
        status = record.emit(recorded.event, args.emit, token=os.environ.get("OPENLINEAGE_API_KEY"),
                             retries=args.retries, timeout=args.timeout)
        print(f"posted the event to {record.endpoint(args.emit)} ({status})", file=sys.stderr)
    return EXIT_OK


def _finops_inputs(args: argparse.Namespace, config):
    from dativo_check.finops.pricing import inputs

    return inputs(config, args.pricing, args.history)


def _estimates(args: argparse.Namespace, config, pricing, history):
    """Cost estimates of the named contracts (all of the repository by default), with load findings."""
    from dativo_check.contract.discover import discover, expand
    from dativo_check.contract.load import load_contracts
    from dativo_check.finops.delta import estimates_for

    loaded = load_contracts(expand(args.paths, config) if args.paths else discover(config), config)
    return estimates_for(loaded.contracts, pricing, history.runs), list(loaded.findings)


def _cost(args: argparse.Namespace) -> int:
    from dativo_check.report import Report, cost_format, settle

    config = _config(args)
    _require_existing(args.paths)
    pricing, history = _finops_inputs(args, config)
    problems = list(history.findings)
    if args.base is None:
        estimates, load_problems = _estimates(args, config, pricing, history)
        problems += load_problems
        text = cost_format.estimates_json(estimates) if args.format == "json" else cost_format.estimates_text(
            estimates)
        failed = False
    else:
        from dativo_check.diff.run import diff_refs
        from dativo_check.finops.delta import compare_costs

        run = diff_refs(config, args.base, args.head, args.paths, args.compat, args.fetch)
        pairs = [(diff.base_contract, diff.head_contract) for diff in run.diffs if diff.compared]
        delta = compare_costs(pairs, pricing, history.runs, config.finops.thresholds)
        delta = settle(Report("cost", (), (), cost=delta), config.rule_levels).cost
        if args.format == "markdown":
            text = cost_format.delta_markdown(cost_format.delta_dict(delta))
        else:
            text = {"json": cost_format.delta_json}.get(args.format, cost_format.delta_text)(delta)
        failed = any(finding.level is Level.ERROR for finding in delta.findings)
    unreadable = _print_problems("cost", problems, config)
    args.color = "never"
    _emit(text, args)
    return EXIT_FINDINGS if failed or _has_errors(unreadable) else EXIT_OK


def _cost_export(args: argparse.Namespace) -> int:
    from dativo_check.finops import focus

    config = _config(args)
    _require_existing(args.paths)
    pricing, history = _finops_inputs(args, config)
    estimates, problems = _estimates(args, config, pricing, history)
    unreadable = _print_problems("cost", list(history.findings) + problems, config)
    export = focus.focus_rows(estimates, args.period, focus.FocusOptions(provider=config.finops.provider))
    for item in export.skipped:
        print(f"{item.file}: {item.contract_id} not exported: {item.reason}", file=sys.stderr)
    _emit(focus.render(export.rows, args.format), args)
    return EXIT_FINDINGS if _has_errors(unreadable) else EXIT_OK


def _cost_anomalies(args: argparse.Namespace) -> int:
    from dativo_check.finops import anomalies
    from dativo_check.report import Report, cost_format, settle

    config = _config(args)
    pricing, history = _finops_inputs(args, config)
    reports = anomalies.detect(history.runs, pricing, config.finops.anomalies)
    found = settle(Report("cost-anomalies", (), (*history.findings, *anomalies.findings(reports))),
                   config.rule_levels).findings
    render = cost_format.anomalies_json if args.format == "json" else cost_format.anomalies_text
    _emit(render(reports, found), args)
    return EXIT_FINDINGS if any(finding.level is Level.ERROR for finding in found) else EXIT_OK


def _has_errors(findings: Sequence) -> bool:
    return any(finding.level is Level.ERROR for finding in findings)


def _print_problems(command: str, problems: Sequence, config) -> tuple:
    """Findings of a command whose output is not a report, settled and printed to stderr; those that remain."""
    from dativo_check.report import Report, renderer, settle

    report = settle(Report(command, tuple(sorted({problem.file for problem in problems})), tuple(problems)),
                    config.rule_levels)
    if report.findings:
        sys.stderr.write(renderer("text")(report))
    return report.findings


def _ci(args: argparse.Namespace) -> int:
    from dativo_check.pipeline import CheckOptions, run_checks
    from dativo_check.github import action
    from dativo_check.github.event import choose_base, from_environment
    from dativo_check.report import renderer
    from dativo_check.report.json_format import to_dict

    config = _config(args).with_options(profile=args.profile)
    if args.dbt_out:
        import dataclasses

        config = dataclasses.replace(config, dbt=dataclasses.replace(config.dbt, out=args.dbt_out))
    _require_existing(args.paths)
    context = from_environment()
    base = choose_base(args.base, context)
    print(f"dativo-check: base {base.ref or '(none)'}: {base.reason}", file=sys.stderr)
    options = CheckOptions(base.ref, base.reason, tuple(args.paths), args.compat, args.validate_all, args.fail_on,
                           args.fail_on_bump, args.pricing, args.history, args.dbt_manifest, args.fail_on_existing)
    report = run_checks(config, options, context)
    doc = to_dict(report)
    for path, text in ((args.json, lambda: renderer("json")(report)), (args.sarif, lambda: renderer("sarif")(report)),
                       (args.markdown, lambda: action.comment_body(doc))):
        if path is not None:
            _write_file(path, text())
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    text = renderer("text")(report, color=_use_color(args))
    if in_actions:
        action.print_guarded(text)
    else:
        sys.stdout.write(text)
    if args.annotations == "always" or (args.annotations == "auto" and in_actions):
        from dativo_check.github.outputs import capped_annotations

        sys.stdout.write(capped_annotations(report.all_findings))
    outcome = None
    if args.comment:
        outcome = action.comment_on_pull_request(doc, context, args.comment_author or action.DEFAULT_AUTHOR)
        print(f"dativo-check: comment {outcome.action}: {outcome.detail}", file=sys.stderr)
    _github_files(context, doc, action.summary_note(outcome, context), args.json)
    return EXIT_FINDINGS if report.gate is not None and report.gate.failed else EXIT_OK


def _github_files(context, doc: dict, note: str | None, report_path: Path | None) -> None:
    """The step summary (always, in Actions) and the step outputs."""
    from dativo_check.github import action
    from dativo_check.github.outputs import append_summary, write_outputs

    try:
        if context.step_summary:
            append_summary(context.step_summary, action.summary_markdown(doc, note))
        if context.output:
            write_outputs(context.output, action.outputs_of(doc, str(report_path) if report_path else None))
    except OSError as error:
        raise UsageError(f"cannot write the GitHub step files: {error.strerror or error}") from None


def _publish(args: argparse.Namespace) -> int:
    import json

    from dativo_check.github import action
    from dativo_check.github.event import from_environment
    from dativo_check.report.json_format import MAX_DOCUMENT_BYTES, read_document

    _require_existing([str(args.report)])
    try:
        with open(args.report, "rb") as handle:
            doc = read_document(handle.read(MAX_DOCUMENT_BYTES + 1))
    except OSError as error:
        raise UsageError(f"cannot read {args.report}: {error.strerror or error}") from None
    except (ValueError, json.JSONDecodeError) as error:
        raise UsageError(f"{args.report} is not a dativo-check JSON report: {error}") from None
    context = from_environment()
    outcome = action.comment_from_artifact(doc, context, args.comment_author or action.DEFAULT_AUTHOR)
    if outcome.action == "failed":
        raise UsageError(outcome.detail)
    print(f"dativo-check: comment {outcome.action}: {outcome.detail}", file=sys.stderr)
    if context.step_summary:
        from dativo_check.github.outputs import append_summary

        from dativo_check.report.markdown import escape

        append_summary(context.step_summary, f"dativo-check: comment {outcome.action}: {escape(outcome.detail)}\n")
    return EXIT_OK


def _dbt_out(args: argparse.Namespace, config) -> Path:
    out = args.out if args.out is not None else config.root / config.dbt.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is not a folder")
    return out


def _dbt_generate(args: argparse.Namespace) -> int:
    from dativo_check.contract.discover import discover, expand
    from dativo_check.contract.load import load_contracts
    from dativo_check.dbt import output
    from dativo_check.dbt.generate import generate

    config = _config(args)
    _require_existing(args.paths)
    files = expand(args.paths, config) if args.paths else discover(config)
    if not files:
        raise UsageError("no contracts found to generate dbt files from")
    loaded = load_contracts(files, config)
    if loaded.findings:
        _print_problems("dbt", loaded.findings, config)
        return EXIT_FINDINGS
    models = args.models if args.models is not None else config.dbt.models
    generation = generate(loaded.contracts, config.dbt, models)
    duplicates = _print_problems("dbt", generation.findings, config)
    if args.explain:
        return _dbt_explain(generation.notes, config) or (EXIT_FINDINGS if _has_errors(duplicates) else EXIT_OK)
    if generation.notes:
        print(f"{len(generation.notes)} statement(s) in the contracts have no dbt form; --explain lists them",
              file=sys.stderr)
    out = _dbt_out(args, config)
    planned = output.plan(generation, out)
    skipped = _print_problems("dbt", planned.skipped, config)
    changes = [change for change in planned.changes if change.action != "unchanged"]
    if args.check:
        for change in changes:
            sys.stdout.write(change.diff())
        if changes:
            print(f"dbt files in {out} drifted from the contracts ({len(changes)} file(s)); run "
                  f"`dativo-check dbt generate` and commit the result", file=sys.stderr)
        if skipped:
            print(f"dbt files in {out} could not all be compared ({len(skipped)} path(s) skipped, listed above), so "
                  "drift cannot be ruled out", file=sys.stderr)
        # fail closed: what could not be compared may have drifted, whatever level its finding has
        return EXIT_FINDINGS if changes or skipped or _has_errors(duplicates) else EXIT_OK
    output.apply(changes, out)
    for change in changes:
        print(f"{change.action} {out / change.path}", file=sys.stderr)
        if change.dropped_comments:
            print(f"  warning: {change.dropped_comments} comment line(s) in {change.path} were not kept; generated "
                  "property files keep added keys, not comments (use description or meta)", file=sys.stderr)
    if skipped:
        print(f"{len(skipped)} path(s) in {out} were left as they are (listed above)", file=sys.stderr)
    elif not changes:
        print(f"dbt files in {out} are up to date", file=sys.stderr)
    return EXIT_FINDINGS if (changes and args.fail_on_change) or _has_errors([*skipped, *duplicates]) else EXIT_OK


def _dbt_explain(notes: Sequence, config) -> int:
    """`dbt generate --explain`: what the contracts state that has no dbt form; nothing is compared or written."""
    if notes:
        _print_problems("dbt", [note.finding() for note in notes], config)
    else:
        print("everything the contracts state has a dbt form", file=sys.stderr)
    print("--explain writes nothing; run `dativo-check dbt generate` without it to write the files", file=sys.stderr)
    return EXIT_OK


def _dbt_init(args: argparse.Namespace) -> int:
    from dativo_check.dbt.project import project_yaml
    from dativo_check.core.fsutil import write_atomic

    config = _config(args)
    target = _dbt_out(args, config) / "dbt_project.yml"
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists; pass --force to replace it")
    write_atomic(target, project_yaml(config.dbt))
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    from dativo_check.migrate.convert import migrate_files

    if args.force and args.out is None:
        raise UsageError("--force only applies to --out DIR")
    _require_existing(args.files)
    config = _config(args)
    results = migrate_files(args.files, config, write=args.write, out=args.out, force=args.force)
    headed = len(results) > 1
    for result in results:
        if result.written is not None:
            print(f"{result.file}: migrated to {result.written}", file=sys.stderr)
        elif result.text is not None and not args.write and args.out is None:
            sys.stdout.write((f"# --- {result.file}\n" if headed else "") + result.text)
    _print_problems("migrate", [finding for result in results for finding in result.findings], config)
    migrated = sum(result.ok for result in results)
    if migrated == len(results):
        return EXIT_OK
    return EXIT_FINDINGS if migrated else EXIT_ERROR
