"""OpenLineage dataset identifiers for contract schema objects: a namespace for the datasource (from the server) and
a name for the dataset within it, following the OpenLineage naming conventions.

| server type | namespace | name |
| --- | --- | --- |
| postgres, sqlserver, vertica, db2, cloudsql | `postgres://{host}:{port}` (scheme = type) | `{database}.{schema}.{table}` |
| mysql, clickhouse, synapse, informix, denodo | `mysql://{host}:{port}` | `{database}.{table}` |
| oracle | `oracle://{host}:{port}` | `{serviceName}.{schema}.{table}` |
| trino, presto, dremio | `trino://{host}:{port}` | `{catalog}.{schema}.{table}` |
| snowflake | `snowflake://{account}` | `{database}.{schema}.{table}` |
| bigquery | `bigquery` | `{project}.{dataset}.{table}` |
| redshift | `redshift://{host or account}` | `{database}.{schema}.{table}` |
| databricks | `databricks://{host}` | `{catalog}.{schema}.{table}` |
| athena, glue | `awsathena://athena.{region}.amazonaws.com` / `glue` | `{catalog}.{schema}.{table}` |
| duckdb | `duckdb://{database file}` | `{schema}.{table}` |
| kafka | `kafka://{first bootstrap host}` | `{table}` (the topic) |
| s3, azure, sftp, local, api | the location's `scheme://authority` | its path (no leading slash), ending in the table's name |

A contract without a usable server gets the namespace `contract://{contract id}` and the name `{table}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from dativo_check.contract.model import text

_SQL_HOST_PORT = {"postgres": "postgres", "postgresql": "postgres", "sqlserver": "sqlserver", "vertica": "vertica",
                  "db2": "db2", "cloudsql": "cloudsql"}
_DATABASE_TABLE = {"mysql": "mysql", "clickhouse": "clickhouse", "synapse": "synapse", "informix": "informix",
                   "denodo": "denodo"}
_CATALOG = {"trino": "trino", "presto": "presto", "dremio": "dremio"}


@dataclass(frozen=True)
class DatasetName:
    namespace: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


def _join(*parts: str | None) -> str:
    return ".".join(part for part in parts if part)


def _authority(server: Mapping[str, Any], default_port: str = "") -> str:
    host = text(server.get("host")) or "localhost"
    port = server.get("port")
    port_text = str(port) if isinstance(port, int) and not isinstance(port, bool) else text(port) or default_port
    return f"{host}:{port_text}" if port_text else host


def _location(location: str, table: str) -> tuple[str, str] | None:
    parts = urlsplit(location)
    if not parts.scheme:
        return None
    namespace = f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
    path = parts.path.strip("/")
    if path.rsplit("/", 1)[-1] != table:
        path = f"{path}/{table}" if path else table
    return namespace, path


def dataset_name(server: Mapping[str, Any] | None, table: str, contract_id: str) -> DatasetName:
    """The OpenLineage identifier of a table (its physical name) on a contract server."""
    kind = text((server or {}).get("type")) or ""
    get = (server or {}).get
    if kind in _SQL_HOST_PORT:
        return DatasetName(f"{_SQL_HOST_PORT[kind]}://{_authority(server)}", _join(text(get("database")),
                                                                                text(get("schema")), table))
    if kind in _DATABASE_TABLE:
        return DatasetName(f"{_DATABASE_TABLE[kind]}://{_authority(server)}", _join(text(get("database")), table))
    if kind == "oracle":
        return DatasetName(f"oracle://{_authority(server)}", _join(text(get("serviceName")), text(get("schema")),
                                                                   table))
    if kind in _CATALOG:
        return DatasetName(f"{_CATALOG[kind]}://{_authority(server)}", _join(text(get("catalog")),
                                                                            text(get("schema")), table))
    if kind == "snowflake":
        return DatasetName(f"snowflake://{text(get('account')) or 'unknown'}", _join(text(get("database")),
                                                                                   text(get("schema")), table))
    if kind == "bigquery":
        return DatasetName("bigquery", _join(text(get("project")), text(get("dataset")), table))
    if kind == "redshift":
        return DatasetName(f"redshift://{text(get('host')) or text(get('account')) or 'unknown'}",
                           _join(text(get("database")), text(get("schema")), table))
    if kind == "databricks":
        return DatasetName(f"databricks://{text(get('host')) or 'workspace'}",
                           _join(text(get("catalog")), text(get("schema")), table))
    if kind == "athena":
        region = text(get("regionName")) or "us-east-1"
        return DatasetName(f"awsathena://athena.{region}.amazonaws.com",
                           _join(text(get("catalog")) or "awsdatacatalog", text(get("schema")), table))
    if kind == "glue":
        return DatasetName(f"glue://{text(get('account')) or 'unknown'}", _join(text(get("database")), table))
    if kind == "duckdb":
        return DatasetName(f"duckdb://{text(get('database')) or 'memory'}", _join(text(get("schema")) or "main", table))
    if kind == "kafka":
        host = (text(get("host")) or "localhost").split(",")[0].strip()
        return DatasetName(f"kafka://{host}", table)
    location = text(get("location")) or text(get("path"))
    if location:
        found = _location(location if "://" in location else f"file://{location}", table)
        if found is not None:
            return DatasetName(*found)
    return DatasetName(f"contract://{contract_id}", table)
