"""The normalised form of a contract: what it says, independent of key order, list order and YAML style."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

from dativo_check.diff.walk import IDENTITY

_SETS = frozenset({"tags", "transformSourceObjects", "examples"})


def normalise(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {name: normalise(item, name) for name, item in value.items()}
    if isinstance(value, list):
        entries = [normalise(item) for item in value]
        identity = IDENTITY.get(key)
        if identity is not None and all(isinstance(entry, dict) for entry in entries):
            return sorted(entries, key=lambda entry: json.dumps(identity(entry)))
        if key in _SETS:
            return sorted(entries, key=lambda entry: json.dumps(entry, sort_keys=True))
        return entries
    return value


def content_hash(data: Mapping[str, Any]) -> str:
    """A short hash of the normalised contract: equal for two files that say the same thing."""
    canonical = json.dumps(normalise(dict(data)), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
