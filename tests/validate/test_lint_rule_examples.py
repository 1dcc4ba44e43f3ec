"""Every rule's documented PASS example passes it and its FAIL example fails it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dativo_check.config import Config
from dativo_check.contract.index import ContractIndex
from dativo_check.yamlio.loader import load_text
from dativo_check.contract.model import Contract
from dativo_check.validate.engine import check_contracts
from dativo_check.validate.rules import all_rules

BASE = {"apiVersion": "v3.0.2", "kind": "DataContract", "id": "example", "version": "1.0.0", "status": "active"}


def _documents(example: str) -> list[tuple[str, str]]:
    """Split an example into (file name, YAML text) documents: `---` separates, `# file: path` names them."""
    out = []
    for number, text in enumerate(re.split(r"^---\s*$", example, flags=re.MULTILINE)):
        named = re.search(r"^# file: (\S+)", text, flags=re.MULTILINE)
        out.append((named.group(1) if named else f"specs/example/v1.0/example_{number}.yaml", text))
    return out


def _contracts(example: str) -> list[Contract]:
    contracts = []
    for file, text in _documents(example):
        fragment = yaml.safe_load(text) or {}
        data = {**BASE, **fragment}
        result = load_text(yaml.safe_dump(data, sort_keys=False), file)
        assert result.document is not None, result.findings
        contracts.append(Contract(result.document))
    return contracts


def _violations(rule_id: str, example: str) -> list:
    contracts = _contracts(example)
    config = Config(root=Path("."))
    return [f for f in check_contracts(contracts, config, ContractIndex(contracts)) if f.rule == rule_id]


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_pass_example_passes(rule):
    assert _violations(rule.id, rule.doc.passing) == []


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.id)
def test_fail_example_fails_with_a_located_message(rule):
    found = _violations(rule.id, rule.doc.failing)
    assert found, f"{rule.id}: FAIL example produced no finding"
    for finding in found:
        assert finding.line and finding.line >= 1
        assert finding.message and "\n" not in finding.message
