"""Context documents: allow-listed keys only, redaction per policy, placeholders, capabilities, determinism, bounds."""

from __future__ import annotations

import copy
import itertools
import json
import random

import pytest
import yaml
from context_helpers import CONTRACT_FILES, audit_lines, contract_from, dumped, example_contracts, service

from dativo_check.config import ContextSettings
from dativo_check.context.bound import encoded, response_hash

ENVELOPE = {"version", "action", "requester", "purpose", "policy_hash", "redactions", "truncated", "cut", "asset",
            "decision", "reason", "capabilities", "rules", "contract", "schema", "governance", "lineage", "finops",
            "results", "total"}
CONTRACT = {"id", "name", "version", "status", "domain", "dataProduct", "tags", "description", "servers"}
DESCRIPTION = {"purpose", "usage", "limitations"}
SERVER = {"server", "type", "environment"}
OBJECT = {"name", "physicalName", "physicalType", "businessName", "description", "dataGranularityDescription",
          "properties", "quality"}
PROPERTY = {"name", "classification", "logicalType", "physicalType", "businessName", "description", "required",
            "unique", "primaryKey", "partitioned", "criticalDataElement", "primaryKeyPosition", "partitionKeyPosition",
            "tags", "logicalTypeOptions", "quality", "properties", "items"}
QUALITY = {"type", "rule", "metric", "dimension", "severity", "description", "unit"}
THRESHOLDS = {"mustBe", "mustNotBe", "mustBeGreaterThan", "mustBeGreaterOrEqualTo", "mustBeGreaterThanOrEqualTo",
              "mustBeLessThan", "mustBeLessOrEqualTo", "mustBeLessThanOrEqualTo", "mustBeBetween",
              "mustNotBeBetween", "validValues", "arguments"}
TYPE_OPTIONS = {"format", "maxLength", "minLength", "precision", "scale", "minItems", "maxItems", "uniqueItems",
                "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
GOVERNANCE = {"highestClassification", "owners", "status", "retention", "regulations", "customProperties"}
NODE = {"kind", "contract", "object", "depth", "owners", "name", "restricted"}
FINOPS = {"estimable", "reason", "currency", "monthly", "unit_cost", "stored_gb", "basis", "assumptions"}
REQUESTS = [(requester, purpose) for requester in ("copilot", "analytics-bot", "catalog-agent", "lmeyer")
            for purpose in ("code-assist", "analytics", "catalog", "incident-response")]
ASSETS = ["analytics-customer-orders", "hubspot-contacts", "kafka-order-events", "postgres-orders", "stripe-customers"]


def check_allow_listed(document: dict) -> None:
    assert set(document) <= ENVELOPE, set(document) - ENVELOPE
    contract = document.get("contract", {})
    assert set(contract) <= CONTRACT
    assert set(contract.get("description", {})) <= DESCRIPTION
    for server in contract.get("servers", ()):
        assert set(server) <= SERVER
    for obj in document.get("schema", ()):
        assert set(obj) <= OBJECT
        for rule in obj.get("quality", ()):
            assert set(rule) <= QUALITY | THRESHOLDS
        stack = list(obj.get("properties", ()))
        while stack:
            prop = stack.pop()
            assert set(prop) <= PROPERTY, set(prop) - PROPERTY
            assert set(prop.get("logicalTypeOptions", {})) <= TYPE_OPTIONS
            for rule in prop.get("quality", ()):
                assert set(rule) <= QUALITY | THRESHOLDS
            stack.extend(prop.get("properties", ()))
            stack.extend([prop["items"]] if "items" in prop else [])
    assert set(document.get("governance", {})) <= GOVERNANCE
    for direction in ("upstream", "downstream"):
        for node in document.get("lineage", {}).get(direction, ()):
            assert set(node) <= NODE
            if node.get("restricted"):
                assert set(node) == {"restricted", "depth"}
    assert set(document.get("finops", {})) <= FINOPS


def properties_of(document: dict) -> dict[str, dict]:
    """Every shown property by path (object.property.child)."""
    found = {}

    def walk(props, prefix):
        for prop in props:
            path = f"{prefix}.{prop['name']}"
            found[path] = prop
            walk(prop.get("properties", ()), path)
            if "items" in prop:
                found[path + "[]"] = prop["items"]
                walk(prop["items"].get("properties", ()), path + "[]")

    for obj in document.get("schema", ()):
        walk(obj.get("properties", ()), obj["name"])
    return found


def redaction(document: dict, rule: str, withheld: str) -> int:
    return sum(entry["count"] for entry in document["redactions"]
               if entry["rule"] == rule and entry["withheld"] == withheld)


@pytest.fixture(scope="module")
def responses(tmp_path_factory):
    """Every example requester x purpose x asset, through get, lineage and cost."""
    tmp = tmp_path_factory.mktemp("responses")
    out = {}
    for requester, purpose in REQUESTS:
        svc = service(tmp, requester)
        for asset in ASSETS:
            out[(requester, purpose, asset)] = [svc.get(asset, purpose).document, svc.lineage(asset, purpose).document,
                                                svc.cost(asset, purpose).document]
        out[(requester, purpose, "search")] = [svc.search("", purpose).document,
                                               svc.search("customer orders", purpose).document]
    return out


def test_every_response_holds_allow_listed_keys_only(responses):
    for documents in responses.values():
        for document in documents:
            check_allow_listed(document)


def test_stripe_customers_pii_is_withheld_from_agents_per_policy(tmp_path):
    document = service(tmp_path, "copilot").get("stripe-customers", "code-assist").document
    shown = properties_of(document)
    assert "customers.customer_id" in shown and "customers.currency" in shown
    for name in ("email", "name", "address", "line1", "city", "postal_code", "country"):
        assert not any(path.split(".")[-1] == name for path in shown), name
    assert redaction(document, "pii-omitted-for-machines", "property") == 3  # email, name, address (with children)
    balance = shown["customers.balance"]
    assert balance == {"name": "balance", "classification": "confidential", "logicalType": "integer",
                       "physicalType": "BIGINT"}  # type-only: no description, no quality
    assert redaction(document, "confidential-type-only-for-machines", "property-details") == 1
    text = dumped(document["schema"])
    assert "Billing email" not in text and "Full name" not in text and "Street and house number" not in text


def test_the_data_steward_sees_personal_data_properties_but_never_their_examples(tmp_path):
    document = service(tmp_path, "lmeyer").get("stripe-customers", "code-assist").document
    shown = properties_of(document)
    assert shown["customers.email"]["description"] == "Billing email address of the customer, as entered at checkout."
    assert shown["customers.address.city"]["tags"] == ["pii"]
    text = dumped(document)
    for example in ("jane.doe@example.com", "Friedrichstrasse 68", "cus_PqR8sT2uVw3XyZ", "Marco Rossi"):
        assert example not in text
    assert redaction(document, "allow-list", "examples") == 13  # every property but address


def split_carriers(data: dict) -> tuple[set[str], str]:
    """The text of the carriers that are never emitted (examples, server details other than the kind, quality
    queries, transform logic, roles, support, consumers' urls and owners), and the contract without them."""
    rest = copy.deepcopy(data)
    found: set[str] = set()

    def collect(value):
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif value is not None and not isinstance(value, bool):
            found.add(str(value))

    def take(container, key):
        collect(container.pop(key, None))

    def walk(prop):
        take(prop, "examples")
        take(prop, "transformLogic")
        for rule in prop.get("quality", ()):
            take(rule, "query")
        for child in prop.get("properties", ()):
            walk(child)
        if isinstance(prop.get("items"), dict):
            walk(prop["items"])

    for server in rest.get("servers", ()):
        for key in [key for key in server if key not in ("server", "type", "environment")]:
            take(server, key)
    for obj in rest.get("schema", ()):
        for prop in obj.get("properties", ()):
            walk(prop)
        for rule in obj.get("quality", ()):
            take(rule, "query")
    take(rest, "roles")
    take(rest, "support")
    for prop in rest.get("customProperties", ()):
        if prop["property"] == "consumers":
            for consumer in prop["value"]:
                take(consumer, "url")
                take(consumer, "owner")
    return found, json.dumps(rest, ensure_ascii=False)


def test_examples_server_details_queries_and_transforms_never_appear(responses):
    carriers: set[str] = set()
    remaining = []
    for path in CONTRACT_FILES:
        found, rest = split_carriers(yaml.safe_load(path.read_text(encoding="utf-8")))
        carriers |= found
        remaining.append(rest)
    # a value that is also legitimately shown elsewhere (a currency code is an example and an accepted value) is
    # not distinctive
    distinctive = {value for value in carriers
                   if len(value) >= 6 and not value.isdigit() and not any(value in rest for rest in remaining)}
    assert {"shop-db-replica.prod.acme.internal", "jane.doe@example.com", "s3://acme-lakehouse-prod/raw/stripe/"
            "customers/", "https://notebooks.acme.com/finance/stripe-reconciliation"} <= distinctive
    assert any(value.startswith("SELECT COUNT(*) FROM order_lines") for value in distinctive)
    for documents in responses.values():
        text = dumped(documents)
        leaked = [value for value in distinctive if value in text]
        assert not leaked, leaked
        assert not keys_of(documents) & {"port", "host", "location", "account", "database", "query", "examples",
                                         "transformLogic", "transformSourceObjects", "url", "roles", "support"}


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_of(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_of(item)}
    return set()


def test_thresholds_only_on_the_lowest_classification(responses):
    for documents in responses.values():
        for document in documents:
            for path, prop in properties_of(document).items():
                for rule in prop.get("quality", ()):
                    if set(rule) & THRESHOLDS:
                        assert prop.get("classification") == "public", path
            for obj in document.get("schema", ()):
                for rule in obj.get("quality", ()):
                    assert not set(rule) & THRESHOLDS  # every example object holds classified properties
    public = service_document("lmeyer", "postgres-orders")
    assert properties_of(public)["orders.currency"]["quality"][0]["validValues"] == ["EUR", "USD", "GBP", "CHF"]
    assert "mustBeBetween" not in properties_of(public)["orders.total_amount"]["quality"][0]


def service_document(requester: str, asset: str, purpose: str = "code-assist") -> dict:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        return service(Path(folder), requester).get(asset, purpose).document


def test_lineage_keeps_restricted_nodes_as_placeholders(tmp_path):
    svc = service(tmp_path, "copilot")
    lineage = svc.get("postgres-orders", "code-assist").document["lineage"]
    assert {"restricted": True, "depth": 1} in lineage["downstream"]
    assert {"kind": "dataset", "contract": "analytics-customer-orders", "object": "customer_orders", "depth": 1,
            "owners": ["nvoss"]} in lineage["downstream"]
    assert {"kind": "consumer", "name": "Fulfilment Backlog", "depth": 1} in lineage["downstream"]
    text = dumped(svc.lineage("postgres-orders", "code-assist").document)
    for hidden in ("kafka", "order_events", "Order Notifications", "Live Sales Monitor", "aferreira"):
        assert hidden not in text  # nor what lies behind the hidden asset
    upstream = svc.lineage("analytics-customer-orders", "code-assist").document["lineage"]["upstream"]
    assert {node["contract"] for node in upstream if node["depth"] == 1} == {
        "postgres-orders", "stripe-customers", "hubspot-contacts"}
    assert {"kind": "external", "name": "stripe_api.v1.customers", "depth": 2} in upstream
    # the steward sees the Kafka topic and what reads it
    steward = service(tmp_path, "lmeyer").lineage("postgres-orders", "code-assist").document["lineage"]
    assert {"kind": "dataset", "contract": "kafka-order-events", "object": "order_events", "depth": 1,
            "owners": ["aferreira"]} in steward["downstream"]
    assert {"kind": "consumer", "name": "Live Sales Monitor", "depth": 2} in steward["downstream"]


def test_lineage_names_external_sources_without_their_namespace(tmp_path):
    data = yaml.safe_load(CONTRACT_FILES[-1].read_text(encoding="utf-8"))  # stripe customers
    data["schema"][0]["properties"][0]["transformSourceObjects"] = ["postgres://db.internal.acme:5432/shop.customers"]
    svc = service(tmp_path, "lmeyer", contracts=[contract_from(data)])
    upstream = svc.lineage("stripe-customers", "code-assist").document["lineage"]["upstream"]
    assert upstream == [{"kind": "external", "name": "shop.customers", "depth": 1}]


def test_lineage_never_shows_where_an_external_source_is(tmp_path):
    data = yaml.safe_load(CONTRACT_FILES[-1].read_text(encoding="utf-8"))  # stripe customers
    data["customProperties"].append({"property": "upstreams", "value": [
        "jdbc:postgresql://db-prod.internal.acme:5432/sales?user=svc&password=hunter2",
        "db-replica.internal.acme/sales.orders", "postgres://svc:hunter2@10.1.2.3:5432", "db-ro.internal.acme",
        "s3://acme-lakehouse-prod/raw/stripe/balances/#v2"]})
    svc = service(tmp_path, "lmeyer", contracts=[contract_from(data)])
    document = svc.lineage("stripe-customers", "code-assist").document
    text = dumped(document)
    for location in ("internal.acme", "5432", "hunter2", "svc", "10.1.2.3", "jdbc", "postgres", "acme-lake",
                     "password"):
        assert location not in text, location
    upstream = document["lineage"]["upstream"]
    assert [node.get("name") for node in upstream] == ["balances", "sales", "sales.orders", "stripe_api.v1.customers",
                                                       None, None]  # a source that is only a location: no name
    assert redaction(document, "allow-list", "source-locations") == 5  # every one but the Stripe API name
    full = svc.get("stripe-customers", "code-assist").document
    assert redaction(full, "allow-list", "custom-property-values") == 7  # upstreams is shown, in lineage
    catalog = service(tmp_path, "catalog-agent", contracts=[contract_from(data)]).get("stripe-customers", "catalog")
    assert "lineage" not in catalog.document
    assert redaction(catalog.document, "allow-list", "custom-property-values") == 8  # without lineage: withheld


def test_a_malformed_classification_counts_as_the_most_sensitive_level(tmp_path):
    data = yaml.safe_load(CONTRACT_FILES[3].read_text(encoding="utf-8"))  # postgres orders
    data["schema"][0]["properties"][1]["classification"] = ["restricted"]  # customer_id
    contracts = [contract_from(data)]
    copilot = service(tmp_path, "copilot", contracts=contracts).get("postgres-orders", "code-assist").document
    assert copilot["decision"] == "deny"  # no-restricted-for-machines still applies
    steward = service(tmp_path, "lmeyer", contracts=contracts).get("postgres-orders", "code-assist").document
    assert steward["governance"]["highestClassification"] == "restricted"
    redacted = steward["schema"][0]["properties"][1]
    assert redacted == {"name": "[redacted]", "classification": "restricted", "logicalType": "integer",
                        "physicalType": "BIGINT"}  # restricted-names-redacted
    data["schema"][0]["properties"][1]["classification"] = 7
    numeric = service(tmp_path, "lmeyer", contracts=[contract_from(data)]).get("postgres-orders", "code-assist")
    assert numeric.document["schema"][0]["properties"][1]["name"] == "[redacted]"


def test_a_single_tag_without_a_list_is_still_a_tag(tmp_path):
    data = yaml.safe_load(CONTRACT_FILES[-1].read_text(encoding="utf-8"))  # stripe customers
    for prop in data["schema"][0]["properties"]:
        if prop.get("tags") == ["pii"]:
            prop["tags"] = "pii"
    data["tags"] = "billing"
    document = service(tmp_path, "copilot", contracts=[contract_from(data)]).get("stripe-customers",
                                                                                 "code-assist").document
    assert redaction(document, "pii-omitted-for-machines", "property") == 3  # email, name, address
    assert "customers.email" not in properties_of(document)
    assert document["contract"]["tags"] == ["billing"]


def test_an_object_without_properties_shows_no_thresholds(tmp_path):
    data = yaml.safe_load(CONTRACT_FILES[3].read_text(encoding="utf-8"))  # postgres orders
    data["schema"].append({"name": "daily_order_volume", "physicalType": "view", "quality": [
        {"type": "library", "rule": "rowCount", "mustBeGreaterThan": 1200, "dimension": "completeness",
         "description": "A normal day has more than 1,200 orders."}]})
    document = service(tmp_path, "lmeyer", contracts=[contract_from(data)]).get("postgres-orders",
                                                                                "code-assist").document
    volume = document["schema"][-1]
    assert volume["quality"] == [{"type": "library", "rule": "rowCount", "dimension": "completeness",
                                  "description": "A normal day has more than 1,200 orders."}]
    assert {"rule": "allow-list", "withheld": "quality-thresholds", "where": "daily_order_volume",
            "count": 1} in document["redactions"]


def test_thresholds_keep_their_shape_and_what_cannot_be_shown_is_counted(tmp_path):
    data = yaml.safe_load(CONTRACT_FILES[3].read_text(encoding="utf-8"))  # postgres orders
    currency = data["schema"][0]["properties"][5]
    assert currency["name"] == "currency" and currency["classification"] == "public"
    currency["quality"] += [
        {"type": "library", "rule": "nullCheck", "mustBe": 0, "description": "Every order has a currency."},
        {"type": "library", "rule": "duplicateCount", "arguments": {"columns": ["currency", "order_id"]},
         "mustBeLessThan": 1, "description": "No duplicates."}]
    for prop in data["customProperties"]:
        if prop["property"] == "regulations":
            prop["value"] = ["GDPR", {"authority": "BfDI"}]
    before = service(tmp_path, "lmeyer").get("postgres-orders", "code-assist").document
    document = service(tmp_path, "lmeyer", contracts=[contract_from(data)]).get("postgres-orders",
                                                                                "code-assist").document
    rules = properties_of(document)["orders.currency"]["quality"]
    assert rules[0]["validValues"] == ["EUR", "USD", "GBP", "CHF"]
    assert rules[1]["mustBe"] == 0  # a number stays a number
    assert rules[2]["mustBeLessThan"] == 1 and "arguments" not in rules[2]
    assert redaction(document, "allow-list", "quality-thresholds") == redaction(
        before, "allow-list", "quality-thresholds") + 1
    assert "regulations" not in document["governance"]  # not all of it can be shown: none of it is
    assert redaction(document, "allow-list", "custom-property-values") == redaction(
        before, "allow-list", "custom-property-values") + 1


def test_a_cost_that_is_not_a_finite_number_is_not_estimable(tmp_path):
    from dativo_check.context.pages import asset_page

    data = yaml.safe_load(CONTRACT_FILES[3].read_text(encoding="utf-8"))  # postgres orders
    for prop in data["customProperties"]:
        if prop["property"] == "expectedRowsPerDay":
            prop["value"] = "1e400"
    bot = service(tmp_path, "analytics-bot", contracts=[contract_from(data)])
    document = bot.get("postgres-orders", "analytics").document
    assert document["finops"]["estimable"] is False and "not a finite number" in document["finops"]["reason"]
    json.dumps(document, allow_nan=False)  # raises on Infinity and NaN
    page = asset_page(document)
    assert "No estimate: the estimate is not a finite number" in page and "inf" not in page.split("## Cost")[1]


def test_finops_only_with_the_capability(tmp_path):
    copilot = service(tmp_path, "copilot")
    document = copilot.get("stripe-customers", "code-assist").document
    assert "finops" not in document
    assert redaction(document, "no-costs-for-agents", "finops") == 1
    cost = copilot.cost("stripe-customers", "code-assist").document
    assert cost["decision"] == "deny" and cost["rules"] == ["no-costs-for-agents"] and "finops" not in cost
    assert cost["reason"] == "finops is not granted on this asset"
    bot = service(tmp_path, "analytics-bot").cost("postgres-orders", "analytics").document
    assert bot["decision"] == "allow" and bot["finops"]["estimable"] is True
    assert bot["finops"]["currency"] == "USD" and bot["finops"]["monthly"]["total"] > 0
    assert "contract" not in bot and "schema" not in bot  # a cost request answers the cost only
    assert service(tmp_path, "analytics-bot").get("postgres-orders", "analytics").document["finops"] == bot["finops"]


def test_governance_shows_allow_listed_custom_properties_only(tmp_path):
    governance = service(tmp_path, "lmeyer").get("stripe-customers", "code-assist").document["governance"]
    assert governance == {
        "highestClassification": "confidential", "owners": ["lmeyer"], "status": "active",
        "retention": {"value": 3, "unit": "y"}, "regulations": ["GDPR", "PCI-DSS"],
        "customProperties": [{"property": "businessTags", "value": ["billing", "revenue", "customer-master"]},
                             {"property": "costCenter", "value": "FIN-001"},
                             {"property": "project", "value": "lakehouse-ingestion"}]}
    document = service(tmp_path, "lmeyer").get("stripe-customers", "code-assist").document
    assert redaction(document, "allow-list", "custom-property-values") == 7  # consumers, apiCallsPerRun, ...


def test_hidden_and_missing_assets_get_the_same_answer(tmp_path):
    svc = service(tmp_path, "copilot")
    hidden = svc.get("kafka-order-events", "code-assist").document
    missing = svc.get("no-such-contract", "code-assist").document
    assert {**hidden, "asset": "x"} == {**missing, "asset": "x"}
    assert "rules" not in hidden
    lines = audit_lines(tmp_path / "audit.jsonl")
    assert lines[0]["rules"] == ["no-costs-for-agents", "no-restricted-for-machines"]  # the log knows why
    assert lines[1]["rules"] == ["default-deny"]


def test_search_sees_only_what_the_requester_may_read(tmp_path):
    svc = service(tmp_path, "copilot")
    listing = svc.search("", "code-assist").document
    assert [result["id"] for result in listing["results"]] == [
        "analytics-customer-orders", "hubspot-contacts", "postgres-orders", "stripe-customers"]
    assert svc.search("kafka", "code-assist").document["results"] == []
    assert svc.search("client_ip", "code-assist").document["total"] == 0
    # only the descriptions of omitted email properties say "entered at checkout": nothing may match
    assert svc.search("entered at checkout", "code-assist").document["results"] == []
    steward = service(tmp_path, "lmeyer").search("entered at checkout", "code-assist").document
    assert sorted(result["id"] for result in steward["results"]) == ["postgres-orders", "stripe-customers"]
    ranked = svc.search("orders", "code-assist").document["results"]
    assert ranked[0]["id"] in ("postgres-orders", "analytics-customer-orders") and ranked[0]["score"] >= ranked[-1][
        "score"]


def test_denied_purposes_and_requesters_say_why(tmp_path):
    denied = service(tmp_path, "copilot").search("orders", "marketing").document
    assert denied["decision"] == "deny" and denied["rules"] == ["purpose-not-allowed"]
    assert "code-assist" in denied["reason"] and "results" not in denied
    stranger = service(tmp_path, "mallory").get("postgres-orders", "code-assist").document
    assert stranger["rules"] == ["unknown-requester"]


def test_responses_are_deterministic(tmp_path):
    contracts = example_contracts()
    first = service(tmp_path, "lmeyer", contracts=contracts)
    shuffled_data = []
    rng = random.Random(7)
    for path in CONTRACT_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rng.shuffle(data["tags"])
        rng.shuffle(data["customProperties"])
        rng.shuffle(data["servers"])
        shuffled_data.append(dict(reversed(list(data.items()))))  # key order carries no meaning either
    second = service(tmp_path, "lmeyer", contracts=[contract_from(data) for data in shuffled_data])
    for asset in ASSETS:
        one, two = first.get(asset, "code-assist").document, second.get(asset, "code-assist").document
        assert encoded(one) == encoded(two)
    hashes = [line["response_hash"] for line in audit_lines(tmp_path / "audit.jsonl")]
    assert hashes[0::2] == hashes[1::2]


def test_responses_are_size_bounded_with_a_truncation_flag(tmp_path):
    settings = ContextSettings(max_response_bytes=2048)
    svc = service(tmp_path, "lmeyer", settings=settings)
    document = svc.get("kafka-order-events", "code-assist").document
    assert len(encoded(document)) <= 2048
    assert document["truncated"] is True and document["cut"]
    assert {"decision", "policy_hash", "rules", "redactions", "requester"} <= set(document)
    for cut in document["cut"]:
        assert cut.get("removed") or cut["kept"] < cut["of"]
    assert audit_lines(tmp_path / "audit.jsonl")[-1]["response_hash"] == response_hash(document)
    full = service(tmp_path, "lmeyer").get("kafka-order-events", "code-assist").document
    assert full["truncated"] is False and "cut" not in full
    for limit in (1024, 3000, 5000, 9000):
        bounded = service(tmp_path, "lmeyer", settings=ContextSettings(max_response_bytes=limit))
        assert len(encoded(bounded.get("postgres-orders", "incident-response").document)) <= limit


def hostile_contract() -> dict:
    data = yaml.safe_load(CONTRACT_FILES[3].read_text(encoding="utf-8"))  # postgres orders
    data["description"]["purpose"] = "Orders\x1b[31m red\x07 bell \u202eevil\u200b zero\r\nnext line\tTab"
    data["description"]["usage"] = "x" * 5000
    return data


def test_control_characters_are_stripped_and_text_is_capped(tmp_path):
    settings = ContextSettings(max_text=100)
    data = hostile_contract()
    data["schema"][0]["properties"][0]["description"] = "key \u2028separator \x7f delete"
    data["schema"][0]["properties"][1]["description"] = ("Shop\ufe0f\U000e0101\U000e01ef account\u3164id\u2800of "
                                                         "the\u115f\u034f\u180b buyer\uffa0")
    document = service(tmp_path, "lmeyer", contracts=[contract_from(data)], settings=settings).get(
        "postgres-orders", "code-assist").document
    description = document["contract"]["description"]
    assert description["purpose"] == "Orders [31m red bell evil zero next line Tab"
    assert len(description["usage"]) == 100 and description["usage"].endswith("…")
    assert properties_of(document)["orders.order_id"]["description"] == "key separator delete"
    assert properties_of(document)["orders.customer_id"]["description"] == "Shop account id of the buyer"
    for value in itertools.chain.from_iterable(_strings(document)):
        assert all(ord(char) >= 32 and char not in "\u202e\u200b\u2028\x7f\ufe0f\u3164\u2800" for char in value)
        assert len(value) <= 100 or value.startswith("sha256:")


def _strings(value):
    if isinstance(value, str):
        yield [value]
    elif isinstance(value, dict):
        for key, item in value.items():
            yield [key]
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
