"""Step outputs and the step summary, written the way the Actions runner reads them."""

from __future__ import annotations

import secrets
from typing import Mapping

from dativo_check.report.github_format import annotation, finding_annotation


def write_outputs(path: str, values: Mapping[str, str]) -> None:
    """Append `name=value` lines to $GITHUB_OUTPUT; multi-line values use a random heredoc delimiter that the
    value cannot contain, so a value cannot set other outputs."""
    lines = []
    for name, value in values.items():
        text = str(value)
        if "\n" in text or "\r" in text:
            delimiter = f"DATIVO_EOF_{secrets.token_hex(8)}"
            while delimiter in text:
                delimiter = f"DATIVO_EOF_{secrets.token_hex(8)}"
            lines.append(f"{name}<<{delimiter}\n{text}\n{delimiter}")
        else:
            lines.append(f"{name}={text}")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


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
