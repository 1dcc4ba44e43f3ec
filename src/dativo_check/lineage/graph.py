"""The lineage the contracts describe, as a graph.

Nodes: a dataset per contract schema object (identified the OpenLineage way, see `naming`), external datasets the
contracts read but do not define, the consumers contracts declare, and dbt models and exposures from a
`manifest.json`. Edges (always from upstream to downstream):

- `flow`: data moves from one dataset to another. Column-level from `transformSourceObjects` (with
  `transformLogic` and `transformDescription` kept on the edge), dataset-level from them and from the contract's
  `upstreams` custom property.
- `consumes`: a declared consumer reads a dataset (its `dependsOn`).
- `references`: a foreign key (v3.1 `relationships`, or the `references` custom property); not data flow, so
  impact analysis does not follow it.
- `dbt`: `depends_on` of dbt models and exposures.

References to contracts that are not in the repository become lint findings (`transform-source`); the graph keeps
them as external datasets so nothing is lost.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from dativo_check.contract.model import Contract, SchemaObject, items, mapping, server_of, text
from dativo_check.lineage.naming import DatasetName, dataset_name, namespace_of
from dativo_check.contract.references import parse_reference

DATASET, EXTERNAL, CONSUMER, MODEL, EXPOSURE = "dataset", "external", "consumer", "model", "exposure"
FLOW, CONSUMES, REFERENCES, DBT = "flow", "consumes", "references", "dbt"
IMPACT_KINDS = (FLOW, CONSUMES, DBT)


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    label: str
    namespace: str | None = None
    name: str | None = None
    contract_id: str | None = None
    object_name: str | None = None
    owner: str | None = None
    status: str | None = None
    file: str | None = None
    columns: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.id, "kind": self.kind, "label": self.label}
        for key in ("namespace", "name", "contract_id", "object_name", "owner", "status", "file"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.columns:
            out["columns"] = list(self.columns)
        return out


@dataclass(frozen=True)
class ColumnLink:
    """One target column computed from one source column."""

    source_field: str | None
    target_field: str
    logic: str | None = None
    description: str | None = None


@dataclass
class Edge:
    source: str
    target: str
    kind: str
    columns: list[ColumnLink] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "target": self.target, "kind": self.kind}
        if self.columns:
            out["columns"] = [{key: value for key, value in (("source", link.source_field),
                                                              ("target", link.target_field),
                                                              ("logic", link.logic),
                                                              ("description", link.description)) if value}
                              for link in self.columns]
        return out


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    # the contracts the graph was built from (not earlier versions): exports read their facets
    contracts: tuple[Contract, ...] = ()
    _down: dict[str, list[Edge]] = field(default_factory=dict)
    _up: dict[str, list[Edge]] = field(default_factory=dict)

    def add_node(self, node: Node) -> Node:
        return self.nodes.setdefault(node.id, node)

    def edge(self, source: str, target: str, kind: str) -> Edge:
        key = (source, target, kind)
        found = self.edges.get(key)
        if found is None:
            found = self.edges[key] = Edge(source, target, kind)
            self._down.setdefault(source, []).append(found)
            self._up.setdefault(target, []).append(found)
        return found

    def downstream_edges(self, node: str) -> list[Edge]:
        return self._down.get(node, [])

    def upstream_edges(self, node: str) -> list[Edge]:
        return self._up.get(node, [])

    def datasets_of(self, contract_id: str) -> list[Node]:
        return [node for node in self.nodes.values() if node.kind == DATASET and node.contract_id == contract_id]

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": [node.to_dict() for node in sorted(self.nodes.values(), key=lambda n: n.id)],
                "edges": [edge.to_dict() for edge in sorted(self.edges.values(),
                                                            key=lambda e: (e.source, e.target, e.kind))]}


def dataset_id(name: DatasetName) -> str:
    return f"dataset:{name.key}"


def table_name(obj: SchemaObject) -> str:
    return obj.physical_name or obj.name or "unnamed"


def build(contracts: Sequence[Contract], manifest: Mapping[str, Any] | None = None,
          previous: Sequence[Contract] = ()) -> Graph:
    """The graph of `contracts`; `previous` versions add the datasets a change removed, so that what still reads
    them is found."""
    graph = Graph(contracts=tuple(contracts))
    located: dict[tuple[str, str], Node] = {}
    for contract in (*contracts, *previous):
        server = server_of(contract)
        owner = ", ".join(contract.owners) or None
        for obj in contract.schema:
            if (contract.id or "", obj.name or "") in located:
                continue
            name = dataset_name(server, table_name(obj), contract.id or contract.file)
            node = graph.add_node(Node(dataset_id(name), DATASET, obj.name or table_name(obj), name.namespace,
                                       name.name, contract.id, obj.name, owner, contract.status, contract.file,
                                       tuple(prop.name for prop in obj.properties if prop.name)))
            located[(contract.id or "", obj.name or "")] = node
    for contract in contracts:
        _contract_edges(graph, contract, located)
    if manifest is not None:
        _manifest(graph, manifest, located)
    return graph


def _contract_edges(graph: Graph, contract: Contract, located: Mapping[tuple[str, str], Node]) -> None:
    server = server_of(contract)
    upstreams = [value for value in items(contract.custom_properties.get("upstreams")) if isinstance(value, str)]
    for obj in contract.schema:
        target = located[(contract.id or "", obj.name or "")]
        for source in upstreams:
            node, _ = _resolve(graph, source, contract, server, located)
            graph.edge(node.id, target.id, FLOW)
        prefix = f"{obj.name or '?'}."
        for prop in obj.walk_properties():  # nested fields have lineage too: `address.city`
            column = prop.path[len(prefix):] if prop.path.startswith(prefix) else prop.name or "?"
            logic, description = text(prop.get("transformLogic")), text(prop.get("transformDescription"))
            for source in prop.transform_source_objects:
                node, field_name = _resolve(graph, source, contract, server, located)
                graph.edge(node.id, target.id, FLOW).columns.append(ColumnLink(field_name, column, logic, description))
            for reference in prop.foreign_keys:
                qualified = reference if ":" in reference else f"{contract.id}:{reference}"
                node, _ = _resolve(graph, qualified, contract, server, located)
                graph.edge(target.id, node.id, REFERENCES)
        for position, consumer in enumerate(items(contract.custom_properties.get("consumers"))):
            consumer = mapping(consumer)
            wanted = {str(item) for item in items(consumer.get("dependsOn"))}
            if wanted and obj.name not in wanted:
                continue
            label = text(consumer.get("label")) or text(consumer.get("name")) or f"consumer {position + 1}"
            node = graph.add_node(Node(f"consumer:{contract.id}/{text(consumer.get('name')) or position}", CONSUMER,
                                       label, contract_id=contract.id, owner=text(consumer.get("owner")),
                                       file=contract.file))
            graph.edge(target.id, node.id, CONSUMES)


def _resolve(graph: Graph, source: str, contract: Contract, server: Mapping[str, Any] | None,
             located: Mapping[tuple[str, str], Node]) -> tuple[Node, str | None]:
    """The node a source string names, and the column if it names one."""
    reference = parse_reference(source)
    if reference is not None:
        node = located.get((reference.contract_id, reference.object_name))
        if node is not None:
            return node, reference.property_path
        name = DatasetName(f"contract://{reference.contract_id}", reference.object_name)
        return graph.add_node(Node(dataset_id(name), EXTERNAL, str(reference), name.namespace, name.name,
                                   reference.contract_id)), reference.property_path
    if "://" in source:
        from urllib.parse import urlsplit

        parts = urlsplit(source)
        name = DatasetName(f"{parts.scheme}://{parts.netloc}", parts.path or "/")
    else:
        name = DatasetName(namespace_of(server, contract.id or contract.file), source)
    existing = graph.nodes.get(dataset_id(name))
    return existing or graph.add_node(Node(dataset_id(name), EXTERNAL, source, name.namespace, name.name)), None


def _manifest(graph: Graph, manifest: Mapping[str, Any], located: Mapping[tuple[str, str], Node]) -> None:
    """dbt models and exposures, and their `depends_on`; dbt sources generated from contracts map to datasets."""
    ids: dict[str, str] = {}
    for unique_id, source in mapping(manifest.get("sources")).items():
        meta = mapping(mapping(mapping(source).get("config")).get("meta")).get("dativo") or mapping(
            mapping(source).get("meta")).get("dativo")
        contract_id = mapping(meta).get("contract_id")
        node = None
        for (located_contract, object_name), candidate in located.items():
            if located_contract == contract_id and object_name in (source.get("name"), source.get("identifier")):
                node = candidate
        if node is None:
            relation = ".".join(str(part) for part in (source.get("database"), source.get("schema"),
                                                       source.get("identifier") or source.get("name")) if part)
            name = DatasetName("dbt", relation)
            node = graph.add_node(Node(dataset_id(name), EXTERNAL, relation, name.namespace, name.name))
        ids[unique_id] = node.id
    for group, kind in (("nodes", MODEL), ("exposures", EXPOSURE)):
        for unique_id, entry in mapping(manifest.get(group)).items():
            entry = mapping(entry)
            if group == "nodes" and entry.get("resource_type") != "model":
                continue
            owner = mapping(entry.get("owner")).get("email") or mapping(entry.get("owner")).get("name")
            node = graph.add_node(Node(f"{kind}:{unique_id}", kind, str(entry.get("label") or entry.get("name")),
                                       owner=str(owner) if owner else None,
                                       columns=tuple(mapping(entry.get("columns")))))
            ids[unique_id] = node.id
    for group in ("nodes", "exposures"):
        for unique_id, entry in mapping(manifest.get(group)).items():
            if unique_id not in ids:
                continue
            for upstream in items(mapping(mapping(entry).get("depends_on")).get("nodes")):
                if upstream in ids:
                    graph.edge(ids[upstream], ids[unique_id], DBT)


@dataclass(frozen=True)
class Reached:
    node: Node
    depth: int
    via: Edge


def downstream(graph: Graph, starts: Iterable[str], depth: int | None = None, kinds: Sequence[str] = IMPACT_KINDS,
               follow: Callable[[Node], bool] | None = None) -> list[Reached]:
    """Everything downstream of the start nodes, breadth first, each node once (cycles are safe).

    A node `follow` refuses is reached but not passed: what lies behind it is reached only along other paths.
    """
    return _walk(graph, starts, depth, kinds, graph.downstream_edges, lambda edge: edge.target, follow)


def upstream(graph: Graph, starts: Iterable[str], depth: int | None = None, kinds: Sequence[str] = IMPACT_KINDS,
             follow: Callable[[Node], bool] | None = None) -> list[Reached]:
    """Everything upstream of the start nodes; see `downstream`."""
    return _walk(graph, starts, depth, kinds, graph.upstream_edges, lambda edge: edge.source, follow)


def _walk(graph: Graph, starts: Iterable[str], depth: int | None, kinds: Sequence[str],
          edges_of: Callable[[str], list[Edge]], other_end: Callable[[Edge], str],
          follow: Callable[[Node], bool] | None) -> list[Reached]:
    seen = set(starts)
    queue = deque((start, 0) for start in seen)
    reached: list[Reached] = []
    while queue:
        current, level = queue.popleft()
        if depth is not None and level >= depth:
            continue
        for edge in edges_of(current):
            following = other_end(edge)
            if edge.kind in kinds and following not in seen:
                seen.add(following)
                node = graph.nodes[following]
                reached.append(Reached(node, level + 1, edge))
                if follow is None or follow(node):
                    queue.append((following, level + 1))
    return reached


def read_manifest(path: str) -> dict[str, Any]:
    """A dbt `manifest.json`, or a UsageError that says what is wrong with it."""
    import json

    from dativo_check.core.errors import UsageError

    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except OSError as error:
        raise UsageError(f"cannot read the dbt manifest {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise UsageError(f"{path} is not JSON: {error}") from None
    if not isinstance(manifest, dict) or "nodes" not in manifest:
        raise UsageError(f"{path} is not a dbt manifest.json (no `nodes`)")
    return manifest


def manifest_for(config: Any, given: str | None = None) -> dict[str, Any] | None:
    """The dbt manifest to add: one named on the command line (relative to the working directory), else the
    configured `lineage.dbt-manifest` (relative to the repository root, like every configured path), else none."""
    if given:
        return read_manifest(given)
    configured = config.lineage.dbt_manifest
    return read_manifest(str(config.root / configured)) if configured else None


def from_repository(config: Any, paths: Sequence[str] = (), manifest_path: str | None = None,
                    previous: Sequence[Contract] = ()) -> tuple[Graph, list]:
    """The graph of the named contracts (all of the repository when none are named), and load findings."""
    from dativo_check.contract.discover import discover, expand
    from dativo_check.contract.load import load_contracts

    files = expand(paths, config) if paths else discover(config)
    loaded = load_contracts(files, config)
    return build(loaded.contracts, manifest_for(config, manifest_path), previous), list(loaded.findings)
