"""Every rule the tool knows, from every stage, read from the rules' own metadata."""

from __future__ import annotations

from dativo_check.ruledoc import RuleDoc


def all_rules() -> list[RuleDoc]:
    from dativo_check.contract import problems
    from dativo_check.validate import engine, schema
    from dativo_check.validate.rules import all_rules as lint_rules

    return [*problems.ALL, *schema.RULES, engine.LEGACY_FORMAT, *(rule.doc for rule in lint_rules())]


def rules_by_id() -> dict[str, RuleDoc]:
    return {rule.id: rule for rule in all_rules()}
