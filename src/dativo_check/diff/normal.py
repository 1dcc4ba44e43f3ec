"""The normalised form of a contract: what it says, independent of key order, list order and YAML style."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Mapping

from dativo_check.diff.walk import quality_identity

_IDENTITY: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "schema": lambda entry: entry.get("name"),
    "properties": lambda entry: entry.get("name"),
    "servers": lambda entry: entry.get("server"),
    "slaProperties": lambda entry: (entry.get("property"), entry.get("element")),
    "team": lambda entry: entry.get("username") or entry.get("name"),
    "members": lambda entry: entry.get("username") or entry.get("name"),
    "roles": lambda entry: entry.get("role"),
    "support": lambda entry: entry.get("channel"),
    "customProperties": lambda entry: entry.get("property"),
    "quality": quality_identity,
}
_SETS = frozenset({"tags", "transformSourceObjects", "examples"})


def normalise(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {name: normalise(item, name) for name, item in value.items()}
    if isinstance(value, list):
        entries = [normalise(item) for item in value]
        identity = _IDENTITY.get(key)
        if identity is not None and all(isinstance(entry, dict) for entry in entries):
            return sorted(entries, key=lambda entry: json.dumps(identity(entry), sort_keys=True, default=str))
        if key in _SETS:
            return sorted(entries, key=lambda entry: json.dumps(entry, sort_keys=True))
        return entries
    return value


def content_hash(data: Mapping[str, Any]) -> str:
    """A short hash of the normalised contract: equal for two files that say the same thing."""
    canonical = json.dumps(normalise(dict(data)), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
