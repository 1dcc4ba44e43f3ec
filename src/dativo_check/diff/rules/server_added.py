"""A server was added.

A new place where the data is available takes nothing away from existing consumers (forward safe). Minor bump.

PASS:

    servers: [{server: production, type: postgres, host: db.acme.com, port: 5432, database: shop, schema: public}]
    ---
    servers: [{server: production, type: postgres, host: db.acme.com, port: 5432, database: shop, schema: public}]

FAIL:

    servers: [{server: production, type: postgres, host: db.acme.com, port: 5432, database: shop, schema: public}]
    ---
    servers: [{server: production, type: postgres, host: db.acme.com, port: 5432, database: shop, schema: public},
              {server: replica, type: postgres, host: replica.acme.com, port: 5432, database: shop, schema: public}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta

ID = "server-added"
CATEGORY = "infrastructure"
KINDS = ("server",)
DIRECTION = "tightens"
FORWARD = "safe"
BACKWARD = "may-break"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if pair.added:
        yield Delta(pair.pointer, None, pair.label, f"server {pair.label} added", "no action needed")
