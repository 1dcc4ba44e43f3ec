"""Property: raw data carriers never leak, whatever the policy.

The example contracts are filled with sentinels (unique markers) in every carrier that must never reach an agent:
examples, quality queries, thresholds and value patterns of classified properties, custom property values that are
not allow-listed, server hosts, ports, locations, accounts and credentials, transform logic, team members, roles,
support channels, consumers' urls and owners, and the names and descriptions of properties a policy rule hides.
Each contract's own description carries a sentinel too, which may appear only to requesters who can see that asset.
Random policies (requesters, rules, selectors, capabilities, field actions, custom property allow-lists) are then
queried through every surface the MCP server and the CLI use: get, lineage, cost, search, explain-free Markdown
pages and a whole bundle.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from context_helpers import CONTRACT_FILES, policy_from
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dativo_check.config import ContextSettings
from dativo_check.context.assets import catalog
from dativo_check.context.audit import AuditLog
from dativo_check.context.bundle import write_bundle
from dativo_check.context.engine import ContextService
from dativo_check.context.pages import asset_page
from dativo_check.yamlio.loader import Document
from dativo_check.contract.model import Contract

EXAMPLES = 60
LEVELS = ["public", "internal", "confidential", "restricted"]
CAPABILITIES = ["schema", "lineage", "finops", "governance"]
PURPOSES = ["p1", "p2"]
ROLES = ["eng", "fin", "ana"]
GLOBS = ["*", "stripe-*", "postgres-*", "*-orders", "*contacts", "kafka-order-?vents"]
DOMAINS = ["finance", "commerce", "marketing", "analytics"]
TAGS = ["stripe", "orders", "kafka", "mart", "crm"]
ALLOWABLE_CUSTOM = ["costCenter", "project", "businessTags"]
MARK = "hidden-by-test"
CONTRACTS = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in CONTRACT_FILES]


def some(values):
    return st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True)


who = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "ids": some(["r0", "r1", "r2"]), "types": some(["human", "agent", "bot"]), "roles": some(ROLES)}).filter(bool))
assets = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "contracts": some(GLOBS), "domains": some(DOMAINS), "tags": some(TAGS),
    "max-classification": st.sampled_from(LEVELS), "min-classification": st.sampled_from(LEVELS)}).filter(bool))


@st.composite
def policies(draw):
    requesters = [{"id": f"r{index}", "type": draw(st.sampled_from(["human", "agent", "bot"])),
                   "roles": draw(st.lists(st.sampled_from(ROLES), unique=True, max_size=2))} for index in range(3)]
    rules = []
    for index in range(draw(st.integers(1, 6))):
        rule = {"id": f"rule-{index}", "effect": draw(st.sampled_from(["allow", "allow", "deny"])),
                "capabilities": draw(some(CAPABILITIES))}
        for key, strategy in (("requesters", who), ("assets", assets),
                              ("purposes", st.one_of(st.none(), some(PURPOSES)))):
            value = draw(strategy)
            if value:
                rule[key] = value
        rules.append(rule)
    hide = draw(st.sampled_from(["omit", "redact-name", "type-only"]))
    field_actions = [{"id": "hide-marked", "fields": {"tags": [MARK]}, "action": hide}]
    for index in range(draw(st.integers(0, 3))):
        action = {"id": f"field-{index}", "action": draw(st.sampled_from(["omit", "redact-name", "type-only"])),
                  "fields": draw(st.fixed_dictionaries({}, optional={
                      "tags": st.just(["pii"]), "min-classification": st.sampled_from(LEVELS),
                      "names": st.just(["*_id"])}).filter(bool))}
        requester = draw(who)
        if requester:
            action["requesters"] = requester
        field_actions.append(action)
    data = {"version": 1, "purposes": PURPOSES, "requesters": requesters, "rules": rules,
            "field-actions": field_actions,
            "custom-properties": draw(st.lists(st.sampled_from(ALLOWABLE_CUSTOM), unique=True))}
    unclassified = draw(st.one_of(st.none(), st.sampled_from(LEVELS)))
    if unclassified:
        data["unclassified"] = unclassified
    return data


class Sentinels:
    """Unique markers, each remembering the carrier it was put in."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.where: dict[str, str] = {}
        self._count = itertools.count()

    def __call__(self, carrier: str) -> str:
        value = f"QZX{self.seed:08x}N{next(self._count)}Q"
        self.where[value] = carrier
        return value


def fill(data: dict, mark: Sentinels, marked: set[str], hide: str, allowed_custom: list[str]) -> str:
    """Put never-emitted sentinels into every raw-data carrier of `data`; return the asset's own description
    sentinel (which only requesters who see the asset may read)."""
    label = data["id"]
    own = mark(f"{label}: contract description (visible asset only)")
    data["description"]["purpose"] += f" {own}"
    for server in data.get("servers", ()):
        server.update({"host": mark(f"{label}: server host"), "port": mark(f"{label}: server port"),
                       "location": mark(f"{label}: server location"), "account": mark(f"{label}: account"),
                       "database": mark(f"{label}: database"), "schema": mark(f"{label}: schema"),
                       "username": mark(f"{label}: username"), "password": mark(f"{label}: password"),
                       "token": mark(f"{label}: token")})
    data["team"].append({"username": mark(f"{label}: team member"), "name": mark(f"{label}: member name"),
                         "role": "engineer"})
    data["roles"][0]["firstLevelApprovers"] = mark(f"{label}: role approver")
    data["support"][0]["url"] = mark(f"{label}: support url")
    custom = data["customProperties"]
    for entry in custom:
        if entry["property"] in ALLOWABLE_CUSTOM and entry["property"] not in allowed_custom:
            entry["value"] = mark(f"{label}: custom property {entry['property']} (not allow-listed)")
        if entry["property"] == "consumers":
            for consumer in entry["value"]:
                consumer["url"] = mark(f"{label}: consumer url")
                consumer["owner"] = mark(f"{label}: consumer owner")
    custom.append({"property": "internalNote", "value": mark(f"{label}: custom property internalNote")})
    custom.append({"property": "credentials", "value": {"secret": mark(f"{label}: nested custom property")}})
    for obj in data["schema"]:
        obj.setdefault("quality", []).append({"type": "sql", "query": mark(f"{label}: object quality query"),
                                              "mustBe": 0, "description": "sentinel check"})
        for prop in obj["properties"]:
            hidden = f"{obj['name']}.{prop['name']}" in marked
            _fill_property(prop, f"{label}: {obj['name']}.{prop['name']}", mark, hidden, hide)
    return own


def _fill_property(prop: dict, where: str, mark: Sentinels, hidden: bool, hide: str) -> None:
    prop["examples"] = [mark(f"{where} examples"), mark(f"{where} examples")]
    prop["transformLogic"] = mark(f"{where} transformLogic")
    prop["transformDescription"] = mark(f"{where} transformDescription")
    rule = {"type": "sql", "query": mark(f"{where} quality query"), "description": "sentinel check"}
    if prop.get("classification") not in (None, "public"):  # thresholds of classified properties: never shown
        rule["mustBeLessThan"] = mark(f"{where} threshold")
        rule["validValues"] = [mark(f"{where} valid value")]
        prop.setdefault("logicalTypeOptions", {})["pattern"] = mark(f"{where} value pattern")
    prop.setdefault("quality", []).append(rule)
    if hidden:
        prop["tags"] = [*prop.get("tags", []), MARK]
        prop["description"] = mark(f"{where} description of a hidden property")
        prop["businessName"] = mark(f"{where} business name of a hidden property")
        if hide != "type-only":  # a type-only property keeps its name
            prop["name"] = mark(f"{where} name of a {hide} property")
    for child in prop.get("properties", ()):
        _fill_property(child, f"{where}.{child['name']}", mark, hidden, hide)
        if hidden:  # children of a hidden property are hidden with it
            child["description"] = mark(f"{where}.{child.get('name')} description under a hidden property")
    if isinstance(prop.get("items"), dict):
        _fill_property(prop["items"], f"{where}[]", mark, hidden, hide)


property_paths = sorted(f"{obj['name']}.{prop['name']}" for data in CONTRACTS for obj in data["schema"]
                        for prop in obj["properties"])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
@given(data=policies(), seed=st.integers(0, 2 ** 32 - 1),
       marked=st.sets(st.sampled_from(property_paths), min_size=1, max_size=12),
       bundle_for=st.tuples(st.sampled_from(["r0", "r1", "r2"]), st.sampled_from(PURPOSES)),
       words=st.lists(st.sampled_from(["orders", "customer", "email", "id", "events", "QZX"]), max_size=2))
def test_no_sentinel_reaches_a_requester_without_the_right(tmp_path_factory, data, seed, marked, bundle_for, words):
    policy = policy_from(data)
    mark = Sentinels(seed)
    hide = data["field-actions"][0]["action"]
    contracts, own = [], {}
    for original in CONTRACTS:
        filled = copy.deepcopy(original)
        own[filled["id"]] = fill(filled, mark, marked, hide, data["custom-properties"])
        # the data as the loader would give it (loading itself is tested elsewhere; a YAML round trip per example
        # would triple the run time)
        contracts.append(Contract(Document(f"{filled['id']}.yaml", filled, "")))
    chosen = catalog(contracts)
    # each of the ~300 requests per example appends an fsync'ed audit line: a memory file system keeps that fast
    folder = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else tmp_path_factory.getbasetemp()))
    audit = AuditLog(folder / "audit.jsonl")
    never = set(mark.where) - set(own.values())
    for requester in ("r0", "r1", "r2", "mallory"):
        service = ContextService(policy, requester, chosen, audit, ContextSettings(max_text=200))
        for purpose in (*PURPOSES, "bogus"):
            texts = []
            for asset in (*chosen.ids(), "no-such-asset"):
                for response in (service.get(asset, purpose), service.lineage(asset, purpose),
                                 service.cost(asset, purpose)):
                    texts.append(json.dumps(response.document, ensure_ascii=False))
                    if response.allowed and response.document["action"] == "get":
                        texts.append(asset_page(response.document))
            for query in ("", " ".join(words), *own.values(), *list(never)[:3]):
                texts.append(json.dumps(service.search(query, purpose).document, ensure_ascii=False))
            if (requester, purpose) == bundle_for:
                out = folder / f"bundle-{requester}-{purpose}"
                write_bundle(service, purpose, out)
                texts += [path.read_text(encoding="utf-8") for path in sorted(out.rglob("*")) if path.is_file()]
            found = set(re.findall(f"QZX{seed:08x}N[0-9]+Q", "\n".join(texts)))
            leaked = {mark.where[value] for value in found & never}
            assert not leaked, f"{requester}/{purpose} received: {sorted(leaked)}"
            for asset_id, value in own.items():
                if value in found:
                    assert service.decision(asset_id, purpose).visible, (
                        f"{requester}/{purpose} learned of hidden asset {asset_id}")
    assert sum(1 for _ in audit.path.open()) > 300
    shutil.rmtree(folder)
