"""Step outputs and the step summary, written the way the Actions runner reads them."""

from __future__ import annotations

import secrets
from typing import Mapping, Sequence

from dativo_check.report.github_format import annotation, finding_annotation
from dativo_check.core.hidden import visible

# a one-line output is a str; a multi-line one is its lines
OutputValue = str | Sequence[str]


def write_outputs(path: str, values: Mapping[str, OutputValue]) -> None:
    """Append the outputs to $GITHUB_OUTPUT: `name=value` for one line, a heredoc for several.

    Every line is made visible first (`report.markdown.visible`: line breaks, bidi and hidden characters shown as
    code points), so no text inside a value can end its line: an id cannot add an `id=version` line to a multi-line
    value, nor a one-line value set another output. The heredoc delimiter is random, and drawn again in the
    unlikely case that the value contains it, so the value cannot end the heredoc early either."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(_output(name, value) for name, value in values.items()))


def _output(name: str, value: OutputValue) -> str:
    lines = [visible(value)] if isinstance(value, str) else [visible(line) for line in value]
    if len(lines) < 2:
        return f"{name}={''.join(lines)}\n"
    text = "\n".join(lines)
    delimiter = f"DATIVO_EOF_{secrets.token_hex(8)}"
    while delimiter in text:
        delimiter = f"DATIVO_EOF_{secrets.token_hex(8)}"
    return f"{name}<<{delimiter}\n{text}\n{delimiter}\n"


def append_summary(path: str, markdown: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(markdown if markdown.endswith("\n") else markdown + "\n")


# GitHub shows at most 10 error and 10 warning annotations per step (and 10 notices); the rest are dropped silently.
ANNOTATIONS_PER_LEVEL = 10


def capped_annotations(findings, limit: int = ANNOTATIONS_PER_LEVEL) -> str:
    """Annotations, most severe first, at most `limit` per level, with a notice that says how many were left out
    (the notice is one of the level's `limit`, so GitHub shows it)."""
    by_level: dict[str, list] = {"error": [], "warning": [], "info": []}
    for finding in sorted(findings, key=lambda f: (-f.level.rank, f.file, f.line or 0)):
        by_level.setdefault(finding.level.value, []).append(finding)
    overflow = any(len(items) > limit for items in by_level.values())
    lines, dropped = [], 0
    for level, items in by_level.items():
        kept = limit - 1 if overflow and level == "info" else limit
        lines.extend(finding_annotation(finding) for finding in items[:kept])
        dropped += max(0, len(items) - kept)
    if dropped:
        lines.append(annotation("info", f"+{dropped} more findings are in the step summary and the JSON report"))
    return "\n".join(lines) + ("\n" if lines else "")
