"""The context service: one requester, one policy, one catalogue; every request decided, built, bounded, audited.

The requester is fixed when the service is opened (from the command line or the environment, by the CLI), never
taken from a request. Each request runs the same stages: decide -> build from the allow-list -> bound the size ->
append the audit line -> answer. When the audit line cannot be written the request raises `AuditError` and its
response is dropped, so nothing is ever answered without a record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Callable, Sequence

from dativo_check.config import Config, ContextSettings
from dativo_check.context import document as build
from dativo_check.context.assets import Catalog, field_facts
from dativo_check.context.audit import AuditLog, now
from dativo_check.context.bound import bound, response_hash
from dativo_check.context.decide import Decision, FieldPolicy, decide
from dativo_check.context.policy import (AUTHORS_ONLY, CAPABILITIES, DEFAULT_DENY, POLICY_UNUSABLE,
                                         PURPOSE_NOT_ALLOWED, UNKNOWN_REQUESTER, Policy, PolicyError)
from dativo_check.context.text import clean
from dativo_check.contract.model import mapping

FORMAT_VERSION = 1
SEARCH_LIMIT = 20
NO_POLICY = ("no context policy is configured, so every request is denied: write a policy (see docs/ai-context.md) "
             "and name it with `context.policy` in the configuration, or pass --policy FILE")


@dataclass(frozen=True)
class Response:
    """A response document and how the request was decided; a listing also keeps the exact ids of the assets it
    lists (the document shows them cleaned for display)."""

    document: dict[str, Any]
    assets: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.document.get("decision") == "allow"


def _shipped_prices() -> tuple[Any, Any]:
    """The finops inputs of a service outside a repository: the shipped prices and no measured runs."""
    from dativo_check.finops.metrics import History
    from dativo_check.finops.pricing import load_pricing

    return load_pricing(), History()


class ContextService:
    """`unusable`: why the configured policy cannot be used; every request is then refused (and audited).
    `configured` False: no policy was configured at all; every request is then denied (and audited), saying so.
    `finops_inputs` gives the prices and the run-metrics history, as `finops.pricing.inputs` does."""

    def __init__(self, policy: Policy, requester: str, catalog: Catalog, audit: AuditLog,
                 settings: ContextSettings = ContextSettings(),
                 finops_inputs: Callable[[], tuple[Any, Any]] = _shipped_prices, clock: Callable[[], str] = now,
                 unusable: str | None = None, configured: bool = True) -> None:
        self.policy = policy
        self.unusable = unusable
        self.configured = configured
        self.requester = requester
        self.catalog = catalog
        self.audit = audit
        self.settings = settings
        # no hash for a policy that cannot be used: it decides nothing
        self.policy_hash = None if unusable else policy.hash
        self._finops_inputs = finops_inputs
        self._clock = clock
        self._search_text: dict[tuple[str, str], tuple[str, str]] = {}

    @cached_property
    def _finops(self) -> tuple[Any, Any]:
        """Prices and run history, read on the first cost request: the whole history is too much to read for a
        search or an explain that never shows a cost."""
        return self._finops_inputs()

    # --- decisions (no audit: internal, and for policy tests) ------------------------------------------------------

    def decision(self, asset_id: str, purpose: str) -> Decision:
        return decide(self.policy, self.requester, purpose, self.catalog.facts.get(asset_id))

    # --- requests ----------------------------------------------------------------------------------------------------

    def get(self, asset_id: str, purpose: str, action: str = "get") -> Response:
        """The context of one asset: every section the requester's capabilities allow."""
        return self._asset_request(action, asset_id, purpose, CAPABILITIES, summary=True)

    def lineage(self, asset_id: str, purpose: str) -> Response:
        return self._asset_request("lineage", asset_id, purpose, ("lineage",), summary=False)

    def cost(self, asset_id: str, purpose: str) -> Response:
        return self._asset_request("cost", asset_id, purpose, ("finops",), summary=False)

    def search(self, query: str, purpose: str, limit: int | None = SEARCH_LIMIT) -> Response:
        """Visible assets whose visible text contains every word of `query` (all visible assets for an empty one).

        Only text the requester could read in the asset's own context is searched, so a search cannot reveal a
        hidden asset, nor an omitted or redacted property, by what it matches.
        """
        words = clean(query, self.settings.max_text).lower().split()
        return self._listing("search", clean(query, self.settings.max_text), purpose, words, limit, bounded=True)

    def index(self, purpose: str, action: str = "bundle-index") -> Response:
        """Every visible asset (the bundle's index); not size-bounded, since it is written to files, not answered."""
        return self._listing(action, "*", purpose, [], None, bounded=False)

    def explain(self, asset_id: str, purpose: str, subject: str | None = None) -> Response:
        """How the policy decides for `subject` (default: the requester) on one asset, rule by rule, and the action
        on each property: no context. Only the policy's authors may ask, since the answer shows an asset's facts
        even when the asset is hidden; anyone else gets the same denial whatever the asset (so a hidden asset looks
        like a missing one), and agents do not get it over MCP at all."""
        subject = subject or self.requester
        self._refuse_if_unusable("explain", asset_id, purpose)
        document = self._envelope("explain", purpose) | {"asset": clean(asset_id, self.settings.max_text),
                                                         "for": clean(subject, self.settings.max_text)}
        if not self.configured:
            return self._deny_unconfigured(document, "explain", asset_id, purpose, bounded=False, subject=subject)
        if not self.policy.is_author(self.requester):
            document |= self._not_an_author()
            return self._answer(document, "explain", asset_id, purpose, document["rules"], bounded=False,
                                subject=subject)
        decision = decide(self.policy, subject, purpose, self.catalog.facts.get(asset_id))
        facts = self.catalog.facts.get(asset_id)
        document |= {
            "decision": "allow" if decision.visible else "deny",
            "capabilities": list(decision.granted),
            "rules": list(decision.rules_for()),
            "allowed_by": {key: list(value) for key, value in decision.allowed_by.items()},
            "denied_by": {key: list(value) for key, value in decision.denied_by.items()},
            "trace": [step.to_dict() | {"reason": clean(step.reason, self.settings.max_text)}
                      for step in decision.trace],
            "facts": None if facts is None else {
                "domain": facts.domain and clean(facts.domain, self.settings.max_text),
                "tags": sorted(clean(tag, self.settings.max_text) for tag in facts.tags),
                "highestClassification": self.policy.highest(facts.classifications)},
            "fields": [entry | {"path": clean(entry["path"], self.settings.max_text)}
                       for entry in field_actions(self.policy, subject, purpose, self.catalog, asset_id)]
            if decision.visible else [],
        }
        return self._answer(document, "explain", asset_id, purpose, decision.rules_for(), bounded=False,
                            subject=subject)

    def _not_an_author(self) -> dict[str, Any]:
        if self.policy.requester(self.requester) is None:
            return {"decision": "deny", "reason": f"requester {self.requester} is not declared in the policy",
                    "rules": [UNKNOWN_REQUESTER]}
        return {"decision": "deny", "reason": "explain shows how the policy decides, hidden assets included: only "
                                              "the requesters the policy names as authors may ask",
                "rules": [AUTHORS_ONLY]}

    # --- stages ------------------------------------------------------------------------------------------------------

    def _envelope(self, action: str, purpose: str) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "action": action, "requester": self.requester,
                "purpose": clean(purpose, self.settings.max_text), "policy_hash": self.policy_hash,
                "redactions": [], "truncated": False}

    def _refuse_if_unusable(self, action: str, resource: str, purpose: str) -> None:
        """A policy with errors decides nothing: the request is audited as refused by `policy-unusable`, then fails
        with the policy's problems."""
        if self.unusable is None:
            return
        document = self._envelope(action, purpose) | {"decision": "deny", "reason": self.unusable,
                                                      "rules": [POLICY_UNUSABLE]}
        self._answer(document, action, resource, purpose, (POLICY_UNUSABLE,), bounded=False)
        raise PolicyError(self.unusable)

    def _deny_unconfigured(self, document: dict[str, Any], action: str, resource: str, purpose: str,
                           bounded: bool = True, subject: str | None = None) -> Response:
        """Without any policy nothing is allowed (`default-deny`); the denial says what is missing, since neither
        the requester nor the asset is the reason."""
        document = document | {"decision": "deny", "reason": NO_POLICY, "rules": [DEFAULT_DENY]}
        return self._answer(document, action, resource, purpose, (DEFAULT_DENY,), bounded, subject)

    def _asset_request(self, action: str, asset_id: str, purpose: str, wanted: tuple[str, ...],
                       summary: bool) -> Response:
        self._refuse_if_unusable(action, asset_id, purpose)
        document = self._envelope(action, purpose) | {"asset": clean(asset_id, self.settings.max_text)}
        if not self.configured:
            return self._deny_unconfigured(document, action, asset_id, purpose)
        decision = self.decision(asset_id, purpose)
        rules = decision.rules_for(wanted)
        granted = [capability for capability in wanted if decision.allows(capability)]
        if not granted:
            document |= self._denial(decision, wanted)
            return self._answer(document, action, asset_id, purpose, rules)
        contract = self.catalog.contracts[asset_id]
        manifest = build.Manifest()
        view = build.View(self.policy, decision,
                          FieldPolicy(self.policy, self.requester, purpose, self.catalog.facts[asset_id]),
                          self.settings.max_text)
        document |= {"decision": "allow", "capabilities": granted, "rules": list(rules)}
        if summary:
            document["contract"] = build.summary(contract, view, manifest)
        for capability in wanted:
            if capability not in granted:
                manifest.add(decision.denied_by[capability], capability, "asset")
            elif capability == "schema":
                document["schema"] = build.schema(contract, view, manifest)
            elif capability == "governance":
                highest = self.policy.highest(self.catalog.facts[asset_id].classifications)
                document["governance"] = build.governance(contract, view, manifest, highest)
            elif capability == "lineage":
                document["lineage"] = self._lineage(asset_id, purpose, manifest)
            elif capability == "finops":
                document["finops"] = build.finops(contract, *self._finops)
        document["redactions"] = manifest.entries()
        return self._answer(document, action, asset_id, purpose, rules)

    def _denial(self, decision: Decision, wanted: tuple[str, ...]) -> dict[str, Any]:
        """A denial says why only when that reveals nothing about the asset: an undeclared requester, a purpose
        outside the allowed list, or a capability withheld on an asset the requester can see. Otherwise a hidden
        asset and one that does not exist get the same answer, and the deciding rules go only to the audit log."""
        out: dict[str, Any] = {"decision": "deny"}
        built_in = decision.denied_by.get(wanted[0], ())
        if built_in == (UNKNOWN_REQUESTER,):
            out |= {"reason": f"requester {self.requester} is not declared in the policy", "rules": [UNKNOWN_REQUESTER]}
        elif built_in == (PURPOSE_NOT_ALLOWED,):
            out |= {"reason": "the purpose is not one of the policy's purposes: " + ", ".join(self.policy.purposes),
                    "rules": [PURPOSE_NOT_ALLOWED]}
        elif decision.visible:
            out |= {"reason": f"{', '.join(wanted)} is not granted on this asset",
                    "rules": list(decision.rules_for(wanted))}
        else:
            out["reason"] = "no asset with this id is visible to this requester for this purpose"
        return out

    def _lineage(self, asset_id: str, purpose: str, manifest: build.Manifest) -> dict[str, Any]:
        decisions: dict[str, Decision] = {}

        def decision_of(contract_id: str) -> Decision | None:
            if contract_id not in self.catalog.contracts:
                return None
            if contract_id not in decisions:
                decisions[contract_id] = self.decision(contract_id, purpose)
            return decisions[contract_id]

        def owners_of(contract_id: str) -> list[str]:
            return [owner for owner in self.catalog.contracts[contract_id].owners if owner != "?"]

        def describe(node: Any, depth: int) -> dict[str, Any]:
            return build.lineage_node(node, depth, decision_of, owners_of, self.settings.max_text, manifest)

        return build.lineage(asset_id, self.catalog.graph, describe, lambda node: build.hidden_node(node, decision_of))

    def _listing(self, action: str, resource: str, purpose: str, words: list[str], limit: int | None,
                 bounded: bool) -> Response:
        self._refuse_if_unusable(action, resource, purpose)
        document = self._envelope(action, purpose)
        if not self.configured:
            return self._deny_unconfigured(document, action, resource, purpose, bounded)
        probe = self.decision("", purpose)
        if probe.denied_by.get("schema") in ((UNKNOWN_REQUESTER,), (PURPOSE_NOT_ALLOWED,)):
            document |= self._denial(probe, ("schema",))
            return self._answer(document, action, resource, purpose, probe.rules_for(), bounded)
        found = []
        for asset_id in self.catalog.ids():
            decision = self.decision(asset_id, purpose)
            if not decision.visible:
                continue
            score = self._score(asset_id, decision, purpose, words)
            if score:
                found.append((score, asset_id, decision))
        found.sort(key=lambda entry: (-entry[0], entry[1]))
        chosen = found if limit is None else found[:limit]
        results = []
        for score, asset_id, decision in chosen:
            contract = self.catalog.contracts[asset_id]
            entry = {"id": clean(asset_id, self.settings.max_text), "capabilities": list(decision.granted),
                     "score": score}
            for key, value in (("name", contract.name), ("domain", contract.domain),
                               ("description", mapping(contract.get("description")).get("purpose"))):
                if isinstance(value, str):
                    entry[key] = clean(value, self.settings.max_text)
            results.append(entry)
        rules = sorted({rule for _, _, decision in chosen for rule in decision.rules_for()})
        document |= {"decision": "allow", "rules": rules, "results": results, "total": len(found)}
        answered = self._answer(document, action, resource, purpose, tuple(rules), bounded)
        return Response(answered.document, tuple(asset_id for _, asset_id, _ in chosen))

    def _score(self, asset_id: str, decision: Decision, purpose: str, words: list[str]) -> int:
        """How often the words occur in what the requester may read of the asset (id and name count triple); 0 when
        a word is missing. Built with the same allow-list and field actions as the asset's context."""
        if not words:
            return 1
        names, body = self._readable(asset_id, purpose, decision)
        score = 0
        for word in words:
            hits = body.count(word) + 2 * names.count(word)
            if not hits:
                return 0
            score += hits
        return score

    def _readable(self, asset_id: str, purpose: str, decision: Decision) -> tuple[str, str]:
        """The searchable text of an asset: its id and name, and everything the requester may read of its summary
        and schema (cached: the service answers from one snapshot of policy and contracts)."""
        key = (asset_id, purpose)
        if key not in self._search_text:
            contract = self.catalog.contracts[asset_id]
            view = build.View(self.policy, decision,
                              FieldPolicy(self.policy, self.requester, purpose, self.catalog.facts[asset_id]),
                              self.settings.max_text)
            discard = build.Manifest()
            readable = build.summary(contract, view, discard)
            if decision.allows("schema"):
                readable["schema"] = build.schema(contract, view, discard)
            self._search_text[key] = (" ".join(str(readable.get(name, "")) for name in ("id", "name")).lower(),
                                      " ".join(build.strings(readable)).lower())
        return self._search_text[key]

    def _answer(self, document: dict[str, Any], action: str, resource: str, purpose: str, rules: Sequence[str],
                bounded: bool = True, subject: str | None = None) -> Response:
        """Audit, then answer; an explain line also names whose access was explained (`subject`)."""
        if bounded:
            document = bound(document, self.settings.max_response_bytes)
        record = {
            "time": self._clock(), "requester": self.requester, "purpose": clean(purpose, self.settings.max_text),
            "action": action, "resource": clean(resource, self.settings.max_text),
            "decision": document.get("decision", "deny"), "rules": sorted(rules), "policy_hash": self.policy_hash,
            "redactions": [[entry["rule"], entry["withheld"], entry["count"]]
                           for entry in document.get("redactions", ())],
            "response_hash": response_hash(document),
        }
        if subject is not None:
            record["subject"] = clean(subject, self.settings.max_text)
        self.audit.append(record)
        return Response(document)


def field_actions(policy: Policy, requester: str, purpose: str, catalog: Catalog,
                  asset_id: str) -> list[dict[str, Any]]:
    """Every property of an asset, in contract order, with the action the policy takes on it (for explain and
    policy tests; context documents apply the same judgement while they are built)."""
    from dativo_check.context.decide import SHOW

    contract = catalog.contracts.get(asset_id)
    if contract is None:
        return []
    fields = FieldPolicy(policy, requester, purpose, catalog.facts[asset_id])
    out = []

    def visit(prop: Any, floor: Any) -> None:
        judged = fields.judge(field_facts(prop), floor)
        out.append({"path": prop.path, "action": judged.action, "rules": list(judged.rules)})
        for child in prop.children:
            visit(child, judged)

    for obj in contract.schema:
        for prop in obj.properties:
            visit(prop, SHOW)
    return out


def open_service(config: Config, requester: str, policy_path: str | None = None, audit_path: str | None = None,
                 contracts: Sequence[str] = ()) -> tuple[ContextService, tuple[Any, ...]]:
    """A service over the repository of `config`, and the policy's lint warnings.

    `policy_path`/`audit_path` default to the configuration's `context.policy` and `context.audit` (relative to the
    repository root). Without any policy every request is denied (and still audited); with a policy that cannot be
    used every request is refused with its problems (and still audited).
    """
    from dativo_check.context.assets import from_repository
    from dativo_check.context.policy_file import read_policy
    from dativo_check.finops.pricing import inputs

    settings = config.context
    policy_file = policy_path or (str(config.root / settings.policy) if settings.policy else None)
    try:
        policy, warnings = read_policy(policy_file)
        unusable = None
    except PolicyError as error:
        policy, warnings, unusable = Policy(), (), str(error)
    catalog = from_repository(config, contracts)
    audit = AuditLog(Path(audit_path) if audit_path else config.root / settings.audit)
    return ContextService(policy, requester, catalog, audit, settings, partial(inputs, config),
                          unusable=unusable, configured=policy_file is not None), warnings
