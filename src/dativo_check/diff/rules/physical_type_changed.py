"""The physical type of a property (or a schema object) changed.

Storage types are what queries, casts and loaders see. Any change can break a consumer (forward breaks), even a
widening one: `VARCHAR(36)` -> `VARCHAR(50)` overflows a consumer's `VARCHAR(36)` column. Widening changes (longer
strings, larger integers, more precision, float -> double) keep old data valid (backward safe). Major bump.

PASS:

    schema: [{name: customers, properties: [{name: customer_id, physicalType: VARCHAR(36)}]}]
    ---
    schema: [{name: customers, properties: [{name: customer_id, physicalType: varchar(36)}]}]

FAIL:

    schema: [{name: customers, properties: [{name: customer_id, physicalType: VARCHAR(36)}]}]
    ---
    schema: [{name: customers, properties: [{name: customer_id, physicalType: VARCHAR(50)}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, key_pointer, subject
from dativo_check.core.model import Verdict
from dativo_check.core.storage_types import FLOAT_BYTES, INTEGER_BYTES, canonical, physical_family, type_arguments

ID = "physical-type-changed"
CATEGORY = "schema"
KINDS = ("schema-object", "property")
KEYS = ("physicalType",)
DIRECTION = "both"
FORWARD = "breaks"
BACKWARD = "breaks"
BUMP = "minor"


def is_widening(old: str, new: str) -> bool:
    """Whether every value of the old physical type fits the new one."""
    old_family, old_base = physical_family(old)
    new_family, new_base = physical_family(new)
    if old_family is None or new_family is None:
        return False
    if new_family == "string" and not type_arguments(new):
        return True  # unbounded text holds any value's text form
    if old_family == new_family == "string":
        old_length, new_length = (type_arguments(old) or [None])[0], (type_arguments(new) or [None])[0]
        return new_length is None or (old_length is not None and new_length >= old_length)
    if old_family == new_family == "integer":
        return INTEGER_BYTES.get(new_base, 0) >= INTEGER_BYTES.get(old_base, 99)
    if old_family == "integer" and new_family in ("decimal", "float"):
        return new_family == "float" or not type_arguments(new) or type_arguments(new)[0] >= 19
    if old_family == new_family == "decimal":
        old_args, new_args = type_arguments(old) + [0, 0], type_arguments(new) + [0, 0]
        if not type_arguments(new):
            return True
        old_integer_digits, new_integer_digits = old_args[0] - old_args[1], new_args[0] - new_args[1]
        return new_integer_digits >= old_integer_digits and new_args[1] >= old_args[1]
    if old_family == new_family == "float":
        return FLOAT_BYTES.get(new_base, 0) >= FLOAT_BYTES.get(old_base, 99)
    if old_family == "date" and new_family == "timestamp":
        return True
    return False


def detect(pair) -> Iterator[Delta]:
    old, new = pair.old("physicalType"), pair.new("physicalType")
    if pair.base is None or pair.head is None or old == new:
        return
    if isinstance(old, str) and isinstance(new, str) and canonical(old) == canonical(new):
        return
    widening = isinstance(old, str) and isinstance(new, str) and is_widening(old, new)
    yield Delta(key_pointer(pair, "physicalType"), old, new,
                f"{subject(pair)}: physicalType {old} -> {new}" + (" (widening)" if widening else ""),
                "consumers with their own copy of the column must widen it first; release as a major version",
                backward=Verdict.SAFE if widening else None)
