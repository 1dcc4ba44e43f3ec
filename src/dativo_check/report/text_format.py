"""Human-readable output: one line per finding (`file:line:col level message (rule)`), then a summary."""

from __future__ import annotations

from dativo_check.report import Report

_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def lines(report: Report) -> list[list[tuple[str, str]]]:
    """The output as lines of (text, style) segments, so colour is a choice made only when printing."""
    out: list[list[tuple[str, str]]] = []
    for finding in report.findings:
        line = [
            (finding.location, "bold"), (" ", ""), (finding.level.value, _STYLES.get(finding.level.value, "")),
            (" ", ""), (_one_line(finding.message), ""), (f" ({finding.rule})", "dim"),
        ]
        if finding.hint:
            line.append((f"; {_one_line(finding.hint)}", "green"))
        out.append(line)
    summary = report.summary
    checked = len(report.files)
    noun = "file" if checked == 1 else "files"
    if not report.findings:
        out.append([(f"{checked} {noun} checked, no problems found", "green")])
    else:
        affected = len({finding.file for finding in report.findings})
        parts = [f"{summary['errors']} error{'s' if summary['errors'] != 1 else ''}",
                 f"{summary['warnings']} warning{'s' if summary['warnings'] != 1 else ''}"]
        if summary["infos"]:
            parts.append(f"{summary['infos']} info")
        style = "bold red" if summary["errors"] else "yellow"
        out.append([(f"{', '.join(parts)} in {affected} of {checked} {noun}", style)])
    return out


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
    return " ".join(text.split())
