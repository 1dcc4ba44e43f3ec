"""Cost estimates and the cost of a change, on the bundled example contracts."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml

from conftest import EXAMPLES, dump, example_data, git, write
from dativo_check.yamlio.loader import load_text
from dativo_check.contract.model import Contract
from dativo_check.config import CostThresholds, IncreaseThresholds
from dativo_check.finops.delta import compare_costs
from dativo_check.finops.estimate import Estimate, Unestimable, estimate
from dativo_check.finops.metrics import History, RunMetrics
from dativo_check.finops.pricing import load_pricing

PRICING = load_pricing()


def _contract(data: dict, file: str = "specs/stripe/v1.0/customers.yaml") -> Contract:
    return Contract(load_text(yaml.safe_dump(data, sort_keys=False), file).document)


def _stripe(**custom) -> dict:
    data = example_data("stripe/v1.0/customers.yaml")
    for key, value in custom.items():
        for entry in data["customProperties"]:
            if entry["property"] == key:
                entry["value"] = value
    return data


def _sla(data: dict, name: str, value, unit: str) -> dict:
    data["slaProperties"] = [s for s in data["slaProperties"] if s["property"] != name] + [
        {"property": name, "value": value, "unit": unit}]
    return data


def test_estimate_breaks_cost_down_and_says_what_it_used():
    result = estimate(_contract(_stripe(expectedRowsPerDay=2_000_000)), PRICING)
    assert isinstance(result, Estimate)
    assert result.total == pytest.approx(result.compute + result.storage + result.network + result.api)
    assert result.storage > 0 and result.compute > 0 and result.api > 0  # stripe declares apiCallsPerRun
    assert set(result.usage.basis.values()) == {"declared"}
    body = result.to_dict()
    assert body["attribution"]["cost_center"] == "FIN-001"
    assert body["unit_cost"]["per_gb_stored"] > 0 and body["unit_cost"]["per_1000_rows"] > 0


def test_a_contract_without_volume_is_not_estimated_as_zero():
    data = example_data("stripe/v1.0/customers.yaml")
    data["customProperties"] = [e for e in data["customProperties"] if e["property"] != "expectedRowsPerDay"]
    result = estimate(_contract(data), PRICING)
    assert isinstance(result, Unestimable) and "expectedRowsPerDay" in result.reason


def test_measured_runs_win_over_declared_usage():
    contract = _contract(_stripe(expectedRowsPerDay=1000))
    start = datetime.datetime(2026, 11, 1, 2, tzinfo=datetime.timezone.utc)
    runs = [RunMetrics("acme", "stripe", start + datetime.timedelta(days=day),
                       start + datetime.timedelta(days=day, minutes=10), contract_id="stripe-customers",
                       duration_seconds=600, cpu_seconds=900, peak_memory_mb=4096, bytes_read=5_000_000_000,
                       bytes_written=1_000_000_000, rows_written=3_000_000, api_calls={"stripe": 3000})
            for day in range(10)]
    declared, measured = estimate(contract, PRICING), estimate(contract, PRICING, runs)
    assert measured.usage.basis["compute"] == "measured" and measured.usage.basis["api"] == "measured"
    assert measured.usage.runs_per_day == pytest.approx(1.0)
    assert measured.usage.rows_per_day == pytest.approx(3_000_000)
    assert measured.total > declared.total * 10


@pytest.mark.parametrize("value, unit, runs_per_day", [
    (2, "m", 720), (2, "min", 720), (12, "hours", 2), (2, None, 0.5), (1, "w", 1 / 7), (1, "mo", 1 / 30.4375)])
def test_frequency_is_read_in_the_sla_units_and_days_by_default(value, unit, runs_per_day):
    data = _sla(_stripe(expectedRowsPerDay=1000), "frequency", value, unit)
    if unit is None:
        del data["slaProperties"][-1]["unit"]
    assert estimate(_contract(data), PRICING).usage.runs_per_day == pytest.approx(runs_per_day)


def test_the_history_hands_out_each_contracts_runs():
    start = datetime.datetime(2026, 11, 1, 2, tzinfo=datetime.timezone.utc)
    runs = [RunMetrics("acme", "job", start, start, contract_id=contract) for contract in ("a", "b", "a", None)]
    history = History(runs)
    assert history.for_contract("a") == [runs[0], runs[2]]
    assert history.for_contract(None) == [runs[3]] and history.for_contract("c") == []


@pytest.mark.parametrize("edit, factor", [
    (lambda d: _sla(d, "retention", 9, "y"), "retention"),
    (lambda d: d["schema"][0]["properties"].extend(
        {"name": f"note_{i}", "logicalType": "string", "physicalType": "VARCHAR(2000)", "classification": "internal"}
        for i in range(5)), "row width"),
    (lambda d: d["servers"].append({"server": "dr", "type": "s3", "location": "s3://acme-dr/raw/stripe/"}), "servers"),
    (lambda d: _sla(d, "frequency", 1, "h"), "frequency"),
])
def test_cost_delta_is_attributed_to_what_changed(edit, factor):
    base = _stripe(expectedRowsPerDay=500_000)
    head = _stripe(expectedRowsPerDay=500_000)
    edit(head)
    report = compare_costs([(_contract(base), _contract(head))], PRICING)
    (delta,) = report.deltas
    assert delta.delta > 0
    assert [share.factor for share in delta.shares] == [factor]
    assert sum(share.amount for share in delta.shares) == pytest.approx(delta.delta)


def test_tripled_storage_fails_the_gate_and_thresholds_follow_the_cost_centre():
    base = _stripe(expectedRowsPerDay=50_000_000)
    head = _sla(_stripe(expectedRowsPerDay=50_000_000), "retention", 9, "y")
    pairs = [(_contract(base), _contract(head))]
    strict = compare_costs(pairs, PRICING, thresholds=CostThresholds(IncreaseThresholds(error_percent=100,
                                                                                       error_absolute=1)))
    (finding,) = strict.findings
    assert finding.rule == "cost-increase" and finding.level.value == "error" and "retention" in finding.message
    relaxed = CostThresholds(IncreaseThresholds(error_percent=100, error_absolute=1), {
        "FIN-001": IncreaseThresholds(warn_percent=None, error_percent=None, warn_absolute=None, error_absolute=None)})
    assert compare_costs(pairs, PRICING, thresholds=relaxed).findings == ()


def test_pricing_file_overrides_and_is_validated(tmp_path):
    write(tmp_path, "pricing.yaml", "currency: USD\nstorage:\n  standard: 0.5\n")
    dear = load_pricing(tmp_path / "pricing.yaml")
    contract = _contract(_stripe(expectedRowsPerDay=1_000_000))
    assert estimate(contract, dear).storage > estimate(contract, PRICING).storage * 10
    write(tmp_path, "bad.yaml", "currency: dollars\nstorage:\n  standard: -1\n")
    from dativo_check.core.errors import UsageError

    with pytest.raises(UsageError, match="bad.yaml:1"):
        load_pricing(tmp_path / "bad.yaml")


def test_cli_cost_of_a_pull_request(git_repo, cli):
    for path in EXAMPLES.rglob("*.yaml"):
        write(git_repo, f"specs/{path.relative_to(EXAMPLES)}", path.read_text(encoding="utf-8"))
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "contracts")
    head = _sla(example_data("stripe/v1.0/customers.yaml"), "retention", 9, "y")
    head["version"] = "1.1.0"
    write(git_repo, "specs/stripe/v1.0/customers.yaml", dump(head))
    write(git_repo, ".dativo-check.yaml", "finops:\n  thresholds:\n    default: {error-percent: 10, error-absolute: 0.01}\n")
    run = cli("cost", "--base", "HEAD", "--format", "json", cwd=git_repo)
    assert run.code == 1
    body = json.loads(run.out)
    (contract,) = body["contracts"]
    assert contract["contract_id"] == "stripe-customers" and contract["delta"] > 0
    assert contract["shares"][0]["factor"] == "retention"
    markdown = cli("cost", "--base", "HEAD", "--format", "markdown", cwd=git_repo).out
    assert "| `stripe-customers` |" in markdown and "<details>" in markdown
    plain = cli("cost", cwd=git_repo)
    assert plain.code == 0 and "by cost center" in plain.out and "FIN-001" in plain.out


def test_markdown_cannot_be_injected_through_contract_text():
    from dativo_check.finops.delta import CostDelta, CostReport
    from dativo_check.report.cost_format import delta_dict, delta_markdown

    hostile = Unestimable("x` <img src=x> @admin [link](http://e)", "f.yaml", "no volume @team <b>bold</b> | cell")
    text = delta_markdown(delta_dict(CostReport((CostDelta(hostile.contract_id, "f.yaml", hostile, hostile),), "USD")))
    assert "| `xˋ <img src=x> @\u200badmin [link](http://e)` |" in text  # inert inside a code span
    assert "<b>" not in text and "@team" not in text and "@admin" not in text
    assert "cell" in text and "\\| cell" in text


def test_a_share_keeps_before_and_after_and_each_format_joins_them():
    from dativo_check.report.cost_format import delta_dict, delta_markdown, delta_text

    base = _stripe(expectedRowsPerDay=500_000)
    head = _sla(_stripe(expectedRowsPerDay=500_000), "retention", 9, "y")
    report = compare_costs([(_contract(base), _contract(head))], PRICING)
    (share,) = report.deltas[0].shares
    assert share.after == "3,287 days" and share.before != share.after
    assert delta_dict(report)["contracts"][0]["shares"][0]["change"] == f"{share.before} -> {share.after}"
    assert f"retention: {share.before} -> {share.after}" in delta_text(report)
    assert f"retention {share.before} → {share.after}" in delta_markdown(delta_dict(report))
