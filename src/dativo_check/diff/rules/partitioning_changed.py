"""The partitioning changed.

`partitioned` and `partitionKeyPosition` describe how data is laid out. Consumers that filter on partition columns
or read partitions directly may slow down or miss data (forward may break). Minor bump.

PASS:

    schema: [{name: orders, properties: [{name: order_date, partitioned: true, partitionKeyPosition: 1}]}]
    ---
    schema: [{name: orders, properties: [{name: order_date, partitionKeyPosition: 1, partitioned: true}]}]

FAIL:

    schema: [{name: orders, properties: [{name: order_date, partitioned: true, partitionKeyPosition: 1}]}]
    ---
    schema: [{name: orders, properties: [{name: order_date, partitioned: false}]}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer, subject

ID = "partitioning-changed"
CATEGORY = "layout"
KINDS = ("property",)
KEYS = ("partitioned", "partitionKeyPosition")
DIRECTION = "both"
FORWARD = "may-break"
BACKWARD = "safe"
BUMP = "minor"


def _partition(data) -> tuple[bool, object]:
    inside = data.get("partitioned") is True
    return inside, data.get("partitionKeyPosition") if inside else None


def detect(pair) -> Iterator[Delta]:
    if pair.base is None or pair.head is None or _partition(pair.base.data) == _partition(pair.head.data):
        return
    key = "partitioned" if changed(pair, "partitioned") else "partitionKeyPosition"
    yield Delta(key_pointer(pair, key), pair.old(key), pair.new(key),
                f"{subject(pair)}: {key} {pair.old(key)} -> {pair.new(key)}",
                "tell consumers that read partitions directly")
