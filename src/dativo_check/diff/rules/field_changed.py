"""Something else changed.

Every change that no other rule recognises is still reported, so that nothing passes silently: a key the standard
added, a vendor extension, a server setting. Its effect is unknown, so it may break consumers in either direction;
it needs a minor bump and a reviewer's judgement (change its level or bump in the configuration if your team
knows better).

PASS:

    schema: [{name: orders, physicalType: table}]
    ---
    schema: [{name: orders, physicalType: table}]

FAIL:

    servers: [{server: production, type: s3, location: "s3://acme/raw/", roles: [{role: reader, access: read}]}]
    ---
    servers: [{server: production, type: s3, location: "s3://acme/raw/", roles: [{role: reader, access: write}]}]
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer, subject

ID = "field-changed"
CATEGORY = "other"
KINDS = ("contract", "schema-object", "property", "server", "sla", "quality")
DIRECTION = "both"
FORWARD = "may-break"
BACKWARD = "may-break"
BUMP = "minor"

# Keys that identify an entry, and keys that hold nested parts compared as pairs of their own.
_STRUCTURE = {
    "contract": {"id", "kind", "version", "schema", "servers", "slaProperties", "team", "roles", "support",
                 "customProperties"},
    "schema-object": {"name", "properties", "quality"},
    "property": {"name", "properties", "items", "quality"},
    "server": {"server"},
    "sla": {"property", "element"},
    "quality": {"id", "name"},
}


@lru_cache(maxsize=None)
def _known(kind: str) -> frozenset[str]:
    from dativo_check.diff.rules import all_rules

    keys = set(_STRUCTURE[kind])
    for rule in all_rules():
        if kind in rule.kinds and rule.id != ID:
            keys.update(getattr(rule.module, "KEYS", ()))
    return frozenset(keys)


def detect(pair) -> Iterator[Delta]:
    if pair.base is None or pair.head is None:
        return
    known = _known(pair.kind)
    for key in sorted(set(pair.base.data) | set(pair.head.data)):
        if key not in known and changed(pair, key):
            yield Delta(key_pointer(pair, key), pair.old(key), pair.new(key), f"{subject(pair)}: {key} changed",
                        "review what this change means for consumers")
