"""`dativo-check history` output: one line per version, or JSON."""

from __future__ import annotations

import json
from typing import Sequence

from dativo_check.diff.history import HistoryEntry


def render(contract_id: str, entries: Sequence[HistoryEntry], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"id": contract_id, "versions": [entry.to_dict() for entry in entries]}, indent=2, allow_nan=False) + "\n"
    if not entries:
        return f"{contract_id}: no committed versions yet\n"
    lines = []
    for entry in entries:
        flag = " BREAKING" if entry.breaking else ""
        lines.append(f"{entry.commit.date[:10]} {entry.commit.sha[:10]} {entry.version or '?':<10} "
                     f"{entry.bump.value:<6}{flag} {entry.content_hash} {entry.file} "
                     f"({entry.commit.author}: {entry.commit.subject})")
    return "\n".join(lines) + "\n"
