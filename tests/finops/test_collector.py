"""The collector measures a real run, writes a valid run-metrics file where read_history finds it, and never writes
outside its folder or over another run's file."""

from __future__ import annotations

import datetime
import json
import os
import re
import threading
import time
from pathlib import Path

import jsonschema_rs
import pytest

from dativo_check.core import resources
from dativo_check.core.errors import UsageError
from dativo_check.finops import collector
from dativo_check.finops.collector import FinOpsMetrics
from dativo_check.finops.metrics import from_dict, read_history, to_dict
from dativo_check.core.fsutil import safe_name, write_new

SCHEMA = jsonschema_rs.Draft201909Validator(resources.load_json_schema("finops", "run-metrics.schema.json"),
                                            validate_formats=True)
STAMP = re.compile(r"^\d{8}T\d{6}\.\d{6}Z$")


def burn_cpu(seconds: float) -> int:
    """Real work for the process clock to see (a sleep would use none)."""
    total, deadline = 0, time.process_time() + seconds
    while time.process_time() < deadline:
        total += sum(i * i for i in range(10_000))
    return total


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_a_run_records_real_cpu_memory_and_usage_and_writes_a_valid_file(tmp_path):
    out = tmp_path / "metrics"
    metrics = FinOpsMetrics("acme", "stripe_customers", contract_id="stripe-customers", contract_version="1.3.0",
                            out_dir=out)
    metrics.start()
    burn_cpu(0.2)
    block = b"x" * (96 * 1024 * 1024)  # written bytes, so the pages are resident
    metrics.record_data_ingested(len(block), rows=1200)
    metrics.record_data_written(4096, rows=1200)
    metrics.record_data_written(1024, rows=300)
    metrics.record_api_calls("stripe", 12)
    metrics.record_api_calls("stripe")
    metrics.record_api_calls("geo", 2)
    del block
    summary = metrics.finish()

    assert summary["cpu_seconds"] >= 0.2
    assert summary["peak_memory_mb"] >= 96
    assert summary["duration_seconds"] >= 0.2
    assert (summary["bytes_read"], summary["rows_read"]) == (96 * 1024 * 1024, 1200)
    assert (summary["bytes_written"], summary["rows_written"]) == (5120, 1500)
    assert summary["api_calls"] == {"geo": 2, "stripe": 13}
    assert summary["status"] == "success"

    written = Path(summary["file"])
    assert files_under(out) == [written]
    assert written.parent == out / "acme"
    job, stamp = written.stem.rsplit("_", 1)
    assert job == "stripe_customers" and STAMP.match(stamp)
    record = json.loads(written.read_text(encoding="utf-8"))
    assert record == {key: value for key, value in summary.items() if key != "file"}
    assert list(SCHEMA.iter_errors(record)) == []
    run = from_dict(record, str(written))
    assert to_dict(run) == record
    assert stamp == run.started_at.strftime("%Y%m%dT%H%M%S.%fZ")
    assert run.finished_at > run.started_at and (run.contract_id, run.contract_version) == ("stripe-customers",
                                                                                            "1.3.0")

    history = read_history(out)
    assert history.findings == [] and history.runs == [run]


def test_recorded_cpu_and_memory_add_to_what_the_process_measured(tmp_path):
    with FinOpsMetrics("acme", "spark_job", out_dir=tmp_path) as measured:
        burn_cpu(0.05)
        measured.record_cpu_time(120.5)
        measured.record_cpu_time(30)
        measured.record_memory_usage(4096)
        measured.record_memory_usage(1024)  # the peak counts, not the last value
    summary = json.loads(next(tmp_path.rglob("*.json")).read_text(encoding="utf-8"))
    assert summary["cpu_seconds"] >= 150.5 + 0.05
    assert summary["peak_memory_mb"] > 4096


def test_without_measuring_only_the_recorded_values_count(tmp_path):
    metrics = FinOpsMetrics("acme", "remote_job", out_dir=tmp_path, measure=False).start()
    burn_cpu(0.05)
    metrics.record_cpu_time(7.25)
    metrics.record_memory_usage(512)
    summary = metrics.finish()
    assert (summary["cpu_seconds"], summary["peak_memory_mb"]) == (7.25, 512)


def test_the_context_manager_marks_a_failure_and_re_raises_it(tmp_path):
    with pytest.raises(ConnectionError, match="stripe is down"), FinOpsMetrics(
            "acme", "stripe_customers", out_dir=tmp_path) as metrics:
        metrics.record_api_calls("stripe", 3)
        raise ConnectionError("stripe is down")
    [written] = files_under(tmp_path)
    record = json.loads(written.read_text(encoding="utf-8"))
    assert record["status"] == "failed" and record["api_calls"] == {"stripe": 3}
    assert list(SCHEMA.iter_errors(record)) == []


def test_a_block_that_finishes_itself_is_not_finished_twice(tmp_path):
    with FinOpsMetrics("acme", "stripe_customers", out_dir=tmp_path) as metrics:
        summary = metrics.finish("failed")
    assert [Path(summary["file"])] == files_under(tmp_path)
    assert summary["status"] == "failed"


def test_runs_that_start_in_the_same_instant_do_not_overwrite_each_other(tmp_path, monkeypatch):
    instant = datetime.datetime(2026, 11, 1, 2, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    monkeypatch.setattr(collector, "_utc_now", lambda: instant)
    for rows in (10, 20, 30):
        with FinOpsMetrics("acme", "stripe_customers", out_dir=tmp_path) as metrics:
            metrics.record_data_written(100, rows=rows)
    written = files_under(tmp_path)
    assert [path.name for path in written] == ["stripe_customers_20261101T020000.123456Z.json",
                                               "stripe_customers_20261101T020000.123456Z_1.json",
                                               "stripe_customers_20261101T020000.123456Z_2.json"]
    assert [json.loads(path.read_text(encoding="utf-8"))["rows_written"] for path in written] == [10, 20, 30]
    history = read_history(tmp_path)
    assert history.findings == [] and len(history.runs) == 3


@pytest.mark.parametrize("tenant, job", [
    ("../../outside", "job"),
    ("..", ".."),
    ("/etc", "/etc/passwd"),
    ("acme", "../../../../tmp/evil"),
    ("a\\..\\..\\b", "x\0y"),
    (".hidden", "café ☕ job"),
])
def test_hostile_tenant_and_job_names_stay_inside_out_dir(tmp_path, tenant, job):
    out = tmp_path / "out"
    with FinOpsMetrics(tenant, job, out_dir=out):
        pass
    written = files_under(tmp_path)
    assert len(written) == 1
    [path] = written
    relative = path.relative_to(out)
    assert len(relative.parts) == 2
    assert all(re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*", part) for part in relative.parts)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert (record["tenant"], record["job"]) == (tenant, job)  # the record keeps the real names


def test_a_run_needs_a_tenant_and_a_job(tmp_path):
    with pytest.raises(ValueError, match="tenant and job"):
        FinOpsMetrics("", "job", out_dir=tmp_path)


def test_safe_name_keeps_ordinary_names_and_defuses_the_rest():
    assert safe_name("stripe_customers-v1.2") == "stripe_customers-v1.2"
    assert safe_name("..") == "__"
    assert safe_name(".env") == "_env"
    assert safe_name("a/b") == "a_b"
    assert len(safe_name("x" * 1000)) == 100


def test_write_new_never_replaces_a_file_and_leaves_no_temporary_file(tmp_path):
    first = write_new(tmp_path, "acme/job", ".json", "one")
    (tmp_path / "acme" / "job_1.json").write_text("taken", encoding="utf-8")
    second = write_new(tmp_path, "acme/job", ".json", b"two")
    assert (first.name, second.name) == ("job.json", "job_2.json")
    assert [path.read_text(encoding="utf-8") for path in (first, second)] == ["one", "two"]
    assert sorted(path.name for path in (tmp_path / "acme").iterdir()) == ["job.json", "job_1.json", "job_2.json"]
    with pytest.raises(UsageError, match="outside"):
        write_new(tmp_path / "acme", "../escape", ".json", "x")
    assert not (tmp_path / "escape.json").exists()


def test_a_tenant_folder_that_links_elsewhere_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "acme")
    metrics = FinOpsMetrics("acme", "job", out_dir=out).start()
    with pytest.raises(UsageError, match="outside"):
        metrics.finish()
    assert files_under(elsewhere) == []


def test_recording_outside_a_run_is_a_clear_error(tmp_path):
    metrics = FinOpsMetrics("acme", "stripe_customers", out_dir=tmp_path)
    with pytest.raises(RuntimeError, match=r"record_cpu_time\(\) called before start\(\)"):
        metrics.record_cpu_time(1)
    with pytest.raises(RuntimeError, match=r"finish\(\) called before start\(\)"):
        metrics.finish()
    metrics.start()
    with pytest.raises(RuntimeError, match=r"start\(\) called twice"):
        metrics.start()
    metrics.finish()
    with pytest.raises(RuntimeError, match=r"record_api_calls\(\) called after finish\(\)"):
        metrics.record_api_calls("stripe")
    with pytest.raises(RuntimeError, match=r"finish\(\) called after finish\(\)"):
        metrics.finish()
    assert len(files_under(tmp_path)) == 1


@pytest.mark.parametrize("call", [
    lambda m: m.record_cpu_time(-1),
    lambda m: m.record_cpu_time(float("nan")),
    lambda m: m.record_memory_usage(float("inf")),
    lambda m: m.record_data_ingested(1.5),
    lambda m: m.record_data_written(10, rows=-1),
    lambda m: m.record_api_calls("stripe", True),
    lambda m: m.record_api_calls("", 1),
    lambda m: m.record_cpu_time("12"),
    lambda m: m.finish("ok"),
])
def test_values_that_would_corrupt_the_record_are_refused(tmp_path, call):
    metrics = FinOpsMetrics("acme", "job", out_dir=tmp_path).start()
    with pytest.raises(ValueError):
        call(metrics)


def test_threads_of_one_run_can_record_at_once(tmp_path):
    metrics = FinOpsMetrics("acme", "parallel_fetch", out_dir=tmp_path).start()

    def fetch() -> None:
        for _ in range(2000):
            metrics.record_api_calls("stripe")
            metrics.record_data_ingested(10, rows=1)

    workers = [threading.Thread(target=fetch) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    summary = metrics.finish()
    assert summary["api_calls"] == {"stripe": 16000}
    assert (summary["bytes_read"], summary["rows_read"]) == (160000, 16000)
