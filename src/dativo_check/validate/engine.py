"""Validate contracts: load each file once, check it against its schema, run the lint rules, collect findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from dativo_check.config import ADVISORY, Config, ProfileSettings
from dativo_check.contract.index import ContractIndex
from dativo_check.contract.legacy import dcs_version, legacy_shape
from dativo_check.contract.model import Contract
from dativo_check.core.model import Finding, Level, capped
from dativo_check.core.ruledoc import from_text
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


def validate(paths: Sequence[str] | None, config: Config) -> ValidationResult:
    """Validate the named files (folders expanded), or every contract of the repository when none are named.

    Named files are compared with the repository each one lives in (unique ids, references); files outside any
    repository only with each other."""
    from dativo_check.contract.discover import discover, expand
    from dativo_check.contract.index import by_repository
    from dativo_check.contract.load import load_contracts

    files = expand(paths, config) if paths else discover(config)
    loaded = load_contracts(files, config)
    groups = by_repository(loaded.contracts, config) if paths else [(loaded.contracts, ContractIndex(
        loaded.contracts))]
    findings = list(loaded.findings)
    for members, index in groups:
        findings.extend(check_contracts(members, config, index))
    return ValidationResult(loaded.files, loaded.contracts, tuple(sorted(findings, key=Finding.sort_key)))


def check_contracts(contracts: Sequence[Contract], config: Config, index: ContractIndex) -> Iterable[Finding]:
    """Schema and lint findings for loaded contracts (legacy Dativo files and Data Contract Specification files get
    one finding that says how to convert them).

    Each rule reports at its default level; an advisory profile (nobody configured it) reports as warnings."""
    from dativo_check.validate.rules import RuleContext, all_rules

    context = RuleContext(config, index)
    rules = [(rule, _default_level(rule, config.profile)) for rule in all_rules()
             if config.profile.enabled or not rule.profile]
    current = []
    for contract in contracts:
        shape = legacy_shape(contract.data)
        if shape is not None:
            yield contract.finding(
                LEGACY_FORMAT.id, LEGACY_FORMAT.level,
                f"this is a legacy Dativo asset file ({shape} shape), not an ODCS contract",
                hint=f"convert it with: dativo-check migrate {contract.file} --write")
            continue
        yield from schema.check(contract, config.strict)
        if dcs_version(contract.data) is not None:
            continue  # another standard: its one finding says how to convert it, ODCS lint would only add noise
        current.append(contract)
        for rule, level in rules:
            if not rule.repository_scope:
                for violation in rule.check(contract, context):
                    yield contract.finding(rule.id, level, violation.message, violation.pointer, violation.hint,
                                           violation.at_key)
    for rule, level in rules:
        if rule.repository_scope:
            for violation in rule.check_repository(current, context):
                owner = violation.contract
                yield owner.finding(rule.id, level, violation.message, violation.pointer, violation.hint,
                                    violation.at_key)


def _default_level(rule, profile: ProfileSettings) -> Level:
    if rule.profile and profile.mode == ADVISORY:
        return capped(rule.doc.level, Level.WARNING)
    return rule.doc.level


def check_change(head: Sequence[Contract], head_index: ContractIndex, base_of: Mapping[str, Contract | None],
                 base_index: ContractIndex, config: Config) -> list[Finding]:
    """Findings of the head contracts, each marked new or existing against the same contract's base copy
    (`base_of`: head file -> base contract, None for a contract the change adds)."""
    from dativo_check.validate.baseline import mark_new

    bases = list({id(contract): contract for contract in base_of.values() if contract is not None}.values())
    head_findings = list(check_contracts(head, config, head_index))
    base_findings = list(check_contracts(bases, config, base_index)) if bases else []
    files = {file: contract.file for file, contract in base_of.items() if contract is not None}
    return mark_new(head_findings, base_findings, files)
