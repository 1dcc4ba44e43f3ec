"""OpenLineage dataset identifiers for contract schema objects: a namespace for the datasource (from the server) and
a name for the dataset within it, following the OpenLineage naming conventions.

| server type | namespace | name |
| --- | --- | --- |
| postgres, sqlserver, vertica, db2, cloudsql | `{type}://{host}:{port}` | `{database}.{schema}.{table}` |
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
| s3, azure, sftp, local, api | the location's `scheme://authority` | its path (no leading `/`) ending in the table |

A contract without a usable server gets the namespace `contract://{contract id}` and the name `{table}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import SplitResult, urlsplit

from dativo_check.contract.model import text

_SQL_HOST_PORT = {"postgres": "postgres", "postgresql": "postgres", "sqlserver": "sqlserver", "vertica": "vertica",
                  "db2": "db2", "cloudsql": "cloudsql"}
_DATABASE_TABLE = {"mysql": "mysql", "clickhouse": "clickhouse", "synapse": "synapse", "informix": "informix",
                   "denodo": "denodo"}
_CATALOG = {"trino": "trino", "presto": "presto", "dremio": "dremio"}
# servers whose namespace is `{scheme}://{host}:{port}`
_HOST_PORT = {**_SQL_HOST_PORT, **_DATABASE_TABLE, "oracle": "oracle", **_CATALOG}
# the server keys that qualify a table's name, outermost first, with the value a missing one stands for
_QUALIFIERS: dict[str, tuple[tuple[str, str | None], ...]] = {
    **dict.fromkeys(_SQL_HOST_PORT, (("database", None), ("schema", None))),
    **dict.fromkeys(_DATABASE_TABLE, (("database", None),)),
    "oracle": (("serviceName", None), ("schema", None)),
    **dict.fromkeys(_CATALOG, (("catalog", None), ("schema", None))),
    "snowflake": (("database", None), ("schema", None)),
    "bigquery": (("project", None), ("dataset", None)),
    "redshift": (("database", None), ("schema", None)),
    "databricks": (("catalog", None), ("schema", None)),
    "athena": (("catalog", "awsdatacatalog"), ("schema", None)),
    "glue": (("database", None),),
    "duckdb": (("schema", "main"),),
    "kafka": (),
}


@dataclass(frozen=True)
class DatasetName:
    namespace: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


def _join(*parts: str | None) -> str:
    return ".".join(part for part in parts if part)


def _authority(get: Callable[[str], Any]) -> str:
    host = text(get("host")) or "localhost"
    port = get("port")
    port_text = str(port) if isinstance(port, int) and not isinstance(port, bool) else text(port)
    return f"{host}:{port_text}" if port_text else host


def namespace_of(server: Mapping[str, Any] | None, contract_id: str) -> str:
    """The OpenLineage namespace of a contract's datasource; every table of the contract shares it."""
    get = (server or {}).get
    kind = text(get("type")) or ""
    if kind in _HOST_PORT:
        return f"{_HOST_PORT[kind]}://{_authority(get)}"
    if kind == "snowflake":
        return f"snowflake://{text(get('account')) or 'unknown'}"
    if kind == "bigquery":
        return "bigquery"
    if kind == "redshift":
        return f"redshift://{text(get('host')) or text(get('account')) or 'unknown'}"
    if kind == "databricks":
        return f"databricks://{text(get('host')) or 'workspace'}"
    if kind == "athena":
        return f"awsathena://athena.{text(get('regionName')) or 'us-east-1'}.amazonaws.com"
    if kind == "glue":
        return f"glue://{text(get('account')) or 'unknown'}"
    if kind == "duckdb":
        return f"duckdb://{text(get('database')) or 'memory'}"
    if kind == "kafka":
        return f"kafka://{(text(get('host')) or 'localhost').split(',')[0].strip()}"
    location = _location(get)
    if location is None:
        return f"contract://{contract_id}"
    return f"{location.scheme}://{location.netloc}" if location.netloc else f"{location.scheme}:"


def dataset_name(server: Mapping[str, Any] | None, table: str, contract_id: str) -> DatasetName:
    """The OpenLineage identifier of a table (its physical name) on a contract server."""
    get = (server or {}).get
    namespace = namespace_of(server, contract_id)
    qualifiers = _QUALIFIERS.get(text(get("type")) or "")
    if qualifiers is not None:
        return DatasetName(namespace, _join(*(text(get(key)) or default for key, default in qualifiers), table))
    location = _location(get)
    if location is None:
        return DatasetName(namespace, table)
    path = location.path.strip("/")
    if path.rsplit("/", 1)[-1] != table:
        path = f"{path}/{table}" if path else table
    return DatasetName(namespace, path)


def _location(get: Callable[[str], Any]) -> SplitResult | None:
    """The server's `location` (or `path`) as a URL, a bare path being a local file; None without a scheme."""
    location = text(get("location")) or text(get("path"))
    if not location:
        return None
    parts = urlsplit(location if "://" in location else f"file://{location}")
    return parts if parts.scheme else None
