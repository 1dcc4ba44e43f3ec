"""Every rule the tool knows, from every stage, read from the rules' own metadata."""

from __future__ import annotations

from dativo_check.config import Config
from dativo_check.core.errors import ConfigError
from dativo_check.core.model import Level
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


def check_rules(config: Config) -> Config:
    """The configuration, once its `rules:` section names only known rules, in ways they allow; else a ConfigError
    at the line of the first mistake."""
    if not config.rules:
        return config
    import difflib

    known = rules_by_id()
    for rule in config.rules:
        if rule.id not in known:
            close = difflib.get_close_matches(rule.id, list(known), n=1)
            suggestion = f"; did you mean {close[0]!r}?" if close else "; `dativo-check rules` lists them"
            raise ConfigError(f"{rule.where}: unknown rule id {rule.id!r}{suggestion}")
        if rule.level is not None and known[rule.id].fatal and rule.level is not Level.ERROR:
            raise ConfigError(f"{rule.where}: {rule.id} stops a file from being checked, so it is always an error")
        if rule.bump is not None and known[rule.id].stage != "change":
            raise ConfigError(f"{rule.where}: only change rules take a bump; {rule.id} is a {known[rule.id].stage} "
                              "rule")
    return config

