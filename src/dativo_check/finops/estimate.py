"""Monthly cost of a contract's data: compute, storage, network and API calls, from declared or measured usage.

Declared usage comes from the contract: `expectedRowsPerDay` and `apiCallsPerRun` custom properties, the row width
estimated from the properties' physical and logical types, retention from the SLA `retention`, runs per day from
the SLA `frequency`, the `storageClass` custom property, and the servers (each holds a copy of the data). Without
`expectedRowsPerDay`, the volume is the table size the contract's ODCS `rowCount` quality rules bound. Measured
usage comes from run-metrics files (`finops.metrics`) of the contract and wins over declared usage, part by part;
every estimate says which it used, where its volume came from and what it assumed.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import statistics
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from dativo_check.contract.model import Contract, Property, SchemaObject, items, text
from dativo_check.core import durations
from dativo_check.core.durations import duration_seconds
from dativo_check.finops.metrics import RunMetrics
from dativo_check.finops.pricing import Pricing
from dativo_check.core.storage_types import estimated_bytes

DAYS_PER_MONTH = durations.MONTH / durations.DAY  # the calendar month the SLA durations use
RECENT_RUNS = 30
DECLARED, MEASURED, ASSUMED = "declared", "measured", "assumed"


@dataclass(frozen=True)
class Usage:
    """What a contract's pipeline uses, per day and per run; `basis` says where each part came from."""

    rows_per_day: float
    row_bytes: float
    runs_per_day: float
    retention_days: float
    storage_class: str
    servers: tuple[str, ...]
    api_calls_per_run: Mapping[str, float]
    # measured per run; None: derived from volume, width and frequency with the pricing's estimation parameters
    cpu_seconds_per_run: float | None = None
    memory_gb: float | None = None
    duration_seconds: float | None = None
    bytes_per_run: float | None = None
    stored_bytes_per_day: float | None = None
    basis: Mapping[str, str] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()
    # where `rows_per_day` came from, for people ("declared: expectedRowsPerDay", "measured: 30 runs"); `basis`
    # keeps its declared / measured / assumed categories, which the FOCUS export and totals group by
    volume_source: str | None = None
    # rows in the table when the contract bounds its size (rowCount) rather than its daily volume: storage is this
    # table, whatever the retention
    table_rows: float | None = None


@dataclass(frozen=True)
class Estimate:
    contract_id: str
    file: str
    version: str | None
    currency: str
    compute: float
    storage: float
    network: float
    api: float
    usage: Usage
    stored_gb: float
    attribution: Mapping[str, Any]
    runs_per_month: float
    transferred_gb: float  # by a month's runs

    @property
    def total(self) -> float:
        return self.compute + self.storage + self.network + self.api

    @property
    def rows_per_month(self) -> float:
        return self.usage.rows_per_day * DAYS_PER_MONTH

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows_per_month
        return {
            "contract_id": self.contract_id, "file": self.file, "version": self.version, "currency": self.currency,
            "monthly": {"total": round(self.total, 2), "compute": round(self.compute, 2),
                        "storage": round(self.storage, 2), "network": round(self.network, 2),
                        "api": round(self.api, 2)},
            "unit_cost": {"per_gb_stored": round(self.total / self.stored_gb, 4) if self.stored_gb else None,
                          "per_1000_rows": round(self.total / rows * 1000, 6) if rows else None},
            "stored_gb": round(self.stored_gb, 3),
            "usage": {"rows_per_day": round(self.usage.rows_per_day, 1), "row_bytes": round(self.usage.row_bytes),
                      "runs_per_day": round(self.usage.runs_per_day, 3),
                      "retention_days": round(self.usage.retention_days, 1),
                      "storage_class": self.usage.storage_class, "servers": list(self.usage.servers),
                      "api_calls_per_run": dict(self.usage.api_calls_per_run),
                      "table_rows": None if self.usage.table_rows is None else round(self.usage.table_rows)},
            "basis": dict(self.usage.basis), "volume_source": self.usage.volume_source,
            "assumptions": list(self.usage.assumptions),
            "attribution": dict(self.attribution),
        }


@dataclass(frozen=True)
class Unestimable:
    contract_id: str
    file: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"contract_id": self.contract_id, "file": self.file, "reason": self.reason}


def _seconds(sla: Mapping[str, Any] | None) -> float | None:
    """A frequency or retention SLA in seconds, read as every SLA duration is (`dativo_check.core.durations`); None when
    absent, not a positive duration, or in an unknown unit."""
    seconds = duration_seconds(sla.get("value"), sla.get("unit")) if sla else None
    return seconds if seconds is not None and seconds > 0 else None


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, str):
        try:
            return max(0.0, float(value.replace("_", "").replace(",", "")))
        except ValueError:
            return None
    return None


def row_bytes(properties: Sequence[Property]) -> float:
    """Uncompressed bytes of one row: each column's typical width (nested objects: their fields)."""
    total = 0.0
    for prop in properties:
        children = [child for child in prop.children if child.name is not None]
        total += row_bytes(children) if children and prop.logical_type == "object" else estimated_bytes(
            prop.physical_type, prop.logical_type)
    return total


ROW_COUNT = "rowCount"
_LOWER_BOUNDS = ("mustBeGreaterThan", "mustBeGreaterOrEqualTo")
_UPPER_BOUNDS = ("mustBeLessThan", "mustBeLessOrEqualTo")
NOT_FINITE = ("the estimate is not a finite number: a usage or price value of the contract is too large or not a "
              "number")


@dataclass(frozen=True)
class RowBound:
    """What rowCount rules say about a table's size: at least `lower`, at most `upper` rows (None: no bound)."""

    lower: float | None = None
    upper: float | None = None

    def meet(self, other: RowBound) -> RowBound:
        """Both at once: every rule of an object must hold, so the tightest bound on each side counts."""
        lowers = [bound for bound in (self.lower, other.lower) if bound is not None]
        uppers = [bound for bound in (self.upper, other.upper) if bound is not None]
        return RowBound(max(lowers, default=None), min(uppers, default=None))

    @property
    def rows(self) -> float:
        """The largest table the rules allow, so that the estimate does not fall short; the smallest they require
        when nothing caps it."""
        return self.upper if self.upper is not None else self.lower or 0.0

    @property
    def sizes(self) -> bool:
        """Whether the bound tells how big the table is: `> 0` or `>= 1` alone only says it is not empty."""
        return self.upper is not None or (self.lower or 0.0) > 1

    def describe(self) -> str:
        if self.upper is not None:
            return f"exactly {self.upper:,.0f}" if self.lower == self.upper else f"upper bound {self.upper:,.0f}"
        return f"lower bound {self.rows:,.0f}, no upper bound"


@dataclass(frozen=True)
class TableSize:
    """A schema object's size as its rowCount rules bound it, and the width of its rows."""

    name: str
    bound: RowBound
    row_bytes: float


@dataclass(frozen=True)
class Volume:
    """The rows a contract states, where it states them, and what reading them assumed."""

    rows_per_day: float
    source: str | None
    table_rows: float | None = None
    row_bytes: float | None = None  # of the counted tables, weighted by their rows; None: all objects' mean
    assumptions: tuple[str, ...] = ()


def _bound(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and math.isfinite(number) else None


def row_count_bound(rule: Mapping[str, Any]) -> RowBound | None:
    """The bounds a quality rule puts on its table's row count. None unless it is a library `rowCount` rule
    (`metric` since ODCS v3.1, `rule` before) counted in rows with an operator that bounds (`mustNotBe` does not)."""
    if ROW_COUNT not in (rule.get("metric"), rule.get("rule")):
        return None
    if (text(rule.get("type")) or "library") != "library" or (text(rule.get("unit")) or "rows") != "rows":
        return None
    bounds: list[RowBound] = []
    exact = _bound(rule.get("mustBe"))
    if exact is not None:
        bounds.append(RowBound(exact, exact))
    between = [value for value in map(_bound, items(rule.get("mustBeBetween"))) if value is not None]
    if len(between) == 2:
        bounds.append(RowBound(min(between), max(between)))
    bounds += [RowBound(lower=value) for value in map(_bound, map(rule.get, _LOWER_BOUNDS)) if value is not None]
    bounds += [RowBound(upper=value) for value in map(_bound, map(rule.get, _UPPER_BOUNDS)) if value is not None]
    return functools.reduce(RowBound.meet, bounds) if bounds else None


def table_size(obj: SchemaObject) -> TableSize | None:
    """What the object's rowCount rules bound, its own and its properties' (they count the same rows) together."""
    rules = [*obj.quality, *(rule for prop in obj.walk_properties() for rule in prop.quality)]
    bounds = [bound for bound in map(row_count_bound, rules) if bound is not None]
    if not bounds:
        return None
    return TableSize(obj.name or obj.physical_name or "?", functools.reduce(RowBound.meet, bounds),
                     row_bytes(obj.properties))


def declared_volume(contract: Contract, runs_per_day: float) -> Volume | None:
    """Rows per day from `expectedRowsPerDay`; else the tables that rowCount rules bound, summed, each rewritten
    in full by every run: a rowCount rule bounds a table's size, not its daily growth, and a full rewrite is the
    most a run can cost. None when the contract states neither."""
    rows = _number(contract.custom_properties.get("expectedRowsPerDay"))
    if rows is not None:
        return Volume(rows, "declared: expectedRowsPerDay")
    sizes = [(obj, table_size(obj)) for obj in contract.schema]
    tables = [size for _, size in sizes if size is not None and size.bound.sizes]
    if not tables:
        return None
    total = sum(table.bound.rows for table in tables)
    rules = "rule" if len(tables) == 1 else "rules"
    source = f"ODCS rowCount quality {rules} on " + ", ".join(f"{t.name} ({t.bound.describe()})" for t in tables)
    assumptions = [_rewrite_assumption(total)]
    assumptions += [f"{table.name} may hold more rows (its rowCount rule sets only a lower bound)"
                    for table in tables if table.bound.upper is None]
    uncounted = [obj.name or obj.physical_name or "?" for obj, size in sizes if size is None or not size.bound.sizes]
    if uncounted:
        assumptions.append(f"not counted, no rowCount bound on its size: {', '.join(uncounted)}")
    width = sum(table.bound.rows * table.row_bytes for table in tables) / total if total else None
    return Volume(total * runs_per_day, source, total, width, tuple(assumptions))


def _rewrite_assumption(table_rows: float) -> str:
    return (f"every run rewrites all {table_rows:,.0f} rows (rowCount bounds the table, not its daily growth; "
            "declare expectedRowsPerDay for an incremental load)")


def no_volume_reason(contract: Contract) -> str:
    """What to declare for an estimate, in the contract's ODCS version (v3.1 renamed a library rule's `rule` to
    `metric`)."""
    key = "rule" if (contract.api_version or "").startswith("v3.0") else "metric"
    not_empty = [size.name for size in map(table_size, contract.schema) if size is not None and not size.bound.sizes]
    found = f"rowCount on {', '.join(not_empty)} only requires a non-empty table; " if not_empty else ""
    return (f"no volume: {found}add customProperties expectedRowsPerDay, or a schema-level quality rule "
            f"`{key}: rowCount` with mustBeLessOrEqualTo (ODCS), or run metrics (finops.history, default .finops/)")


def _retention_assumption(pricing: Pricing) -> str:
    return f"{pricing.estimation('retention-days'):g} days of retention (no retention SLA)"


def declared_usage(contract: Contract, pricing: Pricing, require_rows: bool = True) -> Usage | str:
    """Usage from the contract alone, or the reason it cannot be told (without `require_rows`, a contract that
    states no volume gets zero rows, for run metrics to fill in)."""
    custom = contract.custom_properties
    assumptions: list[str] = []
    basis = {"rows": DECLARED, "compute": DECLARED, "storage": DECLARED, "network": DECLARED, "api": DECLARED}
    interval = _seconds(contract.sla("frequency"))
    if interval is None:
        interval = 86400.0
        assumptions.append("one run per day (no frequency SLA)")
        basis["runs"] = ASSUMED
    volume = declared_volume(contract, 86400.0 / interval)
    if volume is None:
        if require_rows:
            return no_volume_reason(contract)
        volume = Volume(0.0, None)
    retention = _seconds(contract.sla("retention"))
    if retention is None:
        retention = pricing.estimation("retention-days") * 86400
        if volume.table_rows is None:  # a table that rowCount bounds is stored at that size, whatever the retention
            assumptions.append(_retention_assumption(pricing))
            basis["storage"] = ASSUMED
    servers = tuple(text(server.get("type")) or "custom" for server in contract.servers) or ("default",)
    if not contract.servers:
        assumptions.append("one copy of the data at default prices (no servers)")
    width = volume.row_bytes if volume.row_bytes is not None else (
        sum(row_bytes(obj.properties) for obj in contract.schema) / max(len(contract.schema), 1))
    return Usage(rows_per_day=volume.rows_per_day, row_bytes=width, runs_per_day=86400.0 / interval,
                 retention_days=retention / 86400, storage_class=text(custom.get("storageClass")) or "standard",
                 servers=servers, api_calls_per_run=_api_calls(custom.get("apiCallsPerRun")), basis=basis,
                 assumptions=volume.assumptions + tuple(assumptions), volume_source=volume.source,
                 table_rows=volume.table_rows)


def _api_calls(value: Any) -> dict[str, float]:
    if isinstance(value, dict):
        return {str(api): calls for api, calls in ((api, _number(raw)) for api, raw in value.items())
                if calls is not None}
    calls = _number(value)
    return {"default": calls} if calls else {}


def measured_usage(declared: Usage | str, runs: Sequence[RunMetrics], contract: Contract,
                   pricing: Pricing) -> Usage | str:
    """Declared usage with every part the recent runs measured replaced by the measurement."""
    recent = sorted(runs, key=lambda run: run.started_at)[-RECENT_RUNS:]
    if not recent:
        return declared
    base = declared if not isinstance(declared, str) else declared_usage(contract, pricing, require_rows=False)
    assert not isinstance(base, str)
    span = (recent[-1].started_at - recent[0].started_at).total_seconds()
    runs_per_day = (len(recent) - 1) / span * 86400 if len(recent) > 1 and span > 0 else base.runs_per_day
    mean = statistics.fmean
    rows_per_run = mean(run.rows_written for run in recent)
    basis = dict(base.basis) | {"compute": MEASURED, "network": MEASURED, "runs": MEASURED}
    assumptions = base.assumptions
    written = mean(run.bytes_written for run in recent)
    if written:
        # measured growth accrues over the retention, which counts again where rowCount gave the table's size
        assumed_retention = _seconds(contract.sla("retention")) is None
        basis["storage"] = "measured growth, assumed retention" if assumed_retention else MEASURED
        if assumed_retention and base.table_rows is not None:
            assumptions += (_retention_assumption(pricing),)
    source = base.volume_source
    if rows_per_run or source is None:
        basis["rows"] = MEASURED
        source = f"measured: {len(recent)} run{'s' if len(recent) != 1 else ''}"
        if base.table_rows is not None:
            assumptions = tuple(item for item in assumptions if item != _rewrite_assumption(base.table_rows))
            if not written:
                source += f"; storage: {base.volume_source}"
    api: dict[str, float] = {}
    for run in recent:
        for name, calls in run.api_calls.items():
            api[name] = api.get(name, 0.0) + calls / len(recent)
    if api:
        basis["api"] = MEASURED
    return dataclasses.replace(
        base, rows_per_day=rows_per_run * runs_per_day or base.rows_per_day, runs_per_day=runs_per_day,
        cpu_seconds_per_run=mean(run.cpu_seconds for run in recent),
        memory_gb=mean(run.peak_memory_mb for run in recent) / 1024,
        duration_seconds=mean(run.duration_seconds for run in recent),
        bytes_per_run=mean(run.bytes_read for run in recent) or None,
        stored_bytes_per_day=written * runs_per_day if written else None,
        api_calls_per_run=api or base.api_calls_per_run, basis=basis, volume_source=source,
        assumptions=assumptions + (f"measured over the last {len(recent)} run(s)",))


@dataclass(frozen=True, slots=True)
class RunUsage:
    """What one run uses, in the units it is priced by."""

    cpu_seconds: float
    memory_gb: float
    duration_seconds: float
    bytes_transferred: float
    api_calls: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class RunCost:
    """What runs cost, by component (storage is paid by the month, not by the run)."""

    compute: float
    network: float
    api: float

    @property
    def total(self) -> float:
        return self.compute + self.network + self.api


@dataclass(frozen=True, slots=True)
class RunPrices:
    """The prices a run is charged at on one server type, looked up once (anomaly detection prices every run)."""

    cpu_hour: float
    memory_gb_hour: float
    network_gb: float
    pricing: Pricing

    @classmethod
    def of(cls, pricing: Pricing, server: str | None = None) -> RunPrices:
        return cls(pricing.cpu_hour(server), pricing.memory_gb_hour(server), pricing.network_gb(server), pricing)


def run_cost(run: RunUsage, prices: RunPrices, runs: float = 1) -> RunCost:
    """The cost of `runs` runs like `run`: CPU seconds at the CPU-hour price, memory held for the run's duration at
    the GB-hour price, bytes transferred at the network price, and API calls at their price per 1,000."""
    compute = runs * (run.cpu_seconds / 3600 * prices.cpu_hour
                      + run.memory_gb * run.duration_seconds / 3600 * prices.memory_gb_hour)
    network = run.bytes_transferred * runs / 1e9 * prices.network_gb
    api = sum(calls * runs / 1000 * prices.pricing.api_per_thousand(name) for name, calls in run.api_calls.items())
    return RunCost(compute, network, api)


def average_run(usage: Usage, pricing: Pricing) -> RunUsage:
    """One run of a usage: what was measured per run, the rest derived from volume, row width and frequency with
    the pricing's estimation parameters."""
    rows_per_run = usage.rows_per_day / usage.runs_per_day if usage.runs_per_day else 0.0
    cpu = usage.cpu_seconds_per_run if usage.cpu_seconds_per_run is not None else (
        pricing.estimation("seconds-per-run") + rows_per_run / 1e6 * pricing.estimation("cpu-seconds-per-million-rows"))
    return RunUsage(
        cpu_seconds=cpu,
        memory_gb=usage.memory_gb if usage.memory_gb is not None else pricing.estimation("memory-gb-per-run"),
        duration_seconds=usage.duration_seconds if usage.duration_seconds is not None else cpu,
        bytes_transferred=usage.bytes_per_run if usage.bytes_per_run is not None else rows_per_run * usage.row_bytes,
        api_calls=usage.api_calls_per_run)


@dataclass(frozen=True)
class MonthlyCost:
    """A usage's cost per month by component, and the quantities it was priced by."""

    compute: float
    storage: float
    network: float
    api: float
    stored_gb: float
    runs: float
    transferred_gb: float

    @property
    def total(self) -> float:
        return self.compute + self.storage + self.network + self.api


def cost(usage: Usage, pricing: Pricing) -> MonthlyCost:
    """A month of a usage: its runs at the first server's prices, and a copy of the data on every server."""
    runs = usage.runs_per_day * DAYS_PER_MONTH
    run = average_run(usage, pricing)
    month = run_cost(run, RunPrices.of(pricing, usage.servers[0] if usage.servers else None), runs)
    stored_gb = 0.0
    storage = 0.0
    for server in usage.servers:
        if usage.stored_bytes_per_day is not None:
            gigabytes = usage.stored_bytes_per_day * usage.retention_days / 1e9
        elif usage.table_rows is not None:
            gigabytes = usage.table_rows * usage.row_bytes * pricing.compression(server) / 1e9
        else:
            gigabytes = usage.rows_per_day * usage.row_bytes * pricing.compression(server) * usage.retention_days / 1e9
        stored_gb += gigabytes
        storage += gigabytes * pricing.storage_gb_month(server, usage.storage_class)
    return MonthlyCost(compute=month.compute, storage=storage, network=month.network, api=month.api,
                       stored_gb=stored_gb, runs=runs, transferred_gb=run.bytes_transferred * runs / 1e9)


def attribution(contract: Contract) -> dict[str, Any]:
    custom = contract.custom_properties
    tags = [str(tag) for tag in items(custom.get("businessTags"))]
    return {"cost_center": text(custom.get("costCenter")), "project": text(custom.get("project")),
            "environment": text(custom.get("environment")), "business_tags": tags,
            "domain": contract.domain, "owner": ", ".join(contract.owners) or None}


def estimate(contract: Contract, pricing: Pricing, runs: Sequence[RunMetrics] = ()) -> Estimate | Unestimable:
    usage = measured_usage(declared_usage(contract, pricing), runs, contract, pricing)
    if isinstance(usage, str):
        return Unestimable(contract.id or "?", contract.file, usage)
    result = from_usage(contract, usage, pricing)
    # a huge declared volume or bound overflows to infinity, which strict JSON and a cost total cannot carry
    if not math.isfinite(result.total + result.stored_gb + result.transferred_gb + result.rows_per_month):
        return Unestimable(contract.id or "?", contract.file, NOT_FINITE)
    return result


def from_usage(contract: Contract, usage: Usage, pricing: Pricing) -> Estimate:
    monthly = cost(usage, pricing)
    return Estimate(contract.id or "?", contract.file, contract.version, pricing.currency, monthly.compute,
                    monthly.storage, monthly.network, monthly.api, usage, monthly.stored_gb, attribution(contract),
                    monthly.runs, monthly.transferred_gb)


def group_totals(estimates: Sequence[Estimate], key: str) -> dict[str, float]:
    """Monthly totals by an attribution key (`business_tags` counts a contract under each of its tags)."""
    totals: dict[str, float] = {}
    for item in estimates:
        value = item.attribution.get(key)
        for label in (value if isinstance(value, list) else [value]):
            name = str(label) if label else "(none)"
            totals[name] = totals.get(name, 0.0) + item.total
    return dict(sorted(totals.items(), key=lambda pair: -pair[1]))

