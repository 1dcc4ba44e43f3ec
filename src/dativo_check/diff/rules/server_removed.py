"""A server was removed.

Consumers reading from that server lose their data (forward breaks). Major bump. To make it safe: announce the
move, keep both servers for a deprecation period, then remove the old one in a major version.

PASS:

    servers: [{server: production, type: s3, location: "s3://acme/raw/orders/"}]
    ---
    servers: [{server: production, type: s3, location: "s3://acme/raw/orders/", description: Raw zone}]

FAIL:

    servers: [{server: production, type: s3, location: "s3://acme/raw/orders/"}, {server: staging, type: s3, location: "s3://acme-stg/raw/orders/"}]
    ---
    servers: [{server: production, type: s3, location: "s3://acme/raw/orders/"}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta

ID = "server-removed"
CATEGORY = "infrastructure"
KINDS = ("server",)
DIRECTION = "loosens"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.removed:
        yield Delta(pair.pointer, pair.label, None, f"server {pair.label} removed",
                    "keep the server during a deprecation period, then remove it in a major version")
