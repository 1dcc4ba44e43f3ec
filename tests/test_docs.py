"""The rule documentation is generated from rule metadata and must not drift from it."""

from __future__ import annotations

from conftest import REPO

from dativo_check import catalog, docs


def test_readme_rule_table_is_up_to_date():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert docs.readme_with_table(readme, catalog.all_rules()) == readme, "run: python -m dativo_check.docs"


def test_rules_reference_is_up_to_date():
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert docs.rules_document(catalog.all_rules()) == current, "run: python -m dativo_check.docs"


def test_rule_ids_are_stable_kebab_case_and_unique():
    ids = [rule.id for rule in catalog.all_rules()]
    assert len(ids) == len(set(ids))
    assert all(rule_id == rule_id.lower() and " " not in rule_id and "_" not in rule_id for rule_id in ids)


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1: lines.index("```")]
    assert [line.split("#")[0].strip() for line in block] == ["./dev demo", "./dev test"]
    assert "./dev test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
