"""Time cost estimates and the FOCUS export of 1,000 generated contracts, in process.

    python benchmarks/bench_focus.py [--contracts 1000] [--runs 5] [--period 2026-02] [--keep DIR]

The contracts come from benchmarks/generate_contracts.py (written to files, then loaded the way the CLI loads them;
loading is timed once, for context, but is not part of either figure). Measured separately, median and minimum of
`--runs`: `finops.estimate.estimate` for every contract with the default pricing; `finops.focus.focus_rows` (the
typed FOCUS rows); `to_csv` and `to_json` (the text of those rows). The rows are checked once: the CSV and JSON
hold the same number of rows, and the costs add up to the estimates.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_contracts import generate  # noqa: E402

from dativo_check.config import Config  # noqa: E402
from dativo_check.contract.load import load_contracts  # noqa: E402
from dativo_check.finops import focus  # noqa: E402
from dativo_check.finops.estimate import Estimate, estimate  # noqa: E402
from dativo_check.finops.pricing import load_pricing  # noqa: E402


def timings(work: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return times, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--period", default="2026-02")
    parser.add_argument("--keep", type=Path, help="generate into DIR (reused when it already holds the contracts)")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="dativo-bench-focus-"))
    try:
        paths = sorted(work.rglob("*.yaml")) if args.keep and work.is_dir() else []
        if len(paths) != args.contracts:
            paths = generate(args.contracts, work)
        start = time.perf_counter()
        contracts = load_contracts([str(path) for path in paths], Config(root=work)).contracts
        loading = time.perf_counter() - start
        pricing = load_pricing()
        estimate_times, estimates = timings(lambda: [estimate(c, pricing) for c in contracts], args.runs)
        rows_times, export = timings(lambda: focus.focus_rows(estimates, args.period), args.runs)
        csv_times, csv_text = timings(lambda: focus.to_csv(export.rows), args.runs)
        json_times, json_text = timings(lambda: focus.to_json(export.rows), args.runs)

        estimated = [item for item in estimates if isinstance(item, Estimate)]
        exported = sum((row["BilledCost"] for row in export.rows), Decimal(0))
        expected = sum(Decimal(item.total) for item in estimated)
        assert abs(exported - expected) < Decimal("1e-8") * max(len(export.rows), 1), (exported, expected)
        assert csv_text.count("\n") - 1 == json_text.count("\n") - 2 == len(export.rows)

        print(f"{len(contracts)} contracts loaded in {loading:.2f} s (not timed below); "
              f"{len(estimated)} estimated, {len(export.skipped)} unestimable; {len(export.rows)} FOCUS rows "
              f"for {args.period}; CSV {len(csv_text) / 1e6:.1f} MB, JSON {len(json_text) / 1e6:.1f} MB")
        print(f"{'step':<34}{'median s':>10}{'min s':>10}{'ms/contract':>13}")
        for label, times in (("estimate (all contracts)", estimate_times), ("focus_rows (typed rows)", rows_times),
                             ("to_csv", csv_times), ("to_json", json_times),
                             ("export total (rows + csv)", [a + b for a, b in zip(rows_times, csv_times)])):
            median = statistics.median(times)
            print(f"{label:<34}{median:>10.3f}{min(times):>10.3f}{median / max(len(contracts), 1) * 1000:>13.3f}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
