"""OpenLineage export of the bundled examples: every event and every facet validates (with `jsonschema`) against the
vendored schema it names, and the facets say what the contracts say."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timezone
from functools import lru_cache

import pytest

from conftest import EXAMPLES, REPO, dump, example_data
from dativo_check.config import Config
from dativo_check.contract.load import load_contracts
from dativo_check.yamlio.loader import load_text
from dativo_check.contract.model import Contract
from dativo_check.lineage import graph as lineage
from dativo_check.lineage import openlineage as ol
from dativo_check.core.timefmt import parse_time, rfc3339

VENDORED = REPO / "schemas" / "openlineage"
CORE = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
STRIPE = ("s3://acme-lakehouse-prod", "raw/stripe/customers/raw_stripe_customers")
MART = ("snowflake://acme-analytics", "ANALYTICS.MARTS.fct_customer_orders")


# --- an independent checker: jsonschema + referencing over the vendored files ----------------------------------


@lru_cache(maxsize=None)
def vendored() -> dict[str, dict]:
    """Every vendored schema by its `$id` (read from the repository's `schemas/openlineage/`)."""
    found = {}
    for path in sorted(VENDORED.rglob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found[schema["$id"]] = schema
    return found


@lru_cache(maxsize=None)
def _registry():
    from referencing import Registry, Resource

    return Registry().with_resources((url, Resource.from_contents(schema)) for url, schema in vendored().items())


def _format_checker():
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(Draft202012Validator.FORMAT_CHECKER.checkers.keys())
    checker.checks("date-time")(lambda value: not isinstance(value, str) or bool(RFC3339.match(value)))
    checker.checks("uri")(lambda value: not isinstance(value, str)
                          or bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value)))
    return checker


def _validator(url: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator({"$ref": url}, registry=_registry(), format_checker=_format_checker())


def facets_of(event: dict):
    """(where, facet) for every facet of an event."""
    for part in ("run", "job", "dataset"):
        for key, found in event.get(part, {}).get("facets", {}).items():
            yield f"{part}.facets.{key}", found
    for part, extra in (("inputs", "inputFacets"), ("outputs", "outputFacets")):
        for position, dataset in enumerate(event.get(part, [])):
            for group in ("facets", extra):
                for key, found in dataset.get(group, {}).items():
                    yield f"{part}[{position}].{group}.{key}", found


def jsonschema_problems(event: dict) -> list[str]:
    """The core schema (whole, with its oneOf) and each facet against the schema its `_schemaURL` names."""
    problems = [f"event: {error.message}" for error in _validator(CORE).iter_errors(event)]
    for where, found in facets_of(event):
        url = found.get("_schemaURL", "")
        base, _, fragment = url.partition("#")
        if base not in vendored():
            problems.append(f"{where}: {url!r} names no vendored schema")
            continue
        if not fragment.startswith("/$defs/") or fragment.rsplit("/", 1)[-1] not in vendored()[base]["$defs"]:
            problems.append(f"{where}: {url!r} names no facet definition")
            continue
        problems += [f"{where}: {error.message}" for error in _validator(url).iter_errors(found)]
    return problems


# --- the examples ---------------------------------------------------------------------------------------------


def _contracts(replace: dict[str, dict] | None = None) -> list[Contract]:
    files = sorted(str(path) for path in EXAMPLES.rglob("*.yaml"))
    contracts = list(load_contracts(files, Config(root=REPO)).contracts)
    for relative, data in (replace or {}).items():
        file = f"examples/specs/{relative}"
        contracts = [c for c in contracts if c.file != file]
        contracts.append(Contract(load_text(dump(data), file).document))
    return contracts


@pytest.fixture(scope="module")
def exported():
    contracts = _contracts()
    return ol.events(lineage.build(contracts), contracts)


def _dataset(events, namespace_name):
    return next(e for e in events if "dataset" in e and (e["dataset"]["namespace"], e["dataset"]["name"])
                == namespace_name)


def _job(events, name):
    return next(e for e in events if "job" in e and e["job"]["name"] == name)


def test_every_event_and_facet_validates_against_the_vendored_schemas(exported):
    datasets = [e for e in exported if "dataset" in e]
    jobs = [e for e in exported if "job" in e]
    assert len(datasets) == 6  # one per schema object of the five contracts
    assert {e["job"]["name"] for e in jobs} == {
        "analytics-customer-orders.customer_orders", "kafka-order-events.order_events",
        "stripe-customers.customers", "hubspot-contacts.contacts"}
    checked = 0
    for event in exported:
        assert jsonschema_problems(event) == []
        assert ol.validate_event(event) == []
        checked += sum(1 for _ in facets_of(event))
    assert checked > 40
    for event in exported:
        assert RFC3339.match(event["eventTime"]) and event["eventTime"].endswith("Z")
        kind = "DatasetEvent" if "dataset" in event else "JobEvent"
        assert event["schemaURL"] == f"{CORE}#/$defs/{kind}"
        assert event["producer"] == "https://github.com/dativo-io/dativo-check/tree/v0.1.0"
        for _, found in facets_of(event):
            assert found["_producer"] == event["producer"]


def test_facet_schema_urls_are_the_vendored_ids_plus_the_definition(exported):
    used = {found["_schemaURL"] for event in exported for _, found in facets_of(event)}
    names = {url.rsplit("/", 1)[-1] for url in used}
    assert {"SchemaDatasetFacet", "OwnershipDatasetFacet", "DocumentationDatasetFacet", "DatasourceDatasetFacet",
            "TagsDatasetFacet", "ColumnLineageDatasetFacet", "SymlinksDatasetFacet", "SQLJobFacet",
            "DocumentationJobFacet", "OwnershipJobFacet", "JobTypeJobFacet"} <= names
    for url in used:
        base, _, fragment = url.partition("#")
        name = fragment.rsplit("/", 1)[-1]
        assert re.fullmatch(r"https://openlineage\.io/spec/facets/\d+-\d+-\d+/" + name + r"\.json", base), url
        assert (VENDORED / "facets" / f"{name}.json").is_file()
        assert json.loads((VENDORED / "facets" / f"{name}.json").read_text())["$id"] == base
    for path in (VENDORED / "facets").glob("*.json"):  # each vendored facet refers to the vendored core by URL
        assert f"{CORE}#/$defs/" in path.read_text()
    assert (VENDORED / "LICENSE").is_file() and "Apache License" in (VENDORED / "LICENSE").read_text()
    assert "OpenLineage" in (VENDORED / "NOTICE.md").read_text()


def test_customer_orders_column_lineage_reaches_the_stripe_customer_columns(exported):
    facets = _dataset(exported, MART)["dataset"]["facets"]
    fields = facets["columnLineage"]["fields"]
    stripe_id = fields["stripe_customer_id"]["inputFields"]
    from_stripe = next(f for f in stripe_id if (f["namespace"], f["name"]) == STRIPE)
    assert from_stripe["field"] == "customer_id"
    assert from_stripe["transformations"] == [{
        "type": "DIRECT", "subtype": "IDENTITY",
        "description": "s.customer_id -- The order's Stripe customer, kept only if it exists in the Stripe customer "
                       "data."}]
    orders = ("postgres://shop-db-replica.prod.acme.internal:5432", "shop.public.orders")
    assert {(f["namespace"], f["name"], f["field"]) for f in stripe_id} == {
        (*STRIPE, "customer_id"), (*orders, "stripe_customer_id")}
    assert {f["field"] for f in fields["customer_email"]["inputFields"]} == {"email", "customer_email"}
    order_date = fields["order_date"]["inputFields"][0]
    assert order_date["field"] == "created_at"
    assert order_date["transformations"][0]["subtype"] == "TRANSFORMATION"
    assert order_date["transformations"][0]["description"].startswith("CAST(o.created_at AS DATE)")
    assert "_loaded_at" not in fields  # computed from no column
    job_output = _job(exported, "analytics-customer-orders.customer_orders")["outputs"][0]
    assert job_output["facets"]["columnLineage"]["fields"] == fields


def test_the_job_carries_the_transform_logic_as_sql_and_its_inputs(exported):
    job = _job(exported, "analytics-customer-orders.customer_orders")
    assert job["job"]["namespace"] == "dativo-contracts"
    sql = job["job"]["facets"]["sql"]
    assert sql["dialect"] == "snowflake"
    assert sql["query"].startswith("SELECT\n  o.order_id AS order_id,\n  CAST(o.created_at AS DATE) AS order_date,")
    assert "LOWER(COALESCE(s.email, o.customer_email)) AS customer_email" in sql["query"]
    assert "CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS _loaded_at" in sql["query"]
    assert {(i["namespace"], i["name"]) for i in job["inputs"]} == {
        STRIPE, ("snowflake://acme-analytics", "RAW.LANDING.raw_hubspot_contacts"),
        ("postgres://shop-db-replica.prod.acme.internal:5432", "shop.public.orders"),
        ("postgres://shop-db-replica.prod.acme.internal:5432", "shop.public.order_lines")}
    assert [(o["namespace"], o["name"]) for o in job["outputs"]] == [MART]
    job_type = job["job"]["facets"]["jobType"]
    assert (job_type["processingType"], job_type["integration"], job_type["jobType"]) == ("BATCH", "DATIVO", "JOB")
    assert job["job"]["facets"]["ownership"]["owners"][0] == {"name": "user:nvoss", "type": "owner"}
    assert "analytics-customer-orders version 1.0.0" in job["job"]["facets"]["documentation"]["description"]
    kafka = _job(exported, "kafka-order-events.order_events")
    assert kafka["job"]["facets"]["jobType"]["processingType"] == "STREAMING"
    assert "sql" not in kafka["job"]["facets"]  # its property names a source but no transformLogic
    stripe = _job(exported, "stripe-customers.customers")  # a dataset-level external source: input, no columns
    assert stripe["inputs"] == [{"namespace": "s3://acme-lakehouse-prod", "name": "stripe_api.v1.customers"}]
    assert "facets" not in stripe["outputs"][0]


def test_dataset_facets_say_what_the_contract_says(exported):
    facets = _dataset(exported, STRIPE)["dataset"]["facets"]
    fields = {field["name"]: field for field in facets["schema"]["fields"]}
    assert fields["customer_id"] == {"name": "customer_id", "type": "VARCHAR(255)", "ordinal_position": 1,
                                     "description": "Stripe identifier of the customer (the `id` field of the API "
                                                    "object)."}
    assert all(field.get("type") for field in fields.values())
    assert [(f["name"], f["type"], f["ordinal_position"]) for f in fields["address"]["fields"]] == [
        ("line1", "VARCHAR(255)", 1), ("city", "VARCHAR(100)", 2), ("postal_code", "VARCHAR(20)", 3),
        ("country", "VARCHAR(2)", 4)]
    assert facets["ownership"]["owners"] == [{"name": "user:lmeyer", "type": "owner"},
                                             {"name": "user:tokafor", "type": "data engineer"},
                                             {"name": "user:sberg", "type": "data steward"}]
    assert facets["documentation"]["description"].startswith("Customers of the Acme Stripe account")
    assert facets["dataSource"] == {**facets["dataSource"], "name": "s3://acme-lakehouse-prod",
                                    "uri": "s3://acme-lakehouse-prod/raw/stripe/customers/"}
    assert facets["datasetType"]["datasetType"] == "TABLE"
    assert facets["symlinks"]["identifiers"] == [
        {"namespace": "contract://stripe-customers", "name": "customers", "type": "DATA_CONTRACT"}]
    tags = {(t["key"], t["value"], t.get("field")) for t in facets["tags"]["tags"]}
    assert {("stripe", "true", None), ("domain", "finance", None), ("status", "active", None),
            ("classification", "confidential", "email"), ("pii", "true", "email"),
            ("classification", "internal", "customer_id"), ("pii", "true", "address.city"),
            ("classification", "public", "currency")} <= tags
    assert ("pii", "true", "currency") not in tags
    assert "lifecycleStateChange" not in facets and "columnLineage" not in facets
    kafka = _dataset(exported, ("kafka://b-1.orders-msk.prod.acme.internal:9094", "commerce.order-events.v1"))
    assert kafka["dataset"]["facets"]["datasetType"]["datasetType"] == "TOPIC"
    # the documentation falls back to the contract's purpose
    data = example_data("stripe/v1.0/customers.yaml")
    del data["schema"][0]["description"]
    contracts = _contracts({"stripe/v1.0/customers.yaml": data})
    found = _dataset(ol.dataset_events(lineage.build(contracts), contracts), STRIPE)
    assert found["dataset"]["facets"]["documentation"]["description"].startswith("Raw copy of Stripe customer")


@pytest.mark.parametrize("status, change", [("retired", "DROP"), ("deprecated", "ALTER"), ("draft", None)])
def test_lifecycle_of_deprecated_and_retired_contracts(status, change):
    data = example_data("stripe/v1.0/customers.yaml")
    data["status"] = status
    contracts = _contracts({"stripe/v1.0/customers.yaml": data})
    events = ol.events(lineage.build(contracts), contracts)
    facets = _dataset(events, STRIPE)["dataset"]["facets"]
    if change is None:
        assert "lifecycleStateChange" not in facets
    else:
        assert facets["lifecycleStateChange"]["lifecycleStateChange"] == change
        assert {"key": "status", "value": status, "source": "DATIVO"} in facets["tags"]["tags"]
    assert all(jsonschema_problems(event) == [] for event in events)


def test_physical_names_are_the_field_names_everywhere():
    data = example_data("stripe/v1.0/customers.yaml")
    data["schema"][0]["properties"][0]["physicalName"] = "id"  # customer_id is stored as `id`
    contracts = _contracts({"stripe/v1.0/customers.yaml": data})
    events = ol.events(lineage.build(contracts), contracts)
    assert _dataset(events, STRIPE)["dataset"]["facets"]["schema"]["fields"][0]["name"] == "id"
    inputs = _dataset(events, MART)["dataset"]["facets"]["columnLineage"]["fields"]["stripe_customer_id"]
    assert (*STRIPE, "id") in {(f["namespace"], f["name"], f["field"]) for f in inputs["inputFields"]}
    assert all(jsonschema_problems(event) == [] for event in events)


def test_events_are_deterministic_and_take_the_time_given():
    contracts = _contracts()
    graph = lineage.build(contracts)
    first = ol.events_json(graph, "dativo-contracts", contracts)
    assert first == ol.events_json(lineage.build(_contracts()), "dativo-contracts", contracts)
    lines = first.splitlines()
    assert len(lines) == 10 and all(json.loads(line) for line in lines)
    assert lines[0] == json.dumps(json.loads(lines[0]), sort_keys=True, separators=(",", ":"))
    # without a time: the contract's contractCreatedTs
    assert _dataset(ol.dataset_events(graph, contracts), STRIPE)["eventTime"] == "2024-11-04T09:15:00Z"
    moment = datetime(2025, 3, 1, 12, 30, 15, 250000, tzinfo=timezone.utc)
    timed = ol.events(graph, contracts, job_namespace="acme", event_time=moment)
    assert {event["eventTime"] for event in timed} == {"2025-03-01T12:30:15.250000Z"}
    assert {event["job"]["namespace"] for event in timed if "job" in event} == {"acme"}


def test_a_graph_without_its_contracts_still_gives_valid_events():
    graph = lineage.build(_contracts())
    graph.contracts = ()  # a graph read from elsewhere: names, columns, owners, lineage only
    events = ol.events(graph)
    assert len(events) == 10
    assert all(jsonschema_problems(event) == [] for event in events)
    mart = _dataset(events, MART)["dataset"]["facets"]
    assert mart["ownership"]["owners"] == [{"name": "user:nvoss", "type": "owner"}]
    assert "stripe_customer_id" in mart["columnLineage"]["fields"]


def test_sql_joins_distinct_statements_and_expressions():
    assert ol.sql_of([("SELECT a FROM t;", "a"), ("select a from t", "b"), ("SELECT a FROM t", "c"),
                      ("x + 1", "my col"), ("id", "id")]) == (
        'SELECT a FROM t;\n\nselect a from t;\n\nSELECT\n  x + 1 AS "my col",\n  id')
    assert ol.sql_of([]) is None


def _broken(event: dict, path: tuple, value) -> dict:
    broken = copy.deepcopy(event)
    target = broken
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return broken


@pytest.mark.parametrize("path, value, needle", [
    (("dataset", "facets", "schema", "fields", 0, "name"), 42, "42 is not of type"),
    (("dataset", "facets", "ownership", "owners", 0, "name"), KeyError, "name"),
    (("dataset", "facets", "documentation", "_producer"), KeyError, "_producer"),
    (("dataset", "facets", "tags", "tags", 0, "value"), True, "true is not of type"),
    (("dataset", "facets", "schema", "_schemaURL"),
     "https://openlineage.io/spec/facets/9-9-9/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet", "no vendored"),
    (("eventTime",), "yesterday", "yesterday"),
    (("dataset",), KeyError, "dataset"),
])
def test_a_broken_event_or_facet_is_rejected(exported, path, value, needle):
    event = _broken(_dataset(exported, STRIPE), path, value)
    problems = ol.validate_event(event)
    assert problems and any(needle in problem for problem in problems), problems
    assert jsonschema_problems(event)  # the independent checker agrees
    with pytest.raises(ol.InvalidEvent):
        ol.check_event(event)


def test_a_broken_lifecycle_and_column_lineage_are_rejected(exported):
    data = example_data("stripe/v1.0/customers.yaml")
    data["status"] = "retired"
    contracts = _contracts({"stripe/v1.0/customers.yaml": data})
    event = _dataset(ol.events(lineage.build(contracts), contracts), STRIPE)
    assert ol.validate_event(event) == []
    event["dataset"]["facets"]["lifecycleStateChange"]["lifecycleStateChange"] = "DELETE"
    assert any("DELETE" in problem for problem in ol.validate_event(event))
    assert jsonschema_problems(event)
    job = copy.deepcopy(_job(exported, "analytics-customer-orders.customer_orders"))
    fields = job["outputs"][0]["facets"]["columnLineage"]["fields"]
    del fields["order_id"]["inputFields"][0]["field"]
    problems = ol.validate_event(job)
    assert problems and all(p.startswith("/outputs/0/facets/columnLineage") for p in problems), problems
    assert jsonschema_problems(job)


def test_all_events_are_the_dataset_events_then_the_job_events():
    contracts = _contracts()
    graph = lineage.build(contracts)
    assert ol.events(graph, contracts) == ol.dataset_events(graph, contracts) + ol.job_events(graph, contracts)


def test_timestamps_are_rfc3339_in_utc_and_read_back():
    moment = datetime(2024, 12, 9, 15, 20, 0, 250000, tzinfo=timezone.utc)
    assert rfc3339(moment) == "2024-12-09T15:20:00.250000Z"
    assert rfc3339(moment, fraction=False) == rfc3339(moment.replace(microsecond=0)) == "2024-12-09T15:20:00Z"
    assert rfc3339(datetime(987, 1, 2)) == "0987-01-02T00:00:00Z"  # naive is UTC; the year has four digits
    assert parse_time("2024-12-09T16:20:00.25+01:00") == moment
    assert parse_time("2024-12-09T15:20:00.25z") == moment
    assert parse_time("2024-12-09 15:20:00.25") == moment
    assert parse_time("yesterday") is None and parse_time(None) is None
