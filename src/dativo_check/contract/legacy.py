"""Recognise the asset-file shapes Dativo used before its contracts were ODCS."""

from __future__ import annotations

from typing import Any, Mapping

NESTED = "nested"
NESTED_GOVERNANCE = "nested-governance"
FLAT = "flat"

_FLAT_ONLY_KEYS = frozenset({
    "compliance", "data_quality", "change_management", "finops", "target", "source_type", "object", "$schema",
})


def legacy_shape(data: Mapping[str, Any]) -> str | None:
    """Which legacy shape a document has, or None for anything else (an ODCS contract, or not a Dativo file)."""
    asset = data.get("asset")
    if isinstance(asset, dict):
        governance = asset.get("governance")
        folded = isinstance(governance, dict) and any(
            key in governance for key in ("cost_center", "retention_days", "classification"))
        return NESTED_GOVERNANCE if folded or "lineage" in asset or "audit" in asset else NESTED
    if _FLAT_ONLY_KEYS & set(data) or isinstance(data.get("team"), dict) and "owner" in data["team"]:
        return FLAT
    schema = data.get("schema")
    if isinstance(schema, dict) and "fields" in schema:
        return FLAT
    if isinstance(schema, list) and schema and all(
            isinstance(item, dict) and "type" in item and "properties" not in item for item in schema):
        return FLAT
    return None
