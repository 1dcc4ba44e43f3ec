"""One definition each: storage type widths, list identities, compatibility data and draft softening."""

from __future__ import annotations

import textwrap

from dativo_check.yamlio.loader import load_text
from dativo_check.contract.model import Contract
from dativo_check.diff import gate
from dativo_check.diff.engine import DiffOptions, compare
from dativo_check.diff.rules import all_rules
from dativo_check.diff.rules.physical_type_changed import is_widening
from dativo_check.core.model import Bump, Direction, Level, Verdict
from dativo_check.core.ruledoc import verdict_bump, verdict_level
from dativo_check.core.storage_types import decimal_scale, estimated_bytes, type_arguments


def _contract(text: str, file: str = "c.yaml") -> Contract:
    return Contract(load_text(textwrap.dedent(text).lstrip("\n"), file).document)


BASE = """
    apiVersion: v3.0.2
    kind: DataContract
    id: orders
    version: 1.0.0
    status: {status}
    schema: [{{name: orders, properties: [{{name: id, logicalType: string}}, {{name: email, logicalType: string}}]}}]
"""


def test_type_widths_agree_between_the_widening_check_and_the_size_estimate():
    assert estimated_bytes("INT16", None) == 2 and estimated_bytes("REAL", None) == 4
    assert estimated_bytes("HUGEINT", None) == 16 and estimated_bytes("BIGINT", None) == 8
    assert is_widening("INT16", "INT32") and not is_widening("INT32", "INT16")
    assert is_widening("REAL", "DOUBLE") and not is_widening("DOUBLE", "REAL")


def test_type_arguments_are_read_one_way():
    assert type_arguments("DECIMAL(10, 2)") == [10, 2] and type_arguments("VARCHAR(MAX)") == []
    assert type_arguments("TEXT") == [] and estimated_bytes("VARCHAR(MAX)", "string") == 32
    assert estimated_bytes("VARCHAR(20)", "string") == 10
    assert decimal_scale("NUMERIC") is None and decimal_scale("NUMERIC(10)") == 0
    assert decimal_scale("NUMERIC(10,2)") == 2


def test_reordered_lists_keep_the_content_hash_and_are_not_a_change():
    base = _contract("""
        apiVersion: v3.0.2
        kind: DataContract
        id: orders
        version: 1.0.0
        status: active
        slaProperties: [{property: latency, value: 4, unit: h}, {property: retention, value: 1, unit: y}]
        team: [{username: a}, {username: b}]
    """)
    head = _contract("""
        apiVersion: v3.0.2
        kind: DataContract
        id: orders
        version: 1.0.0
        status: active
        team: [{username: b}, {username: a}]
        slaProperties: [{property: retention, value: 1, unit: y}, {property: latency, value: 4, unit: h}]
    """)
    result = compare(base, head)
    assert result.status == "unchanged" and result.base_hash == result.head_hash


def test_change_rules_keep_their_compatibility_once_as_enums():
    rule = next(rule for rule in all_rules() if rule.id == "required-removed")
    compatibility = rule.compatibility
    assert compatibility.direction is Direction.LOOSENS and compatibility.forward is Verdict.BREAKS
    assert compatibility.bump_under("forward") is Bump.MAJOR and compatibility.bump_under("backward") is Bump.MINOR
    assert rule.doc.level is Level.ERROR and compatibility.to_dict()["bump_forward"] == "major"
    assert verdict_level(Verdict.MAY_BREAK) is Level.WARNING and verdict_bump(Verdict.SAFE, Bump.PATCH) is Bump.PATCH


def test_earlier_versions_are_read_only_for_a_contract_that_changed():
    asked = []

    def earlier():
        asked.append(True)
        return []

    base = _contract(BASE.format(status="active"))
    same = _contract(BASE.format(status="active"))
    assert compare(base, same, DiffOptions("forward-transitive"), earlier=earlier).status == "unchanged"
    assert asked == []
    changed = _contract(BASE.format(status="active").replace("version: 1.0.0", "version: 1.0.1")
                        .replace("status: active", "status: active\n    tags: [x]"))
    assert compare(base, changed, DiffOptions("forward-transitive"), earlier=earlier).status == "changed"
    assert asked == [True]


def test_draft_changes_and_gate_findings_are_softened_the_same_way():
    base = _contract(BASE.format(status="draft"))
    head = _contract(BASE.format(status="draft").replace(", {name: email, logicalType: string}", ""))
    result = compare(base, head)
    assert result.changes and all(change.level is not Level.ERROR for change in result.changes)
    (finding,) = result.findings
    assert finding.level is Level.WARNING and finding.message.endswith("(warning only: the contract is draft)")
    error = head.finding("version-not-bumped", Level.ERROR, "m", "/version")
    assert gate.soften([error], _contract(BASE.format(status="active"))) == (error,)
