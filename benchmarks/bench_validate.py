"""Time the whole `dativo-check validate` process on 1, 100 and 1,000 generated contracts.

    python benchmarks/bench_validate.py [--sizes 1,100,1000] [--runs 5] [--keep DIR] [--seed S] [--check]

For each size, the contracts are generated once (benchmarks/generate_contracts.py) into a fresh git repository
(`git init -q`, files left untracked, as in a working copy before the first commit), then
`dativo-check validate --format json` runs there as a subprocess, with its output sent to /dev/null, `--runs` times
after one untimed warm-up. The executable is the `dativo-check` next to the running interpreter, so the benchmark
measures the venv it is started from. A run with one explicit file path (the pre-commit case) is timed in the largest
repository, and `dativo-check --version` gives the floor: interpreter start-up plus the CLI import.

Every run must exit 0: the generated contracts are clean, so any finding is a generator (or tool) bug and the
benchmark stops and prints the first findings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_contracts import generate  # noqa: E402

TARGETS = {1: 0.15, 1000: 3.0}  # seconds for the whole process, on a 2-core machine
MARKER = ".bench-contracts"


@dataclass
class Row:
    scenario: str
    contracts: int
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def executable() -> str:
    folder = Path(sys.executable).parent
    for name in ("dativo-check", "dativo-check.exe"):
        if (folder / name).is_file():
            return str(folder / name)
    raise SystemExit(f"no dativo-check executable next to {sys.executable}; run this script with the Python of the "
                     "venv where dativo-check is installed (pip install -e .)")


def prepare(base: Path, n: int, seed: int) -> tuple[Path, list[Path]]:
    """A git repository with `n` generated contracts; reused when --keep already holds the same set."""
    repo = base / f"contracts-{n}"
    stamp = f"n={n} seed={seed}\n"
    if (repo / MARKER).is_file() and (repo / MARKER).read_text() == stamp:
        return repo, sorted((repo / "specs").rglob("*.yaml"))
    if repo.exists() and any(repo.iterdir()):
        raise SystemExit(f"{repo} exists and holds something else; remove it or choose another --keep folder")
    repo.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths = generate(n, repo, seed=seed)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    else:
        print("warning: git not found; discovery walks the folder instead of asking git", file=sys.stderr)
    (repo / MARKER).write_text(stamp)
    print(f"generated {n} contracts in {time.perf_counter() - started:.1f} s: {repo}", file=sys.stderr)
    return repo, sorted(paths)


def _fail(command: list[str], cwd: Path, result: subprocess.CompletedProcess) -> None:
    print(f"\n`{' '.join(command)}` in {cwd} exited {result.returncode}; the generated contracts must be clean.",
          file=sys.stderr)
    if result.stderr:
        print(result.stderr[:3000], file=sys.stderr)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print(result.stdout[:2000], file=sys.stderr)
    else:
        findings = report.get("findings", [])
        print(f"{len(findings)} finding(s); the first ones:", file=sys.stderr)
        for finding in findings[:10]:
            print(f"  {finding['file']}:{finding['line']}:{finding['column']} {finding['rule']}: "
                  f"{finding['message']}", file=sys.stderr)
    raise SystemExit(1)


def measure(command: list[str], cwd: Path, runs: int) -> list[float]:
    warm_up = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if warm_up.returncode != 0:
        _fail(command, cwd, warm_up)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:  # show what this run said, then the findings of a run that keeps its report
            print(f"\ntimed run exited {result.returncode}: {result.stderr[:3000]}", file=sys.stderr)
            _fail(command, cwd, subprocess.run(command, cwd=cwd, capture_output=True, text=True))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,100,1000", help="contract counts, comma-separated (default 1,100,1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per scenario; the median is reported")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate into DIR and keep it (reused by later runs with the same sizes and seed)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="exit 3 when a target is missed")
    args = parser.parse_args(argv)
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    if not sizes or min(sizes) < 1 or args.runs < 1:
        parser.error("--sizes needs positive counts and --runs at least 1")

    exe = executable()
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version} | Python {platform.python_version()} | {platform.system()} {platform.machine()} | "
          f"{os.cpu_count()} CPUs | median of {args.runs} runs", flush=True)
    base = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="dativo-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        repos = {n: prepare(base, n, args.seed) for n in sizes}
        rows.append(Row("dativo-check --version (floor)", 0, measure([exe, "--version"], base, args.runs)))
        for n in sizes:
            repo, _ = repos[n]
            rows.append(Row("validate (whole repository)", n,
                            measure([exe, "validate", "--format", "json"], repo, args.runs)))
        largest, paths = repos[sizes[-1]]
        # the newest contract that refers to others (`<id>:<object>.<property>`), as a pre-commit hook would see it
        chosen = next((p for p in reversed(paths) if re.search(r"-\d{4}:\w", p.read_text(encoding="utf-8"))),
                      paths[-1])
        one = chosen.relative_to(largest).as_posix()
        rows.append(Row(f"validate {one} (repo of {sizes[-1]})", 1,
                        measure([exe, "validate", "--format", "json", one], largest, args.runs)))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)

    missed = False
    width = max(len(row.scenario) for row in rows)
    print(f"\n{'scenario':<{width}}  {'contracts':>9}  {'median s':>8}  {'min s':>6}  {'ms/contract':>11}  target")
    for row in rows:
        per = f"{row.median / row.contracts * 1000:.1f}" if row.contracts else "-"
        target = TARGETS.get(row.contracts) if row.scenario.startswith("validate (") else None
        verdict = ""
        if target is not None:
            ok = row.median <= target
            missed |= not ok
            verdict = f"<= {target:g} s {'ok' if ok else 'MISSED'}"
        print(f"{row.scenario:<{width}}  {row.contracts:>9}  {row.median:>8.3f}  {min(row.times):>6.3f}  "
              f"{per:>11}  {verdict}")
    return 3 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
