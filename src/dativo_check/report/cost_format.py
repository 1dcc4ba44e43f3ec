"""Cost estimates and cost deltas as text, JSON and the Markdown section of a pull-request comment."""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from dativo_check.finops.anomalies import JobReport
from dativo_check.finops.delta import CostReport
from dativo_check.finops.estimate import Estimate, Unestimable, group_totals
from dativo_check.core.model import Finding
from dativo_check.report.markdown import code, escape, money


def estimates_text(items: Sequence[Estimate | Unestimable]) -> str:
    known = [item for item in items if isinstance(item, Estimate)]
    lines = []
    for item in sorted(known, key=lambda e: -e.total):
        basis = ", ".join(sorted({value for value in item.usage.basis.values()}))
        lines.append(f"{item.contract_id}: {money(item.total, item.currency)}/month (compute "
                     f"{item.compute:,.2f}, storage {item.storage:,.2f}, network {item.network:,.2f}, api "
                     f"{item.api:,.2f}; {item.stored_gb:,.2f} GB stored; {basis})")
        if item.usage.volume_source:
            lines.append(f"  volume: {item.usage.volume_source}")
        for assumption in item.usage.assumptions:
            lines.append(f"  assumed: {assumption}")
    for item in items:
        if isinstance(item, Unestimable):
            lines.append(f"{item.contract_id}: not estimated: {item.reason}")
    if known:
        currency = known[0].currency
        lines.append(f"total: {money(sum(e.total for e in known), currency)}/month")
        for key in ("cost_center", "project", "environment"):
            totals = group_totals(known, key)
            lines.append(f"by {key.replace('_', ' ')}: " + ", ".join(f"{name} {value:,.2f}"
                                                                   for name, value in totals.items()))
    return "\n".join(lines) + "\n"


def estimates_json(items: Sequence[Estimate | Unestimable]) -> str:
    known = [item for item in items if isinstance(item, Estimate)]
    body = {
        "currency": known[0].currency if known else None,
        "total": round(sum(item.total for item in known), 2),
        "contracts": [item.to_dict() for item in known],
        "unestimated": [item.to_dict() for item in items if isinstance(item, Unestimable)],
        "by": {key: {name: round(value, 2) for name, value in group_totals(known, key).items()}
               for key in ("cost_center", "project", "environment", "business_tags")},
    }
    return json.dumps(body, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def delta_dict(report: CostReport) -> dict:
    return {"currency": report.currency, "before": round(report.before, 2), "after": round(report.after, 2),
            "delta": round(report.delta, 2), "contracts": [delta.to_dict() for delta in report.deltas],
            "findings": [finding.to_dict() for finding in report.findings]}


def delta_json(report: CostReport) -> str:
    return json.dumps(delta_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def delta_text(report: CostReport) -> str:
    lines = [f"monthly cost {money(report.before, report.currency)} -> {money(report.after, report.currency)} "
             f"({money(report.delta, report.currency, signed=True)})"]
    for delta in report.deltas:
        if not delta.known:
            lines.append(f"  {delta.contract_id}: not estimated: {delta.reason}")
            continue
        percent = "" if delta.percent is None else f" ({delta.percent:+.0f} %)"
        lines.append(f"  {delta.contract_id}: {delta.before_total:,.2f} -> {delta.after_total:,.2f}"
                     f" {report.currency} ({delta.delta:+,.2f}{percent})")
        for share in delta.shares:
            lines.append(f"    {share.factor}: {share.change_text()} ({share.amount:+,.2f})")
    for finding in report.findings:
        lines.append(f"{finding.location} {finding.level.value} {finding.message} ({finding.rule})")
    return "\n".join(lines) + "\n"


def delta_markdown(body: Mapping[str, Any], details: bool = True, rows: int | None = None) -> str:
    """The cost section of a pull-request comment, from `delta_dict` (or a JSON report read back): headline,
    per-contract table, and what drives each difference in a collapsible block."""
    currency = escape(body["currency"], 10)
    before, after, total = body["before"], body["after"], body["delta"]
    changed = [delta for delta in body["contracts"] if not delta["known"] or abs(delta["delta"]) >= 0.005]
    percent = f" ({total / before * 100:+.0f} %)" if before else ""
    lines = [f"**Monthly cost:** {money(before, currency)} → {money(after, currency)} "
             f"(**{money(total, currency, signed=True)}**{percent})", ""]
    if changed:
        lines += ["| contract | before | after | delta | % |", "| --- | ---: | ---: | ---: | ---: |"]
        for delta in changed[:rows]:
            if not delta["known"]:
                lines.append(f"| {code(delta['contract_id'], cell=True)} | – | – | not estimated | – |")
                continue
            share = "new" if delta["percent"] is None else f"{delta['percent']:+.0f} %"
            lines.append(f"| {code(delta['contract_id'], cell=True)} | {delta['before']:,.2f} | "
                         f"{delta['after']:,.2f} | {delta['delta']:+,.2f} | {share} |")
        if rows is not None and len(changed) > rows:
            lines.append(f"| +{len(changed) - rows} more | | | | |")
    drivers = [delta for delta in changed if delta["shares"] or not delta["known"]]
    if details and drivers:
        lines += ["", "<details><summary>What drives the change</summary>", ""]
        for delta in drivers:
            if not delta["known"]:
                lines.append(f"- {code(delta['contract_id'])}: not estimated: {escape(delta['reason'])}")
                continue
            parts = "; ".join(f"{escape(s['factor'])} {_change_markdown(s)} ({s['amount']:+,.2f})"
                              for s in delta["shares"])
            lines.append(f"- {code(delta['contract_id'])}: {parts}")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _change_markdown(share: Mapping[str, Any]) -> str:
    after = escape(share["after"])
    return after if share["before"] is None else f"{escape(share['before'])} → {after}"


def anomalies_text(reports: Sequence[JobReport], findings: Sequence[Finding]) -> str:
    """Each job's verdict, then each anomaly explained, then problems with the history files."""
    lines = []
    for report in reports:
        lines.append(report.summary())
        for anomaly in report.anomalies:
            lines.append(f"  {anomaly.rule.id}: {anomaly.explain()}")
    job_rules = {"cost-anomaly", "usage-anomaly", "history-too-short"}
    lines.extend(f"{finding.location} {finding.level.value} {finding.message} ({finding.rule})"
                 for finding in findings if finding.rule not in job_rules)
    if not reports:
        lines.append("no run metrics found")
    return "\n".join(lines) + "\n"


def anomalies_json(reports: Sequence[JobReport], findings: Sequence[Finding]) -> str:
    body = {"jobs": [report.to_dict() for report in reports], "findings": [finding.to_dict() for finding in findings]}
    return json.dumps(body, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
