"""One duration model for the whole product: the parser, SLA changes through the real diff, dbt and the cost model."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, dump, example_data, write
from dativo_check.config import DbtSettings
from dativo_check.yamlio.loader import load_text
from dativo_check.contract.model import Contract
from dativo_check.dbt import data_tests
from dativo_check.dbt.generate import generate
from dativo_check.diff.sla import describe, sla_direction
from dativo_check.core.durations import DAY, HOUR, MINUTE, MONTH, WEEK, YEAR, duration_seconds, iso_seconds, number
from dativo_check.finops.estimate import estimate
from dativo_check.finops.pricing import load_pricing
from dativo_check.core.model import Direction

HUGE_INT = 10 ** 5000  # more digits than Python turns into text by default
HOSTILE = (None, True, False, [], ["P1Y"], {}, {"value": 1}, HUGE_INT, -HUGE_INT, float("inf"), float("-inf"),
           float("nan"), 1e308, -1, "", " ", "x" * 100_000, " " * 100_000 + "x", "9" * 5000, "9" * 5000 + " d",
           "P" + "9" * 5000 + "D", "1e400", "1e400 h", "P1e400D", "\x00", "a\nb\u202ec", "ſ", "P1Y", "24 h")


# --- the parser -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, unit, seconds", [
    # ISO 8601 durations, as the value and without a unit
    ("P1Y", None, YEAR), ("P6M", None, 6 * MONTH), ("P12M", None, YEAR), ("P13M", None, 13 * MONTH),
    ("P1W", None, WEEK), ("P1D", None, DAY), ("PT24H", None, DAY), ("P1DT12H", None, 36 * HOUR),
    ("PT30M", None, 30 * MINUTE), ("PT45S", None, 45), ("P0.5D", None, 12 * HOUR), ("P0,5D", None, 12 * HOUR),
    ("P1Y2M3DT4H5M6S", None, YEAR + 2 * MONTH + 3 * DAY + 4 * HOUR + 5 * MINUTE + 6), ("PT1.5H", None, 90 * MINUTE),
    ("pt30m", None, 30 * MINUTE), (" P1Y ", None, YEAR), ("P1Y", "", YEAR), ("P0D", None, 0),
    # text that states its unit
    ("24h", None, DAY), ("24 h", None, DAY), ("1 day", None, DAY), ("2 days", None, 2 * DAY),
    ("1.5 hours", None, 90 * MINUTE), ("500ms", None, 0.5), ("15 minutes", None, 15 * MINUTE), ("3 Y", None, 3 * YEAR),
    ("1Y", None, YEAR), ("1 mo", None, MONTH),
    # a number and a unit; ODCS's own spellings first
    (4, "d", 4 * DAY), (4, "day", 4 * DAY), (4, "days", 4 * DAY), (3, "y", 3 * YEAR), (3, "yr", 3 * YEAR),
    (3, "years", 3 * YEAR), (2, "h", 2 * HOUR), (2, "hr", 2 * HOUR), (2, "hours", 2 * HOUR), (5, "m", 5 * MINUTE),
    (5, "min", 5 * MINUTE), (5, "minutes", 5 * MINUTE), (2, "mo", 2 * MONTH), (2, "months", 2 * MONTH),
    (1, "w", WEEK), (1, "weeks", WEEK), (30, "s", 30), (30, "seconds", 30), (500, "ms", 0.5), (2, " H ", 2 * HOUR),
    (1.5, "d", 36 * HOUR), ("24", "h", DAY), (" 24 ", "h", DAY), (0, "d", 0),
    # no unit: days
    (4, None, 4 * DAY), ("4", None, 4 * DAY), (4, "", 4 * DAY), (4, "  ", 4 * DAY),
])
def test_every_accepted_form_is_read_as_seconds(value, unit, seconds):
    assert duration_seconds(value, unit) == pytest.approx(seconds, rel=1e-12, abs=1e-12)


def test_m_is_minutes_and_the_calendar_makes_twelve_months_a_year():
    """ODCS never defines `m`; the product reads it as minutes and spells months `mo` (see `durations`)."""
    assert duration_seconds(1, "m") == 60 and duration_seconds(1, "M") == 60
    assert duration_seconds("P1M") == MONTH and duration_seconds("PT1M") == 60
    assert YEAR == 365.25 * DAY and MONTH == YEAR / 12 == 30.4375 * DAY
    assert duration_seconds("P12M") == duration_seconds("P1Y") == duration_seconds(12, "mo") == duration_seconds(1, "y")


@pytest.mark.parametrize("value, unit", [
    ("P", None), ("PT", None), ("P1", None), ("Y1", None), ("P1H", None), ("PT1D", None), ("P1YT", None),
    ("P1M1Y", None), ("-P1D", None), ("P-1D", None), ("P1.D", None), ("P1Y", "y"), ("24 h", "h"), ("soon", None),
    ("24 fortnights", None), ("h", None), ("24", "fortnights"), (24, "parsecs"), (-1, "d"), ("-1 d", None),
    ("-1", None), (24, "percent"), ("1h30m", None), ("09:00", None), ("2032-05-12", None), (1, ["d"]), (1, 5),
    (1, {"unit": "d"}), ("inf", "d"), ("nan", None), ("infinity d", None), ("1_000", "s"),
])
def test_garbage_is_no_duration(value, unit):
    assert duration_seconds(value, unit) is None


def test_without_a_default_unit_a_plain_number_is_no_duration():
    assert duration_seconds(4, None, default_unit=None) is None
    assert duration_seconds("4 d", None, default_unit=None) == 4 * DAY


@pytest.mark.parametrize("value", HOSTILE, ids=lambda value: type(value).__name__)
@pytest.mark.parametrize("unit", [None, "d", "percent", *HOSTILE[:16]], ids=lambda unit: type(unit).__name__)
def test_no_yaml_value_makes_the_model_raise(value, unit):
    seconds = duration_seconds(value, unit)
    assert seconds is None or math.isfinite(seconds) and seconds >= 0
    found = number(value)
    assert found is None or math.isfinite(found)
    if isinstance(value, str):
        assert iso_seconds(value) is None or math.isfinite(iso_seconds(value))
    old, new = {"property": "latency", "value": value, "unit": unit}, {"property": "latency", "value": "PT1H"}
    for name in ("latency", "availability", "endOfLife", "timeOfAvailability", "throughput", "custom", None, 5):
        assert sla_direction(name, old, new) in Direction
        # NaN equals nothing, itself included, so it stays unknown (the loader never makes one: `.nan` stays text)
        unchanged = sla_direction(name, old, copy.deepcopy(old))
        assert unchanged is (Direction.BOTH if _is_nan(value) or _is_nan(unit) else Direction.NEUTRAL)
    assert isinstance(describe(old), str) and isinstance(describe({"value": value, "valueExt": unit}), str)


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def test_non_finite_and_huge_values_are_unknown_so_a_change_to_them_is_a_change():
    for value in (float("inf"), HUGE_INT, "1e400", "9" * 5000):
        assert duration_seconds(value, "d") is None
        assert sla_direction("latency", {"value": 1, "unit": "d"}, {"value": value, "unit": "d"}) is Direction.BOTH


def test_describe_shows_the_value_as_written():
    assert describe({"value": "P1Y"}) == "P1Y"
    assert describe({"value": 99.5, "unit": "percent"}) == "99.5 percent"
    assert describe({"value": "99.5%"}) == "99.5%"
    assert describe({"value": True}) == "true" and describe({"value": None}) == "null"
    assert describe({"value": 1, "valueExt": 2, "unit": "d"}) == "1 d (valueExt 2)"
    assert describe({"value": HUGE_INT}) == "a value too large to show"
    assert describe(None) == "none"


# --- SLA changes through the real diff ------------------------------------------------------------------------

def _diff(cli, tmp_path: Path, base: dict, head: dict, *options: str) -> dict:
    old, new = write(tmp_path, "old.yaml", dump(base)), write(tmp_path, "new.yaml", dump(head))
    run = cli("diff", str(old), str(new), "--format", "json", "--no-profile", *options)
    assert run.code in (0, 1), run.err
    [contract] = run.json()["contracts"]
    return contract


def _sla_diff(cli, tmp_path: Path, name: str, old: dict, new: dict, *options: str) -> dict:
    base = example_data("stripe/v1.0/customers.yaml")
    base["slaProperties"] = [{"property": name, **old}]
    head = copy.deepcopy(base)
    head["slaProperties"] = [{"property": name, **new}]
    return _diff(cli, tmp_path, base, head, *options)


def d(value, unit=None) -> dict:
    return {"value": value} if unit is None else {"value": value, "unit": unit}


# (property, old, new, the rule that fires or None, the word its message ends with, the bump forward needs)
CHANGES = [
    ("retention", d("P1Y"), d("P6M"), "sla-loosened", "looser", "major"),
    ("retention", d("P6M"), d("P1Y"), "sla-tightened", "stricter", "minor"),
    ("retention", d("P1Y"), d("P13M"), "sla-tightened", "stricter", "minor"),
    ("retention", d("P13M"), d("P1Y"), "sla-loosened", "looser", "major"),
    ("retention", d("P1Y"), d("P12M"), None, None, "none"),
    ("retention", d(1, "y"), d("P12M"), None, None, "none"),
    ("retention", d(3, "y"), d("P6M"), "sla-loosened", "looser", "major"),
    ("retention", d(6, "mo"), d("P6M"), None, None, "none"),
    ("latency", d("PT24H"), d("P1D"), None, None, "none"),
    ("latency", d(24, "h"), d(1, "d"), None, None, "none"),
    ("latency", d(1, "h"), d(30, "m"), "sla-tightened", "stricter", "minor"),
    ("latency", d("PT1H"), d("PT30M"), "sla-tightened", "stricter", "minor"),
    ("latency", d(4, "d"), d("P1W"), "sla-loosened", "looser", "major"),
    ("latency", d(2, "h"), d("2 h"), None, None, "none"),
    ("freshness", d("24h"), d("48h"), "sla-loosened", "looser", "major"),
    ("freshness", d(24, "h"), d(48, "h"), "sla-loosened", "looser", "major"),
    ("freshness", d("24 h"), d("1 d"), None, None, "none"),
    ("freshness", d("24 h"), d("1 day"), None, None, "none"),
    ("freshness", d(24, "h"), d("PT12H"), "sla-tightened", "stricter", "minor"),
    ("frequency", d(1, "d"), d("PT1H"), "sla-tightened", "stricter", "minor"),
    ("frequency", d("PT1H"), d(1, "d"), "sla-loosened", "looser", "major"),
    ("timeToDetect", d("PT15M"), d(1, "h"), "sla-loosened", "looser", "major"),
    ("timeToNotify", d(1, "h"), d("PT30M"), "sla-tightened", "stricter", "minor"),
    ("timeToRepair", d("P1D"), d("P2D"), "sla-loosened", "looser", "major"),
    ("Latency", d(4, "h"), d(8, "h"), "sla-loosened", "looser", "major"),  # ODCS: names are case-insensitive
    ("ly", d(8, "h"), d(4, "h"), "sla-tightened", "stricter", "minor"),  # ... and have synonyms
    ("availability", d(99.5, "percent"), d("99.5%"), None, None, "none"),
    ("availability", d("99.5", "%"), d(99.5, "percent"), None, None, "none"),
    ("availability", d("95%", "%"), d(95), None, None, "none"),
    ("availability", d(99.9, "percent"), d("99.5%"), "sla-loosened", "looser", "major"),
    ("availability", d("99.5%"), d(99.9, "%"), "sla-tightened", "stricter", "minor"),
    ("errorRate", d("1%"), d("2%"), "sla-loosened", "looser", "major"),
    ("throughput", d(1000, "rows/s"), d("2000 rows/s"), "sla-tightened", "stricter", "minor"),
    ("throughput", d(1000, "rows/s"), d(1000, "rows/min"), "sla-loosened", "changed", "major"),
    ("generalAvailability", d("2022-05-12T09:30:10-08:00"), d("2022-06-01T00:00:00Z"), "sla-loosened", "looser",
     "major"),
    ("generalAvailability", d("2022-05-12T09:30:10-08:00"), d("2022-05-12T17:30:10Z"), None, None, "none"),
    ("endOfSupport", d("2032-05-12T09:30:10-08:00"), d("2033-01-01T00:00:00Z"), "sla-tightened", "stricter", "minor"),
    ("endOfLife", d("2042-05-12T09:30:10-08:00"), d("2040-01-01"), "sla-loosened", "looser", "major"),
    ("endOfLife", d("2042-05-12T09:30:10-08:00"), d("2040-01-01T00:00:00Z"), "sla-loosened", "looser", "major"),
    ("timeOfAvailability", d("06:00+00:00"), d("08:00+00:00"), "sla-loosened", "looser", "major"),
    ("timeOfAvailability", d("09:00-08:00"), d("17:00Z"), None, None, "none"),
    ("timeOfAvailability", d("08:00-08:00"), d("09:00-07:00"), None, None, "none"),
    ("timeOfAvailability", d("06:00"), d("06:00+00:00"), None, None, "none"),
    ("generalAvailability", d("2022-05-12"), d("2022-05-12T00:00:00Z"), None, None, "none"),  # no offset: UTC
    # what does not compare is a change, treated conservatively
    ("latency", d(5, "fortnights"), d(3, "parsecs"), "sla-loosened", "changed", "major"),
    ("latency", d(1, "h"), d(2, "blorps"), "sla-loosened", "changed", "major"),
    ("latency", d(5, "fortnights"), d(3, "fortnights"), "sla-loosened", "changed", "major"),
    ("latency", d("soon"), d("later"), "sla-loosened", "changed", "major"),
    ("latency", d("P1Y"), d(1, "percent"), "sla-loosened", "changed", "major"),
    ("completeness", d(1, "h"), d(2, "h"), "sla-loosened", "changed", "major"),
    ("completeness", d("P1D"), d(24, "h"), None, None, "none"),
    ("frequency", {**d(1, "d"), "valueExt": 1}, {**d(1, "d"), "valueExt": 2}, "sla-loosened", "changed", "major"),
    ("frequency", {**d(1, "d"), "valueExt": 1}, {**d(24, "h"), "valueExt": "24"}, None, None, "none"),  # one unit
]


@pytest.mark.parametrize("name, old, new, rule, word, bump", CHANGES,
                         ids=[f"{name}:{describe(old)}->{describe(new)}" for name, old, new, *_ in CHANGES])
def test_sla_changes_compare_amounts(cli, tmp_path, name, old, new, rule, word, bump):
    contract = _sla_diff(cli, tmp_path, name, old, new)
    assert contract["required_bump"] == bump
    if rule is None:
        # the same promise spelled otherwise: no change, nothing to bump, no finding about the version
        assert contract["changes"] == [] and contract["findings"] == [] and contract["status"] == "unchanged"
        return
    [change] = contract["changes"]
    assert change["rule"] == rule
    assert change["message"] == f"SLA {name} {describe(old)} -> {describe(new)} ({word})"
    assert change["old"] == describe(old) and change["new"] == describe(new)


@pytest.mark.parametrize("mode, breaking", [("forward", True), ("full", True), ("backward", False)])
def test_a_shorter_iso_retention_breaks_forward_consumers(cli, tmp_path, mode, breaking):
    contract = _sla_diff(cli, tmp_path, "retention", d("P1Y"), d("P6M"), "--compat", mode)
    assert contract["breaking"] is breaking and (contract["required_bump"] == "major") is breaking


def test_a_longer_iso_retention_breaks_nobody_forward(cli, tmp_path):
    contract = _sla_diff(cli, tmp_path, "retention", d("P6M"), d("P1Y"), "--compat", "forward")
    assert not contract["breaking"] and contract["required_bump"] == "minor"


def test_an_unchanged_sla_nothing_reads_is_no_change(cli, tmp_path):
    for value in (d(99.5, "percent"), d("Available 24/7"), d([1, 2], "d"), d(7, "fortnights")):
        assert _sla_diff(cli, tmp_path, "availability", value, copy.deepcopy(value))["changes"] == []


# The SLA block of datacontract-cli's tests/fixtures/api/weather-service.odcs.yaml (commit 6449ce56), the sibling of
# the bundled weather-service-array fixture, which has none of its own.
WEATHER_SLA = [
    {"property": "availability", "value": 99.5, "unit": "percent", "element": "weather_reading",
     "driver": "operational"},
    {"property": "retention", "value": 90, "unit": "days", "element": "weather_reading", "driver": "operational"},
    {"property": "freshness", "value": 15, "unit": "minutes", "element": "weather_reading.temperature",
     "driver": "operational"},
    {"property": "latency", "value": 500, "unit": "ms", "element": "weather_reading", "driver": "operational"},
]
WEATHER = FIXTURES / "realworld" / "datacontract-cli__tests__fixtures__api__weather-service-array.odcs.yaml"


@pytest.mark.parametrize("respell", [False, True], ids=["as-written", "respelled"])
def test_a_description_patch_of_the_weather_service_reports_no_sla_change(cli, tmp_path, respell):
    base = yaml.safe_load(WEATHER.read_text(encoding="utf-8"))
    base["slaProperties"] = WEATHER_SLA
    head = copy.deepcopy(base)
    head["version"] = "1.0.1"
    head["schema"][0]["description"] = "One weather reading, returned as an element of a JSON array"
    if respell:  # the same promises in other spellings
        for sla, value in zip(head["slaProperties"], ("99.5%", "P90D", "PT15M", "500 ms")):
            sla["value"] = value
            del sla["unit"]
    contract = _diff(cli, tmp_path, base, head)
    assert [change["rule"] for change in contract["changes"]] == ["documentation-changed"]
    assert contract["required_bump"] == "patch" and contract["version_ok"] and contract["next_version"] == "1.0.1"
    assert not [finding for finding in contract["findings"] if finding["level"] in ("error", "warning")]


# --- dbt and the cost model read durations the same way --------------------------------------------------------

@pytest.mark.parametrize("sla, period", [
    (d("P1Y"), (1, "year")), (d("P12M"), (1, "year")), (d("P6M"), (6, "month")), (d(6, "mo"), (6, "month")),
    (d("P90D"), (90, "day")), (d(90, "days"), (90, "day")), (d("PT36H"), (36, "hour")), (d("P1DT12H"), (36, "hour")),
    (d(2, "m"), (2, "minute")), (d(2), (2, "day")), (d("2 days"), (2, "day")), (d("P1W"), (7, "day")),
    (d("soon"), None), (d(1, "fortnight"), None), (d("P1Y", "y"), None), (d(HUGE_INT, "d"), None), (None, None),
])
def test_the_dbt_retention_test_reads_the_one_model(sla, period):
    assert data_tests.retention(sla) == period


def _contract(data: dict) -> Contract:
    return Contract(load_text(dump(data), "orders.yaml").document)


@pytest.mark.parametrize("latency, warn_after", [
    (d("PT30M"), {"count": 30, "period": "minute"}), (d(2, "h"), {"count": 2, "period": "hour"}),
    (d("PT2H"), {"count": 2, "period": "hour"}), (d("P1D"), {"count": 1, "period": "day"}),
    (d("90 s"), {"count": 2, "period": "minute"}), (d(500, "ms"), {"count": 1, "period": "minute"}),
])
def test_dbt_freshness_reads_the_one_model(latency, warn_after):
    data = example_data("postgres/v1.0/orders.yaml")
    data["slaProperties"] = [{"property": "latency", **latency, "element": "orders.updated_at"}]
    files = {file.path: file for file in generate([_contract(data)], DbtSettings(), models=False).files}
    source = yaml.safe_load(files["models/sources/webshop_orders.yml"].text)["sources"][0]
    orders = next(table for table in source["tables"] if table["name"] == "orders")
    assert orders["config"]["freshness"] == {"warn_after": warn_after}


@pytest.mark.parametrize("frequency, retention, runs_per_day, retention_days", [
    (d("PT1H"), d("P1Y"), 24, 365.25), (d(1, "h"), d(1, "y"), 24, 365.25), (d("P1D"), d("P6M"), 1, 182.625),
    (d("PT30M"), d("P12M"), 48, 365.25), (d("24 h"), d("90 days"), 1, 90),
])
def test_the_cost_model_reads_the_one_model(frequency, retention, runs_per_day, retention_days):
    data = example_data("stripe/v1.0/customers.yaml")
    data["slaProperties"] = [{"property": "frequency", **frequency}, {"property": "retention", **retention}]
    usage = estimate(_contract(data), load_pricing()).usage
    assert usage.runs_per_day == pytest.approx(runs_per_day)
    assert usage.retention_days == pytest.approx(retention_days)
