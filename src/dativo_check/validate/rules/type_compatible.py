"""A property's `logicalType` agrees with its `physicalType`.

The logical type is what consumers code against; the physical type is what the storage holds. When they disagree
(`logicalType: integer` on a `VARCHAR(20)` column) one of them is wrong, and generated dbt contracts and tests will
fail at run time. Physical types this rule does not know (vendor-specific or custom) are left alone; `JSON`,
`VARIANT` and similar semi-structured types are accepted for any logical type.

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

import re
from typing import Iterator

ID = "type-compatible"
LEVEL = "error"
CATEGORY = "structure"

_FAMILIES = {
    "string": {"CHAR", "CHARACTER", "VARCHAR", "NVARCHAR", "NCHAR", "BPCHAR", "TEXT", "STRING", "CLOB", "UUID",
               "CITEXT", "ENUM", "VARCHAR2", "NVARCHAR2", "CHARACTER VARYING", "TINYTEXT", "MEDIUMTEXT",
               "LONGTEXT"},
    "integer": {"INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT", "INT2", "INT4", "INT8", "INT16",
                "INT32", "INT64", "SERIAL", "BIGSERIAL", "SMALLSERIAL", "LONG", "SHORT", "BYTE", "HUGEINT",
                "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "BYTEINT"},
    "decimal": {"DECIMAL", "NUMERIC", "NUMBER", "BIGNUMERIC", "BIGDECIMAL", "DEC"},
    "float": {"FLOAT", "FLOAT4", "FLOAT8", "FLOAT64", "DOUBLE", "DOUBLE PRECISION", "REAL", "MONEY"},
    "date": {"DATE"},
    "timestamp": {"TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "DATETIME",
                  "DATETIME2", "DATETIMEOFFSET", "SMALLDATETIME", "TIMESTAMP WITH TIME ZONE",
                  "TIMESTAMP WITHOUT TIME ZONE"},
    "time": {"TIME", "TIMETZ", "TIME WITH TIME ZONE", "TIME WITHOUT TIME ZONE"},
    "boolean": {"BOOLEAN", "BOOL", "BIT", "LOGICAL"},
    "object": {"STRUCT", "OBJECT", "MAP", "RECORD", "ROW", "HSTORE"},
    "array": {"ARRAY", "LIST", "REPEATED"},
    "any": {"JSON", "JSONB", "VARIANT", "SUPER", "ANY", "DYNAMIC"},
}
_BASE_TO_FAMILY = {base: family for family, bases in _FAMILIES.items() for base in bases}

ACCEPTS = {
    "string": {"string"},
    "integer": {"integer", "decimal"},
    "number": {"integer", "decimal", "float"},
    "date": {"date", "timestamp"},
    "timestamp": {"timestamp"},
    "time": {"time"},
    "boolean": {"boolean"},
    "object": {"object"},
    "array": {"array"},
}

_PARAMETERS = re.compile(r"\s*\((?P<args>[^)]*)\)")


def physical_family(physical_type: str) -> tuple[str | None, str]:
    """The family of a physical type (`VARCHAR(20)` -> string) and its normalised base name."""
    text = physical_type.strip().upper()
    if text.endswith("[]") or text.startswith(("ARRAY<", "ARRAY(", "LIST<")):
        return "array", text
    if text.startswith(("STRUCT<", "STRUCT(", "MAP<", "MAP(", "ROW(")):
        return "object", text
    base = _PARAMETERS.sub("", text).strip()
    base = re.sub(r"\s+", " ", base)
    return _BASE_TO_FAMILY.get(base), base


def _decimal_scale(physical_type: str) -> int | None:
    match = _PARAMETERS.search(physical_type)
    if not match:
        return None
    parts = [part.strip() for part in match.group("args").split(",")]
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    for _, prop in contract.walk_properties():
        logical, physical = prop.logical_type, prop.physical_type
        if logical not in ACCEPTS or physical is None:
            continue
        family, base = physical_family(physical)
        if family is None or family == "any":
            continue
        compatible = family in ACCEPTS[logical]
        if compatible and logical == "integer" and family == "decimal":
            scale = _decimal_scale(physical)
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
