"""Time `dativo-check diff --base REF` on a repository where 500 contracts changed, and count the git processes.

    python benchmarks/bench_diff.py [--contracts 500] [--changed N] [--runs 5] [--keep DIR] [--command diff|ci]

The contracts are generated (benchmarks/generate_contracts.py) and committed as the base; then every one of them is
changed in the working tree, in a realistic mix: a description rewritten (patch), an optional property added
(minor), a property removed without a major bump (breaking, the gate fails), a property made required (minor). The whole
`dativo-check diff --base HEAD --format json` process is timed (median of `--runs` after one warm-up). A `git` shim
placed first on PATH counts the git processes the run starts; the diff must read the base with a constant number of
them, whatever the number of contracts. `--command ci` times the whole pull-request check instead (validation of
the changed contracts, diff, lineage impact and cost delta, with its JSON report).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_contracts import dump, generate  # noqa: E402


def executable() -> str:
    candidate = Path(sys.executable).with_name("dativo-check")
    if not candidate.is_file():
        raise SystemExit(f"no dativo-check next to {sys.executable}; run with the venv's Python")
    return str(candidate)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def change(doc: dict, index: int) -> None:
    """One realistic edit per contract, cycling through patch, minor and breaking changes."""
    obj = doc["schema"][0]
    kind = index % 4
    if kind == 0:
        obj["description"] = obj.get("description", "") + " Updated wording."
    elif kind == 1:
        obj["properties"].append({"name": "bench_note", "businessName": "Note", "logicalType": "string",
                                  "physicalType": "VARCHAR(200)", "classification": "internal",
                                  "description": "Free-text note added for the benchmark."})
    elif kind == 2:
        removable = [p for p in obj["properties"] if not p.get("primaryKey") and not p.get("partitioned")]
        obj["properties"].remove(removable[-1])
    else:
        strings = [p for p in obj["properties"] if p.get("logicalType") == "string"]
        target = strings[0] if strings else obj["properties"][-1]
        target["required"] = True
    doc["version"] = "1.1.0"


def prepare(root: Path, count: int, changed: int | None = None) -> None:
    paths = generate(count, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "bench")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    for index, path in enumerate(paths[:changed]):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(doc, index)
        path.write_text(dump(doc), encoding="utf-8")


def shim(folder: Path, log: Path) -> dict[str, str]:
    """An environment whose `git` records each call before running the real one."""
    real = shutil.which("git")
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "git"
    script.write_text(f'#!/bin/sh\necho "$1" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--command", choices=("diff", "ci"), default="diff")
    parser.add_argument("--changed", type=int, metavar="N", help="change only the first N contracts (default all)")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="dativo-bench-diff-"))
    root = work / "repo"
    if not (root / ".git").exists():
        prepare(root, args.contracts, args.changed)
    output = work / "report.json"
    command = [executable(), "diff", "--base", "HEAD", "--format", "json", "--output", str(output)]
    if args.command == "ci":
        command = [executable(), "ci", "--base", "HEAD", "--json", str(output)]
    log = work / "git-calls.log"
    env = shim(work / "shim", log)
    times = []
    for run in range(args.runs + 1):
        log.write_text("", encoding="utf-8")
        start = time.perf_counter()
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
        elapsed = time.perf_counter() - start
        if done.returncode == 2:
            raise SystemExit(done.stderr)
        if run:
            times.append(elapsed)
    report = json.loads(output.read_text(encoding="utf-8"))
    calls = log.read_text(encoding="utf-8").split()
    changed = len(report["contracts"])
    breaking = sum(1 for contract in report["contracts"] if contract["breaking"])
    print(f"{changed} changed contracts ({breaking} breaking), required bump {report['required_bump']}")
    print(f"{args.command} --base HEAD: median {statistics.median(times):.3f} s, min {min(times):.3f} s "
          f"({statistics.median(times) / max(changed, 1) * 1000:.2f} ms per contract), {len(times)} runs")
    print(f"git processes per run: {len(calls)} ({', '.join(sorted(set(calls)))})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
