"""Lint a schema-valid policy: the mistakes a JSON Schema cannot see, each at its line.

Duplicate or reserved ids, requesters, purposes and classification levels a rule names but the policy does not
declare, and rules that can never take effect.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from dativo_check.context import rules as docs
from dativo_check.context.policy import RESERVED_IDS, AssetSelector, Policy, Rule, Who
from dativo_check.core.model import Finding


def lint(policy: Policy, document: Any) -> list[Finding]:
    """Every lint finding of `policy`, read from `document` (the loaded YAML, for lines)."""
    data = document.data
    file = document.file

    def at(rule: Any, pointer: str, message: str, hint: str | None = None) -> Finding:
        line, column = document.locate(pointer)
        return rule.finding(file, message, line, column, pointer, hint)

    found = list(_duplicates(data, at))
    entries = [(f"/rules/{index}", entry) for index, entry in enumerate(data.get("rules", ()))]
    entries += [(f"/field-actions/{index}", entry) for index, entry in enumerate(data.get("field-actions", ()))]
    known = {requester.id for requester in policy.requesters}
    for pointer, entry in entries:
        for index, requester_id in enumerate(entry.get("requesters", {}).get("ids", ())):
            if requester_id not in known:
                found.append(at(docs.UNKNOWN_REQUESTER, f"{pointer}/requesters/ids/{index}",
                                f"rule {entry['id']} names requester {requester_id!r}, which the policy does not "
                                "declare", _suggest(requester_id, known, "declare it under requesters")))
        for index, purpose in enumerate(entry.get("purposes", ())):
            if purpose not in policy.purposes:
                found.append(at(docs.UNKNOWN_PURPOSE, f"{pointer}/purposes/{index}",
                                f"rule {entry['id']} names purpose {purpose!r}, which is not in purposes",
                                _suggest(purpose, policy.purposes, "add it to purposes")))
        found.extend(_unknown_levels(entry, pointer, policy, at))
    for index, author in enumerate(data.get("authors", ())):
        if author not in known:
            found.append(at(docs.UNKNOWN_REQUESTER, f"/authors/{index}",
                            f"authors names requester {author!r}, which the policy does not declare",
                            _suggest(author, known, "declare it under requesters")))
    if "unclassified" in data and data["unclassified"] not in policy.classifications:
        found.append(at(docs.UNKNOWN_CLASSIFICATION, "/unclassified",
                        f"unclassified level {data['unclassified']!r} is not in classifications"))
    found.extend(_never_matching(policy, data, at))
    return found


def _duplicates(data: Any, at: Any) -> Iterator[Finding]:
    requester_ids: set[str] = set()
    for index, entry in enumerate(data.get("requesters", ())):
        if entry["id"] in requester_ids:
            yield at(docs.DUPLICATE_ID, f"/requesters/{index}/id", f"requester id {entry['id']!r} is declared twice")
        requester_ids.add(entry["id"])
    rule_ids: set[str] = set()
    for section in ("rules", "field-actions"):
        for index, entry in enumerate(data.get(section, ())):
            rule_id = entry["id"]
            if rule_id in RESERVED_IDS:
                yield at(docs.DUPLICATE_ID, f"/{section}/{index}/id",
                         f"rule id {rule_id!r} is reserved for a built-in decision; choose another id")
            elif rule_id in rule_ids:
                yield at(docs.DUPLICATE_ID, f"/{section}/{index}/id",
                         f"rule id {rule_id!r} is used twice; decisions and audit lines name rules by id")
            rule_ids.add(rule_id)


def _unknown_levels(entry: Any, pointer: str, policy: Policy, at: Any) -> Iterator[Finding]:
    named = [(f"{pointer}/assets/{key}", entry.get("assets", {}).get(key))
             for key in ("max-classification", "min-classification")]
    fields = entry.get("fields", {})
    named.append((f"{pointer}/fields/min-classification", fields.get("min-classification")))
    named += [(f"{pointer}/fields/classifications/{index}", level)
              for index, level in enumerate(fields.get("classifications", ()))]
    for where, level in named:
        if level is not None and level not in policy.classifications:
            yield at(docs.UNKNOWN_CLASSIFICATION, where,
                     f"rule {entry['id']} names classification {level!r}, which is not one of "
                     f"{', '.join(policy.classifications)}", _suggest(level, policy.classifications, None))


def _never_matching(policy: Policy, data: Any, at: Any) -> Iterator[Finding]:
    everyone = policy.requesters
    for index, rule in enumerate((*policy.rules, *policy.field_rules)):
        section = "rules" if index < len(policy.rules) else "field-actions"
        pointer = f"/{section}/{index if section == 'rules' else index - len(policy.rules)}"
        if not _matched_requesters(rule.who, everyone):
            yield at(docs.NEVER_MATCHES, pointer + "/requesters",
                     f"rule {rule.id} matches no declared requester ({_describe(rule.who)})")
        selector = rule.assets
        if (selector.max_classification in policy.classifications
                and selector.min_classification in policy.classifications
                and policy.rank(selector.min_classification) > policy.rank(selector.max_classification)):
            yield at(docs.NEVER_MATCHES, pointer + "/assets",
                     f"rule {rule.id} selects assets at least {selector.min_classification} and at most "
                     f"{selector.max_classification}: there are none")
    denies = [rule for rule in policy.rules if rule.effect == "deny"]
    for index, rule in enumerate(policy.rules):
        if rule.effect != "allow" or not _matched_requesters(rule.who, everyone):
            continue
        shadows = _shadowing(rule, denies, policy)
        if shadows:
            yield at(docs.NEVER_MATCHES, f"/rules/{index}",
                     f"allow rule {rule.id} never takes effect: deny rule(s) {', '.join(shadows)} override it for "
                     "every request it matches")


def _matched_requesters(who: Who, requesters: Sequence[Any]) -> list[Any]:
    return [requester for requester in requesters if who.mismatch(requester) is None]


def _shadowing(allow: Rule, denies: Sequence[Rule], policy: Policy) -> list[str]:
    """The deny rules that together override `allow` on every capability for every request it matches."""
    requesters = {requester.id for requester in _matched_requesters(allow.who, policy.requesters)}
    used: set[str] = set()
    for capability in allow.capabilities:
        cover = next((deny for deny in denies if capability in deny.capabilities
                      and requesters <= {r.id for r in _matched_requesters(deny.who, policy.requesters)}
                      and (not deny.purposes or (allow.purposes and set(allow.purposes) <= set(deny.purposes)))
                      and _covers(deny.assets, allow.assets, policy)), None)
        if cover is None:
            return []
        used.add(cover.id)
    return sorted(used)


def _covers(outer: AssetSelector, inner: AssetSelector, policy: Policy) -> bool:
    """Whether every asset `inner` selects is selected by `outer` (judged conservatively: unsure means no)."""
    def within(wide: tuple[str, ...], narrow: tuple[str, ...]) -> bool:
        return not wide or bool(narrow) and set(narrow) <= set(wide)

    return ((not outer.contracts or "*" in outer.contracts or within(outer.contracts, inner.contracts))
            and within(outer.domains, inner.domains) and within(outer.tags, inner.tags)
            and (outer.max_classification is None or inner.max_classification is not None
                 and policy.rank(inner.max_classification) <= policy.rank(outer.max_classification))
            and (outer.min_classification is None or inner.min_classification is not None
                 and policy.rank(inner.min_classification) >= policy.rank(outer.min_classification)))


def _describe(who: Who) -> str:
    parts = [f"{key} {', '.join(values)}" for key, values in (("ids", who.ids), ("types", who.types),
                                                              ("roles", who.roles)) if values]
    return "; ".join(parts) or "every requester, but none is declared"


def _suggest(value: str, known: Any, fallback: str | None) -> str | None:
    import difflib

    close = difflib.get_close_matches(value, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else fallback
