"""Quality rules that tolerate failing rows, as dbt tests: `dativo-check dbt generate` on a one-column contract.

A count of null, duplicate or invalid values (`unit: rows`, or no unit) becomes the matching dbt test with
`error_if` / `warn_if` (and a `fail_calc` that counts rows where the test returns one row per value); a share
(`unit: percent`) becomes a `dativo_*_percent` test; no threshold, or one that allows no failing row, stays the plain
test. What dbt cannot test as the contract means it is a `dbt-unmapped` note, never a stricter or looser test.
tests/dbt/test_dbt_build.py runs such tests in dbt on real data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import dump, write

INVALID_ROWS = "coalesce(sum(n_records), 0)"
DUPLICATE_ROWS = "coalesce(sum(n_records) - count(*), 0)"
VALID = {"arguments": {"validValues": ["a", "b"]}}


def _contract(rules: list[dict[str, Any]], required: bool = False, table_rules: list | None = None) -> str:
    column = {"name": "code", "logicalType": "string", "physicalType": "VARCHAR", "quality": rules}
    if required:
        column["required"] = True
    table = {"name": "things", "properties": [column]}
    if table_rules:
        table["quality"] = table_rules
    return dump({"apiVersion": "v3.1.0", "kind": "DataContract", "id": "things", "name": "things",
                 "version": "1.0.0", "status": "active", "schema": [table]})


def _generate(tmp_path: Path, cli, rules: list[dict[str, Any]], **options: Any) -> tuple[dict[str, Any], str]:
    """The generated source table, and what `--explain` lists as having no dbt form."""
    write(tmp_path, "things.yaml", _contract(rules, **options))
    run = cli("dbt", "generate", "things.yaml", "--out", "out", cwd=tmp_path)
    assert run.code == 0, run.err
    (table,) = yaml.safe_load((tmp_path / "out/models/sources/things.yml").read_text())["sources"][0]["tables"]
    explain = cli("dbt", "generate", "things.yaml", "--out", "out", "--explain", cwd=tmp_path)
    return table, explain.out + explain.err


def _column_tests(tmp_path: Path, cli, *rules: dict[str, Any], **options: Any) -> list[Any]:
    table, explain = _generate(tmp_path, cli, list(rules), **options)
    assert "dbt-unmapped" not in explain, explain
    return table["columns"][0].get("data_tests", [])


COUNTS = [
    # the issue: up to 5 invalid rows are allowed, so the test fails from 6, counting rows (not distinct values)
    pytest.param({"metric": "invalidValues", **VALID, "mustBeLessOrEqualTo": 5, "unit": "rows"},
                 {"accepted_values": {"arguments": {"values": ["a", "b"]}, "config": {
                     "fail_calc": INVALID_ROWS, "error_if": ">5", "warn_if": ">5"}}}, id="invalid-le-5-rows"),
    pytest.param({"rule": "validValues", "validValues": ["a", "b"], "mustBeLessThan": 3},  # v3.0, no unit: rows
                 {"accepted_values": {"arguments": {"values": ["a", "b"]}, "config": {
                     "fail_calc": INVALID_ROWS, "error_if": ">2", "warn_if": ">2"}}}, id="v3.0-valid-values-lt-3"),
    pytest.param({"metric": "nullValues", "mustBeLessThan": 3},
                 {"not_null": {"config": {"error_if": ">2", "warn_if": ">2"}}}, id="nulls-lt-3"),
    pytest.param({"metric": "nullValues", "mustBeLessThan": 2.5, "unit": "rows"},  # counts are whole
                 {"not_null": {"config": {"error_if": ">2", "warn_if": ">2"}}}, id="nulls-lt-2.5"),
    pytest.param({"metric": "nullValues", "mustBeGreaterThan": 0},
                 {"not_null": {"config": {"error_if": "<1", "warn_if": "<1"}}}, id="nulls-gt-0"),
    pytest.param({"metric": "nullValues", "mustBeGreaterOrEqualTo": 2},
                 {"not_null": {"config": {"error_if": "<2", "warn_if": "<2"}}}, id="nulls-ge-2"),
    pytest.param({"metric": "nullValues", "mustBeBetween": [1, 4]},  # inclusive, as every threshold in dativo-check
                 {"not_null": {"config": {"error_if": "not between 1 and 4", "warn_if": "not between 1 and 4"}}},
                 id="nulls-between"),
    pytest.param({"metric": "nullValues", "mustBe": 3},
                 {"not_null": {"config": {"error_if": "!=3", "warn_if": "!=3"}}}, id="nulls-be-3"),
    pytest.param({"metric": "nullValues", "mustNotBe": 0},
                 {"not_null": {"config": {"error_if": "=0", "warn_if": "=0"}}}, id="nulls-not-0"),
    pytest.param({"metric": "nullValues", "mustNotBeBetween": [2, 4]},
                 {"not_null": {"config": {"error_if": "between 2 and 4", "warn_if": "between 2 and 4"}}},
                 id="nulls-not-between"),
    pytest.param({"metric": "missingValues", "arguments": {"missingValues": [None]}, "mustBeLessThan": 2},
                 {"not_null": {"config": {"error_if": ">1", "warn_if": ">1"}}}, id="missing-only-null"),
    pytest.param({"metric": "duplicateValues", "mustBeLessOrEqualTo": 1, "unit": "rows", "severity": "warning"},
                 {"unique": {"config": {"severity": "warn", "fail_calc": DUPLICATE_ROWS, "warn_if": ">1"}}},
                 id="duplicates-le-1-warning"),
    pytest.param({"type": "library", "rule": "duplicateCount", "mustBeLessThan": 10, "unit": "rows"},
                 {"unique": {"config": {"fail_calc": DUPLICATE_ROWS, "error_if": ">9", "warn_if": ">9"}}},
                 id="v3.0-duplicate-count"),
    pytest.param({"metric": "nullValues", "mustBeLessThanOrEqualTo": 4},  # the spelling the diff reads too
                 {"not_null": {"config": {"error_if": ">4", "warn_if": ">4"}}}, id="alias-spelling"),
]


@pytest.mark.parametrize("rule, expected", COUNTS)
def test_a_count_tolerance_becomes_the_test_s_error_if(tmp_path, cli, rule, expected):
    assert _column_tests(tmp_path, cli, rule) == [expected]


PERCENTS = [
    # the official ODCS example: null listed as valid is never an invalid value, so it is not passed on
    pytest.param({"metric": "invalidValues", "arguments": {"validValues": ["", None, "n/a"]},
                  "mustBeLessOrEqualTo": 5, "unit": "percent"},
                 {"dativo_invalid_percent": {"arguments": {"values": ["", "n/a"], "max_percent": 5}}},
                 id="invalid-le-5-percent"),
    pytest.param({"metric": "invalidValues", "arguments": {"validValues": [1, 2]}, "mustBeLessThan": 5,
                  "unit": "percent"},
                 {"dativo_invalid_percent": {"arguments": {"values": [1, 2], "quote": False, "max_percent": 5,
                                                           "max_inclusive": False}}}, id="numeric-values"),
    # less than 1 % is a tolerance, not zero tolerance
    pytest.param({"rule": "nullCheck", "mustBeLessThan": 1, "unit": "percent"},
                 {"dativo_null_percent": {"arguments": {"max_percent": 1, "max_inclusive": False}}},
                 id="nulls-lt-1-percent"),
    pytest.param({"metric": "nullValues", "mustBeBetween": [1, 5], "unit": "Percent"},
                 {"dativo_null_percent": {"arguments": {"min_percent": 1, "max_percent": 5}}}, id="nulls-between"),
    pytest.param({"metric": "nullValues", "mustBeGreaterThan": 50, "unit": "percent"},
                 {"dativo_null_percent": {"arguments": {"min_percent": 50, "min_inclusive": False}}},
                 id="nulls-gt-50"),
    pytest.param({"metric": "duplicateValues", "mustBeLessThan": 1, "unit": "percent", "severity": "warning"},
                 {"dativo_duplicate_percent": {"arguments": {"max_percent": 1, "max_inclusive": False},
                                               "config": {"severity": "warn"}}}, id="duplicates-warning"),
]


@pytest.mark.parametrize("rule, expected", PERCENTS)
def test_a_percent_tolerance_becomes_a_test_of_the_failing_share(tmp_path, cli, rule, expected):
    assert _column_tests(tmp_path, cli, rule) == [expected]


@pytest.mark.parametrize("rule, expected", [
    ({"metric": "nullValues"}, "not_null"),
    ({"metric": "nullValues", "mustBe": 0}, "not_null"),
    ({"metric": "nullValues", "mustBeLessThan": 1}, "not_null"),
    ({"metric": "nullValues", "mustBeLessThan": 0.5, "unit": "rows"}, "not_null"),
    ({"metric": "nullValues", "mustBeLessOrEqualTo": 0}, "not_null"),
    ({"metric": "nullValues", "mustBe": 0, "unit": "percent"}, "not_null"),
    ({"metric": "nullValues", "mustBeLessOrEqualTo": 0, "unit": "percent"}, "not_null"),
    ({"metric": "duplicateValues", "mustBe": 0}, "unique"),
    ({"metric": "invalidValues", **VALID, "mustBe": 0}, {"accepted_values": {"arguments": {"values": ["a", "b"]}}}),
    ({"metric": "invalidValues", **VALID, "mustBe": 0, "severity": "warning"},
     {"accepted_values": {"arguments": {"values": ["a", "b"]}, "config": {"severity": "warn"}}}),
    ({"rule": "completeness"}, "not_null"),
])
def test_zero_tolerance_stays_the_plain_test(tmp_path, cli, rule, expected):
    assert _column_tests(tmp_path, cli, rule) == [expected]


@pytest.mark.parametrize("rule, reason", [
    ({"metric": "nullValues", "mustNotBe": 0, "unit": "percent"}, "share of null values that must stay out of"),
    ({"metric": "invalidValues", **VALID, "mustNotBeBetween": [1, 5], "unit": "percent"},
     "share of invalid values that must stay out of a range"),
    ({"metric": "nullValues", "mustBeLessThan": 5, "unit": "bytes"}, "the unit 'bytes' is neither rows nor percent"),
    ({"rule": "completeness", "mustBeGreaterThan": 95, "unit": "percent"}, "metric nullValues says which"),
    ({"rule": "uniqueness", "mustBe": 100, "unit": "percent"}, "metric duplicateValues says which"),
    ({"metric": "nullValues", "mustBeGreaterOrEqualTo": 0}, "allows any number of null values"),
    ({"metric": "nullValues", "mustBeLessThan": "five"}, "mustBeLessThan: 'five' is not a number"),
    ({"metric": "nullValues", "mustBeAbout": 3}, "mustBeAbout is not an ODCS threshold operator"),
    ({"metric": "nullValues", "mustNotBe": 2, "mustBeLessThan": 5}, "mustNotBe together with other thresholds"),
    ({"metric": "invalidValues", "arguments": {"pattern": "^[A-Z]{2}$"}, "mustBe": 0}, "pattern has no portable"),
    ({"metric": "invalidValues", "arguments": {"validValues": [None]}, "mustBe": 0}, "lists only null"),
    ({"metric": "missingValues", "arguments": {"missingValues": [None, "", "N/A"]}, "mustBeLessThan": 3},
     "missing values other than null (['', 'N/A'])"),
    ({"metric": "rangeCheck", "mustNotBeBetween": [0, 10]}, "mustNotBeBetween (a value out of a range)"),
])
def test_what_dbt_cannot_test_as_meant_is_reported_and_not_tested(tmp_path, cli, rule, reason):
    table, explain = _generate(tmp_path, cli, [rule])
    assert "data_tests" not in table["columns"][0]
    (note,) = [line for line in explain.splitlines() if "dbt-unmapped" in line]
    assert "things.code quality rule 1: " in note and reason in note, note


def test_a_row_count_in_percent_is_reported_and_in_rows_tested(tmp_path, cli):
    table, explain = _generate(tmp_path, cli, [], table_rules=[
        {"metric": "rowCount", "mustBeGreaterThan": 50, "unit": "percent"},
        {"metric": "rowCount", "mustBeGreaterThan": 0.5, "mustBeLessThanOrEqualTo": 100, "unit": "rows"}])
    assert "things quality rule 1: a row count in percent has nothing to count against" in explain
    assert table["data_tests"] == [{"dativo_row_count": {"arguments": {"min_count": 1, "max_count": 100}}}]


def test_a_required_column_keeps_its_stricter_not_null(tmp_path, cli):
    tests = _column_tests(tmp_path, cli, {"metric": "nullValues", "mustBeLessOrEqualTo": 5}, required=True)
    assert tests == ["not_null"]


def test_the_tighter_of_two_tolerances_on_one_test_wins(tmp_path, cli):
    tests = _column_tests(tmp_path, cli, {"metric": "nullValues", "mustBeLessOrEqualTo": 5},
                          {"metric": "nullValues", "mustBeLessThan": 4})
    assert tests == [{"not_null": {"config": {"error_if": ">3", "warn_if": ">3"}}}]


def test_a_warning_rule_and_an_error_rule_become_one_test_that_warns_then_fails(tmp_path, cli):
    tests = _column_tests(tmp_path, cli, {"metric": "invalidValues", **VALID, "mustBeLessOrEqualTo": 5},
                          {"metric": "invalidValues", **VALID, "mustBeLessOrEqualTo": 1, "severity": "warning"})
    assert tests == [{"accepted_values": {"arguments": {"values": ["a", "b"]}, "config": {
        "fail_calc": INVALID_ROWS, "error_if": ">5", "warn_if": ">1"}}}]
    # any null warns (dbt's default warn_if), more than 5 fail
    tests = _column_tests(tmp_path, cli, {"metric": "nullValues", "mustBeLessOrEqualTo": 5},
                          {"metric": "nullValues", "mustBe": 0, "severity": "warning"})
    assert tests == [{"not_null": {"config": {"error_if": ">5"}}}]


def test_two_error_tolerances_no_one_test_keeps_are_reported(tmp_path, cli):
    table, explain = _generate(tmp_path, cli, [{"metric": "nullValues", "mustBeLessOrEqualTo": 5},
                                               {"metric": "nullValues", "mustBeGreaterThan": 0}])
    assert table["columns"][0]["data_tests"] == [{"not_null": {"config": {"error_if": ">5", "warn_if": ">5"}}}]
    assert ("things.code quality rule 2: code already has a not_null test with another threshold, and dbt runs "
            "one test per name and arguments") in explain
