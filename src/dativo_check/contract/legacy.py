"""Recognise files that look like contracts but are not ODCS: the asset-file shapes Dativo used before its contracts
were ODCS, and Data Contract Specification files."""

from __future__ import annotations

from typing import Any, Mapping

NESTED = "nested"
NESTED_GOVERNANCE = "nested-governance"
FLAT = "flat"

# Keys the ODCS root rejects but Dativo's "ODCS-like" files used.
_FLAT_ONLY_KEYS = frozenset({
    "compliance", "data_quality", "change_management", "finops", "target", "source_type", "object", "$schema",
    "governance", "lineage", "audit", "dbt", "data_product", "source",
})


def legacy_shape(data: Mapping[str, Any]) -> str | None:
    """Which legacy shape a document has, or None for anything else (an ODCS contract, or not a Dativo file)."""
    asset = data.get("asset")
    if isinstance(asset, dict):
        # The original shape already let governance carry classification and retention; the later one moved the
        # cost centre there from finops and added lineage and audit blocks.
        governance = asset.get("governance")
        folded = isinstance(governance, dict) and "cost_center" in governance
        return NESTED_GOVERNANCE if folded or "lineage" in asset or "audit" in asset else NESTED
    markers = len(_FLAT_ONLY_KEYS & set(data))
    if isinstance(data.get("team"), dict) and "owner" in data["team"]:
        markers += 1
    schema = data.get("schema")
    if isinstance(schema, dict) and "fields" in schema or isinstance(schema, list) and schema and all(
            isinstance(item, dict) and "type" in item and "properties" not in item for item in schema):
        markers += 1
    # A file that declares itself an ODCS contract is legacy only on strong evidence; one stray key (an editor's
    # `$schema`, a `team` mapping) is a schema error the validator explains.
    declared = isinstance(data.get("apiVersion"), str) and data.get("kind") == "DataContract"
    return FLAT if markers >= (2 if declared else 1) else None


def dcs_version(data: Mapping[str, Any]) -> str | None:
    """The version a Data Contract Specification file declares (`dataContractSpecification: 1.1.0`; "" when it is not
    a plain value), or None for any other file.

    A file that also declares an ODCS `apiVersion` means to be ODCS; its stray key is a schema error the validator
    explains.
    """
    if "dataContractSpecification" not in data or "apiVersion" in data:
        return None
    version = data["dataContractSpecification"]
    return str(version) if isinstance(version, (str, int, float)) and not isinstance(version, bool) else ""


def asset_pointer(shape: str) -> str:
    """The JSON pointer of the mapping that holds the asset's keys: `/asset` in the nested shapes, the root else."""
    return "" if shape == FLAT else "/asset"
