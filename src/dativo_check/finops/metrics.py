"""Run metrics: what one run of an ingestion job used (schema `schemas/finops/run-metrics.schema.json`).

A history folder holds one JSON file per run (what `FinOpsMetrics.finish()` writes), or JSON Lines files with one
run per line; both are read, recursively.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator, Mapping

from dativo_check.core.model import Finding
from dativo_check.core.ruledoc import from_text
from dativo_check.core.timefmt import parse_time

SCHEMA_TAG = "dativo-run-metrics/1"

BAD_METRICS = from_text("run-metrics-invalid", "warning", "finops", "finops", """
    Run-metrics files are readable and follow their schema.

    A run-metrics file that is not JSON, or that misses `tenant`, `job`, `started_at` or `finished_at`, or holds
    negative usage, cannot be used for estimates or anomaly detection. It is skipped and reported with its line, so
    that a broken collector does not go unnoticed.

    PASS:

        {"schema": "dativo-run-metrics/1", "tenant": "acme", "job": "stripe_customers",
         "started_at": "2026-11-01T02:00:00Z", "finished_at": "2026-11-01T02:03:10Z", "cpu_seconds": 41.2}

    FAIL:

        {"tenant": "acme", "job": "stripe_customers", "cpu_seconds": -4}
""")


@dataclass(frozen=True)
class RunMetrics:
    tenant: str
    job: str
    started_at: datetime.datetime
    finished_at: datetime.datetime
    contract_id: str | None = None
    contract_version: str | None = None
    status: str = "success"
    duration_seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    bytes_read: int = 0
    bytes_written: int = 0
    rows_read: int = 0
    rows_written: int = 0
    api_calls: Mapping[str, int] = field(default_factory=dict)
    file: str = ""

    @property
    def api_total(self) -> int:
        return sum(self.api_calls.values())


def _moment(text: str) -> datetime.datetime:
    moment = parse_time(text)
    if moment is None:  # read_history checked the format; a record passed in directly may still be wrong
        raise ValueError(f"not an ISO 8601 date and time: {text!r}")
    return moment


def from_dict(data: Mapping[str, Any], file: str = "") -> RunMetrics:
    started, finished = _moment(data["started_at"]), _moment(data["finished_at"])
    return RunMetrics(
        tenant=str(data["tenant"]), job=str(data["job"]), started_at=started, finished_at=finished,
        contract_id=data.get("contract_id"), contract_version=data.get("contract_version"),
        status=data.get("status", "success"),
        duration_seconds=float(data.get("duration_seconds", (finished - started).total_seconds())),
        cpu_seconds=float(data.get("cpu_seconds", 0.0)), peak_memory_mb=float(data.get("peak_memory_mb", 0.0)),
        bytes_read=int(data.get("bytes_read", 0)), bytes_written=int(data.get("bytes_written", 0)),
        rows_read=int(data.get("rows_read", 0)), rows_written=int(data.get("rows_written", 0)),
        api_calls={str(k): int(v) for k, v in dict(data.get("api_calls") or {}).items()}, file=file)


def to_dict(run: RunMetrics) -> dict[str, Any]:
    def stamp(value: datetime.datetime) -> str:
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    out: dict[str, Any] = {"schema": SCHEMA_TAG, "tenant": run.tenant, "job": run.job, "status": run.status,
                           "started_at": stamp(run.started_at), "finished_at": stamp(run.finished_at)}
    if run.contract_id:
        out["contract_id"] = run.contract_id
    if run.contract_version:
        out["contract_version"] = run.contract_version
    out.update({"duration_seconds": run.duration_seconds, "cpu_seconds": run.cpu_seconds,
                "peak_memory_mb": run.peak_memory_mb, "bytes_read": run.bytes_read,
                "bytes_written": run.bytes_written, "rows_read": run.rows_read, "rows_written": run.rows_written,
                "api_calls": dict(sorted(run.api_calls.items()))})
    return out


@dataclass
class History:
    runs: list[RunMetrics] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def for_contract(self, contract_id: str | None) -> list[RunMetrics]:
        return list(self._by_contract.get(contract_id, ()))

    @cached_property
    def _by_contract(self) -> dict[str | None, list[RunMetrics]]:
        """The runs grouped once, on first use (after `read_history` has filled the history), not scanned per
        contract."""
        grouped: dict[str | None, list[RunMetrics]] = {}
        for run in self.runs:
            grouped.setdefault(run.contract_id, []).append(run)
        return grouped


def read_history(folder: str | Path | None) -> History:
    """Every run under `folder`; unreadable records are findings, not crashes."""
    history = History()
    if folder is None or not Path(folder).is_dir():
        return history
    validator = _validator()
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix not in (".json", ".jsonl") or not path.is_file():
            continue
        for line, record in _records(path, history):
            problems = [error.message for error in validator.iter_errors(record)] if isinstance(record, dict) else [
                "not a JSON object"]
            if problems:
                history.findings.append(BAD_METRICS.finding(str(path), f"run metrics skipped: {problems[0]}", line, 1))
                continue
            history.runs.append(from_dict(record, str(path)))
    history.runs.sort(key=lambda run: (run.tenant, run.job, run.started_at))
    return history


def _records(path: Path, history: History) -> Iterator[tuple[int, Any]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            yield 1, json.loads(text)
        except ValueError as error:
            history.findings.append(BAD_METRICS.finding(str(path), f"run metrics skipped: not JSON ({error})",
                                                        getattr(error, "lineno", 1), 1))
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield number, json.loads(line)
            except ValueError as error:
                history.findings.append(BAD_METRICS.finding(str(path), f"run metrics skipped: not JSON ({error})",
                                                            number, 1))


def _validator() -> Any:
    import jsonschema_rs

    from dativo_check.core import resources

    return jsonschema_rs.Draft201909Validator(resources.load_json_schema("finops", "run-metrics.schema.json"),
                                              validate_formats=True)


