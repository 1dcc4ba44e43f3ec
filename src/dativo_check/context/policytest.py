"""Policy tests: YAML files of allow/deny expectations (schema `schemas/context/policy-tests.schema.json`), run in CI.

A case evaluates the decision the policy takes, exactly as a request would, but it is not a request: nothing is
built and nothing is audited. Every mismatch is a `policy-test-failed` finding at the case's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from dativo_check.context import rules as docs
from dativo_check.context.assets import Catalog
from dativo_check.context.decide import decide
from dativo_check.context.engine import field_actions
from dativo_check.context.policy import CAPABILITIES, Policy
from dativo_check.core.errors import UsageError
from dativo_check.core.model import Finding


@dataclass(frozen=True)
class Suite:
    """A loaded test file: its cases, and the policy and contracts it names (relative to the file)."""

    file: str
    cases: tuple[dict[str, Any], ...]
    lines: tuple[int, ...]
    policy: str | None
    contracts: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    cases: int
    findings: tuple[Finding, ...]


def load_suite(path: str) -> Suite:
    """A test file, or a UsageError that names each problem with its line."""
    import jsonschema_rs

    from dativo_check.core import resources
    from dativo_check.yamlio import schema_errors
    from dativo_check.yamlio.loader import load_path

    schema = resources.load_json_schema("context", "policy-tests.schema.json")
    result = load_path(path, noun="policy test", keys=schema["required"])
    if result.document is None or result.findings:
        problem = result.findings[0]
        raise UsageError(f"{problem.location}: {problem.message}")
    document = result.document
    validator = jsonschema_rs.Draft201909Validator(schema)
    problems = schema_errors.problems(validator.iter_errors(document.data), schema_errors.vocabulary_of(schema),
                                      schema_errors.keys_hint("policy test", schema))
    if problems:
        raise UsageError("invalid policy test file:\n  " + "\n  ".join(
            f"{path}:{document.locate(problem.pointer, problem.at_key)[0]}: {problem.message}"
            + (f" ({problem.hint})" if problem.hint else "") for problem in problems))
    base = Path(path).parent
    data = document.data
    return Suite(path, tuple(data["cases"]),
                 tuple(document.locate(f"/cases/{index}")[0] for index in range(len(data["cases"]))),
                 str(base / data["policy"]) if "policy" in data else None,
                 tuple(str(base / entry) for entry in data.get("contracts", ())))


def run_suite(suite: Suite, policy: Policy, catalog: Catalog) -> Outcome:
    findings = []
    for case, line in zip(suite.cases, suite.lines, strict=True):
        label = case.get("name") or f"{case['requester']} / {case['purpose']} / {case['asset']}"
        for message in check_case(case, policy, catalog):
            findings.append(docs.TEST_FAILED.finding(suite.file, f"{label}: {message}", line, 1))
    return Outcome(len(suite.cases), tuple(findings))


def check_case(case: dict[str, Any], policy: Policy, catalog: Catalog) -> list[str]:
    """What differs between the case's expectations and the policy's decision (empty: the case passes)."""
    asset = case["asset"]
    decision = decide(policy, case["requester"], case["purpose"], catalog.facts.get(asset))
    problems = []
    got = "allow" if decision.visible else "deny"
    if asset not in catalog.contracts:
        problems.append(f"there is no contract with id {asset!r}")
    if got != case["expect"]:
        problems.append(f"expected {case['expect']}, got {got} (decided by {', '.join(decision.rules_for())})")
    if "capabilities" in case and sorted(case["capabilities"]) != sorted(decision.granted):
        problems.append(f"expected capabilities [{_join(case['capabilities'])}], got [{_join(decision.granted)}]")
    if "rules" in case and sorted(case["rules"]) != list(decision.rules_for(CAPABILITIES)):
        problems.append(f"expected the deciding rules [{_join(case['rules'])}], got "
                        f"[{_join(decision.rules_for(CAPABILITIES))}]")
    if case.get("fields"):
        actions = {entry["path"]: entry for entry in field_actions(policy, case["requester"], case["purpose"],
                                                                   catalog, asset)}
        for path, expected in sorted(case["fields"].items()):
            found = actions.get(path)
            if found is None:
                problems.append(f"{asset} has no property {path}")
            elif found["action"] != expected:
                by = f" (by {', '.join(found['rules'])})" if found["rules"] else ""
                problems.append(f"property {path}: expected {expected}, got {found['action']}{by}")
    return problems


def _join(values: Sequence[str]) -> str:
    return ", ".join(sorted(values))


def run_files(paths: Sequence[str], policy_for: Callable[[Suite], Policy],
              catalog_for: Callable[[Suite], Catalog]) -> Outcome:
    """Every suite, each with the policy and catalogue it names (or the defaults the callables give)."""
    cases = 0
    findings: list[Finding] = []
    for path in paths:
        suite = load_suite(path)
        outcome = run_suite(suite, policy_for(suite), catalog_for(suite))
        cases += outcome.cases
        findings.extend(outcome.findings)
    return Outcome(cases, tuple(findings))
