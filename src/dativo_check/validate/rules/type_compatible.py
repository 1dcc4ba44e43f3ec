"""A property's `logicalType` agrees with its `physicalType`.

The logical type is what consumers code against; the physical type is what the storage holds. When they disagree
(`logicalType: integer` on a `VARCHAR(20)` column) one of them is probably wrong, and generated dbt contracts and
tests may fail at run time. The documented encodings are accepted: a `date` (in ODCS v3.0 also times and timestamps)
stored as text (`logicalTypeOptions.format` describes it) or as a number (epoch days or milliseconds, such as an Avro
`long` with `timestamp-millis`), and a v3.0 `date` on a `TIME` column, since v3.0 has no `time` type. Physical types
this rule does not know (vendor-specific or custom) are left alone; `JSON`, `VARIANT` and similar semi-structured
types are accepted for any logical type. The standard does not tie the two fields together, so a mismatch is a
warning.

PASS:

    schema:
      - name: orders
        properties:
          - name: amount
            logicalType: number
            physicalType: DECIMAL(18,2)

FAIL:

    schema:
      - name: orders
        properties:
          - name: amount
            logicalType: integer
            physicalType: VARCHAR(20)
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.core.storage_types import ACCEPTS, TEMPORAL_ENCODINGS, decimal_scale, physical_family

ID = "type-compatible"
LEVEL = "warning"
CATEGORY = "structure"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    for _, prop in contract.walk_properties():
        logical, physical = prop.logical_type, prop.physical_type
        if logical not in ACCEPTS or physical is None:
            continue
        family, base = physical_family(physical)
        if family is None or family == "any":
            continue
        compatible = family in ACCEPTS[logical] or family in TEMPORAL_ENCODINGS.get(logical, ())
        if compatible and logical == "integer" and family == "decimal":
            scale = decimal_scale(physical)
            compatible = scale in (None, 0)
        if not compatible:
            yield Violation(prop.pointer + "/physicalType",
                            f"{prop.path}: logicalType {logical!r} does not fit physicalType {physical!r}",
                            hint=_hint(family))


def _hint(family: str) -> str:
    suggestion = {
        "string": "string", "integer": "integer", "decimal": "number", "float": "number", "date": "date",
        "timestamp": "date (v3.0) or timestamp (v3.1)", "time": "string (v3.0) or time (v3.1)",
        "boolean": "boolean", "object": "object", "array": "array",
    }[family]
    return f"this physical type suggests logicalType {suggestion}; fix whichever side is wrong"
