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


_FIXED_BYTES = {"integer": 8, "decimal": 16, "float": 8, "date": 4, "timestamp": 8, "time": 8, "boolean": 1,
                "object": 256, "array": 128, "any": 256}
_INTEGER_BYTES = {"TINYINT": 1, "BYTEINT": 1, "SMALLINT": 2, "INT2": 2, "SHORT": 2, "INT": 4, "INTEGER": 4,
                  "INT4": 4, "INT32": 4, "MEDIUMINT": 3}
_LOGICAL_BYTES = {"string": 32, "integer": 8, "number": 8, "boolean": 1, "date": 8, "timestamp": 8, "time": 8,
                  "object": 256, "array": 128}


def estimated_bytes(physical_type: str | None, logical_type: str | None) -> int:
    """Typical bytes one value takes, uncompressed: exact for fixed-width types, half the declared length for text
    (bounded at 512), guesses for the rest."""
    if physical_type:
        family, base = physical_family(physical_type)
        if family == "string":
            match = _PARAMETERS.search(physical_type)
            length = int(match.group("args").split(",")[0]) if match and match.group("args").split(",")[0].strip(
            ).isdigit() else 64
            return max(1, min(length, 1024) // 2)
        if family == "integer":
            return _INTEGER_BYTES.get(base, 8)
        if family in _FIXED_BYTES:
            return _FIXED_BYTES[family]
    return _LOGICAL_BYTES.get(logical_type or "", 32)
