"""Machine-readable output; the shape is documented in the README (Output formats) and docs/breaking-changes.md."""

from __future__ import annotations

import json

from dativo_check import __version__
from dativo_check.report import Report


def to_dict(report: Report) -> dict:
    summary = report.summary
    out = {
        "tool": "dativo-check",
        "version": __version__,
        "command": report.command,
        "files": len(report.files),
        "findings": [finding.to_dict() for finding in report.findings],
        "summary": {"errors": summary["errors"], "warnings": summary["warnings"], "infos": summary["infos"]},
    }
    if report.command in ("diff", "bump", "ci") or report.diffs:
        from dativo_check.diff.engine import summary as diff_summary

        out.update({"base": report.base, "head": report.head,
                    "contracts": [diff.to_dict() for diff in report.diffs], **diff_summary(report.diffs)})
    return out


def render(report: Report, color: bool = False) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
