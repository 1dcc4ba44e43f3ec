"""JUnit XML: one test case per checked file; error findings are failures, other findings go to system-out."""

from __future__ import annotations

from dativo_check.core.model import Level
from dativo_check.report import Report


def render(report: Report, color: bool = False) -> str:
    from xml.etree import ElementTree as ET

    by_file: dict[str, list] = {file: [] for file in report.files}
    for finding in report.all_findings:
        by_file.setdefault(finding.file, []).append(finding)
    failures = sum(1 for findings in by_file.values() if any(f.level is Level.ERROR for f in findings))
    suite = ET.Element("testsuite", name=f"dativo-check {report.command}", tests=str(len(by_file)),
                       failures=str(failures), errors="0", skipped="0")
    for file, findings in by_file.items():
        case = ET.SubElement(suite, "testcase", classname=f"dativo-check.{report.command}", name=file)
        errors = [f for f in findings if f.level is Level.ERROR]
        if errors:
            failure = ET.SubElement(case, "failure", type=errors[0].rule,
                                    message=f"{len(errors)} error(s): {errors[0].message}")
            failure.text = "\n".join(_line(f) for f in errors)
        others = [f for f in findings if f.level is not Level.ERROR]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    suites = ET.Element("testsuites", name="dativo-check", tests=suite.get("tests"), failures=str(failures))
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _line(finding) -> str:
    hint = f"; {finding.hint}" if finding.hint else ""
    return f"{finding.location} {finding.level.value} {finding.message} ({finding.rule}){hint}"
