"""The context stage's rules carry the metadata the catalogue, the docs and the configuration read."""

from __future__ import annotations

from dativo_check import catalog, docs
from dativo_check.context.rules import RULES


def test_rule_ids_are_kebab_case_and_do_not_clash_with_the_catalogue():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(rule_id == rule_id.lower() and " " not in rule_id and "_" not in rule_id for rule_id in ids)
    existing = {rule.id for rule in catalog.all_rules()} - set(ids)
    assert not existing & set(ids)


def test_every_rule_documents_itself():
    for rule in RULES:
        assert rule.stage == "context" and rule.summary and rule.explanation
        assert rule.passing.strip() and rule.failing.strip()
        assert rule.id in docs.rule_markdown(rule)
    levels = {rule.id: rule.level.value for rule in RULES}
    assert levels["policy-widens-access"] == "error" and levels["policy-narrows-access"] == "info"
    assert levels["policy-rule-never-matches"] == "warning"
    assert [rule.id for rule in RULES if rule.fatal] == ["policy-invalid"]
