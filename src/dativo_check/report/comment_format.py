"""The pull-request comment and the step summary, rendered from the JSON report document.

The document is the only input, so a comment posted by a later, privileged workflow (from the JSON artifact of an
unprivileged one) is rendered by the same code, with the same escaping: every string in it is treated as untrusted.

Layout: headline verdict, facts, a table of contracts with required vs declared bump, a section per contract (each
change with old -> new and how to make it safe), the lineage impact as a Mermaid flowchart, the cost delta, the
findings in a collapsible block, how the check was made, and a footer. A body over the size limit is rendered again
with less detail (details first, then the sections, then table rows), keeping the headline and the tables.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, Sequence

from dativo_check.report.markdown import code, escape, neutralise_markers

COMMENT_LIMIT = 65_536  # GitHub rejects a longer issue comment body (422 "Body is too long")
SUMMARY_LIMIT = 1_000_000  # the runner refuses a step summary over 1 MiB
DETAIL_LEVELS = ("full", "compact", "tables")
_CHANGES_PER_CONTRACT = 40
_FINDING_ROWS = 100
_VERDICT_ICONS = {"breaks": "❌", "may-break": "⚠️", "safe": "✅"}
_LEVEL_ICONS = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}
_SHA = re.compile(r"[0-9a-f]{7,64}")


def render_document(doc: Mapping[str, Any], limit: int = COMMENT_LIMIT, prefix: str = "",
                    note: str | None = None) -> str:
    """Markdown for the report, at most `limit` bytes of UTF-8 including `prefix` (the comment's hidden marker)."""
    body = ""
    for level in DETAIL_LEVELS:
        for rows in ((None,) if level != "tables" else (None, 200, 50, 10, 0)):
            body = prefix + neutralise_markers(_render(doc, level, rows, note))
            if len(body.encode("utf-8")) <= limit:
                return body
    return prefix + neutralise_markers(f"{_headline(doc)}\n\nThe report is too large for a comment: the step summary "
                                       f"and the JSON report (the `dativo-check-report` artifact) have it.\n\n"
                                       f"{_footer(doc)}\n")


def _render(doc: Mapping[str, Any], level: str, rows: int | None, note: str | None) -> str:
    contracts = list(doc.get("contracts") or [])
    parts = [_headline(doc), _facts(doc)]
    if note:
        parts.append(f"> {escape(note, limit=500)}")
    if contracts:
        parts.append(_contract_table(contracts, rows))
    if level != "tables":
        parts.extend(_contract_section(contract, level) for contract in contracts
                     if contract.get("changes") or contract.get("findings"))
        if doc.get("impact_view") and doc.get("impact"):
            parts.append(_impact(doc, level))
    if doc.get("cost"):
        from dativo_check.report.cost_format import delta_markdown

        parts.append("### Cost\n\n" + delta_markdown(doc["cost"], details=level == "full", rows=rows).rstrip("\n"))
    if level == "full":
        parts.append(_findings(doc))
        parts.append(_how_checked(doc))
    elif level == "compact":
        parts.append(_finding_counts(doc))
    if level != "full":
        parts.append("_Some details were left out to keep this within GitHub's size limit: the step summary and "
                     "the JSON report (the `dativo-check-report` artifact) have all of them._")
    parts.append(_footer(doc))
    return "\n\n".join(part for part in parts if part) + "\n"


def _other_findings(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Findings that are not about one contract's version (those are in its section): validation, dbt drift,
    layout, allowlist and cost."""
    return [*(doc.get("findings") or []), *((doc.get("cost") or {}).get("findings") or [])]


def _is_existing(finding: Mapping[str, Any]) -> bool:
    """The base already had it: shown folded, and it does not fail the check by default."""
    return finding.get("new") is False


def _counts(doc: Mapping[str, Any]) -> tuple[int, int]:
    """Errors and warnings that this change introduced (all of them when there was no base)."""
    summary = doc.get("summary") or {}
    existing = [finding for finding in _other_findings(doc) if _is_existing(finding)]
    errors = summary.get("errors", 0) - sum(1 for finding in existing if finding.get("level") == "error")
    warnings = summary.get("warnings", 0) - sum(1 for finding in existing if finding.get("level") == "warning")
    return errors, warnings


def _breaking(changes: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [change for change in changes if change.get("verdict") == "breaks" and "accepted" not in change]


def _headline(doc: Mapping[str, Any]) -> str:
    contracts = list(doc.get("contracts") or [])
    gate = doc.get("gate") or {}
    errors, warnings = _counts(doc)
    failed = gate.get("failed", errors > 0)
    icon = "❌" if failed else "⚠️" if warnings else "✅"
    breaking = [change for contract in contracts for change in _breaking(contract.get("changes") or [])]
    wrong = [contract for contract in contracts if not contract.get("version_ok", True)]
    changes = sum(len(contract.get("changes") or []) for contract in contracts)
    if len(wrong) == 1:
        contract = wrong[0]
        count = len(_breaking(contract.get("changes") or []))
        target = f"version {code(contract.get('next_version') or '?')}"
        text = (f"{_plural(count, 'breaking change')} {'needs' if count == 1 else 'need'} {target} of "
                f"{code(contract.get('id'))}" if count else f"{code(contract.get('id'))} needs {target}")
        declared = contract.get("head_version")
        text += f" (it declares {code(declared)})" if declared else ""
    elif wrong:
        text = f"{len(wrong)} contracts need a different version"
        text += f" ({_plural(len(breaking), 'breaking change')})" if breaking else ""
    elif breaking:
        text = f"{_plural(len(breaking), 'breaking change')}, released under a new major version"
    elif contracts:
        text = f"{_plural(changes, 'compatible change')} in {_plural(len(contracts), 'contract')}, versioned correctly"
    else:
        text = "no contract changes"
    other_errors = sum(1 for finding in _other_findings(doc)
                       if finding.get("level") == "error" and not _is_existing(finding))
    if other_errors:
        text += f"; {_plural(other_errors, 'error')}"
    return f"## {icon} dativo-check: {text}"


def _facts(doc: Mapping[str, Any]) -> str:
    errors, warnings = _counts(doc)
    existing = (doc.get("summary") or {}).get("existing")
    facts = [f"**{_plural(errors, 'error')}**", _plural(warnings, "warning"),
             f"{_plural(len(doc.get('contracts') or []), 'contract')} changed",
             f"{_plural(doc.get('files', 0), 'file')} checked"]
    if existing:
        facts.append(f"{_plural(existing, 'existing finding')} not introduced by this change")
    downstream = {item["node"]["id"] for entry in doc.get("impact") or [] for item in entry.get("impacted") or []}
    if doc.get("impact") is not None and doc.get("contracts"):
        facts.append(f"{_plural(len(downstream), 'downstream asset')} affected")
    cost = doc.get("cost")
    if cost:
        sign = "+" if cost["delta"] > 0 else ""
        facts.append(f"cost {sign}{cost['delta']:,.2f} {escape(cost['currency'], 10)}/month")
    reasons = (doc.get("gate") or {}).get("reasons") or []
    if reasons:
        facts.append("fails: " + "; ".join(escape(reason) for reason in reasons[:5]))
    return " · ".join(facts)


def _contract_table(contracts: Sequence[Mapping[str, Any]], rows: int | None) -> str:
    lines = ["| contract | status | changes | breaking | required | declared | next version | version |",
             "| --- | --- | ---: | ---: | --- | --- | --- | :---: |"]
    shown = contracts if rows is None else contracts[:rows]
    for contract in shown:
        changes = contract.get("changes") or []
        versions = f"{contract.get('base_version') or '–'} → {contract.get('head_version') or '–'}"
        declared = f"{escape(contract.get('actual_bump') or 'none')} ({escape(versions, 60)})"
        lines.append(f"| {code(contract.get('id'), cell=True)} | {escape(contract.get('status'))} | {len(changes)} | "
                     f"{len(_breaking(changes))} | **{escape(contract.get('required_bump'))}** | {declared} | "
                     f"{code(contract.get('next_version') or '–', cell=True)} | "
                     f"{'✅' if contract.get('version_ok', True) else '❌'} |")
    if len(shown) < len(contracts):
        lines.append(f"| +{len(contracts) - len(shown)} more | | | | | | | |")
    return "\n".join(lines)


def _contract_section(contract: Mapping[str, Any], level: str) -> str:
    changes = list(contract.get("changes") or [])
    where = contract.get("file") or contract.get("base_file") or "?"
    moved = contract.get("base_file")
    title = f"### {code(contract.get('id'))}"
    lines = [title, "", f"{code(where)}" + (f" (was {code(moved)})" if moved and moved != where else "")
             + f" · {escape(contract.get('status'))} · needs **{escape(contract.get('required_bump'))}**"]
    listed = changes if level == "full" else _breaking(changes)
    for change in listed[:_CHANGES_PER_CONTRACT]:
        lines.append(_change_line(change))
    hidden = len(changes) - min(len(listed), _CHANGES_PER_CONTRACT)
    if hidden:
        lines.append(f"- … and {_plural(hidden, 'more change')} (all in the JSON report)")
    for finding in contract.get("findings") or []:
        lines.append(f"- {_LEVEL_ICONS.get(finding.get('level'), '')} {escape(finding.get('message'))}"
                     + (f" — {escape(finding.get('hint'))}" if finding.get("hint") else ""))
    return "\n".join(lines)


def _change_line(change: Mapping[str, Any]) -> str:
    verdict = change.get("verdict")
    word = {"breaks": "**breaking**", "may-break": "may break", "safe": "compatible"}.get(verdict, escape(verdict))
    line = (f"- {_VERDICT_ICONS.get(verdict, '')} {word} ({escape(change.get('bump'))}) "
            f"{escape(change.get('message'))}")
    old, new = _value(change.get("old")), _value(change.get("new"))
    if old != new:  # long values that differ only after the cut are left to the JSON report
        line += f": {old} → {new}"
    if "accepted" in change:
        line += f" — accepted by the allowlist: {escape(change['accepted'])}"
    elif change.get("covered"):
        line += f" — covered by the {escape(change.get('bump'))} bump"
    elif verdict != "safe" and change.get("hint"):
        line += f" — *how to make it safe:* {escape(change['hint'])}"
    return line


def _value(value: Any) -> str:
    if value is None:
        return "–"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return code(text, limit=80)


def _impact(doc: Mapping[str, Any], level: str) -> str:
    from dativo_check.report.lineage_format import view_mermaid

    lines = ["### Downstream impact", "", "```mermaid", view_mermaid(doc["impact_view"]).rstrip("\n"), "```"]
    if level == "full":
        items = []
        for entry in doc.get("impact") or []:
            for reached in (entry.get("impacted") or [])[:_FINDING_ROWS]:
                node = reached.get("node") or {}
                owner = f" (owner {escape(node['owner'], 80)})" if node.get("owner") else ""
                mark = "❌" if reached.get("breaking") else "•"
                items.append(f"- {mark} {code(entry.get('id'))} → {escape(node.get('kind'))} "
                             f"{code(node.get('label'))}{owner}: {escape(reached.get('reason'))}")
        if items:
            lines += ["", f"<details><summary>{_plural(len(items), 'downstream asset')}</summary>", "", *items, "",
                      "</details>"]
    return "\n".join(lines)


def _findings(doc: Mapping[str, Any]) -> str:
    """New findings first; those the base already had folded below them."""
    found = sorted(_other_findings(doc), key=lambda f: ({"error": 0, "warning": 1}.get(f.get("level"), 2),
                                                    str(f.get("file")), f.get("line") or 0))
    new = [finding for finding in found if not _is_existing(finding)]
    existing = [finding for finding in found if _is_existing(finding)]
    tables = [_finding_table(new, _plural(len(new), "finding") if not existing else
                             _plural(len(new), "new finding")),
              _finding_table(existing, f"{_plural(len(existing), 'existing finding')}, not introduced by this change")]
    return "\n\n".join(table for table in tables if table)


def _finding_table(found: Sequence[Mapping[str, Any]], title: str) -> str:
    if not found:
        return ""
    lines = [f"<details><summary>{escape(title)}</summary>", "",
             "| where | level | rule | message |", "| --- | --- | --- | --- |"]
    for finding in found[:_FINDING_ROWS]:
        where = f"{finding.get('file')}:{finding.get('line') or 1}"
        message = escape(finding.get("message"))
        if finding.get("hint"):
            message += f" — {escape(finding['hint'])}"
        lines.append(f"| {code(where, cell=True)} | {_LEVEL_ICONS.get(finding.get('level'), '')} "
                     f"{escape(finding.get('level'))} | {code(finding.get('rule'), cell=True)} | {message} |")
    if len(found) > _FINDING_ROWS:
        lines.append(f"| +{len(found) - _FINDING_ROWS} more | | | in the JSON report |")
    lines += ["", "</details>"]
    return "\n".join(lines)


def _finding_counts(doc: Mapping[str, Any]) -> str:
    counts: dict[tuple[str, str], int] = {}
    for finding in _other_findings(doc):
        if _is_existing(finding):
            continue
        key = (str(finding.get("level")), str(finding.get("rule")))
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return ""
    ordered = sorted(counts.items(), key=lambda item: ({"error": 0, "warning": 1}.get(item[0][0], 2), item[0][1]))
    return "**Findings by rule:** " + ", ".join(f"{code(rule)} {escape(level)} × {count}"
                                                for (level, rule), count in ordered[:50])


def _how_checked(doc: Mapping[str, Any]) -> str:
    lines = ["<details><summary>How this was checked</summary>", ""]
    if doc.get("base"):
        lines.append(f"- base {_sha(doc.get('base'))}: {escape(doc.get('base_reason') or '')}")
    elif doc.get("base_reason"):
        lines.append(f"- no base: {escape(doc['base_reason'])}")
    lines.extend(f"- {escape(note)}" for note in (doc.get("notes") or [])[:20])
    return "\n".join(lines + ["", "</details>"])


def _footer(doc: Mapping[str, Any]) -> str:
    parts = [f"dativo-check {code(doc.get('version'), 20)}"]
    if doc.get("base"):
        parts.append(f"base {_sha(doc['base'])}")
    if doc.get("head"):
        parts.append(f"head {_sha(doc['head'])}")
    return "<sub>" + " · ".join(parts) + "</sub>"


def _sha(value: Any) -> str:
    text = str(value)
    return code(text[:12]) if _SHA.fullmatch(text) else code("?")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
