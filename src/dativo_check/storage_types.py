"""Physical storage types grouped into families, so that checks can reason about `VARCHAR(20)` or `INT8`."""

from __future__ import annotations

import re

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

# logical type -> physical families that hold its values
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


def decimal_scale(physical_type: str) -> int | None:
    match = _PARAMETERS.search(physical_type)
    if not match:
        return None
    parts = [part.strip() for part in match.group("args").split(",")]
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
