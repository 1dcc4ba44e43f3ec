"""Cost and usage anomalies in the run-metrics history of each job: spikes, step changes and slow drifts.

Each job's successful runs (grouped by tenant and job, ordered by start time) are judged one metric at a time
(`METRICS`) against a robust baseline: the median and the MAD (median absolute deviation) of the previous runs, at
most `window` of them. A run is *off* when both

- its robust z-score, 0.6745 * (value - median) / MAD, is at least `z` in size, and
- it differs from the median by more than `min_change` (a fraction of the median),

the second so that a job whose runs hardly vary does not alarm over a few percent, and so that a baseline with a MAD
of 0 (every run the same) is judged by the relative change alone. It must also differ by more than `min_change`, in
the same direction, from the median of the `step_runs` runs just before it: the window's median lags half a window
behind a job whose level moves, and every noisy run of a drift would be off against it. An off run is

- a *step* when the runs from it on (up to `step_runs` of them) all lie on its side of the baseline median and
  their median is off too: the level moved and stayed. It is dated from the earliest of the runs just before that
  sit nearer the new level than the old one (a step's noisy first run may fall short on its own), reported once,
  and the baseline starts again there: the runs after it are judged against the new level once it has
  `min_baseline` runs;
- a *spike* otherwise: one run far off.

A *drift* is a change no single run shows: the median of the last runs since the latest step differs from the
median of the first ones by more than `drift_change`, and by at least `z` standard errors of such a difference. A
spike within a drift counts only if it is also more than `min_change` off the drift's trend line.

Runs that failed or are still running are neither judged nor part of any baseline: their usage describes the
failure, not the job. A job needs `min_baseline` + 1 successful runs before anything is judged.
"""

from __future__ import annotations

import bisect
import datetime
import math
import statistics
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from dativo_check.config import AnomalyThresholds
from dativo_check.finops.estimate import RunPrices, RunUsage, run_cost
from dativo_check.finops.metrics import RunMetrics
from dativo_check.finops.pricing import Pricing
from dativo_check.core.model import Finding
from dativo_check.core.ruledoc import RuleDoc, from_text
from dativo_check.core.timefmt import rfc3339

COST = "cost"
METRICS = (COST, "cpu_seconds", "duration_seconds", "bytes_written", "rows_written", "api_calls")
SPIKE, STEP, DRIFT = "spike", "step", "drift"
_UNITS = {"cpu_seconds": "s", "duration_seconds": "s", "bytes_written": "bytes", "rows_written": "rows",
          "api_calls": "calls"}
_MAD_TO_SIGMA = 1.4826  # MAD * this estimates the standard deviation of normal noise (1 / 0.6745)
_MEDIAN_EFFICIENCY = 1.2533  # the standard error of a median is this times that of a mean, for normal noise

COST_ANOMALY = from_text("cost-anomaly", "warning", "finops", "anomalies", """
    A job's cost per run stays near its recent baseline.

    Each run's cost (CPU, memory held over the run, bytes read and API calls, at the pricing file's prices) is
    compared with the median and MAD of the job's previous runs, at most 30 of them. A run at least 3.5 robust
    standard deviations and more than 50% away from the median is a spike; when the runs after it stay there, it
    is one step change; a change of more than 25% between the first and the last runs that no single run shows is
    a drift. The message names the run, the baseline, how far off it is, and a contract version change between the
    baseline and the run.

    PASS:

        cost per run in USD, oldest first:
        0.41 0.43 0.39 0.44 0.40 0.42 0.38 0.41 0.45 0.40 0.43 0.42

    FAIL:

        cost per run in USD, oldest first (the last run is a spike: +230%):
        0.41 0.43 0.39 0.44 0.40 0.42 0.38 0.41 0.45 0.40 0.43 1.37
""")

USAGE_ANOMALY = from_text("usage-anomaly", "warning", "finops", "anomalies", """
    A job's usage per run stays near its recent baseline.

    The same test as `cost-anomaly`, for what a run used: CPU seconds, duration, bytes and rows written, and API
    calls. A drop counts as much as a rise: a run that writes half the rows it usually writes may have lost data.

    PASS:

        rows written per run, oldest first:
        98000 101500 99700 100400 97900 102300 100100 99000 101800 100600 99300 100900

    FAIL:

        rows written per run, oldest first (the last run wrote a fifth of the usual rows):
        98000 101500 99700 100400 97900 102300 100100 99000 101800 100600 99300 20100
""")

HISTORY_TOO_SHORT = from_text("history-too-short", "info", "finops", "anomalies", """
    A job has enough run history to judge its runs.

    A baseline needs 10 successful runs, and then there is a run to judge. Until a job has 11, its runs are not
    judged at all, rather than against a baseline too small to tell noise from change.

    PASS:

        cost per run in USD, oldest first (11 runs):
        0.41 0.43 0.39 0.44 0.40 0.42 0.38 0.41 0.45 0.40 0.43

    FAIL:

        cost per run in USD, oldest first (5 runs):
        0.41 0.43 0.39 0.44 0.40
""")

RULES = (COST_ANOMALY, USAGE_ANOMALY, HISTORY_TOO_SHORT)

_HINTS = {
    SPIKE: "a one-off: look for retries, a backfill, a full reload or a bad input in this run",
    STEP: "the level changed and stayed: if that was intended (a new contract version, a new source), nothing to "
          "do; later runs are judged against the new level",
    DRIFT: "a gradual change: look for data volume growth or work that grows with the table (full reloads, "
           "unpartitioned scans)",
}


@dataclass(frozen=True)
class Anomaly:
    """One metric of one run (a drift: of the latest runs) far from its baseline, with everything to explain it.

    `observed` is the run's value for a spike, the median of the `after_runs` runs from the step on for a step, and
    the median of the last `after_runs` runs for a drift; `median` and `mad` describe the `baseline_runs` runs
    before (for a drift: the first runs). `z` and `percent` are infinite when the MAD or the median is 0.
    """

    tenant: str
    job: str
    kind: str
    metric: str
    unit: str
    file: str
    started_at: datetime.datetime
    observed: float
    median: float
    mad: float
    z: float
    percent: float
    baseline_runs: int
    baseline_since: datetime.datetime
    after_runs: int
    contract_id: str | None
    contract_change: str | None

    @property
    def rule(self) -> RuleDoc:
        return COST_ANOMALY if self.metric == COST else USAGE_ANOMALY

    def explain(self) -> str:
        when, since = rfc3339(self.started_at, fraction=False), rfc3339(self.baseline_since, fraction=False)
        size = f"{_signed_percent(self.percent)}, {_z_text(self.z)}"
        base = f"median {self._value(self.median)} (MAD {self._value(self.mad)})"
        if self.kind == SPIKE:
            text = (f"{self.metric} spike at the run of {when}: {self._value(self.observed)} against a {base} over "
                    f"the {self.baseline_runs} runs before: {size}")
        elif self.kind == STEP:
            text = (f"{self.metric} step change from the run of {when} on: median {self._value(self.observed)} over "
                    f"the {self.after_runs} runs from there, against a {base} over the {self.baseline_runs} runs "
                    f"before: {size}")
        else:
            text = (f"{self.metric} drift up to the run of {when}: median {self._value(self.observed)} over the last "
                    f"{self.after_runs} runs, against a {base} over the first {self.baseline_runs} runs from "
                    f"{since}: {size} (in standard errors of the difference), a gradual change")
        change = f"; {self.contract_change}" if self.contract_change else ""
        return f"{self.tenant}/{self.job}: {text}{change}"

    def _value(self, value: float) -> str:
        if self.metric == COST:
            return f"{value:.4f} {self.unit}"
        return f"{value:,.1f} {self.unit}" if self.unit == "s" else f"{value:,.0f} {self.unit}"

    def to_dict(self) -> dict[str, Any]:
        return {"tenant": self.tenant, "job": self.job, "kind": self.kind, "metric": self.metric, "unit": self.unit,
                "rule": self.rule.id, "file": self.file, "started_at": rfc3339(self.started_at, fraction=False),
                "observed": self.observed, "after_runs": self.after_runs,
                "baseline": {"median": self.median, "mad": self.mad, "runs": self.baseline_runs,
                             "since": rfc3339(self.baseline_since, fraction=False)},
                "z": _finite(self.z, 3), "percent": _finite(self.percent * 100, 1),
                "contract_id": self.contract_id, "contract_change": self.contract_change,
                "message": self.explain()}


@dataclass(frozen=True)
class JobReport:
    """The verdict on one job: `ok`, `anomalies`, or `too-short` (fewer than `need` successful runs)."""

    tenant: str
    job: str
    runs: int
    skipped: int
    need: int
    anomalies: tuple[Anomaly, ...]
    last_file: str

    @property
    def status(self) -> str:
        if self.runs < self.need:
            return "too-short"
        return "anomalies" if self.anomalies else "ok"

    def summary(self) -> str:
        skipped = f" ({self.skipped} failed or unfinished runs not counted)" if self.skipped else ""
        if self.status == "too-short":
            return (f"{self.tenant}/{self.job}: history too short: {self.runs} runs, need {self.need}{skipped}; "
                    f"no run is judged until then")
        count = len(self.anomalies)
        found = f"{count} {'anomaly' if count == 1 else 'anomalies'}" if count else "no anomalies"
        return f"{self.tenant}/{self.job}: {found} in {self.runs} runs{skipped}"

    def to_dict(self) -> dict[str, Any]:
        return {"tenant": self.tenant, "job": self.job, "status": self.status, "runs": self.runs,
                "skipped": self.skipped, "need": self.need, "summary": self.summary(),
                "anomalies": [anomaly.to_dict() for anomaly in self.anomalies]}


def run_costs(pricing: Pricing) -> Callable[[RunMetrics], float]:
    """The cost of one run (see `estimate.run_cost`) at `pricing`'s default prices, since a run-metrics file names no
    server type; the bytes a run read are what it transferred."""
    prices = RunPrices.of(pricing)

    def cost(run: RunMetrics) -> float:
        used = RunUsage(cpu_seconds=run.cpu_seconds, memory_gb=run.peak_memory_mb / 1024,
                        duration_seconds=run.duration_seconds, bytes_transferred=run.bytes_read,
                        api_calls=run.api_calls)
        return run_cost(used, prices).total

    return cost


def detect(runs: Iterable[RunMetrics], pricing: Pricing,
           thresholds: AnomalyThresholds = AnomalyThresholds()) -> list[JobReport]:
    """A report for every job in `runs`, ordered by tenant and job."""
    jobs: dict[tuple[str, str], list[RunMetrics]] = {}
    for run in runs:
        jobs.setdefault((run.tenant, run.job), []).append(run)
    cost = run_costs(pricing)
    return [_job_report(tenant, job, jobs[tenant, job], cost, pricing.currency, thresholds)
            for tenant, job in sorted(jobs)]


def findings(reports: Sequence[JobReport]) -> list[Finding]:
    """`cost-anomaly` and `usage-anomaly` for every anomaly, `history-too-short` for every job too short to judge."""
    out = []
    for report in reports:
        if report.status == "too-short":
            out.append(HISTORY_TOO_SHORT.finding(report.last_file, report.summary(),
                                                 hint="keep collecting run metrics; judging starts by itself"))
        for anomaly in report.anomalies:
            path = "" if anomaly.metric == COST else f"/{anomaly.metric}"  # cost is no field of the record
            out.append(anomaly.rule.finding(anomaly.file, anomaly.explain(), path=path, hint=_HINTS[anomaly.kind]))
    return out


def _job_report(tenant: str, job: str, runs: list[RunMetrics], cost: Callable[[RunMetrics], float],
                currency: str, thresholds: AnomalyThresholds) -> JobReport:
    ordered = sorted(runs, key=lambda run: (run.started_at, run.file))
    judged = [run for run in ordered if run.status == "success"]
    skipped = len(ordered) - len(judged)
    last_file = ordered[-1].file
    if len(judged) < thresholds.need:
        return JobReport(tenant, job, len(judged), skipped, thresholds.need, (), last_file)
    found: list[tuple[int, int, Anomaly]] = []
    for order, metric in enumerate(METRICS):
        values = _values(judged, metric, cost)
        unit = currency if metric == COST else _UNITS[metric]
        for hit in _scan(values, thresholds):
            found.append((hit.index, order, _anomaly(tenant, job, metric, unit, judged, hit)))
    found.sort(key=lambda item: item[:2])
    return JobReport(tenant, job, len(judged), skipped, thresholds.need, tuple(item[2] for item in found), last_file)


def _values(runs: list[RunMetrics], metric: str, cost: Callable[[RunMetrics], float]) -> list[float]:
    if metric == COST:
        return [cost(run) for run in runs]
    if metric == "api_calls":
        return [float(run.api_total) for run in runs]
    return [float(getattr(run, metric)) for run in runs]


@dataclass(frozen=True)
class _Hit:
    """Where one series is off: run `index`, judged against runs `baseline_start`..`index` (a drift: against the
    first `baseline_end - baseline_start` runs)."""

    kind: str
    index: int
    observed: float
    median: float
    mad: float
    z: float
    percent: float
    baseline_start: int
    baseline_end: int
    after_runs: int


def _scan(values: list[float], t: AnomalyThresholds) -> list[_Hit]:
    """The spikes, steps and drift of one metric's series, in run order.

    The baseline window is kept sorted as it slides (one insertion and one deletion per run), so the median is a
    lookup; the MAD is computed only for runs already more than `min_change` from the median, the only ones that
    can be off, which is a small share of them.
    """
    if min(values) == max(values):  # a perfectly flat history: nothing is off, not even by drifting
        return []
    hits: list[_Hit] = []
    regime = 0  # where the current level began: the first run, or the latest step
    window: list[float] = []  # values[max(regime, i - t.window):i], sorted
    for i, value in enumerate(values):
        if len(window) >= t.min_baseline:
            median = _median(window)
            if abs(value - median) > t.min_change * median:
                hit = _judge(values, i, window, median, t, regime)
                if hit is not None and hit.kind == STEP:
                    # dated from a run or two before `i`, a step takes back what was a spike there
                    hits = [*(earlier for earlier in hits if earlier.index < hit.index), hit]
                    regime, window = hit.index, sorted(values[hit.index:i + 1])
                    continue
                hits += [hit] if hit else []
        bisect.insort(window, value)
        if i - t.window >= regime:
            del window[bisect.bisect_left(window, values[i - t.window])]
    drift = _drift(values, regime, t)
    if drift is None:
        return hits
    return [hit for hit in hits if hit.kind != SPIKE or hit.index < regime or _off_trend(values[hit.index], hit.index,
                                                                                        drift, t)] + [drift]


def _judge(values: list[float], i: int, window: list[float], median: float, t: AnomalyThresholds,
           regime: int) -> _Hit | None:
    """Run `i` as a step, a spike, or nothing, against the sorted baseline `window`."""
    start = max(regime, i - t.window)
    mad = _mad(window, median)
    z, percent = _z(values[i], median, mad), _percent(values[i], median)
    if not _off(z, percent, t):
        return None
    # The window's median lags a drifting job by half a window; a run must also stand out from the last few runs,
    # or every noisy run of a drift would be a spike.
    recent = _percent(values[i], statistics.median(values[max(start, i - t.step_runs):i]))
    if abs(recent) <= t.min_change or (recent > 0) != (percent > 0):
        return None
    step = _step(values, i, median, mad, start, t)
    if step is None:
        return _Hit(SPIKE, i, values[i], median, mad, z, percent, start, i, 1)
    # Walk back over the runs just before that sit nearer the new level than the old one: a noisy first run of a
    # step may fall short of `min_change` on its own. The step confirmed from run `i` is then dated from there.
    middle, direction, first = (median + step.observed) / 2, math.copysign(1.0, step.observed - median), i
    while first > max(regime + t.min_baseline, i - t.step_runs + 1) and (values[first - 1] - middle) * direction > 0:
        first -= 1
    if first == i:
        return step
    start = max(regime, first - t.window)
    base = sorted(values[start:first])
    return _level(values, first, i + t.step_runs, _median(base), _mad(base, _median(base)), start)


def _step(values: list[float], i: int, median: float, mad: float, start: int, t: AnomalyThresholds) -> _Hit | None:
    """A step from run `i` if the runs from it on all lie on its side of the median and their median is off."""
    after = values[i:i + t.step_runs]
    above = values[i] > median
    if len(after) < 2 or not all((value > median) if above else (value < median) for value in after):
        return None
    step = _level(values, i, i + t.step_runs, median, mad, start)
    return step if _off(step.z, step.percent, t) else None


def _level(values: list[float], i: int, end: int, median: float, mad: float, start: int) -> _Hit:
    """A step from run `i`: the median of runs `i`..`end` against the baseline of runs `start`..`i`."""
    after = values[i:end]
    level = statistics.median(after)
    return _Hit(STEP, i, level, median, mad, _z(level, median, mad), _percent(level, median), start, i, len(after))


def _drift(values: list[float], regime: int, t: AnomalyThresholds) -> _Hit | None:
    """Compare the medians of the first and the last runs of the current level (each a third of it at most, so
    that they never overlap, and at most a window)."""
    size = min(t.window, (len(values) - regime) // 3)
    if size < t.min_baseline:
        return None
    first, last = sorted(values[regime:regime + size]), sorted(values[-size:])
    before, after = _median(first), _median(last)
    mad_before, mad_after = _mad(first, before), _mad(last, after)
    percent = _percent(after, before)
    if abs(percent) <= t.drift_change:
        return None
    # the standard error of the difference of two medians of `size` runs, from the noise of both
    error = _MEDIAN_EFFICIENCY * _MAD_TO_SIGMA * (mad_before + mad_after) / 2 * math.sqrt(2 / size)
    z = (after - before) / error if error else math.copysign(math.inf, after - before)
    if abs(z) < t.z:
        return None
    return _Hit(DRIFT, len(values) - 1, after, before, mad_before, z, percent, regime, regime + size, size)


def _off_trend(value: float, index: int, drift: _Hit, t: AnomalyThresholds) -> bool:
    """Whether a run stands out from a drift's trend too: the line through the medians of its first and last runs,
    each at the middle of its runs. Without this, a drift's noisier runs are spikes against a baseline that lags."""
    first = drift.baseline_start + (drift.after_runs - 1) / 2
    last = drift.index - (drift.after_runs - 1) / 2
    trend = drift.median + (drift.observed - drift.median) * (index - first) / (last - first)
    return abs(_percent(value, max(trend, 0.0))) > t.min_change  # a falling trend may reach 0 early


def _median(ordered: list[float]) -> float:
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def _mad(values: list[float], median: float) -> float:
    return _median(sorted(abs(value - median) for value in values))


def _z(value: float, median: float, mad: float) -> float:
    if mad:
        return 0.6745 * (value - median) / mad
    return 0.0 if value == median else math.copysign(math.inf, value - median)


def _percent(value: float, median: float) -> float:
    if median:
        return (value - median) / median
    return 0.0 if value == median else math.copysign(math.inf, value - median)


def _off(z: float, percent: float, t: AnomalyThresholds) -> bool:
    return abs(z) >= t.z and abs(percent) > t.min_change


def _anomaly(tenant: str, job: str, metric: str, unit: str, runs: list[RunMetrics], hit: _Hit) -> Anomaly:
    run = runs[hit.index]
    if hit.kind == DRIFT:
        change = _changes_during(runs[hit.baseline_start:])
    else:
        change = _change_since(runs[hit.baseline_start:hit.baseline_end], run)
    return Anomaly(tenant, job, hit.kind, metric, unit, run.file, run.started_at, hit.observed, hit.median, hit.mad,
                   hit.z, hit.percent, hit.baseline_end - hit.baseline_start, runs[hit.baseline_start].started_at,
                   hit.after_runs, run.contract_id, change)


def _change_since(baseline: list[RunMetrics], run: RunMetrics) -> str | None:
    """The latest contract version change between the baseline runs and `run`, if `run` has the new version."""
    if run.contract_version is None:
        return None
    for later, earlier in enumerate(reversed(baseline)):
        if earlier.contract_version is not None and earlier.contract_version != run.contract_version:
            moved = f"{_contract(run)} changed {earlier.contract_version} -> {run.contract_version}"
            return f"{moved} at this run" if later == 0 else f"{moved} {later} runs before this one"
    return None


def _changes_during(runs: list[RunMetrics]) -> str | None:
    changes = []
    previous: str | None = None
    for run in runs:
        if run.contract_version is None:
            continue
        if previous is not None and run.contract_version != previous:
            when = rfc3339(run.started_at, fraction=False)
            changes.append(f"{previous} -> {run.contract_version} at the run of {when}")
        previous = run.contract_version
    return f"{_contract(runs[-1])} changed {', '.join(changes)}" if changes else None


def _contract(run: RunMetrics) -> str:
    return f"contract {run.contract_id}" if run.contract_id else "the contract"


def _finite(value: float, digits: int) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def _signed_percent(fraction: float) -> str:
    if math.isinf(fraction):
        return "up from 0" if fraction > 0 else "down from 0"
    return f"{fraction * 100:+.0f}%"


def _z_text(z: float) -> str:
    return f"z = {z:.1f}" if math.isfinite(z) else "the baseline never varied (MAD 0), so the change alone counts"
