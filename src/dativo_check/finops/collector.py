"""A collector for ingestion code: what one run used, written as a run-metrics file (`finops.metrics`).

    with FinOpsMetrics("acme", "stripe_customers", contract_id="stripe-customers", contract_version="1.3.0") as m:
        for page in fetch_pages():
            m.record_api_calls("stripe")
            m.record_data_ingested(len(page.raw), rows=len(page.rows))
        m.record_data_written(write(pages), rows=total_rows)

The file lands in `<out_dir>/<tenant>/<job>_<YYYYMMDDTHHMMSS.ffffffZ>.json`, the folder `read_history` reads.

What is measured and what is recorded add up:

- `cpu_seconds` = the CPU time this process and the child processes it waited for spent between `start()` and
  `finish()`, plus every `record_cpu_time()`. Record only CPU spent where this process cannot see it (a Spark
  executor, a warehouse query, a worker on another machine); recording this process's own CPU counts it twice.
- `peak_memory_mb` = this process's own peak resident memory, plus the highest `record_memory_usage()`. The same
  rule: record the peak of memory elsewhere (a remote worker), which adds to what this process held. The process's
  peak is its high-water mark since it started (the operating system keeps no other), so in a long-lived worker
  running job after job it is the highest of all of them; pass `measure=False` there and record your own.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import numbers
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

from dativo_check.core import fsutil
from dativo_check.finops import metrics

_STATUSES = ("success", "failed")


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _stamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S.%fZ")


def _amount(what: str, value: Any, integral: bool = False) -> float:
    """A usage amount, refusing what would corrupt the record: negatives, NaN, infinity, booleans, text."""
    kind_ok = isinstance(value, numbers.Integral if integral else numbers.Real)
    if isinstance(value, bool) or not kind_ok or not math.isfinite(value) or value < 0:
        kind = "a whole number" if integral else "a number"
        raise ValueError(f"{what} must be {kind} >= 0, got {value!r}")
    return value


def _own_cpu_seconds() -> float:
    """CPU time of this process and of the child processes it has waited for (on systems that count those)."""
    try:
        import resource
    except ImportError:  # Windows: no resource module, only this process's own time
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _own_peak_memory_mb() -> float:
    try:
        import resource
    except ImportError:
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


class FinOpsMetrics:
    """What one run of an ingestion job used; `finish()` writes it as a run-metrics file.

    Usable from several threads of the run at once. Recording before `start()` or after `finish()` is an error: it
    would attribute usage to no run, or to a file already written.
    """

    def __init__(self, tenant: str, job: str, contract_id: str | None = None, contract_version: str | None = None,
                 out_dir: str | Path = ".finops", measure: bool = True) -> None:
        if not tenant or not job:
            raise ValueError("FinOpsMetrics needs a non-empty tenant and job")
        self.tenant, self.job = tenant, job
        self.contract_id, self.contract_version = contract_id, contract_version
        self.out_dir = Path(out_dir)
        self.measure = measure
        self._lock = threading.Lock()
        self._state = "new"
        self._started_at: datetime.datetime | None = None
        self._clock = self._cpu_at_start = 0.0
        self._cpu = self._memory_mb = 0.0
        self._bytes_read = self._bytes_written = self._rows_read = self._rows_written = 0
        self._api_calls: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"FinOpsMetrics({self.tenant!r}, {self.job!r}, {self._state})"

    def start(self) -> FinOpsMetrics:
        with self._lock:
            if self._state != "new":
                raise RuntimeError(f"{self!r}: start() called twice; use one FinOpsMetrics per run")
            self._state = "running"
            self._started_at = _utc_now()
            self._clock = time.monotonic()  # durations from a clock that NTP cannot move
            self._cpu_at_start = _own_cpu_seconds() if self.measure else 0.0
        return self

    def record_cpu_time(self, seconds: float) -> None:
        """CPU seconds spent outside this process on the run's behalf (see the module documentation)."""
        with self._recording("record_cpu_time"):
            self._cpu += _amount("cpu seconds", seconds)

    def record_memory_usage(self, mb: float) -> None:
        """Memory in MB held outside this process; the highest value recorded counts."""
        with self._recording("record_memory_usage"):
            self._memory_mb = max(self._memory_mb, _amount("memory MB", mb))

    def record_data_ingested(self, bytes: int, rows: int = 0) -> None:
        """Bytes and rows read from the source (bytes count as network transfer in cost estimates)."""
        with self._recording("record_data_ingested"):
            self._bytes_read += int(_amount("bytes ingested", bytes, integral=True))
            self._rows_read += int(_amount("rows ingested", rows, integral=True))

    def record_data_written(self, bytes: int, rows: int = 0) -> None:
        """Bytes and rows written to the destination."""
        with self._recording("record_data_written"):
            self._bytes_written += int(_amount("bytes written", bytes, integral=True))
            self._rows_written += int(_amount("rows written", rows, integral=True))

    def record_api_calls(self, api: str, count: int = 1) -> None:
        if not isinstance(api, str) or not api:
            raise ValueError(f"api must be a non-empty name such as 'stripe', got {api!r}")
        with self._recording("record_api_calls"):
            self._api_calls[api] = self._api_calls.get(api, 0) + int(_amount("api calls", count, integral=True))

    def finish(self, status: str = "success") -> dict[str, Any]:
        """End the run, write its run-metrics file and return the record, with `file` naming where it went."""
        if status not in _STATUSES:
            raise ValueError(f"status must be one of {', '.join(_STATUSES)}, got {status!r}")
        with self._recording("finish"):
            self._state = "finished"
            run = self._run(status)
        record = metrics.to_dict(run)
        stem = f"{fsutil.safe_name(self.tenant)}/{fsutil.safe_name(self.job)}_{_stamp(run.started_at)}"
        path = fsutil.write_new(self.out_dir, stem, ".json", json.dumps(record, indent=2) + "\n")
        return {**record, "file": str(path)}

    def __enter__(self) -> FinOpsMetrics:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        if self._state == "running":  # the block may have called finish() itself
            self.finish("success" if error is None else "failed")
        # returning None lets the block's exception propagate unchanged

    @contextlib.contextmanager
    def _recording(self, method: str) -> Iterator[None]:
        """Hold the lock for one call, once sure that the run is between start() and finish()."""
        with self._lock:
            if self._state != "running":
                when = "before start()" if self._state == "new" else "after finish()"
                raise RuntimeError(f"{self!r}: {method}() called {when}; record usage between start() and "
                                   f"finish(), or inside `with FinOpsMetrics(...) as metrics:`")
            yield

    def _run(self, status: str) -> metrics.RunMetrics:
        assert self._started_at is not None
        duration = time.monotonic() - self._clock
        cpu = self._cpu + (max(0.0, _own_cpu_seconds() - self._cpu_at_start) if self.measure else 0.0)
        memory = self._memory_mb + (_own_peak_memory_mb() if self.measure else 0.0)
        return metrics.RunMetrics(
            tenant=self.tenant, job=self.job, started_at=self._started_at,
            finished_at=self._started_at + datetime.timedelta(seconds=duration),
            contract_id=self.contract_id, contract_version=self.contract_version, status=status,
            duration_seconds=round(duration, 6), cpu_seconds=round(cpu, 6), peak_memory_mb=round(memory, 3),
            bytes_read=self._bytes_read, bytes_written=self._bytes_written, rows_read=self._rows_read,
            rows_written=self._rows_written, api_calls=dict(self._api_calls))

