"""Every change rule's PASS example (base --- head) does not trigger it; its FAIL example does."""

from __future__ import annotations

import re

import pytest
import yaml

from dativo_check.yamlio.loader import load_text
from dativo_check.contract.model import Contract
from dativo_check.diff.engine import DiffOptions, compare
from dativo_check.diff.rules import all_rules

BASE = {"apiVersion": "v3.0.2", "kind": "DataContract", "id": "example", "version": "1.0.0", "status": "active"}


def _side(fragment: str, file: str) -> Contract | None:
    data = yaml.safe_load(fragment)
    if data is None:
        return None
    result = load_text(yaml.safe_dump({**BASE, **data}, sort_keys=False), file)
    return Contract(result.document)


def _rules_fired(example: str) -> set[str]:
    base_text, head_text = re.split(r"^---\s*$", example, maxsplit=1, flags=re.MULTILINE)
    base, head = _side(base_text, "base.yaml"), _side(head_text, "head.yaml")
    return {change.rule for change in compare(base, head, DiffOptions()).changes}


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_pass_example_does_not_trigger(rule):
    assert rule.id not in _rules_fired(rule.doc.passing)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_fail_example_triggers(rule):
    fired = _rules_fired(rule.doc.failing)
    assert rule.id in fired, fired
