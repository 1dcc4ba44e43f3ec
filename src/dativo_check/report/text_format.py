"""Human-readable output: one line per finding (`file:line:col level message (rule)`), a section per changed
contract for diffs, then a summary."""

from __future__ import annotations

from dativo_check.core.hidden import visible
from dativo_check.core.model import Finding
from dativo_check.report import Report

Line = list[tuple[str, str]]
_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_VERDICT_WORDS = {"breaks": ("BREAKING", "bold red"), "may-break": ("may break", "yellow"), "safe": ("safe", "green")}


def _finding_line(finding: Finding, indent: str = "") -> Line:
    line = [
        (indent, ""), (finding.location, "bold"), (" ", ""),
        (finding.level.value, _STYLES.get(finding.level.value, "")), (" ", ""),
        *([("existing ", "dim")] if finding.new is False else []), (_one_line(finding.message), ""),
        (f" ({finding.rule})", "dim"),
    ]
    if finding.hint:
        line.append((f"; {_one_line(finding.hint)}", "green"))
    return line


def _diff_lines(report: Report) -> list[Line]:
    out: list[Line] = []
    for diff in report.diffs:
        where = diff.file or diff.base_file or "?"
        moved = f" (from {diff.base_file})" if diff.base_file and diff.file and diff.base_file != diff.file else ""
        versions = f"{diff.base_version or '-'} -> {diff.head_version or '-'}"
        head: Line = [(diff.id, "bold"), (f"  {where}{moved}  {diff.status}  {versions}", "")]
        if diff.status in ("changed", "deleted"):
            verdict = "ok" if diff.version_ok else "FAILS"
            head.append((f"  needs {diff.required_bump.value}", ""))
            if diff.next_version:
                head.append((f" (next version {diff.next_version})", ""))
            head.append((f"  version gate {verdict}", "green" if diff.version_ok else "bold red"))
        out.append(head)
        for change in diff.changes:
            word, style = _VERDICT_WORDS[change.verdict.value]
            status = " accepted" if change.accepted else " covered" if change.covered else ""
            line: Line = [(f"  {change.file}:{change.line or 1} ", "bold"), (word, style),
                          (f" {change.bump.value}{status} ", "dim"), (_one_line(change.message), ""),
                          (f" ({change.rule})", "dim")]
            if not change.covered and not change.accepted and change.verdict.value != "safe":
                line.append((f"; {_one_line(change.hint)}", "green"))
            out.append(line)
        out.extend(_finding_line(finding, "  ") for finding in diff.findings)
    return out


def lines(report: Report) -> list[Line]:
    """The output as lines of (text, style) segments, so colour is a choice made only when printing. Findings the
    change introduced come first; those its base already had follow, marked `existing`."""
    ordered = sorted(report.findings, key=lambda finding: not finding.counts)
    out: list[Line] = [_finding_line(finding) for finding in ordered]
    out.extend(_diff_lines(report))
    out.extend(_check_lines(report))
    out.append(_summary(report))
    return out


def _check_lines(report: Report) -> list[Line]:
    """What the pull-request check adds: who is downstream, the cost delta, and what each stage did."""
    out: list[Line] = []
    if report.impacts:
        from dativo_check.report.lineage_format import impact_text

        out.extend([(line, "")] for line in impact_text(report.impacts).splitlines())
    if report.cost is not None:
        from dativo_check.report.cost_format import delta_text

        out.extend([(line, "")] for line in delta_text(report.cost).splitlines())
    out.extend([(f"note: {note}", "dim")] for note in report.notes)
    return out


def _summary(report: Report) -> Line:
    summary = report.summary
    checked = len(report.files)
    noun = "file" if checked == 1 else "files"
    if report.diffs or report.command in ("diff", "bump"):
        from dativo_check.diff.engine import summary as diff_summary

        facts = diff_summary(report.diffs)
        breaking = sum(1 for diff in report.diffs for change in diff.changes if change.breaking)
        text = (f"{len(report.diffs)} contract(s) changed, {breaking} breaking change(s), "
                f"required bump {facts['required_bump']}, version gate {'ok' if facts['version_ok'] else 'FAILS'}; "
                f"{summary['errors']} error(s), {summary['warnings']} warning(s){_existing(report)}")
        return [(text, "bold red" if report.failed else "green")]
    if not report.findings:
        return [(f"{checked} {noun} checked, no problems found", "green")]
    affected = len({finding.file for finding in report.findings})
    parts = [f"{summary['errors']} error{'s' if summary['errors'] != 1 else ''}",
             f"{summary['warnings']} warning{'s' if summary['warnings'] != 1 else ''}"]
    if summary["infos"]:
        parts.append(f"{summary['infos']} info")
    style = "bold red" if report.failed else "yellow"
    return [(f"{', '.join(parts)} in {affected} of {checked} {noun}{_existing(report)}", style)]


def _existing(report: Report) -> str:
    count = report.existing
    return f" ({count} existing, not introduced by this change)" if count else ""


def render(report: Report, color: bool = False) -> str:
    rendered = lines(report)
    if not color:
        return "".join("".join(text for text, _ in line) + "\n" for line in rendered)
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=10_000, highlight=False,
                      soft_wrap=True)
    for line in rendered:
        console.print(Text.assemble(*[(text, style) if style else text for text, style in line]))
    return buffer.getvalue()


def _one_line(text: str) -> str:
    """One line, with hidden and bidi characters shown: the text report is read in terminals and CI logs."""
    return visible(" ".join(text.split()))
