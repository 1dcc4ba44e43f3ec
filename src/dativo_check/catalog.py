"""Every rule the tool knows, from every stage, read from the rules' own metadata."""

from __future__ import annotations

from dativo_check.core.ruledoc import RuleDoc


def all_rules() -> list[RuleDoc]:
    from dativo_check.context import rules as context
    from dativo_check.migrate import convert as migrate
    from dativo_check.yamlio import problems
    from dativo_check.dbt.generate import UNMAPPED
    from dativo_check.dbt import drift, output, selection
    from dativo_check.diff import gate
    from dativo_check.finops import anomalies, delta, metrics
    from dativo_check.diff.rules import all_rules as change_rules
    from dativo_check.validate import engine, schema
    from dativo_check.validate.rules import all_rules as lint_rules

    return [*problems.ALL, *schema.RULES, engine.LEGACY_FORMAT, *(rule.doc for rule in lint_rules()),
            *(rule.doc for rule in change_rules()), *gate.RULES, *migrate.RULES, UNMAPPED, output.SKIPPED, selection.DUPLICATE,
            *drift.RULES, *delta.RULES, metrics.BAD_METRICS, *anomalies.RULES, *context.RULES]


def rules_by_id() -> dict[str, RuleDoc]:
    return {rule.id: rule for rule in all_rules()}
