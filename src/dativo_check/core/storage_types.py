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

# logical type -> physical families that hold its values natively; in ODCS v3.0 `date` is the only temporal type,
# so it also covers times
ACCEPTS = {
    "string": {"string"},
    "integer": {"integer", "decimal"},
    "number": {"integer", "decimal", "float"},
    "date": {"date", "timestamp", "time"},
    "timestamp": {"timestamp", "date"},
    "time": {"time"},
    "boolean": {"boolean"},
    "object": {"object"},
    "array": {"array"},
}

# Dates and times are also stored encoded: as text (ISO 8601; `logicalTypeOptions.format` says how) or as numbers
# (epoch days, seconds or milliseconds: Avro's `date` on `int`, `timestamp-millis` on `long`).
TEMPORAL_ENCODINGS = {"date": {"string", "integer"}, "timestamp": {"string", "integer"},
                      "time": {"string", "integer"}}

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


def canonical(physical_type: str) -> str:
    """A physical type written one way: `varchar (36)` and `VARCHAR(36)` are the same type."""
    return re.sub(r"\s+", " ", physical_type.strip().upper()).replace(" (", "(").replace(", ", ",")


def type_arguments(physical_type: str) -> list[int]:
    """The numeric arguments of a type: `DECIMAL(10, 2)` -> [10, 2]; `VARCHAR(MAX)` and `TEXT` -> []."""
    match = _PARAMETERS.search(physical_type)
    if not match:
        return []
    # ASCII digits only, and no longer than any real length or precision: never a hostile conversion
    return [int(part) for part in match.group("args").split(",")
            if part.strip().isascii() and part.strip().isdigit() and len(part.strip()) <= 18]


def decimal_scale(physical_type: str) -> int | None:
    """The scale of a decimal type; None when the type has no arguments at all."""
    if not _PARAMETERS.search(physical_type):
        return None
    arguments = type_arguments(physical_type)
    return arguments[1] if len(arguments) > 1 else 0


# Bytes per value of the fixed-width numeric types, by base name: `INT2`, `INT4` and `INT8` count bytes (PostgreSQL),
# `INT16`, `INT32` and `INT64` bits.
INTEGER_BYTES = {"TINYINT": 1, "BYTEINT": 1, "SMALLINT": 2, "INT2": 2, "SHORT": 2, "INT16": 2, "MEDIUMINT": 3,
                 "INT": 4, "INTEGER": 4, "INT4": 4, "INT32": 4, "BIGINT": 8, "INT8": 8, "INT64": 8, "LONG": 8,
                 "HUGEINT": 16}
FLOAT_BYTES = {"REAL": 4, "FLOAT4": 4, "FLOAT": 8, "FLOAT8": 8, "DOUBLE": 8, "DOUBLE PRECISION": 8, "FLOAT64": 8}
_FIXED_BYTES = {"integer": 8, "decimal": 16, "float": 8, "date": 4, "timestamp": 8, "time": 8, "boolean": 1,
                "object": 256, "array": 128, "any": 256}
_LOGICAL_BYTES = {"string": 32, "integer": 8, "number": 8, "boolean": 1, "date": 8, "timestamp": 8, "time": 8,
                  "object": 256, "array": 128}


def estimated_bytes(physical_type: str | None, logical_type: str | None) -> int:
    """Typical bytes one value takes, uncompressed: exact for fixed-width types, half the declared length for text
    (bounded at 512), guesses for the rest."""
    if physical_type:
        family, base = physical_family(physical_type)
        if family == "string":
            length = (type_arguments(physical_type) or [64])[0]
            return max(1, min(length, 1024) // 2)
        if family == "integer":
            return INTEGER_BYTES.get(base, _FIXED_BYTES[family])
        if family == "float":
            return FLOAT_BYTES.get(base, _FIXED_BYTES[family])
        if family in _FIXED_BYTES:
            return _FIXED_BYTES[family]
    return _LOGICAL_BYTES.get(logical_type or "", 32)
