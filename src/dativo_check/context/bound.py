"""Responses of bounded size: a document larger than the limit loses list items from its end, largest lists
first, then whole sections, and says so (`truncated: true` and `cut`, what was cut and how much was kept).

The size is that of the canonical compact JSON encoding (UTF-8), the form responses are hashed in.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any, Iterator

# Sections that may be cut, in the order they are dropped whole when cutting their lists was not enough. The
# envelope (decision, rules, policy hash, redaction manifest) is never cut, since without it a response cannot be
# judged or traced; at most the manifest is counted per rule and kind instead of per place.
SECTIONS = ("finops", "lineage", "governance", "schema", "contract", "results")


def encoded(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def response_hash(document: Any) -> str:
    return "sha256:" + hashlib.sha256(encoded(document)).hexdigest()


def bound(document: dict[str, Any], limit: int) -> dict[str, Any]:
    """`document` itself when it fits in `limit` bytes, else a cut copy flagged `truncated`."""
    if len(encoded(document)) <= limit:
        return document
    out = copy.deepcopy(document)
    out["truncated"] = True
    out["cut"] = []
    original: dict[str, int] = {}
    while (excess := len(encoded(out)) - limit) > 0:
        candidate = _largest_list(out)
        if candidate is not None:
            path, values = candidate
            original.setdefault(path, len(values))
            removed = 0
            while values and removed < excess:
                removed += len(encoded(values.pop())) + 1
        else:
            section = next((key for key in SECTIONS if key in out), None)
            if section is not None:
                original[section] = -1
                del out[section]
            elif not _merge_redactions(out):
                break  # only the envelope is left; it is never cut
        out["cut"] = _cuts(out, original)
    return out


def _merge_redactions(document: dict[str, Any]) -> bool:
    """Last resort: count the redaction manifest per rule and kind only, without where; False if nothing merges."""
    merged: dict[tuple[str, str], int] = {}
    for entry in document.get("redactions", ()):
        key = (entry["rule"], entry["withheld"])
        merged[key] = merged.get(key, 0) + entry["count"]
    entries = [{"rule": rule, "withheld": withheld, "where": "*", "count": count}
               for (rule, withheld), count in sorted(merged.items())]
    if entries == document.get("redactions", []):
        return False
    document["redactions"] = entries
    return True


def _cuts(document: dict[str, Any], original: dict[str, int]) -> list[dict[str, Any]]:
    cuts = []
    for path, count in sorted(original.items()):
        if count < 0:
            cuts.append({"at": path, "removed": True})
            continue
        values = _resolve(document, path)
        if values is not None:  # else a list inside an item cut later
            cuts.append({"at": path, "kept": len(values), "of": count})
    return cuts


def _largest_list(document: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """The non-empty list to cut next: the largest that keeps at least one item, else the largest of all."""
    lists = [(path, values) for path, values in _lists(document) if values]
    if not lists:
        return None
    several = [entry for entry in lists if len(entry[1]) > 1]
    return max(several or lists, key=lambda entry: (len(encoded(entry[1])), entry[0]))


def _lists(value: Any, path: str = "") -> Iterator[tuple[str, list[Any]]]:
    if isinstance(value, dict):
        for key in sorted(value):
            if path or key in SECTIONS:
                yield from _lists(value[key], f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        yield path, value
        for index, item in enumerate(value):
            yield from _lists(item, f"{path}[{index}]")


def _resolve(document: Any, path: str) -> list[Any] | None:
    import re

    node = document
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if key:
            node = node.get(key) if isinstance(node, dict) else None
        else:
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
        if node is None:
            return None
    return node if isinstance(node, list) else None
