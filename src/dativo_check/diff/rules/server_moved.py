"""A server moved or changed its kind or format.

Changing where data lives (host, port, database, schema, location, project, dataset, account, topic) or how it is
stored (server type, file format, delimiter) breaks every consumer that connects to it or parses it (forward
breaks). Major bump. To make it safe: add the new location as a second server, migrate consumers, then remove the
old one in a major version.

PASS:

    servers: [{server: production, type: postgres, host: db.acme.com, port: 5432, database: shop, schema: public}]
    ---
    servers: [{server: production, type: postgres, host: db.acme.com, port: 5432, database: shop, schema: public,
               description: Primary OLTP database}]

FAIL:

    servers: [{server: production, type: postgres, host: db.acme.com, port: 5432, database: shop, schema: public}]
    ---
    servers: [{server: production, type: postgres, host: db2.acme.com, port: 5432, database: shop, schema: public}]
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.diff.rules import Delta, changed, key_pointer

ID = "server-moved"
CATEGORY = "infrastructure"
KINDS = ("server",)
KEYS = ("type", "host", "port", "database", "schema", "catalog", "location", "path", "project", "dataset",
        "account", "topic", "endpointUrl", "format", "delimiter", "region", "warehouse", "serviceName", "stagingDir",
        "stream", "cluster")
DIRECTION = "both"
FORWARD = "breaks"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    for key in KEYS:
        if changed(pair, key):
            old, new = pair.old(key), pair.new(key)
            yield Delta(key_pointer(pair, key), old, new, f"server {pair.label}: {key} {old} -> {new}",
                        "add the new location as another server first, migrate consumers, then remove the old one")
