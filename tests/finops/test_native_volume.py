"""`dativo-check cost` on contracts that state their volume the ODCS way: a `rowCount` quality rule's bounds.

The contracts are real ones written outside this project (tests/fixtures/finops-native, see its NOTICE.md), run
through the CLI as a user would, edited in a temp dir where a case needs a variant.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, dump, git, write
from dativo_check.finops.metrics import RunMetrics, to_dict

NATIVE = FIXTURES / "finops-native"
FULL_EXAMPLE = NATIVE / "open-data-contract-standard__docs__examples__all__full-example.odcs.yaml"  # ODCS v3.1.0
KAFKA = NATIVE / "datacontract-cli__tests__fixtures__kafka__datacontract.yaml"  # rowCount >= 10
ROW_FILTER = NATIVE / "datacontract-cli__tests__fixtures__row-filter__datacontract.yaml"  # v3.0.2, rowCount = 3
ORDERS = NATIVE / "datacontract-cli__examples__orders__orders.odcs.yaml"  # only SQL COUNT(*) checks
FULL_EXAMPLE_ID = "53581432-6c55-4ba2-a65f-72344a91553a"
NO_VOLUME = ("no volume: add customProperties expectedRowsPerDay, or a schema-level quality rule `metric: rowCount` "
             "with mustBeLessOrEqualTo (ODCS), or run metrics (finops.history, default .finops/)")


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _cost_json(cli, *paths: Path, cwd: Path, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    run = cli("cost", *map(str, paths), "--format", "json", *extra, cwd=cwd)
    assert run.code == 0, run.err
    return _strict_json(run.out)


def _by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["contract_id"]: entry for entry in report["contracts"] + report["unestimated"]}


def _sized_orders(orders_bound: dict[str, Any], line_items_bound: dict[str, Any]) -> dict[str, Any]:
    """The datacontract-cli orders example with its table-size SQL check turned into ODCS rowCount rules: on the
    orders object, and on a property of line_items (it counts the same rows)."""
    data = _load(ORDERS)
    orders, line_items = data["schema"]
    orders["quality"] = [{"type": "library", "metric": "rowCount", **orders_bound}]
    line_items["properties"][0]["quality"] = [{"metric": "rowCount", **line_items_bound}]
    return data


# --- an estimate appears, and says where its volume came from ------------------------------------------------------

def test_a_row_count_rule_gives_an_estimate_that_names_its_source(cli, tmp_path):
    run = cli("cost", str(FULL_EXAMPLE), cwd=tmp_path)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    head = next(line for line in lines if line.startswith(f"{FULL_EXAMPLE_ID}: "))
    assert "USD/month" in head and "not estimated" not in run.out
    assert "  volume: ODCS rowCount quality rule on tbl (lower bound 1,000,000, no upper bound)" in lines
    assert "  assumed: tbl may hold more rows (its rowCount rule sets only a lower bound)" in lines
    assert "  assumed: not counted, no rowCount bound on its size: receivers" in lines
    assert any(line.startswith("  assumed: every run rewrites all 1,000,000 rows") for line in lines)


def test_the_json_report_carries_the_source_and_keeps_its_keys(cli, tmp_path):
    report = _cost_json(cli, NATIVE, cwd=tmp_path)
    entries = _by_id(report)
    full = entries[FULL_EXAMPLE_ID]
    assert {"contract_id", "file", "version", "currency", "monthly", "unit_cost", "stored_gb", "usage", "basis",
            "assumptions", "attribution"} <= set(full)
    assert full["volume_source"] == "ODCS rowCount quality rule on tbl (lower bound 1,000,000, no upper bound)"
    assert full["usage"]["table_rows"] == 1_000_000
    assert full["usage"]["rows_per_day"] == 1_000_000  # SLA frequency: daily, each run rewrites the table
    assert full["basis"]["rows"] == "declared" and full["monthly"]["total"] > 0
    assert entries["row-filter-test"]["volume_source"] == "ODCS rowCount quality rule on orders (exactly 3)"
    assert entries["inventory-events"]["volume_source"] == (
        "ODCS rowCount quality rule on inventory (lower bound 10, no upper bound)")
    assert len(report["contracts"]) == 3


def test_the_upper_bound_is_taken_and_objects_add_up(cli, tmp_path):
    data = _sized_orders({"mustBeBetween": [1000, 50_000]}, {"mustBeLessOrEqualTo": 200_000})
    path = write(tmp_path, "orders.odcs.yaml", dump(data))
    entry = _by_id(_cost_json(cli, path, cwd=tmp_path))["urn:datacontract:checkout:orders"]
    assert entry["volume_source"] == (
        "ODCS rowCount quality rules on orders (upper bound 50,000), line_items (upper bound 200,000)")
    assert entry["usage"]["table_rows"] == 250_000
    assert not any("lower bound" in assumption for assumption in entry["assumptions"])


def test_storage_is_the_bounded_table_whatever_the_retention(cli, tmp_path):
    def stored_gb(orders: int, retention_years: int | None) -> float:
        data = _sized_orders({"mustBeLessOrEqualTo": orders}, {"mustBeLessOrEqualTo": 4 * orders})
        if retention_years is not None:
            data["slaProperties"] = [{"property": "retention", "value": retention_years, "unit": "y"}]
        path = write(tmp_path, f"orders-{orders}-{retention_years}.odcs.yaml", dump(data))
        entry = _by_id(_cost_json(cli, path, cwd=tmp_path))["urn:datacontract:checkout:orders"]
        assert not any("retention" in assumption for assumption in entry["assumptions"])
        return entry["stored_gb"]

    base = stored_gb(1_000_000, None)
    assert base > 0
    assert stored_gb(1_000_000, 10) == pytest.approx(base)
    assert stored_gb(2_000_000, None) == pytest.approx(2 * base, rel=1e-3)


def test_the_odcs_v3_0_rule_key_counts_too(cli, tmp_path):
    data = _load(KAFKA)
    data["apiVersion"] = "v3.0.2"
    rule = data["schema"][0]["quality"][0]
    del rule["metric"], rule["mustBeGreaterOrEqualTo"]
    rule.update({"rule": "rowCount", "mustBeLessThan": 5_000_000})
    data["slaProperties"] = [{"property": "frequency", "value": 1, "unit": "h"}]
    path = write(tmp_path, "inventory.yaml", dump(data))
    entry = _by_id(_cost_json(cli, path, cwd=tmp_path))["inventory-events"]
    assert entry["volume_source"] == "ODCS rowCount quality rule on inventory (upper bound 5,000,000)"
    assert entry["usage"]["rows_per_day"] == 24 * 5_000_000  # hourly runs, each rewriting the table


# --- nothing stated: the reason says what to declare ---------------------------------------------------------------

def test_a_contract_with_no_volume_is_told_precisely_what_to_declare(cli, tmp_path):
    run = cli("cost", str(ORDERS), cwd=tmp_path)
    assert run.code == 0, run.err
    assert f"urn:datacontract:checkout:orders: not estimated: {NO_VOLUME}" in run.out.splitlines()
    entry = _by_id(_cost_json(cli, ORDERS, cwd=tmp_path))["urn:datacontract:checkout:orders"]
    assert entry["reason"] == NO_VOLUME


def test_the_reason_speaks_the_contracts_odcs_version_and_names_a_non_empty_check(cli, tmp_path):
    v3_0 = _load(ROW_FILTER)
    del v3_0["schema"][0]["quality"]
    not_empty = _load(KAFKA)
    not_empty["schema"][0]["quality"][0]["mustBeGreaterOrEqualTo"] = 1
    paths = write(tmp_path, "v3_0.yaml", dump(v3_0)), write(tmp_path, "not_empty.yaml", dump(not_empty))
    entries = _by_id(_cost_json(cli, *paths, cwd=tmp_path))
    assert "quality rule `rule: rowCount` with mustBeLessOrEqualTo" in entries["row-filter-test"]["reason"]
    assert entries["inventory-events"]["reason"].startswith(
        "no volume: rowCount on inventory only requires a non-empty table; add customProperties expectedRowsPerDay")


# --- what wins -------------------------------------------------------------------------------------------------------

def test_the_dativo_declared_volume_wins_over_row_count(cli, tmp_path):
    data = _load(FULL_EXAMPLE)
    data["customProperties"].append({"property": "expectedRowsPerDay", "value": 250_000})
    path = write(tmp_path, "full-example.odcs.yaml", dump(data))
    entry = _by_id(_cost_json(cli, path, cwd=tmp_path))[FULL_EXAMPLE_ID]
    assert entry["volume_source"] == "declared: expectedRowsPerDay"
    assert entry["usage"]["rows_per_day"] == 250_000 and entry["usage"]["table_rows"] is None
    assert not any("rowCount" in assumption for assumption in entry["assumptions"])


def test_measured_runs_win_over_row_count_for_the_volume(cli, tmp_path):
    start = datetime.datetime(2026, 5, 1, 2, tzinfo=datetime.timezone.utc)
    runs = [RunMetrics("acme", "inventory", start + datetime.timedelta(days=day),
                       start + datetime.timedelta(days=day, minutes=5), contract_id="inventory-events",
                       duration_seconds=300, cpu_seconds=240, peak_memory_mb=1024, rows_written=40_000)
            for day in range(6)]
    write(tmp_path, "history/runs.jsonl", "".join(json.dumps(to_dict(run)) + "\n" for run in runs))
    entry = _by_id(_cost_json(cli, KAFKA, cwd=tmp_path, extra=("--history", str(tmp_path / "history"))))[
        "inventory-events"]
    assert entry["volume_source"] == (
        "measured: 6 runs; storage: ODCS rowCount quality rule on inventory (lower bound 10, no upper bound)")
    assert entry["usage"]["rows_per_day"] == pytest.approx(40_000)
    assert not any(assumption.startswith("every run rewrites") for assumption in entry["assumptions"])


# --- the cost of a change --------------------------------------------------------------------------------------------

def test_raising_a_row_count_bound_is_a_volume_change(cli, git_repo):
    data = _sized_orders({"mustBeLessOrEqualTo": 1_000_000}, {"mustBeLessOrEqualTo": 3_000_000})
    write(git_repo, "contracts/orders.odcs.yaml", dump(data))
    git(git_repo, "add", ".")
    git(git_repo, "commit", "-q", "-m", "orders")
    data["schema"][0]["quality"][0]["mustBeLessOrEqualTo"] = 3_000_000
    write(git_repo, "contracts/orders.odcs.yaml", dump(data))
    run = cli("cost", "--base", "main", cwd=git_repo)
    assert "volume: 4,000,000 rows/day (4,000,000-row table) -> 6,000,000 rows/day (6,000,000-row table)" in run.out
