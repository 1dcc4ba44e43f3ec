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
    if report.baseline:
        out["summary"].update({"new": len(report.all_findings) - report.existing, "existing": report.existing})
    if report.command in ("diff", "bump", "ci") or report.diffs:
        from dativo_check.diff.engine import summary as diff_summary

        out.update({"base": report.base, "head": report.head,
                    "contracts": [diff.to_dict() for diff in report.diffs], **diff_summary(report.diffs)})
    if report.command == "ci":
        out.update(_check_parts(report))
    return out


def _check_parts(report: Report) -> dict:
    """What the pull-request check adds: why this base, the verdict, impact, cost and the run it belongs to."""
    from dativo_check.report.cost_format import delta_dict

    return {
        "base_reason": report.base_reason,
        "gate": report.gate.to_dict() if report.gate is not None else None,
        "notes": list(report.notes),
        "impact": [item.to_dict() for item in report.impacts],
        "impact_view": report.impact_view,
        "cost": delta_dict(report.cost) if report.cost is not None else None,
        "run": report.run.to_dict() if report.run is not None else None,
    }


# a report read back (by `publish`) is untrusted: bounded in size before it is parsed, then checked by its schema
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def read_document(raw: bytes) -> dict:
    """A JSON report read back, checked against schemas/report.schema.json; ValueError says what is wrong."""
    import jsonschema_rs

    from dativo_check.core import resources

    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ValueError(f"it is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB")
    try:
        doc = json.loads(raw)
    except RecursionError:
        raise ValueError("it nests too deeply") from None
    validator = jsonschema_rs.Draft202012Validator(resources.load_json_schema("report.schema.json"))
    for error in validator.iter_errors(doc):
        where = "/" + "/".join(str(part) for part in error.instance_path)
        raise ValueError(f"at {where}: {error.message}")
    if doc.get("command") != "ci":
        raise ValueError(f"it was made by `{doc.get('command')}`, not `ci`")
    return doc


def render(report: Report, color: bool = False) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
