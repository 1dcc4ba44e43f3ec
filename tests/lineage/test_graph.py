"""The lineage graph of the bundled examples, its traversal, renderings, and the impact of a change."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EXAMPLES, dump, example_data, git, write
from dativo_check.config import Config
from dativo_check.contract.load import load_contracts
from dativo_check.lineage import graph as lineage
from dativo_check.lineage.naming import dataset_name, namespace_of
from dativo_check.report.lineage_format import graph_dot, impact_mermaid, mermaid_text


def _graph():
    files = sorted(str(path) for path in EXAMPLES.rglob("*.yaml"))
    loaded = load_contracts(files, Config(root=EXAMPLES.parent.parent))
    return lineage.build(loaded.contracts)


def _node(graph, contract_id, obj):
    return next(n for n in graph.datasets_of(contract_id) if n.object_name == obj)


@pytest.mark.parametrize("server, table, namespace, name", [
    ({"type": "postgres", "host": "db", "port": 5432, "database": "shop", "schema": "public"}, "orders",
     "postgres://db:5432", "shop.public.orders"),
    ({"type": "snowflake", "account": "acme", "database": "RAW", "schema": "LANDING"}, "t", "snowflake://acme",
     "RAW.LANDING.t"),
    ({"type": "bigquery", "project": "p", "dataset": "d"}, "t", "bigquery", "p.d.t"),
    ({"type": "kafka", "host": "b-1:9094,b-2:9094"}, "orders.v1", "kafka://b-1:9094", "orders.v1"),
    ({"type": "s3", "location": "s3://bucket/raw/orders/"}, "orders", "s3://bucket", "raw/orders"),
    ({"type": "mysql", "host": "m", "port": 3306, "database": "app"}, "users", "mysql://m:3306", "app.users"),
    (None, "t", "contract://c-1", "t"),
])
def test_openlineage_dataset_names(server, table, namespace, name):
    identifier = dataset_name(server, table, "c-1")
    assert (identifier.namespace, identifier.name) == (namespace, name)


def test_column_edges_carry_transform_logic_and_consumers_hang_off_their_datasets():
    graph = _graph()
    mart = _node(graph, "analytics-customer-orders", "customer_orders")
    customers = _node(graph, "stripe-customers", "customers")
    edge = graph.edges[(customers.id, mart.id, lineage.FLOW)]
    assert any(link.source_field == "customer_id" for link in edge.columns)
    assert any(link.logic for link in edge.columns)
    consumers = {graph.nodes[e.target].label for e in graph.downstream_edges(mart.id) if e.kind == lineage.CONSUMES}
    assert consumers == {"Revenue Overview", "Churn Propensity Model"}
    lines = _node(graph, "postgres-orders", "order_lines")
    orders = _node(graph, "postgres-orders", "orders")
    assert (lines.id, orders.id, lineage.REFERENCES) in graph.edges


def test_nested_fields_have_column_lineage_too():
    from dativo_check.contract.model import Contract
    from dativo_check.yamlio.loader import load_text

    mart = example_data("analytics/v1.0/customer_orders.yaml")
    mart["schema"][0]["properties"].append({
        "name": "billing", "logicalType": "object", "classification": "internal",
        "properties": [{"name": "customer_email", "logicalType": "string", "classification": "confidential",
                        "transformSourceObjects": ["stripe-customers:customers.email"],
                        "transformLogic": "lower(c.email)"}]})
    stripe = example_data("stripe/v1.0/customers.yaml")
    contracts = [Contract(load_text(dump(data), name).document)
                 for data, name in ((mart, "mart.yaml"), (stripe, "stripe.yaml"))]
    graph = lineage.build(contracts)
    customers, target = _node(graph, "stripe-customers", "customers"), _node(graph, "analytics-customer-orders",
                                                                              "customer_orders")
    links = graph.edges[(customers.id, target.id, lineage.FLOW)].columns
    assert any(link.target_field == "billing.customer_email" and link.source_field == "email"
               and link.logic == "lower(c.email)" for link in links)


def test_traversal_is_depth_limited_and_safe_in_cycles():
    graph = _graph()
    orders = _node(graph, "postgres-orders", "orders")
    everything = lineage.downstream(graph, [orders.id])
    first = lineage.downstream(graph, [orders.id], depth=1)
    assert {r.node.label for r in first} < {r.node.label for r in everything}
    assert all(r.depth == 1 for r in first)
    mart = _node(graph, "analytics-customer-orders", "customer_orders")
    graph.edge(mart.id, orders.id, lineage.FLOW)  # a cycle
    looped = lineage.downstream(graph, [orders.id])
    assert sorted(r.node.id for r in looped) == sorted(r.node.id for r in everything)
    upstream_of_mart = {r.node.label for r in lineage.upstream(graph, [mart.id])}
    assert {"customers", "orders", "order_lines", "contacts"} <= upstream_of_mart


def test_dbt_manifest_models_and_exposures_join_the_graph():
    files = sorted(str(path) for path in EXAMPLES.rglob("*.yaml"))
    loaded = load_contracts(files, Config(root=EXAMPLES.parent.parent))
    manifest = {
        "nodes": {"model.shop.fct_revenue": {"resource_type": "model", "name": "fct_revenue",
                                             "depends_on": {"nodes": ["source.shop.webshop_orders.orders"]}}},
        "sources": {"source.shop.webshop_orders.orders": {"name": "orders", "identifier": "orders",
                                                           "config": {"meta": {"dativo": {
                                                               "contract_id": "postgres-orders"}}}}},
        "exposures": {"exposure.shop.weekly": {"name": "weekly", "label": "Weekly KPIs", "owner": {"email": "k@a.io"},
                                               "depends_on": {"nodes": ["model.shop.fct_revenue"]}}},
    }
    graph = lineage.build(loaded.contracts, manifest)
    orders = _node(graph, "postgres-orders", "orders")
    reached = {r.node.label: r for r in lineage.downstream(graph, [orders.id])}
    assert reached["fct_revenue"].depth == 1 and reached["Weekly KPIs"].depth == 2
    assert reached["Weekly KPIs"].node.owner == "k@a.io"


def test_unresolved_upstream_is_a_lint_finding(tmp_path, cli):
    data = example_data("analytics/v1.0/customer_orders.yaml")
    data["customProperties"].append({"property": "upstreams", "value": ["stripe-customerz:customers"]})
    write(tmp_path, "c.yaml", dump(data))
    run = cli("validate", "c.yaml", "--format", "json", cwd=tmp_path)
    assert any(f["rule"] == "transform-source" and "upstream" in f["message"] for f in run.json()["findings"])


def test_cli_renders_the_graph_in_every_format(tmp_path, cli):
    run = cli("lineage", str(EXAMPLES), cwd=EXAMPLES.parent.parent)
    data = json.loads(run.out)
    assert run.code == 0 and any(node["kind"] == "consumer" for node in data["nodes"])
    mermaid = cli("lineage", str(EXAMPLES), "--format", "mermaid", cwd=EXAMPLES.parent.parent).out
    assert mermaid.startswith("flowchart LR") and "-->" in mermaid and "-.->" in mermaid
    dot = cli("lineage", str(EXAMPLES), "--format", "dot", cwd=EXAMPLES.parent.parent).out
    assert dot.startswith("digraph lineage {") and "->" in dot


def test_labels_are_escaped():
    hostile = 'x"] --> evil["<img src=x onerror=alert(1)> @admin #1 `code`'
    escaped = mermaid_text(hostile)
    for forbidden in ('"', "<", ">", "@", "`"):
        assert forbidden not in escaped
    graph = lineage.Graph()
    graph.add_node(lineage.Node("dataset:a", "dataset", hostile))
    dot = graph_dot(graph)
    assert 'label="x\\"] --> evil[\\"' in dot


@pytest.fixture
def changed_repo(git_repo):
    for path in EXAMPLES.rglob("*.yaml"):
        write(git_repo, f"specs/{path.relative_to(EXAMPLES)}", path.read_text(encoding="utf-8"))
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "contracts")
    return git_repo


def _edit(repo, relative, change):
    path = repo / "specs" / relative
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(dump(data))


def test_impact_follows_the_changed_column_only(changed_repo, cli):
    def drop_delinquent(data):
        data["version"] = "2.0.0"
        data["schema"][0]["properties"] = [p for p in data["schema"][0]["properties"] if p["name"] != "delinquent"]

    _edit(changed_repo, "stripe/v1.0/customers.yaml", drop_delinquent)
    report = cli("lineage", "impact", "--base", "HEAD", "--format", "json", cwd=changed_repo).json()
    (item,) = report["contracts"]
    by_label = {entry["node"]["label"]: entry for entry in item["impacted"]}
    assert item["breaking"] is True
    mart = by_label["customer_orders"]
    assert mart["columns"] and "delinquent" in mart["reason"] and mart["node"]["owner"]
    assert by_label["Revenue Overview"]["depth"] == 2


def test_a_change_to_a_column_nobody_reads_impacts_no_dataset(changed_repo, cli):
    def retype_balance(data):
        data["version"] = "2.0.0"
        for prop in data["schema"][0]["properties"]:
            if prop["name"] == "address":
                prop["description"] = "Billing address, reworded."

    _edit(changed_repo, "stripe/v1.0/customers.yaml", retype_balance)
    report = cli("lineage", "impact", "--base", "HEAD", "--format", "json", cwd=changed_repo).json()
    (item,) = report["contracts"]
    kinds = {entry["node"]["kind"] for entry in item["impacted"]}
    assert "dataset" not in kinds and "consumer" in kinds  # the consumer reads the whole table


def test_impact_flowchart_marks_breaking_nodes_and_caps_its_size(changed_repo, cli):
    def drop_table(data):
        data["version"] = "2.0.0"
        data["schema"] = [obj for obj in data["schema"] if obj["name"] != "orders"]

    _edit(changed_repo, "postgres/v1.0/orders.yaml", drop_table)
    text = cli("lineage", "impact", "--base", "HEAD", "--format", "mermaid", cwd=changed_repo).out
    assert "class n0 breaking" in text
    from dativo_check.config import load_config
    from dativo_check.diff.run import diff_refs
    from dativo_check.lineage.impact import impact

    config = load_config(changed_repo)
    graph, _ = lineage.from_repository(config)
    run = diff_refs(config, "HEAD")
    graph, _ = lineage.from_repository(config, previous=[d.base_contract for d in run.diffs if d.base_contract])
    impacts = impact(run.diffs, graph)
    capped = impact_mermaid(impacts, graph, depth=5, max_nodes=3)
    assert "+" in capped and "more downstream" in capped
    assert capped.count('["') + capped.count('(["') <= 4 + 1


def test_traversal_reaches_but_does_not_pass_the_nodes_follow_refuses():
    graph = lineage.Graph()
    for name in "abcde":
        graph.add_node(lineage.Node(name, lineage.DATASET, name))
    for source, target in (("a", "b"), ("b", "c"), ("a", "d"), ("d", "e"), ("c", "e")):
        graph.edge(source, target, lineage.FLOW)
    # c lies behind b only; e is also behind d
    down = lineage.downstream(graph, ["a"], follow=lambda node: node.id != "b")
    assert {(r.node.id, r.depth) for r in down} == {("b", 1), ("d", 1), ("e", 2)}
    up = lineage.upstream(graph, ["e"], follow=lambda node: node.id != "c")
    assert {r.node.id for r in up} == {"c", "d", "a"}
    assert {r.node.id for r in lineage.downstream(graph, ["a"])} == {"b", "c", "d", "e"}


@pytest.mark.parametrize("server, namespace", [
    ({"type": "postgres", "host": "db", "port": 5432, "database": "shop"}, "postgres://db:5432"),
    ({"type": "athena", "regionName": "eu-west-1"}, "awsathena://athena.eu-west-1.amazonaws.com"),
    ({"type": "s3", "location": "s3://bucket/raw/orders/"}, "s3://bucket"),
    ({"type": "local", "path": "/data/orders"}, "file:"),
    (None, "contract://c-1"),
])
def test_a_contract_s_tables_share_the_namespace_of_its_server(server, namespace):
    assert namespace_of(server, "c-1") == namespace
    assert {dataset_name(server, table, "c-1").namespace for table in ("orders", "lines")} == {namespace}


def test_a_configured_manifest_is_found_from_any_working_directory(tmp_path, cli, monkeypatch):
    manifest = {"nodes": {}, "exposures": {}, "sources": {}}
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".dativo-check.yaml").write_text("lineage:\n  dbt-manifest: target/manifest.json\n", encoding="utf-8")
    from dativo_check.config import load_config

    config = load_config(tmp_path)
    monkeypatch.chdir(tmp_path / "target")
    assert lineage.manifest_for(config) == manifest
    assert lineage.manifest_for(config, "manifest.json") == manifest  # a named one is relative to where you are
