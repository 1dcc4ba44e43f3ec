"""Run-level lineage: recorded RunEvents (valid, in the right place, never overwritten, never outside `.lineage/`)
and the emitter, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dativo_check.core.errors import UsageError
from dativo_check.lineage import openlineage as ol
from dativo_check.lineage import record
from test_openlineage import facets_of, jsonschema_problems

NOW = datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
METRICS = {
    "tenant": "acme", "job": "stripe-customers", "contract_id": "stripe-customers", "contract_version": "1.0.0",
    "started_at": "2025-01-02T03:03:35Z", "finished_at": "2025-01-02T03:04:05Z",
    "cpu_seconds": 12.5, "peak_memory_bytes": 104_857_600, "bytes_read": 1_000_000, "bytes_written": 250_000,
    "rows_read": 4600, "rows_written": 4500, "api_calls": {"customers_list": 45, "events_list": 12},
}
STRIPE = {"namespace": "s3://acme-lakehouse-prod", "name": "raw/stripe/customers/raw_stripe_customers"}


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_record_writes_a_valid_run_event_with_the_metrics(tmp_path):
    path = record.record_run(tmp_path, "acme", "stripe-customers", "success", METRICS, NOW,
                             inputs=[("https://api.stripe.com", "/v1/customers")], outputs=[STRIPE]).path
    assert path == tmp_path / ".lineage" / "acme" / "stripe-customers_20250102T030405Z.json"
    assert _files(tmp_path) == [path]
    event = json.loads(path.read_text(encoding="utf-8"))
    assert jsonschema_problems(event) == []  # core schema, every facet, and our own dativo_metrics schema
    assert ol.validate_event(event) == []
    assert event["eventType"] == "COMPLETE"
    assert event["eventTime"] == "2025-01-02T03:04:05.678000Z"
    assert event["schemaURL"] == "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
    assert event["job"] == {"namespace": "acme", "name": "stripe-customers"}
    facets = event["run"]["facets"]
    metrics = facets["dativo_metrics"]
    assert metrics["_schemaURL"] == ("https://raw.githubusercontent.com/dativo-io/dativo-check/main/schemas/"
                                     "openlineage/dativo/1-0-0/DativoMetricsRunFacet.json#/$defs/DativoMetricsRunFacet")
    assert {key: value for key, value in metrics.items() if not key.startswith("_")} == {
        "tenant": "acme", "job": "stripe-customers", "contractId": "stripe-customers", "contractVersion": "1.0.0",
        "startedAt": "2025-01-02T03:03:35Z", "finishedAt": "2025-01-02T03:04:05Z", "durationSeconds": 30.0,
        "cpuSeconds": 12.5, "peakMemoryBytes": 104_857_600, "bytesRead": 1_000_000, "bytesWritten": 250_000,
        "rowsRead": 4600, "rowsWritten": 4500, "apiCalls": {"customers_list": 45, "events_list": 12}}
    assert facets["processing_engine"]["name"] == "dativo-check"
    assert {"key": "tenant", "value": "acme", "source": "DATIVO"} in facets["tags"]["tags"]
    assert "errorMessage" not in facets
    output = event["outputs"][0]
    assert (output["namespace"], output["name"]) == (STRIPE["namespace"], STRIPE["name"])
    statistics = output["outputFacets"]["outputStatistics"]
    assert (statistics["rowCount"], statistics["size"]) == (4500, 250_000)
    assert event["inputs"][0]["inputFacets"]["inputStatistics"]["rowCount"] == 4600
    # the metrics facet is checked against the shipped schema: a wrong type is caught
    event["run"]["facets"]["dativo_metrics"]["cpuSeconds"] = "a lot"
    assert any("dativo_metrics" in problem for problem in jsonschema_problems(event))
    assert any("cpuSeconds" in problem for problem in ol.validate_event(event))


def test_record_reads_a_metrics_file_in_other_spellings(tmp_path):
    metrics = tmp_path / "run.json"
    metrics.write_text(json.dumps({"contractId": "hubspot-contacts", "cpu": {"seconds": 3}, "memory": {"peak_mb": 2},
                                   "rows": 10, "api_calls": 7, "scheduled_at": "2025-01-02T03:00:00Z",
                                   "warehouse": "INGEST_WH", "_private": 1}))
    path = record.record_run(tmp_path, "acme", "hubspot", "RUNNING", metrics, NOW).path
    event = json.loads(path.read_text())
    assert jsonschema_problems(event) == []
    facet = event["run"]["facets"]["dativo_metrics"]
    assert (facet["contractId"], facet["cpuSeconds"], facet["peakMemoryBytes"], facet["rowsWritten"]) == (
        "hubspot-contacts", 3, 2 * 1024 * 1024, 10)
    assert facet["apiCalls"] == {"total": 7}
    assert facet["warehouse"] == "INGEST_WH" and "_private" not in facet
    assert event["run"]["facets"]["nominalTime"]["nominalStartTime"] == "2025-01-02T03:00:00Z"
    assert event["eventType"] == "RUNNING"


@pytest.mark.parametrize("metrics, message", [
    ("[1, 2]", "must hold a JSON object"),
    ("{not json", "is not JSON"),
    ('{"cpu_seconds": -1}', "cpuSeconds must be a non-negative number"),
    ('{"bytes_written": "lots"}', "bytesWritten must be a non-negative number"),
    ('{"started_at": "last tuesday"}', "startedAt must be an ISO 8601 time"),
    ('{"warehouse_credits": NaN}', "NaN is not a number JSON allows"),
])
def test_a_bad_metrics_file_is_a_usage_error_naming_the_file(tmp_path, metrics, message):
    path = tmp_path / "metrics.json"
    path.write_text(metrics)
    with pytest.raises(UsageError, match=message) as raised:
        record.record_run(tmp_path, "acme", "job", "complete", path, NOW)
    assert "metrics" in str(raised.value) and str(path) in str(raised.value)
    assert not (tmp_path / ".lineage").exists()
    with pytest.raises(UsageError, match="cannot read the metrics file"):
        record.record_run(tmp_path, "acme", "job", "complete", tmp_path / "missing.json", NOW)


@pytest.mark.parametrize("status, kind", [
    ("START", "START"), ("start", "START"), ("Running", "RUNNING"), ("complete", "COMPLETE"), ("success", "COMPLETE"),
    ("SUCCEEDED", "COMPLETE"), ("abort", "ABORT"), ("cancelled", "ABORT"), ("fail", "FAIL"), ("failed", "FAIL"),
    ("error", "FAIL"), ("other", "OTHER"),
])
def test_status_aliases(status, kind):
    assert record.event_type(status) == kind


def test_an_unknown_status_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="unknown run status 'exploded'.*START, RUNNING, COMPLETE"):
        record.record_run(tmp_path, "acme", "job", "exploded", None, NOW)


def test_a_failed_run_carries_its_error_message(tmp_path):
    path = record.record_run(tmp_path, "acme", "job", "failed", {"error": "HTTP 401 from Stripe"}, NOW).path
    event = json.loads(path.read_text())
    assert jsonschema_problems(event) == []
    assert event["eventType"] == "FAIL"
    error = event["run"]["facets"]["errorMessage"]
    assert (error["message"], error["programmingLanguage"]) == ("HTTP 401 from Stripe", "UNKNOWN")
    plain = record.run_event("acme", "job", "FAIL", now=NOW, error="disk full")
    assert plain["run"]["facets"]["errorMessage"]["message"] == "disk full"
    assert "dativo_metrics" not in plain["run"]["facets"]


def test_a_naive_time_is_utc(tmp_path):
    path = record.record_run(tmp_path, "acme", "job", "start", None, NOW.replace(tzinfo=None)).path
    assert path.name == "job_20250102T030405Z.json"
    assert json.loads(path.read_text())["eventTime"] == "2025-01-02T03:04:05.678000Z"


def test_two_records_in_the_same_second_do_not_overwrite(tmp_path):
    folder = tmp_path / ".lineage" / "acme"
    folder.mkdir(parents=True)
    existing = folder / "job_20250102T030405Z_1.json"
    existing.write_text("keep me")
    first = record.record_run(tmp_path, "acme", "job", "start", None, NOW).path
    second = record.record_run(tmp_path, "acme", "job", "complete", None, NOW.replace(microsecond=999)).path
    third = record.record_run(tmp_path, "acme", "job", "complete", None, NOW).path
    assert [first.name, second.name, third.name] == [
        "job_20250102T030405Z.json", "job_20250102T030405Z_2.json", "job_20250102T030405Z_3.json"]
    assert existing.read_text() == "keep me"
    assert [json.loads(path.read_text())["eventType"] for path in (first, second, third)] == [
        "START", "COMPLETE", "COMPLETE"]
    assert not [path for path in folder.iterdir() if path.name.startswith(".")]  # no temporary files left


def test_records_from_many_threads_never_collide(tmp_path):
    paths: list[Path] = []
    lock = threading.Lock()

    def write() -> None:
        path = record.record_run(tmp_path, "acme", "job", "complete", None, NOW).path
        with lock:
            paths.append(path)

    threads = [threading.Thread(target=write) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(paths)) == 12
    assert all(json.loads(path.read_text())["eventType"] == "COMPLETE" for path in paths)


@pytest.mark.parametrize("tenant, job", [
    ("../../evil", "../x"), ("..", ".."), (".", "."), ("/etc", "/etc/passwd"), ("a/../../b", "..\\..\\win"),
    ("", "job"), ("acme", "x" * 300), ("ten\0ant", "j\nob"), ("ü n i", "jöb/ø"),
])
def test_malicious_names_stay_inside_lineage(tmp_path, tenant, job):
    root = tmp_path / "repo"
    root.mkdir()
    if not tenant:
        with pytest.raises(UsageError, match="tenant"):
            record.record_run(root, tenant, job, "complete", None, NOW)
        return
    path = record.record_run(root, tenant, job, "complete", None, NOW).path
    lineage = (root / ".lineage").resolve()
    assert path.resolve().parent.parent == lineage
    assert path.parent.name not in (".", "..") and not path.parent.name.startswith(".")
    assert len(path.name) < 130
    assert _files(tmp_path) == [path]
    event = json.loads(path.read_text())
    assert event["job"]["name"] == job  # the event keeps the names as given; only the file name is reduced
    assert jsonschema_problems(event) == []


def test_a_lineage_folder_that_links_elsewhere_is_refused(tmp_path):
    root, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / ".lineage").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="outside"):
        record.record_run(root, "acme", "job", "complete", None, NOW)
    assert list(elsewhere.iterdir()) == []


def test_record_run_returns_the_event_it_wrote(tmp_path):
    recorded = record.record_run(tmp_path, "acme", "job", "complete", METRICS, NOW)
    assert json.loads(recorded.path.read_text(encoding="utf-8")) == recorded.event
    assert recorded.event["eventType"] == "COMPLETE"


def test_every_start_time_alias_gives_the_same_run_id():
    ids = {record.run_id_for("acme", "job", {key: "2025-01-02T03:03:35Z"})
           for key in ("started_at", "startedAt", "start_time", "start_ts")}
    assert len(ids) == 1


def test_the_run_id_is_shared_by_the_records_of_one_run():
    start = record.run_event("acme", "job", "start", {"started_at": "2025-01-02T03:03:35Z"}, NOW)
    done = record.run_event("acme", "job", "complete", {"started_at": "2025-01-02T03:03:35+00:00",
                                                        "rows_written": 3}, NOW)
    assert start["run"]["runId"] == done["run"]["runId"]
    other = record.run_event("acme", "other-job", "start", {"started_at": "2025-01-02T03:03:35Z"}, NOW)
    assert other["run"]["runId"] != start["run"]["runId"]
    random_ids = {record.run_event("acme", "job", "start", None, NOW)["run"]["runId"] for _ in range(3)}
    assert len(random_ids) == 3
    given = "0b5b6f5e-5d9a-4c6e-9d6c-0f9c1e7d3a11"
    assert record.run_event("acme", "job", "start", {"run_id": given}, NOW)["run"]["runId"] == given
    with pytest.raises(UsageError, match="not a UUID"):
        record.run_event("acme", "job", "start", None, NOW, run_id="run-42")
    assert jsonschema_problems(done) == []


# --- emit, against a real server ------------------------------------------------------------------------------


class _Server:
    """An HTTP server on 127.0.0.1 that records every request and answers with the scripted statuses."""

    def __init__(self, statuses: list[int], body: bytes = b'{"ok": true}', headers: dict | None = None) -> None:
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", 0))
                server.requests.append({"path": self.path, "headers": dict(self.headers.items()),
                                        "body": self.rfile.read(length)})
                status = server.statuses.pop(0) if server.statuses else 200
                answer = body.replace(b"$AUTH", (self.headers.get("Authorization") or "").encode())
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def __enter__(self) -> "_Server":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def event():
    return record.run_event("acme", "stripe-customers", "complete", METRICS, NOW, outputs=[STRIPE])


def test_emit_posts_the_exact_json_with_content_type_and_token(event):
    with _Server([201]) as server:
        status = record.emit(event, f"http://127.0.0.1:{server.port}", token="s3cr3t-token", backoff=0.001)
    assert status == 201
    [request] = server.requests
    assert request["path"] == "/api/v1/lineage"  # appended: the URL had no path
    assert json.loads(request["body"]) == event
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Authorization"] == "Bearer s3cr3t-token"
    with _Server([200]) as server:
        record.emit(event, f"http://127.0.0.1:{server.port}/custom/lineage?tenant=acme", backoff=0.001)
    [request] = server.requests
    assert request["path"] == "/custom/lineage?tenant=acme"  # a path is used as given
    assert "Authorization" not in request["headers"]


def test_emit_retries_5xx_with_exponential_backoff_and_succeeds(event):
    waits: list[float] = []
    with _Server([503, 503, 200]) as server:
        status = record.emit(event, f"http://127.0.0.1:{server.port}/api/v1/lineage", retries=3, backoff=0.01,
                             sleep=waits.append)
    assert status == 200
    assert len(server.requests) == 3
    assert all(json.loads(request["body"]) == event for request in server.requests)
    assert waits == [0.01, 0.02]
    with _Server([429, 200], headers={"Retry-After": "0"}) as server:
        assert record.emit(event, f"http://127.0.0.1:{server.port}", backoff=0.001) == 200
    assert len(server.requests) == 2


def test_emit_does_not_retry_a_client_error_and_never_shows_the_token(event):
    with _Server([400, 200], body=b'{"error": "bad event", "echo": "$AUTH"}') as server:
        url = f"http://127.0.0.1:{server.port}/api/v1/lineage?api_key=abc123"
        with pytest.raises(record.EmitError) as raised:
            record.emit(event, url, token="s3cr3t-token", retries=3, backoff=0.001)
    assert len(server.requests) == 1
    message = str(raised.value)
    assert f"http://127.0.0.1:{server.port}/api/v1/lineage" in message
    assert "HTTP 400" in message and "bad event" in message and "not retried" in message
    assert "s3cr3t-token" not in message and "abc123" not in message
    assert raised.value.status == 400
    assert isinstance(raised.value, UsageError)  # the CLI turns it into exit code 2


def test_emit_does_not_follow_redirects(event):
    with _Server([307], headers={"Location": "http://example.com/steal"}) as server:
        with pytest.raises(record.EmitError, match="redirects to http://example.com/steal"):
            record.emit(event, f"http://127.0.0.1:{server.port}/api/v1/lineage", token="t", backoff=0.001)
    assert len(server.requests) == 1


def test_emit_to_an_unreachable_endpoint_fails_clearly_after_the_retries(event):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    with pytest.raises(record.EmitError) as raised:
        record.emit(event, f"http://user:pa55word@127.0.0.1:{port}/api/v1/lineage", retries=2, backoff=0.001,
                    timeout=2, sleep=waits.append)
    message = str(raised.value)
    assert message.startswith(f"cannot send the OpenLineage event to http://127.0.0.1:{port}/api/v1/lineage "
                              "after 3 attempts: ")
    assert "refused" in message.lower() and "reachable" in message
    assert "pa55word" not in message and "user" not in message
    assert raised.value.attempts == 3 and waits == [0.001, 0.002]


def test_emit_sends_url_credentials_as_basic_auth(event):
    with _Server([200]) as server:
        record.emit(event, f"http://me:p%40ss@127.0.0.1:{server.port}", backoff=0.001)
    [request] = server.requests
    assert request["headers"]["Authorization"] == "Basic bWU6cEBzcw=="  # me:p@ss


@pytest.mark.parametrize("url", ["ftp://host/x", "localhost:5000", "", "http://"])
def test_emit_needs_an_http_url(event, url):
    with pytest.raises(UsageError, match="must be an http"):
        record.emit(event, url)


def test_endpoint_appends_the_marquez_path_only_without_one():
    assert record.endpoint("http://marquez:5000") == "http://marquez:5000/api/v1/lineage"
    assert record.endpoint("http://marquez:5000/") == "http://marquez:5000/api/v1/lineage"
    assert record.endpoint("https://ol.example.com/v2/events") == "https://ol.example.com/v2/events"


def test_every_facet_of_a_run_event_names_a_vendored_schema(event):
    names = {found["_schemaURL"].rsplit("/", 1)[-1] for _, found in facets_of(event)}
    assert names == {"ProcessingEngineRunFacet", "TagsRunFacet", "DativoMetricsRunFacet",
                     "OutputStatisticsOutputDatasetFacet"}
    assert os.path.isfile(Path(ol.__file__).resolve().parents[3] / "schemas" / "openlineage" / "dativo" / "1-0-0"
                          / "DativoMetricsRunFacet.json")


def test_the_record_command_writes_the_event_and_posts_it_with_the_token_from_the_environment(git_repo, cli):
    metrics = git_repo / "run.json"
    metrics.write_text(json.dumps(METRICS), encoding="utf-8")
    with _Server([503, 200]) as server:
        run = cli("lineage", "record", "--tenant", "acme", "--job", "stripe_customers", "--status", "complete",
                  "--metrics", str(metrics), "--emit", f"http://127.0.0.1:{server.port}", cwd=git_repo,
                  env={"OPENLINEAGE_API_KEY": "ol-secret-token"})
    assert run.code == 0, run.err
    [written] = (git_repo / ".lineage" / "acme").glob("stripe_customers_*.json")
    assert f"wrote {written}" in run.err and "/api/v1/lineage" in run.err
    assert json.loads(server.requests[-1]["body"]) == json.loads(written.read_text(encoding="utf-8"))
    assert server.requests[-1]["headers"]["Authorization"] == "Bearer ol-secret-token"
    assert "ol-secret-token" not in run.err + run.out
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    down = cli("lineage", "record", "--tenant", "acme", "--job", "stripe_customers", "--status", "fail",
               "--emit", f"http://127.0.0.1:{closed}", "--retries", "1", cwd=git_repo)
    assert down.code == 2 and "cannot send the OpenLineage event" in down.err
    assert len(list((git_repo / ".lineage" / "acme").glob("*.json"))) == 2  # the record stays on disk
