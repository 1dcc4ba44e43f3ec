"""Validate contracts: load each file once, check it against its schema, run the lint rules, collect findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from dativo_check.config import Config
from dativo_check.contract.index import ContractIndex
from dativo_check.contract.legacy import legacy_shape
from dativo_check.contract.model import Contract
from dativo_check.model import Finding, Level, apply_levels
from dativo_check.ruledoc import from_text
from dativo_check.validate import schema

LEGACY_FORMAT = from_text("legacy-format", "error", "schema", "schema", """
    The file is an ODCS contract, not a legacy Dativo asset definition.

    Files in the shapes Dativo used before its contracts were ODCS (a top-level `asset:` block, or "ODCS-like" files
    with `team: {owner: ...}`, top-level `compliance`, `finops` or `target` blocks) are recognised and reported with
    the command that converts them, `dativo-check migrate FILE --write`, instead of a wall of schema errors.

    PASS:

        apiVersion: v3.0.2
        kind: DataContract
        id: stripe-customers

    FAIL:

        asset:
          name: stripe_customers
          source_type: stripe
          version: "1.0"
""")


@dataclass(frozen=True)
class ValidationResult:
    files: int
    contracts: tuple[Contract, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.level is Level.ERROR)


def validate(paths: Sequence[str] | None, config: Config) -> ValidationResult:
    """Validate the named files (folders expanded), or every contract of the repository when none are named."""
    from dativo_check.contract.discover import discover, expand
    from dativo_check.contract.load import load_contracts

    files = expand(paths, config) if paths else discover(config)
    loaded = load_contracts(files, config)
    index = ContractIndex(loaded.contracts, None if not paths else config)
    findings = list(loaded.findings) + list(check_contracts(loaded.contracts, config, index))
    return ValidationResult(loaded.files, loaded.contracts, tuple(sorted(
        apply_levels(findings, config.rule_levels), key=Finding.sort_key)))


def check_contracts(contracts: Sequence[Contract], config: Config, index: ContractIndex) -> Iterable[Finding]:
    """Schema and lint findings for loaded contracts (legacy files get one finding that says how to migrate)."""
    from dativo_check.validate.rules import RuleContext, all_rules

    context = RuleContext(config, index)
    rules = [rule for rule in all_rules() if config.profile.enabled or not rule.profile]
    current = []
    for contract in contracts:
        shape = legacy_shape(contract.data)
        if shape is not None:
            yield contract.finding(
                LEGACY_FORMAT.id, LEGACY_FORMAT.level,
                f"this is a legacy Dativo asset file ({shape} shape), not an ODCS contract",
                hint=f"convert it with: dativo-check migrate {contract.file} --write")
            continue
        current.append(contract)
        yield from schema.check(contract, config.strict)
        for rule in rules:
            if not rule.repository_scope:
                for violation in rule.check(contract, context):
                    yield contract.finding(rule.id, rule.doc.level, violation.message, violation.pointer,
                                           violation.hint, violation.at_key)
    for rule in rules:
        if rule.repository_scope:
            for violation in rule.check_repository(current, context):
                owner = violation.contract
                yield owner.finding(rule.id, rule.doc.level, violation.message, violation.pointer, violation.hint,
                                    violation.at_key)
