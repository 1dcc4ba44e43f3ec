"""The semantic diff on a realistic contract: what counts as a change, how it is classified, what it requires."""

from __future__ import annotations

import copy

import pytest
import yaml

from conftest import example_data
from dativo_check.yamlio.loader import load_text
from dativo_check.contract.model import Contract
from dativo_check.diff.engine import DiffOptions, compare
from dativo_check.diff.rules.physical_type_changed import is_widening


def _contract(data: dict, file: str = "specs/kafka/v1.0/order_events.yaml") -> Contract:
    return Contract(load_text(yaml.safe_dump(data, sort_keys=False), file).document)


def _diff(edit, mode: str = "forward", example: str = "kafka/v1.0/order_events.yaml"):
    base = example_data(example)
    head = copy.deepcopy(base)
    edit(head)
    return compare(_contract(base), _contract(head), DiffOptions(mode))


def _rules(result) -> list[str]:
    return [change.rule for change in result.changes]


def _props(data: dict) -> list[dict]:
    return data["schema"][0]["properties"]


def _named(data: dict, name: str) -> dict:
    return next(prop for prop in _props(data) if prop["name"] == name)


def test_nested_properties_and_array_items_are_compared_by_name():
    def edit(head):
        address = _named(head, "shipping_address")
        address["properties"] = [p for p in address["properties"] if p["name"] != "postal_code"]
        items = _named(head, "line_items")["items"]
        items["properties"][0]["description"] = "Reworded."

    result = _diff(edit)
    removed = next(c for c in result.changes if c.rule == "property-removed")
    assert removed.message == "property order_events.shipping_address.postal_code removed"
    documentation = next(c for c in result.changes if c.rule == "documentation-changed")
    assert "order_events.line_items[]" in documentation.message
    assert result.required_bump.value == "major"


def test_a_rename_is_one_change_and_keeps_the_other_edits_of_the_property():
    def edit(head):
        prop = _props(head)[1]
        prop["name"] = prop["name"] + "_v2"
        prop["description"] = "Renamed and reworded."

    result = _diff(edit)
    assert sorted(_rules(result)) == ["documentation-changed", "property-renamed"]


def test_removal_and_unrelated_addition_are_not_a_rename():
    def edit(head):
        removed = _props(head).pop(1)
        _props(head).append({"name": "brand_new", "logicalType": "boolean", "physicalType": "BOOLEAN",
                             "classification": "internal", "description": removed["description"]})

    assert sorted(_rules(_diff(edit))) == ["property-added", "property-removed"]


@pytest.mark.parametrize("old, new, widening", [
    ("VARCHAR(36)", "VARCHAR(50)", True),
    ("VARCHAR(50)", "VARCHAR(36)", False),
    ("VARCHAR(36)", "TEXT", True),
    ("INTEGER", "BIGINT", True),
    ("BIGINT", "INTEGER", False),
    ("DECIMAL(10,2)", "DECIMAL(12,2)", True),
    ("DECIMAL(10,2)", "DECIMAL(10,4)", False),
    ("INTEGER", "DECIMAL(18,2)", False),
    ("INTEGER", "DOUBLE", True),
    ("REAL", "DOUBLE", True),
    ("DATE", "TIMESTAMP", True),
    ("TIMESTAMP", "DATE", False),
    ("BOOLEAN", "VARCHAR", True),
])
def test_physical_widening(old, new, widening):
    assert is_widening(old, new) is widening


def test_type_widening_is_backward_safe_but_still_breaks_forward():
    def widen(head):
        event_id = _named(head, "event_id")
        event_id["physicalType"] = "VARCHAR(64)"
        event_id.setdefault("logicalTypeOptions", {})["maxLength"] = 64

    forward = _diff(widen)
    backward = _diff(widen, mode="backward")
    assert forward.required_bump.value == "major"
    assert backward.required_bump.value == "minor"
    assert {c.rule for c in backward.changes if c.verdict.value == "breaks"} == set()


def test_sla_units_are_compared_after_conversion():
    def restate(head):
        latency = next(sla for sla in head["slaProperties"] if sla["property"] == "latency")
        latency["value"], latency["unit"] = latency["value"] * 60, "s"  # the example states it in minutes

    assert _rules(_diff(restate)) == []

    def slower(head):
        latency = next(sla for sla in head["slaProperties"] if sla["property"] == "latency")
        latency["value"] = latency["value"] * 10

    def faster_retention_longer(head):
        retention = next(sla for sla in head["slaProperties"] if sla["property"] == "retention")
        retention["value"] = retention["value"] * 3

    assert _rules(_diff(slower)) == ["sla-loosened"]
    assert _rules(_diff(faster_retention_longer)) == ["sla-tightened"]


def test_valid_values_added_break_consumers_and_removed_ones_do_not():
    def rule_of(data):
        for obj in data["schema"]:
            for prop in obj["properties"]:
                for quality in prop.get("quality", []):
                    if quality.get("rule") == "validValues":
                        return quality
        raise AssertionError("the example has a validValues rule")

    added = _diff(lambda head: rule_of(head)["validValues"].append("on_hold"), example="postgres/v1.0/orders.yaml")
    removed = _diff(lambda head: rule_of(head)["validValues"].pop(), example="postgres/v1.0/orders.yaml")
    assert _rules(added) == ["quality-rule-loosened"] and added.changes[0].verdict.value == "breaks"
    assert _rules(removed) == ["quality-rule-tightened"] and removed.required_bump.value == "minor"


def test_unknown_keys_are_still_reported():
    def edit(head):
        head["servers"][0]["sslMode"] = "require"

    result = _diff(edit)
    assert _rules(result) == ["field-changed"]
    assert result.changes[0].path.endswith("/sslMode")


def test_change_ids_are_stable_when_entries_move():
    def remove_last(head):
        _props(head).pop()

    def remove_last_after_reorder(head):
        removed = _props(head).pop()
        _props(head).reverse()
        del removed

    first = _diff(remove_last).changes[0]
    second = _diff(remove_last_after_reorder).changes[0]
    assert first.rule == second.rule == "property-removed" and first.id == second.id
