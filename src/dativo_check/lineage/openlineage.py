"""The lineage graph as OpenLineage events: a static `DatasetEvent` per contract dataset, a static `JobEvent` per
contract dataset that is computed from others, and a validator that checks any event against the vendored schemas.

Events are plain dicts, built without I/O and deterministic: the same contracts give the same events, byte for byte
(`dumps` sorts keys; events are ordered by dataset and job name). The event time is the one passed in, else the
contract's `contractCreatedTs`, else the Unix epoch.

What each facet is filled from (docs/openlineage.md has the details):

| facet | from |
| --- | --- |
| `schema` | properties: `physicalName` else `name`, `physicalType` else `logicalType`, description, nesting |
| `datasetType` | the schema object's `physicalType` (TABLE, VIEW, TOPIC, ...) |
| `ownership` | the team: `user:<username>` with the role as type, owners first |
| `documentation` | the schema object's `description`, else the contract's `description.purpose` |
| `dataSource` | the server the dataset is named after: name = the dataset namespace, uri = its location |
| `tags` | contract tags, domain, data product, status; per field: `classification`, tags (`pii`) |
| `symlinks` | the contract's own identifier `contract://<id>` / `<object name>` (type `DATA_CONTRACT`) |
| `lifecycleStateChange` | status `retired` -> DROP, `deprecated` -> ALTER |
| `columnLineage` | the graph's column links (`transformSourceObjects`, `transformLogic`, `transformDescription`) |
| job `sql` | the distinct `transformLogic` of the properties |
| job `jobType` | BATCH, or STREAMING on a streaming server (kafka, kinesis, pubsub); integration DATIVO, type JOB |

A deprecated dataset still exists and still holds its data, so it is not DROP (which catalogues such as Marquez
take as "deleted"); ALTER, "the definition changed", is the one state change that says no more than the truth, and
the `status: deprecated` tag says which change it was. Draft and proposed contracts get no state change: CREATE
would claim a table that may not exist yet.

Field names are physical (`physicalName`, else `name`) in the schema, tags and column lineage alike, so that the
events meet those of warehouse integrations (Spark, dbt) on the same columns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping, Sequence

from dativo_check import __version__
from dativo_check.contract.model import Contract, Property, SchemaObject, items, mapping, text
from dativo_check.lineage.graph import DATASET, FLOW, Graph, Node, server_of
from dativo_check.core.timefmt import parse_time, rfc3339

OPENLINEAGE_VERSION = "2-0-2"
CORE_SCHEMA_URL = f"https://openlineage.io/spec/{OPENLINEAGE_VERSION}/OpenLineage.json"
JOB_NAMESPACE = "dativo-contracts"
INTEGRATION = "DATIVO"
TAG_SOURCE = "DATIVO"
SYMLINK_TYPE = "DATA_CONTRACT"
EVENT_KINDS = ("RunEvent", "DatasetEvent", "JobEvent")
STREAMING_SERVERS = frozenset({"kafka", "kinesis", "pubsub"})
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# contract status -> lifecycleStateChange (see the module docs for deprecated)
LIFECYCLE = {"retired": "DROP", "deprecated": "ALTER"}

_STATEMENT = re.compile(r"^\s*(select|with|insert|merge|create|update|delete|replace|copy|call)\b", re.IGNORECASE)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


def producer_url(version: str = __version__) -> str:
    """The `producer` and `_producer` URI: this tool at this version."""
    return f"https://github.com/dativo-io/dativo-check/tree/v{version}"


PRODUCER = producer_url()


# --- schemas and facets ----------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def vendored_schemas() -> dict[str, Any]:
    """Every vendored schema (core, facets, dativo's own) by its `$id`."""
    from dativo_check.core import resources

    root = resources.schema_path("openlineage")
    found: dict[str, Any] = {}
    for path in sorted(root.rglob("*.json")):
        schema = resources.load_json_schema(*path.relative_to(resources.schemas_dir()).parts)
        found[schema["$id"]] = schema
    return found


@lru_cache(maxsize=None)
def facet_schema_url(facet_name: str) -> str:
    """`_schemaURL` of a facet: the `$id` of its vendored schema plus `#/$defs/<FacetName>`."""
    for schema_id, schema in vendored_schemas().items():
        if schema_id.rsplit("/", 1)[-1] == f"{facet_name}.json" and facet_name in schema.get("$defs", {}):
            return f"{schema_id}#/$defs/{facet_name}"
    raise KeyError(f"no vendored schema for the facet {facet_name}")


def event_schema_url(kind: str) -> str:
    return f"{CORE_SCHEMA_URL}#/$defs/{kind}"


def facet(facet_name: str, producer: str = PRODUCER, **fields: Any) -> dict[str, Any]:
    """A facet: its fields plus `_producer` and `_schemaURL`."""
    return {"_producer": producer, "_schemaURL": facet_schema_url(facet_name), **fields}


def _event(kind: str, moment: datetime, producer: str, **body: Any) -> dict[str, Any]:
    return {"eventTime": rfc3339(moment), "producer": producer, "schemaURL": event_schema_url(kind), **body}


# --- what the contracts say ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """The contract and schema object behind a dataset node."""

    contract: Contract
    obj: SchemaObject


class _Index:
    def __init__(self, contracts: Iterable[Contract]) -> None:
        self.by_file: dict[tuple[str, str], _Source] = {}
        self.by_id: dict[tuple[str, str], _Source] = {}
        for contract in contracts:
            for obj in contract.schema:
                source = _Source(contract, obj)
                self.by_file.setdefault((contract.file, obj.name or ""), source)
                self.by_id.setdefault((contract.id or "", obj.name or ""), source)

    def of(self, node: Node) -> _Source | None:
        return (self.by_file.get((node.file or "", node.object_name or ""))
                or self.by_id.get((node.contract_id or "", node.object_name or "")))


def _contracts_of(graph: Graph, contracts: Iterable[Contract] | None) -> list[Contract]:
    if contracts is not None:
        return list(contracts)
    return list(graph.contracts)


def _field_name(prop: Property) -> str:
    return prop.physical_name or prop.name or "?"


def _resolve_path(obj: SchemaObject, path: str) -> str:
    """A property path of logical names (`address.city`) as the physical field path."""
    parts: list[str] = []
    candidates: Sequence[Property] = obj.properties
    for segment in path.split("."):
        match = next((prop for prop in candidates if prop.name == segment), None)
        if match is None:
            parts.append(segment)
            candidates = ()
            continue
        parts.append(_field_name(match))
        candidates = match.children
    return ".".join(parts)


def _event_time(event_time: datetime | None, contract: Contract | None) -> datetime:
    if event_time is not None:
        return event_time if event_time.tzinfo is not None else event_time.replace(tzinfo=timezone.utc)
    if contract is not None:
        created = parse_time(contract.get("contractCreatedTs"))
        if created is not None:
            return created
    return EPOCH


def _schema_fields(properties: Sequence[Property]) -> list[dict[str, Any]]:
    fields = []
    for position, prop in enumerate(properties, start=1):
        is_items = prop.pointer.endswith("/items")
        entry: dict[str, Any] = {"name": "_element" if is_items else _field_name(prop),
                                 "ordinal_position": position}
        kind = prop.physical_type or prop.logical_type
        if kind:
            entry["type"] = kind
        description = text(prop.get("description"))
        if description:
            entry["description"] = description
        if prop.children:
            entry["fields"] = _schema_fields(prop.children)
        fields.append(entry)
    return fields


def _owners(contract: Contract, moment: datetime) -> list[dict[str, str]]:
    """Team members still in the team at `moment`, owners first, as `user:<username>` with their role."""
    owners, others = [], []
    for _, member in contract.team_members:
        left = parse_time(member.get("dateOut"))
        if left is not None and left < moment:
            continue
        who = text(member.get("username")) or text(member.get("name"))
        if not who:
            continue
        role = (text(member.get("role")) or "").strip()
        entry = {"name": f"user:{who}"}
        if role:
            entry["type"] = role
        (owners if role.lower() == "owner" else others).append(entry)
    return owners + others


def _documentation(contract: Contract, obj: SchemaObject) -> str | None:
    return text(obj.get("description")) or text(mapping(contract.get("description")).get("purpose"))


def _split_tag(tag: str) -> tuple[str, str]:
    key, sep, value = tag.partition(":")
    return (key.strip(), value.strip()) if sep and key.strip() and value.strip() else (tag.strip(), "true")


def _tags(contract: Contract, obj: SchemaObject) -> list[dict[str, str]]:
    found: set[tuple[str, str, str]] = set()
    for tag in items(contract.get("tags")) + items(obj.get("tags")):
        if isinstance(tag, str) and tag.strip():
            found.add((*_split_tag(tag), ""))
    for key, value in (("domain", contract.domain), ("dataProduct", contract.data_product),
                       ("status", contract.status)):
        if value:
            found.add((key, value, ""))
    for prop in obj.properties:
        for path, nested in _field_paths(prop, _field_name(prop)):
            if nested.classification:
                found.add(("classification", nested.classification, path))
            for tag in nested.tags:
                if tag.strip():
                    found.add((*_split_tag(tag), path))
            if nested.get("pii") is True:
                found.add(("pii", "true", path))
    return [{"key": key, "value": value, "source": TAG_SOURCE, **({"field": path} if path else {})}
            for key, value, path in sorted(found, key=lambda tag: (tag[2], tag[0], tag[1]))]


def _field_paths(prop: Property, path: str) -> Iterator[tuple[str, Property]]:
    yield path, prop
    for child in prop.children:
        name = "_element" if child.pointer.endswith("/items") else _field_name(child)
        yield from _field_paths(child, f"{path}.{name}")


def _datasource(namespace: str, server: Mapping[str, Any] | None) -> dict[str, str] | None:
    if server is None:
        return None
    out = {"name": namespace}
    location = text(server.get("location"))
    for candidate in (location, namespace):
        if candidate and _is_uri(candidate):
            out["uri"] = candidate
            break
    return out


def _is_uri(value: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$", value)) and not any(c in value for c in '<>"{}|\\^`')


def _dataset_type(obj: SchemaObject, server: Mapping[str, Any] | None) -> str | None:
    kind = text(obj.get("physicalType"))
    if kind and kind.strip():
        return re.sub(r"[^A-Z0-9]+", "_", kind.strip().upper()).strip("_") or None
    if server is not None and text(server.get("type")) in STREAMING_SERVERS:
        return "TOPIC"
    return None


def _symlinks(contract: Contract, obj: SchemaObject, node: Node) -> list[dict[str, str]]:
    if not contract.id or not obj.name:
        return []
    own = {"namespace": f"contract://{contract.id}", "name": obj.name, "type": SYMLINK_TYPE}
    return [] if (own["namespace"], own["name"]) == (node.namespace, node.name) else [own]


# --- column lineage and SQL ------------------------------------------------------------------------------------


def _flow_in(graph: Graph, node: Node) -> list[tuple[Node, Any]]:
    """The flow edges into `node` whose source is a dataset with an OpenLineage identifier."""
    found = []
    for edge in graph.upstream_edges(node.id):
        source = graph.nodes.get(edge.source)
        if edge.kind == FLOW and source is not None and source.namespace and source.name and source.id != node.id:
            found.append((source, edge))
    return found


def _transformation(logic: str | None, description: str | None, source_field: str) -> dict[str, Any]:
    """DIRECT (the contract says the column is computed from the source); IDENTITY when the logic is the source
    column itself (`o.status` for `status`), TRANSFORMATION when there is other logic. The description is the
    logic, with the contract's prose after it as a SQL comment."""
    out: dict[str, Any] = {"type": "DIRECT"}
    if logic:
        bare = logic.strip().rsplit(".", 1)[-1].strip('"`[] ')
        out["subtype"] = "IDENTITY" if bare == source_field.rsplit(".", 1)[-1] else "TRANSFORMATION"
    parts = [" ".join(logic.split()) if logic else None,
             (f"-- {' '.join(description.split())}" if logic else " ".join(description.split())) if description
             else None]
    joined = " ".join(part for part in parts if part)
    if joined:
        out["description"] = joined
    return out


def _column_lineage(graph: Graph, node: Node, index: _Index) -> dict[str, Any]:
    target = index.of(node)
    fields: dict[str, set[tuple[str, str, str, str]]] = {}
    details: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for source, edge in _flow_in(graph, node):
        upstream = index.of(source) if source.kind == DATASET else None
        for link in edge.columns:
            if not link.source_field:
                continue  # a dataset-level source: it is a job input, but names no column
            field = _resolve_path(upstream.obj, link.source_field) if upstream else link.source_field
            output = _resolve_path(target.obj, link.target_field) if target else link.target_field
            key = (source.namespace or "", source.name or "", field, output)
            fields.setdefault(output, set()).add(key)
            details[key] = _transformation(link.logic, link.description, link.source_field)
    return {output: {"inputFields": [{"namespace": ns, "name": name, "field": field,
                                      "transformations": [details[(ns, name, field, out)]]}
                                     for ns, name, field, out in sorted(keys)]}
            for output, keys in sorted(fields.items())}


def _quote(column: str) -> str:
    return column if _IDENTIFIER.match(column) else '"' + column.replace('"', '""') + '"'


def sql_of(pairs: Iterable[tuple[str, str]]) -> str | None:
    """One query from (transformLogic, column) pairs: whole statements as they are (each once), and expressions
    as the select list `SELECT <logic> AS <column>, ...`."""
    statements: list[str] = []
    expressions: list[str] = []
    for logic, column in pairs:
        logic = logic.strip().rstrip(";").strip()
        if not logic:
            continue
        if _STATEMENT.match(logic):
            if logic not in statements:
                statements.append(logic)
            continue
        body = logic.replace("\n", "\n    ")
        line = body if logic == column or logic == _quote(column) else f"{body} AS {_quote(column)}"
        if line not in expressions:
            expressions.append(line)
    if expressions:
        statements.append("SELECT\n" + ",\n".join(f"  {line}" for line in expressions))
    return ";\n\n".join(statements) or None


def _sql(graph: Graph, node: Node, source: _Source | None) -> str | None:
    if source is not None:
        pairs = [(logic, _field_name(prop)) for prop in source.obj.properties
                 if (logic := text(prop.get("transformLogic")))]
    else:
        pairs = [(link.logic, link.target_field) for _, edge in _flow_in(graph, node) for link in edge.columns
                 if link.logic]
    return sql_of(pairs)


# --- events ----------------------------------------------------------------------------------------------------


def job_name(node: Node) -> str:
    """`<contract id>.<schema object>`: the job that computes a contract dataset."""
    return f"{node.contract_id or node.file or 'contract'}.{node.object_name or node.name or node.label}"


def _contract_datasets(graph: Graph) -> list[Node]:
    return sorted((node for node in graph.nodes.values() if node.kind == DATASET and node.namespace and node.name),
                  key=lambda node: (node.namespace or "", node.name or "", node.id))


def _graph_owners(node: Node) -> list[dict[str, str]]:
    return [{"name": f"user:{who.strip()}", "type": "owner"} for who in (node.owner or "").split(",") if who.strip()]


@dataclass(frozen=True)
class _Export:
    """What the events of one export share, worked out once: the contract behind each dataset, the contract
    datasets in event order, and the column lineage of each (its dataset event and its job event both carry it)."""

    graph: Graph
    index: _Index
    datasets: tuple[Node, ...]
    lineage: Mapping[str, dict[str, Any]]  # by node id


def _export(graph: Graph, contracts: Iterable[Contract] | None) -> _Export:
    index = _Index(_contracts_of(graph, contracts))
    datasets = tuple(_contract_datasets(graph))
    return _Export(graph, index, datasets, {node.id: _column_lineage(graph, node, index) for node in datasets})


def _dataset_facets(node: Node, source: _Source | None, lineage: dict[str, Any], moment: datetime,
                    producer: str) -> dict[str, Any]:
    facets: dict[str, Any] = {}
    if source is None:  # only what the graph knows
        if node.columns:
            facets["schema"] = facet("SchemaDatasetFacet", producer, fields=[
                {"name": column, "ordinal_position": position} for position, column in enumerate(node.columns, 1)])
        if _graph_owners(node):
            facets["ownership"] = facet("OwnershipDatasetFacet", producer, owners=_graph_owners(node))
        status = node.status
    else:
        contract, obj = source.contract, source.obj
        server = server_of(contract)
        facets["schema"] = facet("SchemaDatasetFacet", producer, fields=_schema_fields(obj.properties))
        kind = _dataset_type(obj, server)
        if kind:
            facets["datasetType"] = facet("DatasetTypeDatasetFacet", producer, datasetType=kind)
        owners = _owners(contract, moment)
        if owners:
            facets["ownership"] = facet("OwnershipDatasetFacet", producer, owners=owners)
        documentation = _documentation(contract, obj)
        if documentation:
            facets["documentation"] = facet("DocumentationDatasetFacet", producer, description=documentation)
        datasource = _datasource(node.namespace or "", server)
        if datasource:
            facets["dataSource"] = facet("DatasourceDatasetFacet", producer, **datasource)
        tags = _tags(contract, obj)
        if tags:
            facets["tags"] = facet("TagsDatasetFacet", producer, tags=tags)
        symlinks = _symlinks(contract, obj, node)
        if symlinks:
            facets["symlinks"] = facet("SymlinksDatasetFacet", producer, identifiers=symlinks)
        status = contract.status
    change = LIFECYCLE.get((status or "").strip().lower())
    if change:
        facets["lifecycleStateChange"] = facet("LifecycleStateChangeDatasetFacet", producer,
                                               lifecycleStateChange=change)
    if lineage:
        facets["columnLineage"] = facet("ColumnLineageDatasetFacet", producer, fields=lineage)
    return facets


def dataset_events(graph: Graph, contracts: Iterable[Contract] | None = None, *, event_time: datetime | None = None,
                   producer: str = PRODUCER) -> list[dict[str, Any]]:
    """A static `DatasetEvent` per contract dataset of the graph, ordered by namespace and name."""
    return _dataset_events(_export(graph, contracts), event_time, producer)


def _dataset_events(export: _Export, event_time: datetime | None, producer: str) -> list[dict[str, Any]]:
    out = []
    for node in export.datasets:
        source = export.index.of(node)
        moment = _event_time(event_time, source.contract if source else None)
        dataset = {"namespace": node.namespace, "name": node.name,
                   "facets": _dataset_facets(node, source, export.lineage[node.id], moment, producer)}
        out.append(_event("DatasetEvent", moment, producer, dataset=dataset))
    return out


def job_events(graph: Graph, contracts: Iterable[Contract] | None = None, *, job_namespace: str = JOB_NAMESPACE,
               event_time: datetime | None = None, producer: str = PRODUCER) -> list[dict[str, Any]]:
    """A static `JobEvent` per contract dataset that flows from others: the job that computes it."""
    return _job_events(_export(graph, contracts), job_namespace, event_time, producer)


def _job_events(export: _Export, job_namespace: str, event_time: datetime | None,
                producer: str) -> list[dict[str, Any]]:
    out = []
    for node in export.datasets:
        upstream = _flow_in(export.graph, node)
        if not upstream:
            continue
        source = export.index.of(node)
        contract = source.contract if source else None
        moment = _event_time(event_time, contract)
        server = server_of(contract) if contract else None
        facets: dict[str, Any] = {}
        query = _sql(export.graph, node, source)
        if query:
            sql = facet("SQLJobFacet", producer, query=query)
            if server is not None and text(server.get("type")):
                sql["dialect"] = text(server.get("type"))
            facets["sql"] = sql
        facets["documentation"] = facet("DocumentationJobFacet", producer,
                                        description=_job_documentation(node, source))
        owners = _owners(contract, moment) if contract else _graph_owners(node)
        if owners:
            facets["ownership"] = facet("OwnershipJobFacet", producer, owners=owners)
        streaming = server is not None and text(server.get("type")) in STREAMING_SERVERS
        facets["jobType"] = facet("JobTypeJobFacet", producer, processingType="STREAMING" if streaming else "BATCH",
                                  integration=INTEGRATION, jobType="JOB")
        inputs = sorted({(source_node.namespace or "", source_node.name or "") for source_node, _ in upstream})
        output: dict[str, Any] = {"namespace": node.namespace, "name": node.name}
        lineage = export.lineage[node.id]
        if lineage:
            output["facets"] = {"columnLineage": facet("ColumnLineageDatasetFacet", producer, fields=lineage)}
        job = {"namespace": job_namespace, "name": job_name(node), "facets": facets}
        out.append(_event("JobEvent", moment, producer, job=job,
                          inputs=[{"namespace": ns, "name": name} for ns, name in inputs], outputs=[output]))
    return sorted(out, key=lambda event: (event["job"]["namespace"], event["job"]["name"]))


def _job_documentation(node: Node, source: _Source | None) -> str:
    if source is None:
        return f"Computes {node.namespace}/{node.name} as its data contract describes."
    contract = source.contract
    version = f" version {contract.version}" if contract.version else ""
    head = (f"Computes {node.namespace}/{node.name}: schema object {source.obj.name or node.label} of data contract "
            f"{contract.id or contract.file}{version}.")
    body = _documentation(contract, source.obj)
    return f"{head}\n\n{body}" if body else head


def events(graph: Graph, contracts: Iterable[Contract] | None = None, *, job_namespace: str = JOB_NAMESPACE,
           event_time: datetime | None = None, producer: str = PRODUCER) -> list[dict[str, Any]]:
    """Every static event of the graph: the `DatasetEvent`s, then the `JobEvent`s.

    `contracts` are the contracts the graph was built from (by default the graph's own `contracts`, if it keeps
    them); without them only what the graph itself knows is exported (names, columns, owners, column lineage).
    """
    export = _export(graph, contracts)
    return (_dataset_events(export, event_time, producer)
            + _job_events(export, job_namespace, event_time, producer))


def dumps(event: Mapping[str, Any]) -> str:
    """One event as compact JSON with sorted keys (one line)."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def events_json(graph: Graph, job_namespace: str = JOB_NAMESPACE, contracts: Iterable[Contract] | None = None, *,
                event_time: datetime | None = None, producer: str = PRODUCER) -> str:
    """The static events as JSON Lines (one event per line, as the OpenLineage file transport writes them)."""
    found = events(graph, contracts, job_namespace=job_namespace, event_time=event_time, producer=producer)
    return "".join(dumps(event) + "\n" for event in found)


# --- validation ------------------------------------------------------------------------------------------------


class InvalidEvent(ValueError):
    """An event that does not validate against the vendored OpenLineage schemas."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("invalid OpenLineage event: " + "; ".join(problems))
        self.problems = tuple(problems)


@lru_cache(maxsize=None)
def _registry() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Registry(list(vendored_schemas().items()))


@lru_cache(maxsize=None)
def _validator(url: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator({"$ref": url}, registry=_registry(), validate_formats=True)


def _kind(event: Mapping[str, Any]) -> str:
    url = event.get("schemaURL")
    if isinstance(url, str) and url.startswith(CORE_SCHEMA_URL + "#/$defs/"):
        named = url.rsplit("/", 1)[-1]
        if named in EVENT_KINDS:
            return named
    return "RunEvent" if "run" in event else "JobEvent" if "job" in event else "DatasetEvent"


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _errors(url: str, instance: Any, at: str) -> list[str]:
    return [f"{at}{_pointer(error.instance_path)}: {error.message}" for error in _validator(url).iter_errors(instance)]


def _facets(event: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(JSON pointer, facet) for every facet of the event."""
    for part in ("run", "job", "dataset"):
        yield from _facet_map(mapping(event.get(part)).get("facets"), f"/{part}/facets")
    for part, extra in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        for position, dataset in enumerate(items(event.get(part))):
            for key in ("facets", extra):
                yield from _facet_map(mapping(dataset).get(key), f"/{part}/{position}/{key}")


def _facet_map(value: Any, at: str) -> Iterator[tuple[str, Any]]:
    for key, found in mapping(value).items():
        yield f"{at}/{key}", found


def validate_event(event: Any) -> list[str]:
    """Problems of an event against the vendored schemas: the core schema (the event kind its `schemaURL` names),
    and every facet against the schema its `_schemaURL` names. Empty when the event is valid."""
    if not isinstance(event, Mapping):
        return [f": an OpenLineage event is a JSON object, not {type(event).__name__}"]
    kind = _kind(event)
    problems = _errors(event_schema_url(kind), event, "")
    if not problems and not _validator(CORE_SCHEMA_URL).is_valid(event):
        problems.append(f": not exactly one of {', '.join(EVENT_KINDS)} (it was checked as a {kind})")
    known = vendored_schemas()
    for at, found in _facets(event):
        url = mapping(found).get("_schemaURL")
        if not isinstance(url, str):
            continue  # the core schema reported it
        base, _, fragment = url.partition("#")
        if base not in known:
            problems.append(f"{at}/_schemaURL: {url} names no vendored schema; cannot check the facet")
        elif not fragment.startswith("/$defs/"):
            problems.append(f"{at}/_schemaURL: {url} must point at the facet definition (#/$defs/<FacetName>)")
        else:
            problems.extend(_errors(url, found, at))
    return problems


def check_event(event: Any) -> None:
    """Raise `InvalidEvent` listing every problem when the event does not validate."""
    problems = validate_event(event)
    if problems:
        raise InvalidEvent(problems)
