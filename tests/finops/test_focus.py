"""FOCUS 1.2 export of the bundled examples, every row checked against the vendored FOCUS column catalogue.

The checker below is independent of the exporter: it reads `schemas/focus/` (the vendored catalogue and allowed
values) and the serialised text (CSV or JSON), never the typed rows, and the negative controls show that it fails.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from conftest import EXAMPLES, REPO
from dativo_check.core import resources
from dativo_check.config import Config
from dativo_check.contract.load import load_contracts
from dativo_check.core.errors import UsageError
from dativo_check.finops import focus
from dativo_check.finops.estimate import DAYS_PER_MONTH, Estimate, Unestimable, Usage, estimate
from dativo_check.finops.pricing import load_pricing

CATALOGUE_FILE = ("focus", "focus-columns-v1.2.json")
CATALOGUE = {column["column"]: column for column in resources.load_json_schema(*CATALOGUE_FILE)}
ALLOWED = resources.load_json_schema("focus", "focus-allowed-values-v1.2.json")
MANDATORY = sorted(name for name, spec in CATALOGUE.items() if spec["feature_level"] == "Mandatory")

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
PERIOD = "2026-02"


class Number(str):
    """A JSON number kept as its literal text, so that the checker sees exactly what was written."""


# --- the checker -----------------------------------------------------------------------------------------------

def column_problems(columns: list[str]) -> list[str]:
    problems = [f"{name}: mandatory column missing" for name in MANDATORY if name not in columns]
    problems += [f"{name}: column repeated" for name in sorted({c for c in columns if columns.count(c) > 1})]
    for name in columns:
        if not name.startswith("x_") and name not in CATALOGUE:
            problems.append(f"{name}: neither a FOCUS 1.2 column nor a custom column prefixed x_")
    custom = [index for index, name in enumerate(columns) if name.startswith("x_")]
    standard = [index for index, name in enumerate(columns) if not name.startswith("x_")]
    if custom and standard and min(custom) < max(standard):
        problems.append(f"{columns[min(custom)]}: custom column before the standard column {columns[max(standard)]}")
    return problems


def _scalar_object(text: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError as error:
        return f"not JSON ({error})"
    if not isinstance(value, dict):
        return "not a JSON object"
    nested = [key for key, item in value.items() if isinstance(item, (dict, list))]
    return f"values of {nested} are not scalars" if nested else None


def row_problems(row: dict[str, Any], from_json: bool = False) -> list[str]:
    problems = [f"{name}: missing from the row" for name in MANDATORY if name not in row]
    for name, value in row.items():
        spec = CATALOGUE.get(name)
        if spec is None:
            continue
        if value is None or value == "":
            if spec["allows_nulls"] != "True":
                problems.append(f"{name}: null or empty, but the column does not allow nulls")
            continue
        data_type, value_format = spec["data_type"], spec["value_format"]
        if data_type == "Decimal":
            if from_json and not isinstance(value, Number):
                problems.append(f"{name}: {value!r} is not a JSON number")
            if not DECIMAL.match(value):
                problems.append(f"{name}: {value!r} is not a plain decimal")
        elif from_json and (isinstance(value, Number) or not isinstance(value, str)):
            problems.append(f"{name}: {value!r} is not a JSON string")
        elif data_type == "Date/Time" and not DATETIME.match(value):
            problems.append(f"{name}: {value!r} is not a UTC date-time YYYY-MM-DDTHH:mm:ssZ")
        elif data_type == "JSON" and _scalar_object(value):
            problems.append(f"{name}: {_scalar_object(value)}")
        if "Currency Format" in value_format and not CURRENCY.match(value):
            problems.append(f"{name}: {value!r} is not an ISO 4217 currency code")
        if value_format.lower() == "allowed values":
            if name not in ALLOWED:
                problems.append(f"{name}: no allowed values vendored to check {value!r} against")
            elif value not in ALLOWED[name]:
                problems.append(f"{name}: {value!r} is not one of the allowed values")
    if (row.get("ConsumedQuantity") in (None, "")) != (row.get("ConsumedUnit") in (None, "")):
        problems.append("ConsumedUnit: must be null exactly when ConsumedQuantity is")
    if row.get("ChargeCategory") == "Usage" and row.get("ChargeClass") in (None, ""):
        problems += [f"{name}: null in a usage row" for name in ("ConsumedQuantity", "PricingQuantity", "PricingUnit")
                     if name in row and row[name] in (None, "")]
    for cost, price in (("ListCost", "ListUnitPrice"), ("ContractedCost", "ContractedUnitPrice")):
        if all(DECIMAL.match(str(row.get(name) or "")) for name in (cost, price, "PricingQuantity")):
            product = Decimal(row[price]) * Decimal(row["PricingQuantity"])
            if abs(product - Decimal(row[cost])) > Decimal("1e-6") * max(1, abs(Decimal(row[cost]))):
                problems.append(f"{cost}: {row[cost]} is not {price} x PricingQuantity ({product})")
    return problems


def read_csv(text: str) -> tuple[list[str], list[dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [{name: (field if field != "" else None) for name, field in zip(header, fields)}
                    for fields in reader]


def read_json(text: str) -> tuple[list[str], list[dict[str, Any]]]:
    rows = json.loads(text, parse_float=Number, parse_int=Number)
    assert isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
    header = list(rows[0]) if rows else []
    assert all(list(row) == header for row in rows), "every JSON object has the same keys in the same order"
    return header, rows


def problems_of(text: str, fmt: str) -> list[str]:
    header, rows = read_csv(text) if fmt == "focus-csv" else read_json(text)
    found = column_problems(header)
    for number, row in enumerate(rows, 1):
        found += [f"row {number}: {problem}" for problem in row_problems(row, from_json=fmt == "focus-json")]
    return found


# --- fixtures --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def estimates() -> list[Estimate | Unestimable]:
    paths = sorted(str(path) for path in EXAMPLES.rglob("*.yaml"))
    contracts = load_contracts(paths, Config(root=REPO)).contracts
    assert len(contracts) >= 5
    return [estimate(contract, load_pricing()) for contract in contracts]


@pytest.fixture(scope="module")
def export(estimates) -> focus.FocusExport:
    return focus.focus_rows(estimates, PERIOD)


def _estimate(compute: float = 0.0, storage: float = 0.0, network: float = 0.0, api: float = 0.0, *,
              contract_id: str = "tiny-table", stored_gb: float = 0.0, bytes_per_run: float = 0.0,
              api_calls: dict[str, float] | None = None, attribution: dict[str, Any] | None = None,
              currency: str = "USD") -> Estimate:
    usage = Usage(rows_per_day=0.0, row_bytes=100.0, runs_per_day=1.0, retention_days=30.0,
                  storage_class="standard", servers=("s3",), api_calls_per_run=api_calls or {},
                  bytes_per_run=bytes_per_run, basis={"compute": "measured", "storage": "declared"})
    if attribution is None:
        attribution = {"cost_center": "FIN-001", "project": "p", "environment": "dev", "business_tags": ["x"],
                       "domain": "finance", "owner": "someone"}
    runs = usage.runs_per_day * DAYS_PER_MONTH
    return Estimate(contract_id, f"specs/{contract_id}.yaml", "1.0.0", currency, compute, storage, network, api,
                    usage, stored_gb, attribution, runs_per_month=runs, transferred_gb=bytes_per_run * runs / 1e9)


# --- the catalogue ---------------------------------------------------------------------------------------------

def test_the_catalogue_is_the_vendored_focus_1_2_copy_with_21_mandatory_columns():
    path = resources.schema_path(*CATALOGUE_FILE)
    assert path.resolve().is_relative_to((REPO / "schemas" / "focus").resolve())
    notice = (path.parent / "NOTICE.md").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in notice and "https://github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec" in notice
    assert len(MANDATORY) == 21
    assert MANDATORY == sorted(focus.MANDATORY_COLUMNS)
    assert set(ALLOWED["ServiceCategory"]) >= {"Compute", "Storage", "Networking", "Integration", "Other"}


# --- the bundled examples, every row -----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", focus.FORMATS)
def test_every_exported_row_conforms_to_the_catalogue(export, fmt):
    text = focus.render(export.rows, fmt)
    assert problems_of(text, fmt) == []
    header, rows = read_csv(text) if fmt == "focus-csv" else read_json(text)
    assert header == list(focus.COLUMNS)
    assert len(rows) == len(export.rows) >= 15  # 5 contracts, 3-4 components each


def test_the_columns_are_focus_columns_then_custom_columns(export):
    columns = list(export.columns)
    standard = [name for name in columns if not name.startswith("x_")]
    custom = columns[len(standard):]
    assert set(standard) <= set(CATALOGUE) and set(MANDATORY) <= set(standard)
    assert {"ResourceId", "ResourceName", "ResourceType", "Tags", "ConsumedQuantity", "ConsumedUnit",
            "ListUnitPrice", "ContractedUnitPrice"} <= set(standard)
    assert custom[:3] == ["x_ContractId", "x_ContractVersion", "x_ContractFile"]
    assert {"x_CostCenter", "x_Project", "x_Environment", "x_EstimateBasis"} <= set(custom)
    assert all(name.startswith("x_") for name in custom)


def test_csv_and_json_hold_the_same_rows(export):
    _, from_csv = read_csv(focus.to_csv(export.rows))
    _, from_json = read_json(focus.to_json(export.rows))
    assert from_csv == [{name: (None if value is None else str(value)) for name, value in row.items()}
                        for row in from_json]


def test_costs_add_up_to_the_estimates_per_contract_and_component(estimates, export):
    _, rows = read_csv(focus.to_csv(export.rows))
    estimated = {item.contract_id: item for item in estimates if isinstance(item, Estimate)}
    assert {row["x_ContractId"] for row in rows} == set(estimated)
    for contract_id, item in estimated.items():
        mine = [row for row in rows if row["x_ContractId"] == contract_id]
        total = sum(Decimal(row["BilledCost"]) for row in mine)
        assert abs(total - Decimal(item.total)) < Decimal("1e-8"), contract_id
        for row in mine:
            assert abs(Decimal(row["BilledCost"]) - Decimal(getattr(item, row["x_ChargeComponent"]))) < Decimal("1e-9")
            assert row["EffectiveCost"] == row["ListCost"] == row["ContractedCost"] == row["BilledCost"]
            assert row["BillingCurrency"] == item.currency == "USD"
            assert row["ResourceId"] == contract_id and row["x_ContractVersion"] == item.version
            assert row["x_CostCenter"] == row["BillingAccountId"] == item.attribution["cost_center"]
        components = [row["x_ChargeComponent"] for row in mine]
        assert components == [name for name in ("compute", "storage", "network", "api")
                              if getattr(item, name) or name != "api"]  # no API calls, no API row


def test_service_categories_and_charge_columns(export):
    categories = {row["x_ChargeComponent"]: row["ServiceCategory"] for row in export.rows}
    assert categories == {"compute": "Compute", "storage": "Storage", "network": "Networking", "api": "Integration"}
    assert {row["ChargeCategory"] for row in export.rows} == {"Usage"}
    assert {row["ChargeClass"] for row in export.rows} == {None}
    assert {row["ProviderName"] for row in export.rows} == {"Dativo"}


def test_tags_are_a_json_object_of_scalars_from_the_attribution(export):
    _, rows = read_csv(focus.to_csv(export.rows))
    stripe = next(row for row in rows if row["x_ContractId"] == "stripe-customers")
    assert json.loads(stripe["Tags"]) == {
        "costCenter": "FIN-001", "project": "lakehouse-ingestion", "environment": "production",
        "businessTags/billing": True, "businessTags/revenue": True, "businessTags/customer-master": True}


# --- billing periods ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("period, start, end", [
    ("2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"),
    ("2026-12", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    ("2024-02", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
    ("2027-01", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"),
])
def test_billing_period_boundaries(estimates, period, start, end):
    _, rows = read_csv(focus.to_csv(focus.focus_rows(estimates, period).rows))
    assert {(row["BillingPeriodStart"], row["BillingPeriodEnd"]) for row in rows} == {(start, end)}
    assert {(row["ChargePeriodStart"], row["ChargePeriodEnd"]) for row in rows} == {(start, end)}


def test_the_default_period_is_the_current_utc_month():
    late = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
    assert focus.billing_period(now=late)[0] == datetime(2026, 12, 1, tzinfo=timezone.utc)
    paris_new_year = datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))  # still 2026-12 in UTC
    assert focus.billing_period(now=paris_new_year) == (datetime(2026, 12, 1, tzinfo=timezone.utc),
                                                        datetime(2027, 1, 1, tzinfo=timezone.utc))
    start, end = focus.billing_period()
    now = datetime.now(timezone.utc)
    assert start <= now < end and start.day == 1


@pytest.mark.parametrize("period", ["2026-13", "2026-00", "2026-2", "26-02", "2026-02-01", "0000-01", "9999-12",
                                    "february", ""])
def test_a_period_that_is_not_a_month_is_a_usage_error(period):
    with pytest.raises(UsageError, match="YYYY-MM"):
        focus.billing_period(period)


# --- numbers ---------------------------------------------------------------------------------------------------

def test_a_tiny_cost_is_written_without_an_exponent():
    export = focus.focus_rows([_estimate(compute=0.00000123)], PERIOD)
    assert len(export.rows) == 1  # storage, network and API use nothing: no rows
    csv_text, json_text = focus.to_csv(export.rows), focus.to_json(export.rows)
    for text, fmt in ((csv_text, "focus-csv"), (json_text, "focus-json")):
        assert problems_of(text, fmt) == []
        assert "1.23e" not in text.lower() and "e-0" not in text.lower()
    assert read_csv(csv_text)[1][0]["BilledCost"] == "0.00000123"
    assert read_json(json_text)[1][0]["BilledCost"] == "0.00000123"
    assert '"BilledCost": 0.00000123,' in json_text


@pytest.mark.parametrize("value, text", [
    (0.00000123, "0.00000123"), (1e-05, "0.00001"), (0.1, "0.1"), (2.0, "2"), (0, "0"), (-0.0, "0"),
    (1e-11, "0"), (4e-11, "0"), (6e-11, "0.0000000001"), (-1.5, "-1.5"), (12345678901.25, "12345678901.25"),
    (1e20, "100000000000000000000"), (Decimal("1E+3"), "1000"), (1 / 3, "0.3333333333"),
])
def test_decimals_are_plain(value, text):
    assert focus.format_decimal(value) == text
    assert DECIMAL.match(text)


def test_non_finite_numbers_are_refused():
    with pytest.raises(ValueError):
        focus.format_decimal(float("nan"))
    with pytest.raises(TypeError):
        focus.format_decimal(True)


# --- choices -----------------------------------------------------------------------------------------------------

def test_unestimable_contracts_are_skipped_and_returned_not_exported_as_zero():
    unknown = Unestimable("no-volume", "specs/no_volume.yaml", "no expectedRowsPerDay custom property")
    export = focus.focus_rows([unknown, _estimate(compute=1.5)], PERIOD)
    assert export.skipped == (unknown,)
    assert {row["x_ContractId"] for row in export.rows} == {"tiny-table"}


def test_a_contract_without_cost_centre_or_tags_goes_to_the_unallocated_account():
    bare = _estimate(compute=1.0, attribution={"cost_center": None, "business_tags": []})
    export = focus.focus_rows([bare], PERIOD)
    text = focus.to_csv(export.rows)
    assert problems_of(text, "focus-csv") == []
    row = read_csv(text)[1][0]
    assert row["BillingAccountId"] == row["BillingAccountName"] == focus.UNALLOCATED
    assert row["Tags"] is None and row["x_CostCenter"] is None and row["x_Project"] is None


def test_a_component_used_at_a_zero_price_gets_a_row_and_an_unused_one_does_not():
    item = _estimate(compute=1.0, network=0.0, bytes_per_run=5e8, storage=0.0, stored_gb=0.0)
    rows = {row["x_ChargeComponent"]: row for row in focus.focus_rows([item], PERIOD).rows}
    assert set(rows) == {"compute", "network"}
    assert focus.format_decimal(rows["network"]["BilledCost"]) == "0"
    assert focus.format_decimal(rows["network"]["ListUnitPrice"]) == "0"
    assert focus.format_decimal(rows["network"]["PricingQuantity"]) == "15.21875"  # 0.5 GB x 30.4375 runs


def test_api_calls_are_priced_per_thousand_and_consumed_one_by_one():
    item = _estimate(compute=1.0, api=0.4 * 30.4375, api_calls={"list": 600.0, "get": 400.0})
    row = next(row for row in focus.focus_rows([item], PERIOD).rows if row["x_ChargeComponent"] == "api")
    assert (row["PricingUnit"], row["ConsumedUnit"]) == ("1000 Requests", "Requests")
    assert focus.format_decimal(row["PricingQuantity"]) == "30.4375"
    assert focus.format_decimal(row["ConsumedQuantity"]) == "30437.5"
    assert focus.format_decimal(row["ListUnitPrice"]) == "0.4"


def test_the_provider_is_configurable():
    options = focus.FocusOptions(provider="Acme Data Platform", invoice_issuer="Acme Finance")
    row = focus.focus_rows([_estimate(compute=1.0)], PERIOD, options).rows[0]
    assert (row["ProviderName"], row["PublisherName"], row["InvoiceIssuerName"]) == (
        "Acme Data Platform", "Acme Data Platform", "Acme Finance")


def test_a_currency_that_is_not_iso_4217_is_a_usage_error():
    with pytest.raises(UsageError, match="ISO 4217"):
        focus.focus_rows([_estimate(compute=1.0, currency="dollars")], PERIOD)


def test_the_export_is_deterministic_whatever_the_input_order(estimates):
    forward = focus.to_csv(focus.focus_rows(estimates, PERIOD).rows)
    assert focus.to_csv(focus.focus_rows(list(reversed(estimates)), PERIOD).rows) == forward


def test_csv_is_rfc_4180_with_newline_line_ends(export):
    text = focus.to_csv(export.rows)
    assert text.endswith("\n") and "\r" not in text
    assert text.split("\n", 1)[0] == ",".join(focus.COLUMNS)
    assert '"{""businessTags/' in text  # Tags hold commas and quotes: quoted, quotes doubled
    odd = _estimate(compute=1.0, contract_id='odd, "quoted"\nid')
    _, rows = read_csv(focus.to_csv(focus.focus_rows([odd], PERIOD).rows))
    assert rows[0]["ResourceId"] == 'odd, "quoted"\nid'


def test_empty_exports_and_unknown_formats():
    assert focus.to_json([]) == "[]\n"
    assert focus.to_csv([]) == ",".join(focus.COLUMNS) + "\n"
    with pytest.raises(UsageError, match="focus-csv"):
        focus.render([], "parquet")


# --- negative controls: the checker can fail -----------------------------------------------------------------------

def _good(export) -> tuple[list[str], dict[str, Any]]:
    header, rows = read_csv(focus.to_csv(export.rows))
    assert column_problems(header) == [] and row_problems(rows[0]) == []
    return header, dict(rows[0])


def test_the_checker_rejects_a_missing_mandatory_column(export):
    header, row = _good(export)
    del row["BilledCost"]
    assert any("BilledCost" in problem for problem in column_problems([c for c in header if c != "BilledCost"]))
    assert any("BilledCost" in problem for problem in row_problems(row))


@pytest.mark.parametrize("column, value, complaint", [
    ("BillingPeriodStart", "2026-02-01 00:00:00", "date-time"),
    ("ChargePeriodEnd", "2026-03-01T00:00:00+00:00", "date-time"),
    ("BilledCost", "1e-05", "plain decimal"),
    ("ListCost", "1,234.5", "plain decimal"),
    ("BillingCurrency", "usd", "ISO 4217"),
    ("BillingAccountId", None, "does not allow nulls"),
    ("ServiceName", "", "does not allow nulls"),
    ("ServiceCategory", "Data Contracts", "allowed values"),
    ("ChargeCategory", "Estimate", "allowed values"),
    ("ChargeClass", "Refund", "allowed values"),
    ("Tags", '{"team": {"name": "web"}}', "not scalars"),
    ("Tags", '["pii"]', "not a JSON object"),
    ("Tags", "costCenter=FIN-001", "not JSON"),
    ("ConsumedUnit", None, "ConsumedUnit"),
    ("ListUnitPrice", "1000", "ListUnitPrice x PricingQuantity"),
])
def test_the_checker_rejects_bad_values(export, column, value, complaint):
    _, row = _good(export)
    row[column] = value
    assert any(complaint in problem for problem in row_problems(row)), row_problems(row)


def test_the_checker_rejects_misplaced_or_unprefixed_columns(export):
    header, _ = _good(export)
    assert any("custom column before" in p for p in column_problems(["x_ContractId"] + header[:-1]))
    assert any("Foo" in p for p in column_problems(header + ["Foo"]))
    assert any("repeated" in p for p in column_problems(header + ["Tags"]))


def test_the_checker_rejects_json_numbers_written_as_strings(export):
    header, rows = read_json(focus.to_json(export.rows))
    row = dict(rows[0])
    row["BilledCost"] = str(row["BilledCost"])  # a JSON string, not a Number
    assert any("not a JSON number" in p for p in row_problems(row, from_json=True))
    assert problems_of(json.dumps([{"BilledCost": 1e-05}]), "focus-json")  # json.dumps writes 1e-05
