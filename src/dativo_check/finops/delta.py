"""What a change costs: monthly cost before and after, per contract, with the delta attributed to what changed.

Attribution substitutes the head's usage into the base's one factor at a time, in a fixed order (volume, row width,
run frequency, retention, storage class, servers, API calls, measured compute); each step's difference is that
factor's share, so the shares add up to the delta exactly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from dativo_check.config import CostThresholds
from dativo_check.contract.model import Contract
from dativo_check.finops.estimate import Estimate, Unestimable, Usage, cost, estimate
from dativo_check.finops.metrics import History, RunMetrics
from dativo_check.finops.pricing import Pricing
from dativo_check.core.model import Finding, Level
from dativo_check.core.ruledoc import from_text

COST_INCREASE = from_text("cost-increase", "warning", "finops", "finops", """
    A change does not raise a contract's monthly cost beyond the configured thresholds.

    The estimated monthly cost of each changed contract is compared before and after the change. An increase above
    `finops.thresholds` (an absolute amount or a percentage; defaults, and per cost centre) is a warning, or an
    error above the error thresholds, so that a change that, say, triples storage cost is looked at before it
    merges. The finding names the factors that drive the increase.

    PASS:

        # retention 1 y -> 1 y, 3 columns added: +4 %, under the 20 % warning threshold
        slaProperties: [{property: retention, value: 1, unit: y}]

    FAIL:

        # retention 1 y -> 3 y: storage triples, +180 %, over the 100 % error threshold
        slaProperties: [{property: retention, value: 3, unit: y}]
""")

COST_UNKNOWN = from_text("cost-unestimated", "info", "finops", "finops", """
    Every contract can be estimated.

    A contract that states no volume and has no run metrics has no cost estimate. The volume is read from the
    `expectedRowsPerDay` custom property or, the ODCS way, from the bounds of a `rowCount` quality rule (the table's
    size). A contract with neither is listed with the reason, naming what to declare, instead of counting as zero,
    which would hide its cost from every total.

    PASS:

        customProperties: [{property: expectedRowsPerDay, value: 250000}]
        ---
        schema:
          - name: orders
            quality:
              - {type: library, metric: rowCount, mustBeBetween: [1000, 5000000]}

    FAIL:

        customProperties: [{property: costCenter, value: FIN-001}]
""")

RULES = (COST_INCREASE, COST_UNKNOWN)
ARROW = " -> "  # between a share's before and after in text, findings and the JSON report's `change`


@dataclass(frozen=True)
class Share:
    """One factor's part of a cost delta: the factor as it was and as it is (a new or deleted contract has no
    `before`; its `after` is "added" or "removed"), and the amount it adds to the monthly cost."""

    factor: str
    before: str | None
    after: str
    amount: float

    def change_text(self, arrow: str = ARROW) -> str:
        """Before and after joined by `arrow`, each format choosing its own."""
        return self.after if self.before is None else f"{self.before}{arrow}{self.after}"


@dataclass(frozen=True)
class CostDelta:
    contract_id: str
    file: str
    before: Estimate | Unestimable | None
    after: Estimate | Unestimable | None
    shares: tuple[Share, ...] = ()

    @property
    def known(self) -> bool:
        return not isinstance(self.before, Unestimable) and not isinstance(self.after, Unestimable)

    @property
    def before_total(self) -> float:
        return self.before.total if isinstance(self.before, Estimate) else 0.0

    @property
    def after_total(self) -> float:
        return self.after.total if isinstance(self.after, Estimate) else 0.0

    @property
    def delta(self) -> float:
        return self.after_total - self.before_total

    @property
    def percent(self) -> float | None:
        return None if not self.before_total else self.delta / self.before_total * 100

    @property
    def reason(self) -> str | None:
        for side in (self.after, self.before):
            if isinstance(side, Unestimable):
                return side.reason
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"contract_id": self.contract_id, "file": self.file, "known": self.known, "reason": self.reason,
                "before": round(self.before_total, 2), "after": round(self.after_total, 2),
                "delta": round(self.delta, 2), "percent": None if self.percent is None else round(self.percent, 1),
                "shares": [{"factor": s.factor, "before": s.before, "after": s.after, "change": s.change_text(),
                            "amount": round(s.amount, 2)} for s in self.shares]}


@dataclass(frozen=True)
class CostReport:
    deltas: tuple[CostDelta, ...]
    currency: str
    findings: tuple[Finding, ...] = field(default=())

    @property
    def before(self) -> float:
        return sum(d.before_total for d in self.deltas if d.known)

    @property
    def after(self) -> float:
        return sum(d.after_total for d in self.deltas if d.known)

    @property
    def delta(self) -> float:
        return self.after - self.before


def _gib(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


_FACTORS: tuple[tuple[str, tuple[str, ...], Callable[[Usage], str]], ...] = (
    ("volume", ("rows_per_day", "table_rows"), lambda u: f"{u.rows_per_day:,.0f} rows/day" + (
        "" if u.table_rows is None else f" ({u.table_rows:,.0f}-row table)")),
    ("row width", ("row_bytes",), lambda u: f"{u.row_bytes:,.0f} B/row"),
    ("frequency", ("runs_per_day",), lambda u: f"{_gib(u.runs_per_day)} runs/day"),
    ("retention", ("retention_days",), lambda u: f"{_gib(u.retention_days)} days"),
    ("storage class", ("storage_class",), lambda u: u.storage_class),
    ("servers", ("servers",), lambda u: ", ".join(u.servers) or "none"),
    ("API calls", ("api_calls_per_run",), lambda u: ", ".join(f"{k} {v:,.0f}" for k, v in
                                                             sorted(u.api_calls_per_run.items())) or "none"),
    ("measured usage", ("cpu_seconds_per_run", "duration_seconds", "memory_gb", "bytes_per_run",
                        "stored_bytes_per_day"), lambda u: "measured per run" if u.cpu_seconds_per_run else "declared"),
)


def attribute(before: Usage, after: Usage, pricing: Pricing) -> list[Share]:
    """The delta between two usages, split by factor (each factor's share is its substitution's difference)."""
    shares: list[Share] = []
    current = before
    total = cost(current, pricing).total
    for factor, fields, describe in _FACTORS:
        changed = {name: getattr(after, name) for name in fields if getattr(after, name) != getattr(current, name)}
        if not changed:
            continue
        following = dataclasses.replace(current, **changed)
        following_total = cost(following, pricing).total
        if abs(following_total - total) > 1e-9 or describe(current) != describe(following):
            shares.append(Share(factor, describe(current), describe(following), following_total - total))
        current, total = following, following_total
    return shares


def compare_costs(pairs: Sequence[tuple[Contract | None, Contract | None]], pricing: Pricing,
                  runs: Sequence[RunMetrics] = (),
                  thresholds: CostThresholds = CostThresholds()) -> CostReport:
    """Cost before and after for each (base, head) pair of a change; findings for increases over thresholds."""
    history = History(list(runs))
    deltas, findings = [], []
    for base, head in pairs:
        contract = head or base
        assert contract is not None
        measured = history.for_contract(contract.id)
        before = estimate(base, pricing, measured) if base is not None else None
        after = estimate(head, pricing, measured) if head is not None else None
        shares: tuple[Share, ...] = ()
        if isinstance(before, Estimate) and isinstance(after, Estimate):
            shares = tuple(attribute(before.usage, after.usage, pricing))
        elif isinstance(after, Estimate) and base is None:
            shares = (Share("new contract", None, "added", after.total),)
        elif isinstance(before, Estimate) and head is None:
            shares = (Share("deleted contract", None, "removed", -before.total),)
        delta = CostDelta(contract.id or "?", contract.file, before, after, shares)
        deltas.append(delta)
        findings.extend(_findings(delta, contract, thresholds, pricing.currency))
    deltas.sort(key=lambda d: (-abs(d.delta), d.contract_id))
    return CostReport(tuple(deltas), pricing.currency, tuple(findings))


def _findings(delta: CostDelta, contract: Contract, thresholds: CostThresholds, currency: str) -> list[Finding]:
    if not delta.known:
        return [contract.finding(COST_UNKNOWN.id, COST_UNKNOWN.level, f"no cost estimate: {delta.reason}")]
    center = contract.custom_properties.get("costCenter")
    limits = thresholds.of(center if isinstance(center, str) else None)
    percent = delta.percent if delta.percent is not None else (float("inf") if delta.delta > 0 else 0.0)
    level = None
    if _over(delta.delta, percent, limits.error_absolute, limits.error_percent):
        level = Level.ERROR
    elif _over(delta.delta, percent, limits.warn_absolute, limits.warn_percent):
        level = Level.WARNING
    if level is None:
        return []
    drivers = ", ".join(f"{s.factor} {s.change_text()} ({s.amount:+,.2f})" for s in
                        sorted(delta.shares, key=lambda s: -s.amount)[:3] if s.amount > 0)
    share = "" if delta.percent is None else f", {delta.percent:+.0f} %"
    message = (f"monthly cost {delta.before_total:,.2f} -> {delta.after_total:,.2f} {currency} "
               f"({delta.delta:+,.2f}{share})" + (f": {drivers}" if drivers else ""))
    return [contract.finding(COST_INCREASE.id, level, message, "/customProperties" if center else "",
                             hint="check the drivers, or raise finops.thresholds for this cost centre")]


def _over(amount: float, percent: float, absolute_limit: float | None, percent_limit: float | None) -> bool:
    """An increase is over the thresholds when it exceeds every threshold that is set."""
    checks = [amount > absolute_limit] if absolute_limit is not None else []
    checks += [percent > percent_limit] if percent_limit is not None else []
    return bool(checks) and all(checks) and amount > 0


def estimates_for(contracts: Sequence[Contract], pricing: Pricing,
                  runs: Sequence[RunMetrics] = ()) -> list[Estimate | Unestimable]:
    history = History(list(runs))
    return [estimate(contract, pricing, history.for_contract(contract.id)) for contract in contracts]
