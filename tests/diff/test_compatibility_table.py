"""The change rules classify changes as the compatibility table of the breaking-change issue says.

Each rule's own FAIL example is diffed; the change it produces must have the table's forward and backward verdicts
and need the table's bump under the default (forward) mode.
"""

from __future__ import annotations

import re

import pytest
from test_change_rule_examples import _side

from dativo_check.diff.engine import DiffOptions, compare
from dativo_check.diff.rules import all_rules

DOCS = ("safe", "safe", "patch")
ADDITIVE = ("safe", "may-break", "minor")
REMOVAL = ("breaks", "safe", "major")
TABLE = {
    "documentation-changed": DOCS, "tags-changed": DOCS, "examples-changed": DOCS,
    "authoritative-definitions-changed": DOCS, "team-changed": DOCS, "support-changed": DOCS,
    "roles-changed": DOCS, "custom-property-changed": DOCS, "status-changed": DOCS,
    "property-added": ADDITIVE, "schema-object-added": ADDITIVE, "server-added": ADDITIVE,
    "quality-rule-added": ADDITIVE, "constraint-tightened": ADDITIVE, "required-added": ADDITIVE,
    "unique-added": ADDITIVE, "sla-tightened": ADDITIVE, "quality-rule-tightened": ADDITIVE,
    "property-added-required": ("safe", "breaks", "minor"),
    "property-removed": REMOVAL, "property-renamed": REMOVAL, "schema-object-removed": REMOVAL,
    "schema-object-renamed": REMOVAL, "physical-name-changed": REMOVAL,
    # the examples widen the type: backward safe; a narrowing change breaks backward too
    "logical-type-changed": REMOVAL, "physical-type-changed": REMOVAL,
    "required-removed": REMOVAL, "unique-removed": REMOVAL, "primary-key-changed": REMOVAL,
    "constraint-loosened": REMOVAL, "quality-rule-removed": REMOVAL, "quality-rule-loosened": REMOVAL,
    "sla-loosened": REMOVAL, "server-removed": REMOVAL, "server-moved": REMOVAL, "contract-deleted": REMOVAL,
    "contract-retired": REMOVAL,
    # consumers must move: a warning forward, released in a minor version as semver releases deprecations
    "contract-deprecated": ("may-break", "safe", "minor"),
}


def _change(rule_id: str, example: str):
    base_text, head_text = re.split(r"^---\s*$", example, maxsplit=1, flags=re.MULTILINE)
    result = compare(_side(base_text, "base.yaml"), _side(head_text, "head.yaml"), DiffOptions("forward"))
    return next(change for change in result.changes if change.rule == rule_id)


@pytest.mark.parametrize("rule_id, expected", sorted(TABLE.items()))
def test_rule_follows_the_table(rule_id, expected):
    rule = next(rule for rule in all_rules() if rule.id == rule_id)
    change = _change(rule_id, rule.doc.failing)
    assert (change.forward.value, change.backward.value, change.bump.value) == expected


def test_every_rule_is_in_the_table_or_documented_as_beyond_it():
    beyond = {"api-version-changed", "price-changed", "classification-changed", "partitioning-changed",
              "transform-changed", "field-changed"}
    assert {rule.id for rule in all_rules()} == set(TABLE) | beyond


def test_narrowing_type_changes_break_backward_too():
    example = ("schema: [{name: orders, properties: [{name: amount, logicalType: number}]}]\n---\n"
               "schema: [{name: orders, properties: [{name: amount, logicalType: integer}]}]\n")
    change = _change("logical-type-changed", example)
    assert change.backward.value == "breaks"
