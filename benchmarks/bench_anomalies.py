"""Time anomaly detection over 100,000 run records: 500 jobs x 200 daily runs, in memory and from JSON Lines files.

    python benchmarks/bench_anomalies.py [--jobs 500] [--runs-per-job 200] [--repeat 5] [--keep DIR]

Each job is an ingestion job with its own volume and lognormal noise of 10% on the volume (5% more on CPU, duration
and memory); one job in ten gets a spike (3x), one in ten a step change (2x, with a contract version change at that
run), and one in ten a slow drift (+1% a run). Measured: `anomalies.detect` over the records in memory (median of
`--repeat`), `anomalies.findings`, and once the whole path the CLI takes: `metrics.read_history` of a folder of
JSON Lines files (one per job, schema-validated line by line) and `detect` on what it read. It also reports how many
of the injected changes were found, and any anomaly in a job where none was injected.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from dativo_check.finops import anomalies
from dativo_check.finops.metrics import RunMetrics, read_history, to_dict
from dativo_check.finops.pricing import Pricing, load_pricing

START = datetime.datetime(2026, 1, 1, 2, 0, tzinfo=datetime.timezone.utc)
KINDS = ("steady",) * 7 + ("spike", "step", "drift")


def job_runs(index: int, days: int, seed: int) -> tuple[str, int, list[RunMetrics]]:
    """One job's runs, the kind of change injected into it, and the run where it was injected."""
    rng = random.Random(seed * 1_000_003 + index)
    kind, at = KINDS[index % len(KINDS)], rng.randrange(days // 2, days - 10)
    volume = 10 ** rng.uniform(3, 7)
    tenant, job = f"tenant_{index % 7}", f"job_{index:04}"
    runs = []
    for day in range(days):
        level = {"spike": 3.0 if day == at else 1.0, "step": 2.0 if day >= at else 1.0,
                 "drift": 1.01 ** day}.get(kind, 1.0)
        rows = int(volume * level * math.exp(rng.gauss(0, 0.10)))
        cpu = (20 + rows / 1e6 * 400) * math.exp(rng.gauss(0, 0.05))
        duration = cpu * 1.3 * math.exp(rng.gauss(0, 0.05))
        started = START + datetime.timedelta(days=day, seconds=rng.uniform(0, 120))
        version = "2.0.0" if kind == "step" and day >= at else "1.4.0"
        runs.append(RunMetrics(
            tenant=tenant, job=job, started_at=started, finished_at=started + datetime.timedelta(seconds=duration),
            contract_id=f"contract-{index:04}", contract_version=version, duration_seconds=round(duration, 3),
            cpu_seconds=round(cpu, 3), peak_memory_mb=round(600 * math.exp(rng.gauss(0, 0.05)), 1),
            bytes_read=rows * 300, bytes_written=rows * 180, rows_read=rows, rows_written=rows,
            api_calls={"source": rows // 100 + 1}))
    return kind, at, runs


def write_jsonl(folder: Path, runs: list[RunMetrics]) -> None:
    lines: dict[str, list[str]] = {}
    for run in runs:
        lines.setdefault(f"{run.tenant}/{run.job}.jsonl", []).append(json.dumps(to_dict(run)))
    for relative, records in lines.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(records) + "\n", encoding="utf-8")


def _verdicts(report: anomalies.JobReport) -> tuple:
    """A report without the file names, which only the records read from files have."""
    return report.status, [(a.kind, a.metric, a.started_at, a.observed, a.z) for a in report.anomalies]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--runs-per-job", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the JSON Lines history here and keep it")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    injected: dict[str, tuple[str, int]] = {}
    runs: list[RunMetrics] = []
    for index in range(args.jobs):
        kind, at, job = job_runs(index, args.runs_per_job, args.seed)
        injected[job[0].job] = (kind, at)
        runs += job
    print(f"generated {len(runs):,} run records of {args.jobs} jobs in {time.perf_counter() - started:.1f} s")
    pricing = load_pricing()

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        reports = anomalies.detect(runs, pricing)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    found = anomalies.findings(reports)
    findings_time = time.perf_counter() - start
    print(f"detect, in memory:        median {statistics.median(times):.3f} s, min {min(times):.3f} s "
          f"over {args.repeat} runs ({statistics.median(times) / len(runs) * 1e6:.1f} us per run record)")
    print(f"findings:                 {findings_time:.3f} s for {len(found)} findings")

    with tempfile.TemporaryDirectory(prefix="bench-anomalies-") as temporary:
        _from_files(args.keep or Path(temporary), runs, reports, pricing)
    _recall(reports, injected)
    return 0


def _from_files(folder: Path, runs: list[RunMetrics], reports: list[anomalies.JobReport],
               pricing: Pricing) -> None:
    write_jsonl(folder, runs)
    start = time.perf_counter()
    history = read_history(folder)
    read_time = time.perf_counter() - start
    start = time.perf_counter()
    from_files = anomalies.detect(history.runs, pricing)
    detect_time = time.perf_counter() - start
    assert not history.findings and len(history.runs) == len(runs)
    assert [_verdicts(report) for report in from_files] == [_verdicts(report) for report in reports]
    print(f"read_history, JSON Lines: {read_time:.3f} s for {len(history.runs):,} records in "
          f"{sum(1 for _ in folder.rglob('*.jsonl'))} files")
    print(f"read_history + detect:    {read_time + detect_time:.3f} s")


def _recall(reports: list[anomalies.JobReport], injected: dict[str, tuple[str, int]]) -> None:
    kinds = Counter(anomaly.kind for report in reports for anomaly in report.anomalies)
    caught: Counter[str] = Counter()
    noisy = 0
    for report in reports:
        kind, at = injected[report.job]
        cost = [anomaly for anomaly in report.anomalies if anomaly.metric == "cost"]
        if kind == "steady":
            noisy += bool(report.anomalies)
        elif kind == "drift":
            caught[kind] += any(anomaly.kind == "drift" for anomaly in cost)
        else:
            when = START.date() + datetime.timedelta(days=at)
            caught[kind] += any(anomaly.kind == kind and anomaly.started_at.date() == when for anomaly in cost)
    total = Counter(kind for kind, _ in injected.values())
    print(f"anomalies by kind: {dict(sorted(kinds.items()))}")
    print("injected and caught (cost, right kind, right run): " + ", ".join(
        f"{kind} {caught[kind]}/{total[kind]}" for kind in ("spike", "step", "drift")))
    print(f"steady jobs with any anomaly (false alarms): {noisy}/{total['steady']}")


if __name__ == "__main__":
    raise SystemExit(main())
