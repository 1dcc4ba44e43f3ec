"""Anomaly detection on realistic run histories: one run a day, lognormal noise, and the changes a job really sees."""

from __future__ import annotations

import datetime
import math
import random
import re
from typing import Callable

import pytest

from dativo_check.finops import anomalies
from dativo_check.config import AnomalyThresholds
from dativo_check.finops.anomalies import detect, findings
from dativo_check.finops.metrics import RunMetrics
from dativo_check.finops.pricing import load_pricing
from dativo_check.core.model import Level

PRICING = load_pricing()
START = datetime.datetime(2026, 1, 1, 2, 0, tzinfo=datetime.timezone.utc)


def history(seed: int, days: int = 90, level: Callable[[int], float] = lambda day: 1.0,
            version: Callable[[int], str] = lambda day: "1.2.0", noise: float = 0.10, job: str = "stripe_customers",
            tenant: str = "acme") -> list[RunMetrics]:
    """A daily ingestion job: about 100,000 rows a run times `level(day)`, with `noise` (lognormal sigma) on the
    volume and 5% more on CPU efficiency, duration and memory, the way real runs wobble."""
    rng = random.Random(seed)
    runs = []
    for day in range(days):
        rows = int(100_000 * level(day) * math.exp(rng.gauss(0, noise)))
        cpu = (30 + rows / 1e6 * 600) * math.exp(rng.gauss(0, 0.05))
        duration = cpu * 1.4 * math.exp(rng.gauss(0, 0.05))
        started = START + datetime.timedelta(days=day, seconds=rng.uniform(0, 90))
        runs.append(RunMetrics(
            tenant=tenant, job=job, started_at=started, finished_at=started + datetime.timedelta(seconds=duration),
            contract_id="stripe-customers", contract_version=version(day), duration_seconds=duration, cpu_seconds=cpu,
            peak_memory_mb=900 * math.exp(rng.gauss(0, 0.05)), bytes_read=rows * 350, bytes_written=rows * 220,
            rows_read=rows, rows_written=rows, api_calls={"stripe": rows // 100},
            file=f".finops/{tenant}/{job}_{started:%Y%m%dT%H%M%S}.json"))
    return runs


def flat(days: int, spike_day: int | None = None, factor: float = 1.0) -> list[RunMetrics]:
    """A job whose every run is identical (a fixed-size snapshot), so every MAD is 0."""
    runs = []
    for day in range(days):
        scale = factor if day == spike_day else 1.0
        started = START + datetime.timedelta(days=day)
        runs.append(RunMetrics(tenant="acme", job="snapshot", started_at=started,
                               finished_at=started + datetime.timedelta(seconds=60 * scale),
                               duration_seconds=60 * scale, cpu_seconds=40 * scale, peak_memory_mb=512,
                               bytes_read=int(5e8 * scale), bytes_written=int(2e8 * scale),
                               rows_written=int(1e6 * scale), file=f".finops/acme/snapshot_{day:03}.json"))
    return runs


def only(reports: list[anomalies.JobReport]) -> anomalies.JobReport:
    [report] = reports
    return report


def test_steady_noisy_histories_raise_nothing():
    runs = [run for seed in range(25) for run in history(seed, job=f"job_{seed:02}")]
    reports = detect(runs, PRICING)
    assert [report.status for report in reports] == ["ok"] * 25
    assert findings(reports) == []


def test_a_spike_is_caught_on_that_run_only():
    runs = history(1, level=lambda day: 3.0 if day == 70 else 1.0)
    report = only(detect(runs, PRICING))
    assert report.status == "anomalies"
    assert {(anomaly.kind, anomaly.started_at) for anomaly in report.anomalies} == {("spike", runs[70].started_at)}
    assert {anomaly.metric for anomaly in report.anomalies} == set(anomalies.METRICS)
    cost = report.anomalies[0]
    assert cost.metric == "cost" and cost.file == runs[70].file
    assert cost.baseline_runs == 30 and 1.5 < cost.percent < 2.6 and cost.z > 10
    message = cost.explain()
    assert message.startswith("acme/stripe_customers: cost spike at the run of 2026-03-12T02:")
    assert "USD against a median" in message and "over the 30 runs before" in message
    assert re.search(r": \+\d+%, z = \d+\.\d", message)
    assert cost.contract_change is None


def test_a_drop_in_rows_written_is_caught_as_a_usage_anomaly():
    runs = history(2, level=lambda day: 0.2 if day == 50 else 1.0)
    flagged = only(detect(runs, PRICING)).anomalies
    rows = [anomaly for anomaly in flagged if anomaly.metric == "rows_written"]
    assert [(anomaly.kind, anomaly.started_at) for anomaly in rows] == [("spike", runs[50].started_at)]
    assert rows[0].percent < -0.7 and rows[0].rule.id == "usage-anomaly"
    assert {anomaly.started_at for anomaly in flagged} == {runs[50].started_at}


def test_a_step_change_is_caught_once_from_the_run_where_it_started():
    runs = history(3, level=lambda day: 2.5 if day >= 60 else 1.0)  # CPU and duration: about 2x (fixed start-up)
    report = only(detect(runs, PRICING))
    assert {(anomaly.kind, anomaly.started_at) for anomaly in report.anomalies} == {("step", runs[60].started_at)}
    assert [anomaly.metric for anomaly in report.anomalies] == list(anomalies.METRICS)  # once per metric
    rows = next(anomaly for anomaly in report.anomalies if anomaly.metric == "rows_written")
    assert 90_000 < rows.median < 110_000 and 220_000 < rows.observed < 280_000
    assert rows.after_runs == 5 and rows.baseline_runs == 30
    assert "step change from the run of 2026-03-02T02:" in rows.explain()
    assert "over the 5 runs from there" in rows.explain()


def test_a_step_whose_first_run_falls_short_on_its_own_is_dated_from_that_run():
    wobble = [100_000 * (1 + 0.03 * math.sin(day)) for day in range(40)]
    values = [*wobble, 145_000, 180_000, 178_000, 183_000, 181_000, 179_000, 182_000, 180_000]
    [step] = only(detect(_runs_with("rows_written", values), PRICING)).anomalies
    assert (step.kind, step.started_at) == ("step", START + datetime.timedelta(days=40))
    assert (step.after_runs, step.observed) == (6, 179_500)  # from its start through the five that confirmed it


@pytest.mark.parametrize("days, growth", [(90, 1.01), (60, 1.02)], ids=["+1%-a-day-for-90-days",
                                                                     "+2%-a-run-for-60-runs"])
def test_a_slow_drift_is_caught_as_a_drift_and_nothing_else(days, growth):
    runs = history(4, days=days, level=lambda day: growth ** day)
    report = only(detect(runs, PRICING))
    kinds = {(anomaly.kind, anomaly.metric) for anomaly in report.anomalies}
    assert ("drift", "cost") in kinds and ("drift", "rows_written") in kinds
    assert {kind for kind, _ in kinds} == {"drift"}
    cost = next(anomaly for anomaly in report.anomalies if anomaly.metric == "cost")
    assert cost.started_at == runs[-1].started_at and cost.percent > 0.5
    size = min(30, days // 3)  # the first and last runs compared: a window, and at most a third of the history
    assert (cost.baseline_runs, cost.after_runs) == (size, size)
    assert cost.explain().startswith("acme/stripe_customers: cost drift up to the run of ")
    assert f"over the last {size} runs, against a median" in cost.explain()
    assert f"over the first {size} runs from 2026-01-01T02:" in cost.explain()


def test_a_short_history_says_so_instead_of_guessing():
    runs = history(5, days=7, level=lambda day: 10.0 if day == 6 else 1.0)
    report = only(detect(runs, PRICING))
    assert (report.status, report.anomalies, report.runs, report.need) == ("too-short", (), 7, 11)
    [finding] = findings([report])
    assert (finding.rule, finding.level) == ("history-too-short", Level.INFO)
    assert finding.message == ("acme/stripe_customers: history too short: 7 runs, need 11; no run is judged until "
                               "then")
    assert finding.file == runs[-1].file


def test_failed_runs_are_neither_judged_nor_counted():
    runs = history(6, days=12)
    crashed = RunMetrics(tenant="acme", job="stripe_customers", started_at=runs[11].started_at,
                         finished_at=runs[11].started_at, status="failed", cpu_seconds=0.4, file="crashed.json")
    report = only(detect([*runs[:11], crashed], PRICING))
    assert (report.status, report.runs, report.skipped) == ("ok", 11, 1)
    assert report.summary() == ("acme/stripe_customers: no anomalies in 11 runs (1 failed or unfinished runs not "
                                "counted)")
    short = only(detect([*runs[:10], crashed], PRICING))
    assert (short.status, short.runs) == ("too-short", 10)
    assert "history too short: 10 runs, need 11 (1 failed or unfinished runs not counted)" in short.summary()


def test_a_version_change_at_the_anomalous_run_is_named():
    runs = history(7, level=lambda day: 1.8 if day >= 55 else 1.0,
                   version=lambda day: "1.3.0" if day >= 55 else "1.2.0")
    report = only(detect(runs, PRICING))
    cost = report.anomalies[0]
    assert (cost.kind, cost.metric, cost.started_at) == ("step", "cost", runs[55].started_at)
    assert cost.contract_change == "contract stripe-customers changed 1.2.0 -> 1.3.0 at this run"
    assert cost.explain().endswith("; contract stripe-customers changed 1.2.0 -> 1.3.0 at this run")
    assert cost.to_dict()["contract_change"] == cost.contract_change


def test_a_version_change_a_few_runs_before_the_anomaly_is_named_with_its_distance():
    runs = history(8, level=lambda day: 3.0 if day == 64 else 1.0,
                   version=lambda day: "2.0.0" if day >= 61 else "1.4.1")
    cost = only(detect(runs, PRICING)).anomalies[0]
    assert cost.contract_change == "contract stripe-customers changed 1.4.1 -> 2.0.0 3 runs before this one"


def test_a_flat_history_alone_raises_nothing():
    assert only(detect(flat(60), PRICING)).status == "ok"


def test_a_spike_in_a_flat_history_is_caught_by_its_relative_change():
    runs = flat(60, spike_day=45, factor=2.0)
    report = only(detect(runs, PRICING))
    assert {(anomaly.kind, anomaly.started_at) for anomaly in report.anomalies} == {("spike", runs[45].started_at)}
    cost = report.anomalies[0]
    assert (cost.mad, cost.z, cost.percent) == (0.0, math.inf, pytest.approx(1.0))
    assert cost.to_dict()["z"] is None and cost.to_dict()["percent"] == 100.0
    assert "the baseline never varied (MAD 0), so the change alone counts" in cost.explain()


def test_a_small_wobble_in_a_flat_history_is_not_an_anomaly():
    assert only(detect(flat(60, spike_day=45, factor=1.3), PRICING)).status == "ok"


def test_output_is_the_same_whatever_the_order_of_the_input():
    runs = (history(9, job="b_job", level=lambda day: 3.0 if day in (20, 70) else 1.0)
            + history(10, job="a_job", level=lambda day: 2.0 if day >= 40 else 1.0) + history(11, days=5))
    shuffled = list(runs)
    random.Random(0).shuffle(shuffled)
    first, second = detect(runs, PRICING), detect(shuffled, PRICING)
    assert first == second
    assert [(report.job, report.status) for report in first] == [
        ("a_job", "anomalies"), ("b_job", "anomalies"), ("stripe_customers", "too-short")]
    started = [anomaly.started_at for anomaly in first[1].anomalies]
    assert started == sorted(started)
    assert [finding.rule for finding in findings(first)][:1] == ["cost-anomaly"]


def test_findings_carry_the_rule_level_place_and_a_hint():
    runs = history(12, level=lambda day: 3.0 if day == 80 else 1.0)
    found = findings(detect(runs, PRICING))
    assert {finding.rule for finding in found} == {"cost-anomaly", "usage-anomaly"}
    assert all(finding.level is Level.WARNING and finding.file == runs[80].file for finding in found)
    assert [finding.path for finding in found] == ["", "/cpu_seconds", "/duration_seconds", "/bytes_written",
                                                   "/rows_written", "/api_calls"]
    assert all("one-off" in (finding.hint or "") for finding in found)


def test_to_dict_is_plain_json():
    import json

    runs = history(13, level=lambda day: 3.0 if day == 80 else 1.0)
    data = only(detect(runs, PRICING)).to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["status"] == "anomalies" and data["anomalies"][0]["kind"] == "spike"
    assert data["anomalies"][0]["started_at"].endswith("Z")


def test_thresholds_are_adjustable():
    runs = history(15, level=lambda day: 1.4 if day == 70 else 1.0)
    assert only(detect(runs, PRICING)).status == "ok"  # +40% is within the default 50%
    lenient = only(detect(runs, PRICING, AnomalyThresholds(min_change=0.25))).anomalies
    assert runs[70].started_at in {anomaly.started_at for anomaly in lenient}


def _series(example: str) -> list[float]:
    return [float(token) for line in example.splitlines() if re.fullmatch(r"[\d. ]+", line.strip())
            for token in line.split()]


def _runs_with(metric: str, values: list[float]) -> list[RunMetrics]:
    runs = []
    for day, value in enumerate(values):
        started = START + datetime.timedelta(days=day)
        usage = ({"cpu_seconds": value * 3600 / PRICING.cpu_hour()} if metric == "cost"
                 else {"rows_written": int(value)})
        runs.append(RunMetrics(tenant="acme", job="example", started_at=started, finished_at=started,
                               file=f"run_{day}.json", **usage))
    return runs


@pytest.mark.parametrize("rule", anomalies.RULES, ids=lambda rule: rule.id)
def test_rule_examples_pass_and_fail_as_documented(rule):
    metric = "rows_written" if rule.id == "usage-anomaly" else "cost"
    passing = findings(detect(_runs_with(metric, _series(rule.passing)), PRICING))
    failing = findings(detect(_runs_with(metric, _series(rule.failing)), PRICING))
    assert rule.id not in {finding.rule for finding in passing}
    assert rule.id in {finding.rule for finding in failing}
    assert rule.explanation and rule.summary


def _write_history(root, runs: list[RunMetrics]) -> None:
    import json

    from dativo_check.finops.metrics import to_dict

    folder = root / ".finops" / "acme"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "stripe_customers.jsonl", "w", encoding="utf-8") as handle:
        for run in runs:
            handle.write(json.dumps(to_dict(run)) + "\n")


def test_the_cost_anomalies_command_explains_a_spike_and_takes_configured_thresholds(git_repo, cli):
    runs = history(seed=7, level=lambda day: 3.0 if day == 70 else 1.0)
    _write_history(git_repo, runs)
    text = cli("cost", "anomalies", cwd=git_repo)
    assert text.code == 0, text.err
    assert "acme/stripe_customers: " in text.out and "cost-anomaly:" in text.out
    assert "2026-03-12" in text.out  # day 70 of the history
    report = cli("cost", "anomalies", "--format", "json", cwd=git_repo).json()
    [job] = report["jobs"]
    assert job["status"] == "anomalies" and {f["rule"] for f in report["findings"]} >= {"cost-anomaly"}
    (git_repo / ".dativo-check.yaml").write_text("finops:\n  anomalies: {min-change: 5.0}\n", encoding="utf-8")
    relaxed = cli("cost", "anomalies", "--format", "json", cwd=git_repo).json()
    assert relaxed["jobs"][0]["status"] == "ok"
    (git_repo / ".dativo-check.yaml").write_text("finops:\n  anomalies: {window: 5, min-baseline: 9}\n",
                                                 encoding="utf-8")
    bad = cli("cost", "anomalies", cwd=git_repo)
    assert bad.code == 2 and "finops.anomalies" in bad.err and "min_baseline <= window" in bad.err


def test_a_named_history_folder_that_is_not_there_is_a_usage_error(git_repo, cli):
    run = cli("cost", "anomalies", "--history", str(git_repo / "no-such-folder"), cwd=git_repo)
    assert run.code == 2 and "no such run-metrics folder" in run.err
