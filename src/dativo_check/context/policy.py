"""The context policy: who may learn what about which contracts, for which purpose.

A policy is read once, validated against `schemas/context-policy.schema.json`, linted, and frozen. Its hash (sha256
of its canonical form, defaults filled in, descriptions left out) is stamped on every response and audit line, so
each answer can be traced to the exact rules that produced it.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from dativo_check.config import CLASSIFICATIONS
from dativo_check.core.errors import UsageError

CAPABILITIES = ("schema", "lineage", "finops", "governance")
# From the least to the most strict; a property no action matches is shown ("show").
ACTIONS = ("show", "type-only", "redact-name", "omit")
# Built-in decisions, named in responses and audit lines like policy rules.
DEFAULT_DENY, PURPOSE_NOT_ALLOWED, UNKNOWN_REQUESTER, ALLOW_LIST, AUTHORS_ONLY, POLICY_UNUSABLE = (
    "default-deny", "purpose-not-allowed", "unknown-requester", "allow-list", "authors-only", "policy-unusable")
RESERVED_IDS = (DEFAULT_DENY, PURPOSE_NOT_ALLOWED, UNKNOWN_REQUESTER, ALLOW_LIST, AUTHORS_ONLY, POLICY_UNUSABLE)


class PolicyError(UsageError):
    """The policy cannot be used as written; the message lists every problem with its file and line."""


@dataclass(frozen=True)
class Requester:
    id: str
    type: str
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AssetFacts:
    """What rules select assets by: the contract id, domain, tags and the classifications its properties use."""

    id: str
    domain: str | None = None
    tags: frozenset[str] = frozenset()
    # declared property classifications; None stands for a property without one
    classifications: frozenset[str | None] = frozenset()


@dataclass(frozen=True)
class FieldFacts:
    path: str
    name: str
    classification: str | None
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Who:
    """A requester selector; every given dimension must match one of its values, an empty one matches anything."""

    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def mismatch(self, requester: Requester) -> str | None:
        if self.ids and requester.id not in self.ids:
            return f"requester {requester.id} is not one of {', '.join(self.ids)}"
        if self.types and requester.type not in self.types:
            return f"requester type {requester.type} is not one of {', '.join(self.types)}"
        if self.roles and not requester.roles & set(self.roles):
            return f"requester has none of the roles {', '.join(self.roles)}"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {key: sorted(value) for key, value in (("ids", self.ids), ("types", self.types),
                                                      ("roles", self.roles)) if value}


@dataclass(frozen=True)
class AssetSelector:
    contracts: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    max_classification: str | None = None
    min_classification: str | None = None

    def mismatch(self, asset: AssetFacts, policy: Policy) -> str | None:
        if self.contracts and not any(fnmatch.fnmatchcase(asset.id, glob) for glob in self.contracts):
            return f"contract id {asset.id} matches none of {', '.join(self.contracts)}"
        if self.domains and asset.domain not in self.domains:
            return f"domain {asset.domain or '(none)'} is not one of {', '.join(self.domains)}"
        if self.tags and not asset.tags & set(self.tags):
            return f"the contract has none of the tags {', '.join(self.tags)}"
        highest = policy.highest(asset.classifications)
        if self.max_classification is not None and policy.rank(highest) > policy.rank(self.max_classification):
            return f"highest classification {highest} is above {self.max_classification}"
        if self.min_classification is not None and policy.rank(highest) < policy.rank(self.min_classification):
            return f"highest classification {highest} is below {self.min_classification}"
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: sorted(value) for key, value in (
            ("contracts", self.contracts), ("domains", self.domains), ("tags", self.tags)) if value}
        if self.max_classification is not None:
            out["max-classification"] = self.max_classification
        if self.min_classification is not None:
            out["min-classification"] = self.min_classification
        return out


@dataclass(frozen=True)
class FieldSelector:
    names: tuple[str, ...] = ()
    classifications: tuple[str, ...] = ()
    min_classification: str | None = None
    tags: tuple[str, ...] = ()

    def matches(self, prop: FieldFacts, policy: Policy) -> bool:
        level = policy.level_of(prop.classification)
        return ((not self.names or any(fnmatch.fnmatchcase(prop.name, glob) for glob in self.names))
                and (not self.classifications or level in self.classifications)
                and (self.min_classification is None or policy.rank(level) >= policy.rank(self.min_classification))
                and (not self.tags or bool(prop.tags & set(self.tags))))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: sorted(value) for key, value in (
            ("names", self.names), ("classifications", self.classifications), ("tags", self.tags)) if value}
        if self.min_classification is not None:
            out["min-classification"] = self.min_classification
        return out


@dataclass(frozen=True)
class Rule:
    id: str
    effect: str
    capabilities: tuple[str, ...]
    who: Who = Who()
    purposes: tuple[str, ...] = ()
    assets: AssetSelector = AssetSelector()
    line: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "effect": self.effect, "capabilities": sorted(self.capabilities),
                "requesters": self.who.to_dict(), "purposes": sorted(self.purposes), "assets": self.assets.to_dict()}


@dataclass(frozen=True)
class FieldRule:
    id: str
    action: str
    fields: FieldSelector
    who: Who = Who()
    purposes: tuple[str, ...] = ()
    assets: AssetSelector = AssetSelector()
    line: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "action": self.action, "fields": self.fields.to_dict(),
                "requesters": self.who.to_dict(), "purposes": sorted(self.purposes), "assets": self.assets.to_dict()}


@dataclass(frozen=True)
class Policy:
    purposes: tuple[str, ...] = ()
    requesters: tuple[Requester, ...] = ()
    rules: tuple[Rule, ...] = ()
    field_rules: tuple[FieldRule, ...] = ()
    classifications: tuple[str, ...] = CLASSIFICATIONS
    unclassified: str | None = None
    custom_properties: tuple[str, ...] = ()
    # requester ids that may see how the policy decides (`context explain`), hidden assets included
    authors: tuple[str, ...] = ()
    source: str | None = None

    def requester(self, requester_id: str) -> Requester | None:
        return next((requester for requester in self.requesters if requester.id == requester_id), None)

    def is_author(self, requester_id: str) -> bool:
        return requester_id in self.authors and self.requester(requester_id) is not None

    def rank(self, level: str | None) -> int:
        """The position of a level; an unknown level ranks as the most sensitive (fail safe)."""
        if level in self.classifications:
            return self.classifications.index(level)
        return len(self.classifications) - 1

    def level_of(self, classification: str | None) -> str:
        """The level a declared classification counts as: unclassified and unknown ones as configured/most sensitive."""
        if classification is None:
            return self.unclassified if self.unclassified is not None else self.classifications[-1]
        return classification if classification in self.classifications else self.classifications[-1]

    def highest(self, classifications: Iterable[str | None]) -> str:
        """The most sensitive level among the given classifications (an asset without properties: unclassified)."""
        levels = [self.level_of(value) for value in classifications] or [self.level_of(None)]
        return max(levels, key=self.rank)

    def to_dict(self) -> dict[str, Any]:
        """The canonical form: what decides, with defaults filled in and in an order that carries no meaning."""
        return {
            "version": 1,
            "purposes": sorted(self.purposes),
            "classifications": list(self.classifications),
            "unclassified": self.level_of(None),
            "custom-properties": sorted(self.custom_properties),
            "authors": sorted(self.authors),
            "requesters": [{"id": r.id, "type": r.type, "roles": sorted(r.roles)}
                           for r in sorted(self.requesters, key=lambda r: r.id)],
            "rules": [rule.to_dict() for rule in sorted(self.rules, key=lambda rule: rule.id)],
            "field-actions": [rule.to_dict() for rule in sorted(self.field_rules, key=lambda rule: rule.id)],
        }

    @property
    def hash(self) -> str:
        return "sha256:" + hashlib.sha256(canonical_json(self.to_dict()).encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """One byte sequence per value: sorted keys, no whitespace, non-ASCII escaped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def schema_problems(data: Any) -> list[tuple[str, str, bool]]:
    """(JSON pointer, message, at key) for every way `data` does not match the policy schema."""
    import jsonschema_rs

    from dativo_check.yamlio import schema_errors

    schema = policy_schema()
    validator = jsonschema_rs.Draft201909Validator(schema)
    found = schema_errors.problems(validator.iter_errors(data), schema_errors.vocabulary_of(schema),
                                   schema_errors.keys_hint("policy", schema))
    return [(problem.pointer, problem.message + (f" ({problem.hint})" if problem.hint else ""), problem.at_key)
            for problem in found]


def policy_schema() -> Any:
    from dativo_check.core import resources

    return resources.load_json_schema("context-policy.schema.json")


def from_data(data: Mapping[str, Any], source: str | None = None, line_of: Any = lambda pointer: 1) -> Policy:
    """A policy from data that matches the schema (`line_of` maps a JSON pointer to its line)."""
    requesters = tuple(Requester(entry["id"], entry["type"], frozenset(entry.get("roles", ())))
                       for entry in data.get("requesters", ()))
    return Policy(
        purposes=tuple(data.get("purposes", ())),
        requesters=requesters,
        rules=tuple(Rule(entry["id"], entry["effect"], tuple(entry["capabilities"]), _who(entry.get("requesters")),
                         tuple(entry.get("purposes", ())), _assets(entry.get("assets")), line_of(f"/rules/{index}"))
                    for index, entry in enumerate(data.get("rules", ()))),
        field_rules=tuple(FieldRule(entry["id"], entry["action"], _fields(entry["fields"]),
                                    _who(entry.get("requesters")), tuple(entry.get("purposes", ())),
                                    _assets(entry.get("assets")), line_of(f"/field-actions/{index}"))
                          for index, entry in enumerate(data.get("field-actions", ()))),
        classifications=tuple(data.get("classifications", CLASSIFICATIONS)),
        unclassified=data.get("unclassified"),
        custom_properties=tuple(data.get("custom-properties", ())),
        authors=tuple(data.get("authors", ())),
        source=source,
    )


def _who(data: Mapping[str, Any] | None) -> Who:
    data = data or {}
    return Who(tuple(data.get("ids", ())), tuple(data.get("types", ())), tuple(data.get("roles", ())))


def _assets(data: Mapping[str, Any] | None) -> AssetSelector:
    data = data or {}
    return AssetSelector(tuple(data.get("contracts", ())), tuple(data.get("domains", ())), tuple(data.get("tags", ())),
                         data.get("max-classification"), data.get("min-classification"))


def _fields(data: Mapping[str, Any]) -> FieldSelector:
    return FieldSelector(tuple(data.get("names", ())), tuple(data.get("classifications", ())),
                         data.get("min-classification"), tuple(data.get("tags", ())))
