"""GitHub Actions workflow commands (`::error file=...,line=...::message`), escaped per the runner's rules.

Hidden and bidi characters are shown as code points first (`report.markdown.visible`): an annotation is read by a
reviewer next to the code. A message keeps its line breaks (escaped as `%0D` and `%0A`, which the runner decodes and
shows); the one-line properties (file, title) keep none.
"""

from __future__ import annotations

from dativo_check.core.model import Finding, Level
from dativo_check.report import Report
from dativo_check.core.hidden import visible

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return visible(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(visible(text)).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, file: str | None = None, line: int | None = None,
               column: int | None = None, title: str | None = None) -> str:
    properties = []
    if file:
        properties.append(f"file={escape_property(file)}")
    if line:
        properties.append(f"line={line}")
    if column:
        properties.append(f"col={column}")
    if title:
        properties.append(f"title={escape_property(title)}")
    head = _COMMANDS.get(level, "notice")
    return f"::{head} {','.join(properties)}::{escape_data(message)}" if properties else f"::{head}::{escape_data(message)}"


def finding_annotation(finding: Finding) -> str:
    message = finding.message + (f"; {finding.hint}" if finding.hint else "")
    return annotation(finding.level.value, message, finding.file, finding.line, finding.column,
                      f"dativo-check {finding.rule}")


def render(report: Report, color: bool = False) -> str:
    out = []
    for finding in report.all_findings:
        if finding.level is Level.INFO and report.diffs:
            continue  # compatible changes are in the step summary; annotations are for what needs action
        out.append(finding_annotation(finding))
    summary = report.summary
    out.append(f"dativo-check: {summary['errors']} error(s), {summary['warnings']} warning(s) "
               f"in {len(report.files)} file(s)")
    return "\n".join(out) + "\n"
