"""A property's classification changed.

Classification decides who may see a value. Raising it (internal -> confidential) may take access away from
consumers whose policies no longer cover it; lowering it widens access to data that was protected. Neither changes
the data itself, so both are compatible, but both need a minor bump and a look from the data owner.

PASS:

    schema: [{name: customers, properties: [{name: email, classification: confidential}]}]
    ---
    schema: [{name: customers, properties: [{name: email, classification: confidential}]}]

FAIL:

    schema: [{name: customers, properties: [{name: email, classification: internal}]}]
    ---
    schema: [{name: customers, properties: [{name: email, classification: restricted}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer, subject

ID = "classification-changed"
CATEGORY = "governance"
KINDS = ("property",)
KEYS = ("classification",)
DIRECTION = "both"
FORWARD = "may-break"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if changed(pair, "classification"):
        old, new = pair.old("classification"), pair.new("classification")
        yield Delta(key_pointer(pair, "classification"), old, new, f"{subject(pair)}: classification {old} -> {new}",
                    "review the access policies and consumers of this property")
