"""Time `dativo-check dbt generate` for 1,000 generated contracts (whole process, with --models).

    python benchmarks/bench_dbt.py [--contracts 1000] [--runs 5] [--keep DIR]

The contracts come from benchmarks/generate_contracts.py. Each timed run generates into a fresh output folder (the
write path: every file is created), and one more run times `--check` against the written folder (the drift-check
path: every file is read, merged and compared). Target on a 2-core machine: <= 3 s for 1,000 contracts.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_contracts import generate  # noqa: E402


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="dativo-bench-dbt-"))
    repo = work / "repo"
    if not repo.exists():
        generate(args.contracts, repo)
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    executable = str(Path(sys.executable).with_name("dativo-check"))
    times = []
    for run in range(args.runs + 1):
        shutil.rmtree(repo / "dbt", ignore_errors=True)
        elapsed = timed([executable, "dbt", "generate", "--models", "--out", "dbt"], repo)
        if run:
            times.append(elapsed)
    files = sum(1 for path in (repo / "dbt").rglob("*") if path.is_file())
    check = timed([executable, "dbt", "generate", "--models", "--out", "dbt", "--check"], repo)
    median = statistics.median(times)
    print(f"dbt generate --models, {args.contracts} contracts -> {files} files: median {median:.3f} s, "
          f"min {min(times):.3f} s ({median / args.contracts * 1000:.2f} ms per contract) "
          f"{'<= 3 s ok' if median <= 3 else '> 3 s MISSED'}")
    print(f"dbt generate --check on the written folder: {check:.3f} s")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
