"""Context documents built from an allow-list: only the keys named here ever leave, each checked for its type.

Nothing is copied from a contract and then stripped: a key that is not listed below (examples, quality queries,
server hosts, ports, accounts, credentials, unknown keys a future ODCS version adds) is never emitted. Property
keys keep their ODCS names. What the allow-list or a policy rule withholds is counted in a redaction manifest,
never echoed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from dativo_check.context.assets import INVALID_CLASSIFICATION, classification_of, field_facts, tags_of
from dativo_check.context.decide import SHOW, Decision, FieldDecision, FieldPolicy
from dativo_check.context.policy import ALLOW_LIST, Policy, canonical_json
from dativo_check.context.text import clean, scalar, showable
from dativo_check.contract.model import Contract, Property, items, mapping
from dativo_check.lineage.graph import CONSUMER, DATASET, EXTERNAL, Graph, Node, Reached, downstream, upstream

SUMMARY_KEYS = ("id", "name", "version", "status", "domain", "dataProduct")
DESCRIPTION_KEYS = ("purpose", "usage", "limitations")
SERVER_KEYS = ("server", "type", "environment")
OBJECT_KEYS = ("name", "physicalName", "physicalType", "businessName", "description", "dataGranularityDescription")
PROPERTY_TEXT_KEYS = ("businessName", "description")
PROPERTY_FLAGS = ("required", "unique", "primaryKey", "partitioned", "criticalDataElement")
PROPERTY_POSITIONS = ("primaryKeyPosition", "partitionKeyPosition")
TYPE_KEYS = ("logicalType", "physicalType")
# Type options that describe a shape, not data; those that bound values are shown only on the lowest level.
TYPE_SHAPE = ("format", "maxLength", "minLength", "precision", "scale", "minItems", "maxItems", "uniqueItems")
TYPE_BOUNDS = ("pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
QUALITY_KEYS = ("type", "rule", "metric", "dimension", "severity", "description", "unit")
QUALITY_THRESHOLDS = ("mustBe", "mustNotBe", "mustBeGreaterThan", "mustBeGreaterOrEqualTo",
                      "mustBeGreaterThanOrEqualTo", "mustBeLessThan", "mustBeLessOrEqualTo",
                      "mustBeLessThanOrEqualTo", "mustBeBetween", "mustNotBeBetween", "validValues", "arguments")
QUALITY_CODE = ("query", "implementation")
REDACTED_NAME = "[redacted]"
# Custom properties the lineage section is built from: with the lineage capability their values are shown there
# (sources without their locations, which lineage counts), so they are not withheld custom property values.
LINEAGE_INPUTS = ("upstreams",)
# Where a source written as a URL or connection string lives: `scheme://user:password@host:port`, anywhere in the
# string (`jdbc:postgresql://...`), and its query or fragment.
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/]*")
_QUERY = re.compile(r"[?#].*", re.DOTALL)
# A name that could be a location rather than a dataset: a port, a scheme or user (`:` and `@`), an IPv4 address, or
# a host name of three or more labels (`db-replica.internal.acme`; dataset names such as `sales.orders` or
# `stripe_api.v1.customers` stay).
_LOCATION = re.compile(r"[:@]|^\d{1,3}(?:\.\d{1,3}){3}$|^(?:[A-Za-z0-9-]+\.){2,}[A-Za-z][A-Za-z0-9-]*$")


class Manifest:
    """What a response withholds, counted per (rule, what, where); where is never a withheld name."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, str], int] = {}

    def add(self, rules: tuple[str, ...] | str, withheld: str, where: str, count: int = 1) -> None:
        if count <= 0:
            return
        for rule in (rules,) if isinstance(rules, str) else rules:
            key = (rule, withheld, where)
            self._counts[key] = self._counts.get(key, 0) + count

    def entries(self) -> list[dict[str, Any]]:
        return [{"rule": rule, "withheld": withheld, "where": where, "count": count}
                for (rule, withheld, where), count in sorted(self._counts.items())]


@dataclass(frozen=True)
class View:
    """Everything one request may see of one asset."""

    policy: Policy
    decision: Decision
    fields: FieldPolicy
    max_text: int

    def text(self, value: Any) -> str | None:
        return clean(value, self.max_text) if isinstance(value, str) else None


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != [] and value != {}:
        out[key] = value


def summary(contract: Contract, view: View, manifest: Manifest) -> dict[str, Any]:
    """What any visible asset shows: identity, tags, the description, and the kind of each server."""
    out: dict[str, Any] = {}
    for key in SUMMARY_KEYS:
        _put(out, key, view.text(contract.get(key)))
    _put(out, "tags", sorted({view.text(tag) for tag in tags_of(contract.get("tags"))}))
    description = contract.get("description")
    if isinstance(description, str):
        description = {"purpose": description}
    _put(out, "description", {key: view.text(value) for key, value in mapping(description).items()
                              if key in DESCRIPTION_KEYS and isinstance(value, str)})
    servers = []
    withheld = 0
    for server in contract.servers:
        entry = {key: view.text(server.get(key)) for key in SERVER_KEYS if isinstance(server.get(key), str)}
        withheld += sum(1 for key in server if key not in SERVER_KEYS)
        servers.append(entry)
    _put(out, "servers", sorted(servers, key=canonical_json))
    manifest.add(ALLOW_LIST, "server-details", "servers", withheld)
    return out


def schema(contract: Contract, view: View, manifest: Manifest) -> list[dict[str, Any]]:
    out = []
    for obj in contract.schema:
        where = view.text(obj.name) or "?"
        entry: dict[str, Any] = {}
        for key in OBJECT_KEYS:
            _put(entry, key, view.text(obj.get(key)))
        properties = [_property(prop, where, view, manifest, SHOW) for prop in obj.properties]
        _put(entry, "properties", [shown for shown in properties if shown is not None])
        # an object without properties counts as unclassified: nothing shows that its data is not sensitive
        levels = [classification_of(prop.data) for prop in obj.walk_properties()] or [None]
        lowest = all(view.policy.rank(view.policy.level_of(level)) == 0 for level in levels)
        _put(entry, "quality", _quality(obj.get("quality"), lowest, where, view, manifest))
        out.append(entry)
    return out


def _property(prop: Property, where: str, view: View, manifest: Manifest,
              floor: FieldDecision) -> dict[str, Any] | None:
    """A property as the policy lets the requester see it, judged by the same facts as `engine.field_actions`."""
    data = prop.data
    facts = field_facts(prop)
    name, classification = facts.name, facts.classification
    decision = view.fields.judge(facts, floor)
    if "examples" in data or "example" in data:
        manifest.add(ALLOW_LIST, "examples", where)
    if decision.action == "omit":
        manifest.add(decision.rules, "property", where)
        return None
    out: dict[str, Any] = {}
    if decision.action == "redact-name":
        out["name"] = REDACTED_NAME
        manifest.add(decision.rules, "property-name", where)
    else:
        _put(out, "name", view.text(name) if name else None)
    # a classification that is not text is shown as the level it counts as, never as what was written
    _put(out, "classification", view.policy.level_of(classification) if classification == INVALID_CLASSIFICATION
         else view.text(classification))
    for key in TYPE_KEYS:
        _put(out, key, view.text(data.get(key)))
    if decision.action != "show":
        if decision.action == "type-only":
            manifest.add(decision.rules, "property-details", where)
        _count_code(data.get("quality"), where, manifest)
    else:
        lowest = view.policy.rank(view.policy.level_of(classification)) == 0
        _show_details(data, out, lowest, where, view, manifest)
    children, array_items = [], None
    for child in prop.children:
        shown = _property(child, where, view, manifest, decision)
        if child.pointer == f"{prop.pointer}/items":  # an array's items: shown under `items`, not `properties`
            array_items = shown
        elif shown is not None:
            children.append(shown)
    _put(out, "properties", children)
    _put(out, "items", array_items)
    return out


def _show_details(data: Mapping[str, Any], out: dict[str, Any], lowest: bool, where: str, view: View,
                  manifest: Manifest) -> None:
    """The keys of a property shown in full: descriptions, flags, type options, tags and quality rules."""
    for key in PROPERTY_TEXT_KEYS:
        _put(out, key, view.text(data.get(key)))
    for key in PROPERTY_FLAGS:
        if isinstance(data.get(key), bool):
            out[key] = data[key]
    for key in PROPERTY_POSITIONS:
        if isinstance(data.get(key), int) and not isinstance(data.get(key), bool):
            out[key] = data[key]
    _put(out, "tags", sorted({view.text(tag) for tag in tags_of(data.get("tags"))}))
    options = mapping(data.get("logicalTypeOptions"))
    shown = {key: scalar(value, view.max_text) for key, value in options.items()
             if key in TYPE_SHAPE or (lowest and key in TYPE_BOUNDS)}
    _put(out, "logicalTypeOptions", {key: value for key, value in shown.items() if value is not None})
    manifest.add(ALLOW_LIST, "type-bounds", where, sum(1 for key in options if key in TYPE_BOUNDS and not lowest))
    _put(out, "quality", _quality(data.get("quality"), lowest, where, view, manifest))


def _quality(rules: Any, lowest: bool, where: str, view: View, manifest: Manifest) -> list[dict[str, Any]]:
    """Quality rules: what is checked and how badly it matters; thresholds only on the lowest classification (and
    only scalars or lists of them), queries and implementations never (they name tables, columns and literal
    values). A rule with a threshold left out counts once in the manifest."""
    out = []
    for rule in items(rules):
        if not isinstance(rule, dict):
            continue
        entry: dict[str, Any] = {}
        for key in QUALITY_KEYS:
            _put(entry, key, view.text(rule.get(key)))
        thresholds = {key: showable(rule[key], view.max_text) if lowest else None
                      for key in QUALITY_THRESHOLDS if key in rule}
        for key, value in thresholds.items():
            _put(entry, key, value)
        if any(value is None for value in thresholds.values()):
            manifest.add(ALLOW_LIST, "quality-thresholds", where)
        if any(key in rule for key in QUALITY_CODE):
            manifest.add(ALLOW_LIST, "quality-queries", where)
        out.append(entry)
    return out


def _count_code(rules: Any, where: str, manifest: Manifest) -> None:
    count = sum(1 for rule in items(rules) if isinstance(rule, dict) and any(key in rule for key in QUALITY_CODE))
    manifest.add(ALLOW_LIST, "quality-queries", where, count)


def governance(contract: Contract, view: View, manifest: Manifest, highest: str) -> dict[str, Any]:
    """Owner, status, retention, regulations, the highest classification, and allow-listed custom properties."""
    out: dict[str, Any] = {"highestClassification": highest}
    _put(out, "owners", sorted({view.text(owner) for owner in contract.owners if owner != "?"}))
    _put(out, "status", view.text(contract.status))
    retention = contract.sla("retention") or {}
    _put(out, "retention", {key: value for key, value in (("value", scalar(retention.get("value"), view.max_text)),
                                                          ("unit", view.text(retention.get("unit"))))
                            if value is not None})
    properties = contract.custom_properties
    regulations = showable(properties.get("regulations", []), view.max_text)
    _put(out, "regulations", sorted({str(item) for item in _listed(regulations)}))
    allowed = []
    for name in sorted(properties):
        value = showable(properties[name], view.max_text) if name in view.policy.custom_properties else None
        if value is not None:
            allowed.append({"property": view.text(name), "value": value})
    _put(out, "customProperties", allowed)
    shown_names = {entry["property"] for entry in allowed} | ({"regulations"} if regulations is not None else set())
    lineage = view.decision.allows("lineage")
    in_lineage = {name for name in LINEAGE_INPUTS if lineage and _strings_only(properties.get(name))}
    manifest.add(ALLOW_LIST, "custom-property-values", "customProperties",
                 sum(1 for name in properties if view.text(name) not in shown_names and name not in in_lineage))
    return out


def _strings_only(value: Any) -> bool:
    """Whether a lineage input is all read into the graph (which takes a list of strings, nothing else)."""
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _listed(value: Any) -> list[Any]:
    """A shown value as a list: a single regulation is a list of one, a withheld one an empty list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- lineage -------------------------------------------------------------------------------------------------------

def lineage(contract_id: str, graph: Graph, describe: Callable[[Node, int], dict[str, Any]],
            hidden: Callable[[Node], bool]) -> dict[str, Any]:
    """Upstream and downstream of the asset's datasets; a `hidden` node is described as a placeholder, and the walk
    does not continue past it (what lies behind a hidden asset would outline it)."""
    starts = [node.id for node in graph.datasets_of(contract_id)]

    def side(walk: Callable[..., list[Reached]]) -> list[dict[str, Any]]:
        found = [describe(step.node, step.depth) for step in walk(graph, starts, follow=lambda node: not hidden(node))]
        return sorted(found, key=lambda entry: (entry["depth"], canonical_json(entry)))

    return {"upstream": side(upstream), "downstream": side(downstream)}


def hidden_node(node: Node, decision_of: Callable[[str], Decision | None]) -> bool:
    """Whether a lineage node stands for an asset the requester may not see: a dataset, a consumer or an external
    source named after a contract, whose contract is not in the catalogue or not visible."""
    if node.kind not in (DATASET, CONSUMER) and not (node.kind == EXTERNAL and node.contract_id):
        return False
    decision = decision_of(node.contract_id) if node.contract_id else None
    return decision is None or not decision.visible


def lineage_node(node: Node, depth: int, decision_of: Callable[[str], Decision | None],
                 owners_of: Callable[[str], list[str]], max_text: int, manifest: Manifest) -> dict[str, Any]:
    """One lineage node as a requester may see it."""
    if hidden_node(node, decision_of):
        return {"restricted": True, "depth": depth}
    if node.kind == CONSUMER:
        return {"kind": CONSUMER, "name": clean(node.label, max_text), "depth": depth}
    if node.kind == DATASET or (node.kind == EXTERNAL and node.contract_id):  # of a contract the requester sees
        decision = decision_of(node.contract_id)
        name = (node.name if node.kind == EXTERNAL else node.object_name) or ""
        out = {"kind": node.kind, "contract": clean(node.contract_id, max_text), "object": clean(name, max_text),
               "depth": depth}
        if decision.allows("governance") and node.kind == DATASET:
            _put(out, "owners", sorted(clean(owner, max_text) for owner in owners_of(node.contract_id)))
        return out
    if node.kind != EXTERNAL:
        return {"kind": node.kind, "name": clean(node.label, max_text), "depth": depth}
    # external sources outside the catalogue: the name within the source, never where the source is
    written = clean(node.label, max_text)
    name = source_name(written)
    if name != written:
        manifest.add(ALLOW_LIST, "source-locations", "lineage")
    return {"kind": node.kind, "depth": depth} if name is None else {"kind": node.kind, "name": name, "depth": depth}


def source_name(written: str) -> str | None:
    """The name of an external source within its system, never where that system is: the last path segment once
    every `scheme://authority`, the query and the fragment are removed; None when that is empty or could be a
    location (a host:port, user@host, an IP address, a host name)."""
    path = _AUTHORITY.sub("/", _QUERY.sub("", written))
    name = next((part.strip() for part in reversed(re.split(r"[/\\]", path)) if part.strip()), "")
    return name if name and not _LOCATION.search(name) else None


# --- finops --------------------------------------------------------------------------------------------------------

def finops(contract: Contract, pricing: Any, history: Any) -> dict[str, Any]:
    """The monthly cost estimate: totals, unit costs and their basis; not the usage it was computed from (which
    repeats custom property values)."""
    from dativo_check.finops.estimate import Unestimable, estimate

    result = estimate(contract, pricing, history.for_contract(contract.id))
    if isinstance(result, Unestimable):
        return {"estimable": False, "reason": result.reason}
    data = result.to_dict()
    out = {"estimable": True, **{key: data[key] for key in ("currency", "monthly", "unit_cost", "stored_gb",
                                                              "basis", "assumptions")}}
    if not _finite(out):  # JSON has no Infinity or NaN, and a page must not say `inf USD`
        return {"estimable": False, "reason": "the estimate is not a finite number: a usage or price value of the "
                                              "contract is too large or not a number"}
    return out


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, list):
        return all(_finite(item) for item in value)
    return True


def strings(value: Any) -> Iterator[str]:
    """Every string inside a document, keys included (what search looks through)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
