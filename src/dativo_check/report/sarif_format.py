"""SARIF 2.1.0 for GitHub code scanning: stable rule ids, rule metadata, relative artifact locations.

Every log it writes validates against the official SARIF 2.1.0 schema (tests/fixtures/sarif/). Spec sections cited
are those of SARIF v2.1.0 Errata 01.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import quote

from dativo_check import __version__
from dativo_check.report import Report

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_HOME = "https://github.com/dativo-io/dativo-check"
_SRCROOT = "%SRCROOT%"


def to_dict(report: Report) -> dict:
    from dativo_check.catalog import all_rules

    rules = all_rules()
    index = {rule.id: position for position, rule in enumerate(rules)}
    results = []
    for finding in report.all_findings:
        if finding.level.value == "info" and report.diffs:
            continue  # compatible changes are not code-scanning alerts
        result = {
            "ruleId": finding.rule,
            "ruleIndex": index.get(finding.rule, -1),
            "level": _LEVELS.get(finding.level.value, "note"),
            "message": {"text": finding.message + (f" ({finding.hint})" if finding.hint else "")},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.file),
                    "region": {"startLine": finding.line or 1, "startColumn": finding.column or 1},
                },
            }],
            "partialFingerprints": {"dativoFindingHash/v1": _fingerprint(finding)},
        }
        if finding.path:
            result["properties"] = {"jsonPointer": finding.path}
        if report.baseline:  # code scanning shows what the pull request introduced
            result["baselineState"] = "unchanged" if finding.new is False else "new"
        if result["ruleIndex"] < 0:
            del result["ruleIndex"]
        results.append(result)
    return {
        "$schema": _SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "dativo-check",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": _HOME,
                "rules": [_rule(rule) for rule in rules],
            }},
            # no `uri`: the checkout's absolute path differs per machine and may name a user; §3.14.14 allows
            # leaving it out (and then forbids a uriBaseId), and code scanning reads relative URIs as relative to
            # the repository root anyway
            "originalUriBaseIds": {_SRCROOT: {"description": {"text": "The repository root."}}},
            "results": results,
        }],
    }


def _rule(rule) -> dict:
    markdown = (f"{rule.explanation}\n\nPassing example:\n\n```yaml\n{rule.passing}```\n\n"
                f"Failing example:\n\n```yaml\n{rule.failing}```\n")
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": rule.explanation, "markdown": markdown},
        "helpUri": f"{_HOME}/blob/main/docs/rules.md#{rule.id}",
        "defaultConfiguration": {"level": _LEVELS[rule.level.value] if rule.level.value in _LEVELS else "none"},
        # the schema wants distinct tags, and a rule's stage and category are often the same word ("dbt")
        "properties": {"tags": list(dict.fromkeys((rule.stage, rule.category)))},
    }


def artifact_location(file: str) -> dict:
    """Where a finding is, as an artifactLocation (§3.4) whose `uri` is an RFC 3986 URI reference.

    Findings name a file of the repository relative to its root: a relative reference under %SRCROOT%, which code
    scanning reads as relative to the repository root. Any other file (an absolute path, or one that climbs out with
    `..`) gets an absolute `file:` URI of its resolved path without a base id: §3.4.4 forbids a uriBaseId on an
    absolute URI, and §3.10.2 wants `..` resolved rather than written. Both forms are percent-encoded from the file
    name's bytes (UTF-8, as §3.10.4 maps IRIs to URIs), so spaces, `#`, `%`, `?` and non-ASCII names stay one path."""
    path = Path(file)
    if path.is_absolute() or ".." in path.parts:
        return {"uri": path.resolve().as_uri()}
    # the same encoding pathlib gives absolute paths: every byte but unreserved characters and `/` is escaped, which
    # also keeps a first segment such as `main:policy.yaml` from reading as a URI scheme
    return {"uri": quote(os.fsencode(file), safe="/"), "uriBaseId": _SRCROOT}


def _fingerprint(finding) -> str:
    """Stable across line moves: the rule, the file, the JSON pointer and the message."""
    text = "\0".join((finding.rule, finding.file, finding.path, finding.message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def render(report: Report, color: bool = False) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
