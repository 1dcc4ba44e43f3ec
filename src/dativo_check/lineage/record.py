"""Run-level lineage: a run of an ingestion job as an OpenLineage `RunEvent`, kept in `.lineage/<tenant>/` and
optionally sent to an OpenLineage HTTP endpoint (Marquez or any other backend of the HTTP transport).

- `run_event` builds the event (pure): the event type from the status, the job, the run with its facets (the run's
  measured usage as the custom `dativo_metrics` facet, the tenant as a run tag, `errorMessage` for a failed run,
  `processing_engine`, `nominalTime` when the metrics carry one), and statistics on the input and output datasets.
- `record_run` writes it to `.lineage/<tenant>/<job>_<YYYYMMDDTHHMMSSZ>.json`: names reduced to `[A-Za-z0-9._-]`,
  never outside `.lineage/`, never over an existing file (a second record in the same second gets `_1`, `_2`, ...),
  and returns the path with the event.
- `emit` posts an event with retries and exponential backoff, and fails with a clear `EmitError`.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from dativo_check import __version__
from dativo_check.core.errors import UsageError
from dativo_check.core.fsutil import safe_name, write_new
from dativo_check.lineage.openlineage import CORE_SCHEMA_URL, PRODUCER, check_event, facet, vendored_schemas
from dativo_check.core.timefmt import parse_time, rfc3339

EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER")
_STATUS_ALIASES = {
    "START": ("start", "started", "starting", "begin", "queued"),
    "RUNNING": ("running", "run", "in_progress", "in-progress", "progress"),
    "COMPLETE": ("complete", "completed", "success", "succeeded", "successful", "ok", "done", "finished", "pass",
                 "passed"),
    "ABORT": ("abort", "aborted", "cancel", "cancelled", "canceled", "killed", "stopped"),
    "FAIL": ("fail", "failed", "failure", "error", "errored"),
    "OTHER": ("other",),
}
STATUS_ALIASES = {alias: kind for kind, aliases in _STATUS_ALIASES.items() for alias in aliases}
METRICS_FACET = "dativo_metrics"
# runIds derived from (tenant, job, start time) live in this UUID namespace
RUN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/dativo-io/dativo-check/lineage/run")
DEFAULT_PATH = "/api/v1/lineage"

# run-metrics keys (compared without `_`, `-`, spaces and case) -> (facet field, kind)
_METRIC_ALIASES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("contractId", "text", ("contractid",)),
    ("contractVersion", "text", ("contractversion",)),
    ("startedAt", "time", ("startedat", "starttime", "startts")),
    ("finishedAt", "time", ("finishedat", "endedat", "endtime", "finishtime", "endts")),
    ("durationSeconds", "seconds", ("durationseconds", "duration", "elapsedseconds", "walltimeseconds")),
    ("cpuSeconds", "seconds", ("cpuseconds", "cputime", "cputimeseconds")),
    ("peakMemoryBytes", "count", ("peakmemorybytes", "peakmemory", "memorypeakbytes", "maxmemorybytes",
                                  "peakrssbytes", "memorybytes")),
    ("peakMemoryBytes", "mebibytes", ("peakmemorymb", "peakmemorymib", "memorypeakmb", "maxmemorymb")),
    ("bytesRead", "count", ("bytesread", "bytesingested", "dataingestedbytes", "readbytes", "inputbytes")),
    ("bytesWritten", "count", ("byteswritten", "datawrittenbytes", "writtenbytes", "outputbytes")),
    ("rowsRead", "count", ("rowsread", "rowsingested", "recordsread", "recordsingested", "inputrows")),
    ("rowsWritten", "count", ("rowswritten", "rows", "records", "recordswritten", "outputrows", "rowcount")),
    ("apiCalls", "calls", ("apicalls", "apicallsbytype")),
)
_METRIC_KEYS = {alias: (field, kind) for field, kind, aliases in _METRIC_ALIASES for alias in aliases}
_STARTED_KEYS = next(aliases for field, _, aliases in _METRIC_ALIASES if field == "startedAt")
_RUN_ID_KEYS = ("runid",)
_ERROR_KEYS = ("error", "errormessage", "message")
_LANGUAGE_KEYS = ("programminglanguage", "language")
_NOMINAL_KEYS = {"nominalstarttime": "nominalStartTime", "scheduledat": "nominalStartTime",
                 "nominalendtime": "nominalEndTime"}


def event_type(status: str) -> str:
    """The OpenLineage eventType of a status: START, RUNNING, COMPLETE, ABORT, FAIL or OTHER, any case, or an
    alias such as success (COMPLETE), failed (FAIL), cancelled (ABORT)."""
    key = (status or "").strip().lower()
    if key.upper() in EVENT_TYPES:
        return key.upper()
    if key in STATUS_ALIASES:
        return STATUS_ALIASES[key]
    raise UsageError(f"unknown run status {status!r}; use one of {', '.join(EVENT_TYPES)} (any case) or an alias "
                     "such as success, failed, cancelled")


# --- metrics ---------------------------------------------------------------------------------------------------


def _utc(moment: datetime | None) -> datetime:
    """`moment` in UTC (naive means UTC), or the current time."""
    if moment is None:
        return datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc) if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def load_metrics(path: str | os.PathLike) -> dict[str, Any]:
    """A run-metrics JSON file (an object), or a UsageError that says what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle, parse_constant=_no_constants)
    except OSError as error:
        raise UsageError(f"cannot read the metrics file {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise UsageError(f"the metrics file {path} is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise UsageError(f"the metrics file {path} must hold a JSON object, not {type(data).__name__}")
    return data


def _compact(key: str) -> str:
    return re.sub(r"[\s_-]", "", key).lower()


def _flatten(data: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    """Top-level keys, and one level of nesting joined with `_` (`{"cpu": {"seconds": 3}}` -> `cpu_seconds`),
    except for maps that are values themselves (API calls by type)."""
    for key, value in data.items():
        if isinstance(value, dict) and _METRIC_KEYS.get(_compact(str(key)), ("", ""))[1] != "calls":
            for inner, nested in value.items():
                yield f"{key}_{inner}", nested
        else:
            yield key, value


def _number(value: Any, field: str, integer: bool, source: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0:
        raise UsageError(f"{source}: {field} must be a non-negative number, not {value!r}")
    if integer:
        if isinstance(value, float) and not value.is_integer():
            return round(value)
        return int(value)
    return value


def metrics_facet_fields(metrics: Mapping[str, Any], source: str = "metrics") -> dict[str, Any]:
    """The `dativo_metrics` fields of a run-metrics object: known keys (snake_case, camelCase or nested one level,
    see docs/openlineage.md) under their facet names, other keys as given (except `_`-prefixed ones)."""
    out: dict[str, Any] = {}
    for key, value in _flatten(metrics):
        compact = _compact(str(key))
        known = _METRIC_KEYS.get(compact)
        if known is None:
            if compact in _RUN_ID_KEYS + _ERROR_KEYS + _LANGUAGE_KEYS or compact in _NOMINAL_KEYS:
                continue  # they go to the run id and the standard facets
            if not str(key).startswith("_") and str(key) not in ("tenant", "job"):
                out[str(key)] = value
            continue
        field, kind = known
        if value is None:
            continue
        if kind == "text":
            out[field] = str(value)
        elif kind == "time":
            moment = _time(value, field, source)
            out[field] = rfc3339(moment)
        elif kind == "seconds":
            out[field] = _number(value, field, False, source)
        elif kind == "count":
            out[field] = _number(value, field, True, source)
        elif kind == "mebibytes":
            out[field] = round(_number(value, field, False, source) * 1024 * 1024)
        elif kind == "calls":
            if isinstance(value, dict):
                out[field] = {str(name): _number(count, f"{field}.{name}", True, source)
                              for name, count in value.items()}
            else:
                out[field] = {"total": _number(value, field, True, source)}
    if "durationSeconds" not in out and "startedAt" in out and "finishedAt" in out:
        started, finished = parse_time(out["startedAt"]), parse_time(out["finishedAt"])
        elapsed = (finished - started).total_seconds() if started and finished else -1.0
        if elapsed >= 0:
            out["durationSeconds"] = elapsed
    return out


def _time(value: Any, field: str, source: str) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    moment = parse_time(value)
    if moment is None:
        raise UsageError(f"{source}: {field} must be an ISO 8601 time or Unix seconds, not {value!r}")
    return moment


def _pick(metrics: Mapping[str, Any], keys: Iterable[str]) -> Any:
    wanted = set(keys)
    return next((value for key, value in _flatten(metrics) if _compact(str(key)) in wanted and value is not None),
                None)


def run_id_for(tenant: str, job: str, metrics: Mapping[str, Any] | None = None, run_id: str | None = None) -> str:
    """The runId: the one given, else the metrics' `run_id`, else one derived from (tenant, job, start time) when the
    metrics say when the run started (so that START and COMPLETE records of one run share it), else a random one."""
    given = run_id or _pick(metrics or {}, _RUN_ID_KEYS)
    if given is not None:
        try:
            return str(uuid.UUID(str(given)))
        except ValueError:
            raise UsageError(f"run id {given!r} is not a UUID") from None
    started = _pick(metrics or {}, _STARTED_KEYS)
    if started is not None:
        moment = _time(started, "startedAt", "metrics")
        return str(uuid.uuid5(RUN_NAMESPACE, f"{tenant}\n{job}\n{rfc3339(moment)}"))
    return str(uuid.uuid4())


# --- the event -------------------------------------------------------------------------------------------------


def _dataset(entry: Mapping[str, Any] | tuple[str, str]) -> dict[str, Any]:
    if isinstance(entry, tuple):
        return {"namespace": entry[0], "name": entry[1]}
    return {"namespace": str(entry["namespace"]), "name": str(entry["name"])}


def run_event(tenant: str, job: str, status: str, metrics: Mapping[str, Any] | None = None,
              now: datetime | None = None, *, run_id: str | None = None, job_namespace: str | None = None,
              inputs: Iterable[Mapping[str, Any] | tuple[str, str]] = (),
              outputs: Iterable[Mapping[str, Any] | tuple[str, str]] = (), error: str | None = None,
              producer: str = PRODUCER, metrics_source: str = "metrics") -> dict[str, Any]:
    """An OpenLineage RunEvent for one run of `job` for `tenant`.

    The job namespace is the tenant unless `job_namespace` is given. `inputs` and `outputs` are datasets
    (`{"namespace", "name"}` or tuples); with exactly one of each, the run's rows and bytes read / written go on it
    as `inputStatistics` / `outputStatistics`.
    """
    if not tenant or not tenant.strip():
        raise UsageError("a run needs a tenant (--tenant)")
    if not job or not job.strip():
        raise UsageError("a run needs a job name (--job)")
    kind = event_type(status)
    moment = _utc(now)
    raw = dict(metrics or {})
    fields = metrics_facet_fields(raw, metrics_source) if metrics is not None else {}
    run_facets: dict[str, Any] = {
        "processing_engine": facet("ProcessingEngineRunFacet", producer, name="dativo-check", version=__version__,
                                   openlineageAdapterVersion=__version__),
        "tags": facet("TagsRunFacet", producer, tags=[{"key": "tenant", "value": tenant, "source": "DATIVO"}] + [
            {"key": key, "value": fields[key], "source": "DATIVO"} for key in ("contractId", "contractVersion")
            if key in fields]),
    }
    if metrics is not None:
        run_facets[METRICS_FACET] = {"_producer": producer, "_schemaURL": metrics_schema_url(),
                                     "tenant": tenant, "job": job, **fields}
    nominal = {field: rfc3339(_time(value, field, metrics_source)) for key, field in _NOMINAL_KEYS.items()
               if (value := _pick(raw, (key,))) is not None}
    if "nominalStartTime" in nominal:
        run_facets["nominalTime"] = facet("NominalTimeRunFacet", producer, **nominal)
    if kind == "FAIL":
        message = error or _pick(raw, _ERROR_KEYS)
        language = _pick(raw, _LANGUAGE_KEYS)
        run_facets["errorMessage"] = facet("ErrorMessageRunFacet", producer,
                                           message=str(message) if message else f"the run of {job} failed",
                                           programmingLanguage=str(language) if language else "UNKNOWN")
    input_list = [_dataset(entry) for entry in inputs]
    output_list = [_dataset(entry) for entry in outputs]
    _statistics(input_list, "inputFacets", "inputStatistics", "InputStatisticsInputDatasetFacet",
                fields, "rowsRead", "bytesRead", producer)
    _statistics(output_list, "outputFacets", "outputStatistics", "OutputStatisticsOutputDatasetFacet",
                fields, "rowsWritten", "bytesWritten", producer)
    event: dict[str, Any] = {
        "eventTime": rfc3339(moment),
        "eventType": kind,
        "producer": producer,
        "schemaURL": f"{CORE_SCHEMA_URL}#/$defs/RunEvent",
        "run": {"runId": run_id_for(tenant, job, raw, run_id), "facets": run_facets},
        "job": {"namespace": job_namespace or tenant, "name": job},
        "inputs": input_list,
        "outputs": output_list,
    }
    return event


def _statistics(datasets: list[dict[str, Any]], key: str, name: str, facet_name: str, fields: Mapping[str, Any],
                rows: str, size: str, producer: str) -> None:
    if len(datasets) != 1:
        return  # totals of several datasets say nothing about each
    stats = {target: fields[source] for source, target in ((rows, "rowCount"), (size, "size")) if source in fields}
    if stats:
        datasets[0][key] = {name: facet(facet_name, producer, **stats)}


def metrics_schema_url() -> str:
    """`_schemaURL` of the `dativo_metrics` facet: the `$id` of its shipped schema plus `#/$defs/...`."""
    return next(f"{schema_id}#/$defs/DativoMetricsRunFacet" for schema_id in vendored_schemas()
                if schema_id.endswith("/DativoMetricsRunFacet.json"))


# --- the file --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRun:
    """A run event and the file it was written to, so that it can be sent on without reading the file back."""

    path: Path
    event: dict[str, Any]


def write_event(out_root: Path | str, tenant: str, job: str, event: Mapping[str, Any],
                now: datetime | None = None) -> Path:
    """Write `event` to `<out_root>/.lineage/<tenant>/<job>_<timestamp>.json` without replacing any file."""
    stamp = _utc(now).strftime("%Y%m%dT%H%M%SZ")
    content = json.dumps(event, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    return write_new(out_root, f".lineage/{safe_name(tenant)}/{safe_name(job)}_{stamp}", ".json", content)


def record_run(out_root: Path | str, tenant: str, job: str, status: str,
               metrics: Mapping[str, Any] | str | os.PathLike | None = None, now: datetime | None = None,
               **options: Any) -> RecordedRun:
    """Build the RunEvent of a run (see `run_event`; `metrics` may be a run-metrics file), check it against the
    vendored schemas and write it under `<out_root>/.lineage/<tenant>/`. Returns the file written and the event."""
    source = "metrics"
    if metrics is not None and not isinstance(metrics, Mapping):
        source = f"metrics file {os.fspath(metrics)}"
        metrics = load_metrics(metrics)
    moment = _utc(now)
    event = run_event(tenant, job, status, metrics, moment, metrics_source=source, **options)
    try:
        check_event(event)
    except ValueError as error:
        raise UsageError(f"the run event for {job} would not be valid OpenLineage: {error}") from None
    return RecordedRun(write_event(out_root, tenant, job, event, moment), event)


# --- sending ---------------------------------------------------------------------------------------------------


class EmitError(UsageError):
    """The event could not be delivered; the message names the endpoint (without credentials) and the reason."""

    def __init__(self, url: str, reason: str, attempts: int = 1, status: int | None = None) -> None:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"cannot send the OpenLineage event to {url}{tries}: {reason}")
        self.url, self.reason, self.attempts, self.status = url, reason, attempts, status


def endpoint(url: str) -> str:
    """The URL to post to: as given, or with `/api/v1/lineage` (the Marquez and OpenLineage HTTP transport default)
    when it has no path. Only http and https."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"the OpenLineage endpoint must be an http(s) URL such as "
                         f"http://localhost:5000/api/v1/lineage, not {shown_url(url)!r}")
    path = parts.path if parts.path not in ("", "/") else DEFAULT_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def shown_url(url: str) -> str:
    """A URL safe to print: no user, password, query or fragment."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit((url or "").strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<an unparsable URL>"
    if not parts.scheme:
        return "<a URL without a scheme>"
    query = "?…" if parts.query else ""
    return f"{parts.scheme}://{host}{port}{parts.path}{query}"


def _excerpt(raw: bytes, secrets: Iterable[str]) -> str:
    body = " ".join(raw.decode("utf-8", "replace").split())[:200]
    for secret in secrets:
        if secret:
            body = body.replace(secret, "***")
    return body


def emit(event: Mapping[str, Any], url: str, *, token: str | None = None, retries: int = 3, backoff: float = 0.5,
         timeout: float = 10.0, max_backoff: float = 30.0, sleep: Callable[[float], None] = time.sleep) -> int:
    """POST the event as JSON to an OpenLineage endpoint; the HTTP status of the accepted request.

    Connection errors, timeouts, 429 and 5xx are retried `retries` times, waiting `backoff`, 2x, 4x ... seconds
    (at most `max_backoff`, or the server's Retry-After when it asks for longer, up to the same cap); other answers
    (4xx, redirects) fail at once. `token` is sent as `Authorization: Bearer ...` and never shown.
    """
    import base64
    import http.client
    import urllib.error
    import urllib.request
    from urllib.parse import unquote, urlsplit, urlunsplit

    from dativo_check.core.httputil import OPENER

    target = endpoint(url)
    shown = shown_url(target)
    parts = urlsplit(target)
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "User-Agent": f"dativo-check/{__version__}"}
    secrets = [token or ""]
    if token:
        headers["Authorization"] = f"Bearer {token}"
    elif parts.username is not None:
        user, password = unquote(parts.username), unquote(parts.password or "")
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        secrets.append(password)
    if parts.username is not None or parts.password is not None:
        host = parts.hostname or ""
        netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
        target = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    body = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    attempts = max(0, retries) + 1
    reason = "no attempt made"
    for attempt in range(attempts):
        request = urllib.request.Request(target, data=body, headers=headers, method="POST")
        wait = min(backoff * (2 ** attempt), max_backoff)
        try:
            with OPENER.open(request, timeout=timeout) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            status = error.code
            detail = _excerpt(error.read() if error.fp is not None else b"", secrets)
            reason = f"HTTP {status} {error.reason}" + (f": {detail}" if detail else "")
            if 300 <= status < 400:
                location = error.headers.get("Location", "")
                raise EmitError(shown, f"HTTP {status}: the endpoint redirects to {shown_url(location)}; "
                                       "use that URL", attempt + 1, status) from None
            if status != 429 and status < 500:
                raise EmitError(shown, f"{reason} (not retried: the endpoint refused the event)", attempt + 1,
                                status) from None
            wait = _retry_after(error.headers.get("Retry-After"), wait, max_backoff)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            cause = getattr(error, "reason", None) or error
            reason = ("timed out" if isinstance(cause, TimeoutError) or "timed out" in str(cause)
                      else str(getattr(cause, "strerror", None) or cause) or type(cause).__name__)
            reason = f"{reason}; check that the endpoint is running and reachable"
        if attempt + 1 < attempts:
            sleep(wait)
    raise EmitError(shown, reason, attempts)


def _retry_after(value: str | None, wait: float, cap: float) -> float:
    try:
        asked = float(value) if value is not None else 0.0
    except ValueError:
        return wait
    return min(max(wait, asked), cap)
