"""Compare two policies by what they decide, not by their text: a change that widens who sees what is an error
(`policy-widens-access`, like a breaking change), one that narrows it is info (`policy-narrows-access`).

Both policies are evaluated for every requester either declares, every purpose either allows and every
capability, over the repository's contracts and over probe assets: one per combination of the contract-id globs,
domains, tags and classification levels either policy mentions. Probes catch a widening no current contract shows
yet (`max-classification: internal` -> `confidential` widens access even before a confidential contract exists).
Field actions are compared the same way on probe properties, and the custom property allow-list and the authors
(who may see how the policy decides, hidden assets included) by name.
"""

from __future__ import annotations

import fnmatch
import itertools
import string
from dataclasses import dataclass, field
from typing import Iterable

from dativo_check.context import rules as docs
from dativo_check.context.assets import Catalog
from dativo_check.context.decide import FieldPolicy, decide
from dativo_check.context.policy import ACTIONS, CAPABILITIES, AssetFacts, FieldFacts, Policy
from dativo_check.context.text import clean
from dativo_check.core.model import Finding

# Above this many probe assets the cheapest dimension (contract-id probes) is reduced to one.
MAX_PROBES = 20_000
_EXAMPLES = 3
# Characters tried, in this order, for a character class of a glob.
_CLASS_CANDIDATES = "x" + string.ascii_letters + string.digits + string.punctuation + " "


@dataclass
class _Change:
    """Everything one requester gains (or loses) of one kind, gathered over purposes, assets and properties."""

    purposes: set[str] = field(default_factory=set)
    assets: set[str] = field(default_factory=set)
    probes: set[AssetFacts] = field(default_factory=set)
    properties: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)

    def add(self, purpose: str, facts: AssetFacts, probe: bool, rules: Iterable[str], prop: str | None = None) -> None:
        self.purposes.add(purpose)
        if probe:
            self.probes.add(facts)
        else:
            self.assets.add(facts.id)
        self.rules.update(rule for rule in rules if rule)
        if prop is not None:
            self.properties.add(prop)


def diff(old: Policy, new: Policy, catalog: Catalog, new_file: str) -> list[Finding]:
    """Findings (in `new_file`, at the deciding rule where the new policy has it) for every widening and narrowing."""
    assets = [(facts, False) for facts in catalog.facts.values()] + [(facts, True) for facts in probes(old, new)]
    requesters = sorted({r.id for r in old.requesters} | {r.id for r in new.requesters})
    purposes = sorted(set(old.purposes) | set(new.purposes))
    changes: dict[tuple[bool, str, str], _Change] = {}
    for requester, purpose in itertools.product(requesters, purposes):
        for facts, probe in assets:
            before = decide(old, requester, purpose, facts)
            after = decide(new, requester, purpose, facts)
            for capability in CAPABILITIES:
                if after.allows(capability) != before.allows(capability):
                    widened = after.allows(capability)
                    rules = (after if widened else before).allowed_by[capability]
                    changes.setdefault((widened, requester, f"the {capability} capability"), _Change()).add(
                        purpose, facts, probe, rules)
            if before.allows("schema") and after.allows("schema"):
                _field_changes(old, new, requester, purpose, facts, probe, changes)
    findings = [_finding(new, new_file, widened, requester, what, change)
                for (widened, requester, what), change in sorted(changes.items(), key=lambda item: (
                    not item[0][0], item[0][1], item[0][2]))]
    return (findings + _named(old.custom_properties, new.custom_properties, new_file,
                              "custom property values newly shown", "custom property values no longer shown")
            + _named(old.authors, new.authors, new_file, "requesters newly allowed to explain decisions (hidden assets "
                     "included)", "requesters no longer allowed to explain decisions"))


def _field_changes(old: Policy, new: Policy, requester: str, purpose: str, facts: AssetFacts, probe: bool,
                   changes: dict[tuple[bool, str, str], _Change]) -> None:
    before_rules = FieldPolicy(old, requester, purpose, facts)
    after_rules = FieldPolicy(new, requester, purpose, facts)
    for prop in probe_fields(old, new):
        before, after = before_rules.judge(prop), after_rules.judge(prop)
        if before.action == after.action:
            continue
        widened = ACTIONS.index(after.action) < ACTIONS.index(before.action)
        what = f"{after.action} instead of {before.action} on properties"
        changes.setdefault((widened, requester, what), _Change()).add(
            purpose, facts, probe, (*before.rules, *after.rules), _describe_field(prop))


def _finding(policy: Policy, file: str, widened: bool, requester: str, what: str, change: _Change) -> Finding:
    declared = policy.requester(requester)
    kind = declared.type if declared is not None else "no longer declared"
    where = []
    if change.assets:
        real = sorted(clean(asset, 200) for asset in change.assets)  # ids come from contracts: printable only
        where.append(", ".join(real[:_EXAMPLES]) + (f" and {len(real) - _EXAMPLES} more" if len(real) > _EXAMPLES
                                                    else ""))
    if change.probes:
        example = min(_describe_asset(facts) for facts in change.probes)
        where.append(f"{len(change.probes)} probe asset(s) such as {example}")
    properties = sorted(change.properties)
    detail = ""
    if properties:
        detail = " " + "; ".join(properties[:_EXAMPLES]) + (f" and {len(properties) - _EXAMPLES} more kind(s)"
                                                              if len(properties) > _EXAMPLES else "")
    verb = "gets" if what.startswith(tuple(ACTIONS)) else ("gains" if widened else "loses")
    message = (f"requester {requester} ({kind}) {verb} {what}{detail} for purpose(s) "
               f"{', '.join(sorted(change.purposes))} on {'; '.join(where)}"
               + (f" (rules: {', '.join(sorted(change.rules))})" if change.rules else ""))
    line = min((rule.line for rule in (*policy.rules, *policy.field_rules) if rule.id in change.rules), default=1)
    return (docs.WIDENS if widened else docs.NARROWS).finding(file, message, line, 1)


def _named(old: tuple[str, ...], new: tuple[str, ...], new_file: str, added_text: str,
           removed_text: str) -> list[Finding]:
    """A list of names that grants something: a name added widens access, a name removed narrows it."""
    added, removed = sorted(set(new) - set(old)), sorted(set(old) - set(new))
    out = []
    if added:
        out.append(docs.WIDENS.finding(new_file, f"{added_text}: {', '.join(added)}", 1, 1))
    if removed:
        out.append(docs.NARROWS.finding(new_file, f"{removed_text}: {', '.join(removed)}", 1, 1))
    return out


# --- probes --------------------------------------------------------------------------------------------------------

def probes(old: Policy, new: Policy) -> list[AssetFacts]:
    """Synthetic assets covering every combination of the selector values either policy mentions."""
    selectors = [rule.assets for rule in (*old.rules, *new.rules, *old.field_rules, *new.field_rules)]
    ids = sorted({example_id(glob) for selector in selectors for glob in selector.contracts} | {"zz-probe"})
    domains: list[str | None] = [None, *sorted({d for selector in selectors for d in selector.domains})]
    mentioned = sorted({t for selector in selectors for t in selector.tags})
    tag_sets = [frozenset(), *(frozenset([tag]) for tag in mentioned)] + ([frozenset(mentioned)]
                                                                         if len(mentioned) > 1 else [])
    levels: list[str | None] = [None, *dict.fromkeys((*old.classifications, *new.classifications))]
    if len(ids) * len(domains) * len(tag_sets) * len(levels) > MAX_PROBES:
        ids = ["zz-probe"]
    return [AssetFacts(asset_id, domain, tags, frozenset([level]))
            for asset_id, domain, tags, level in itertools.product(ids, domains, tag_sets, levels)]


def probe_fields(old: Policy, new: Policy) -> list[FieldFacts]:
    selectors = [rule.fields for rule in (*old.field_rules, *new.field_rules)]
    names = sorted({example_id(glob) for selector in selectors for glob in selector.names} | {"zz_probe"})
    mentioned = sorted({t for selector in selectors for t in selector.tags})
    tag_sets = [frozenset(), *(frozenset([tag]) for tag in mentioned)]
    levels: list[str | None] = [None, *dict.fromkeys((*old.classifications, *new.classifications))]
    return [FieldFacts(name, name, level, tags) for name, tags, level in itertools.product(names, tag_sets, levels)]


def example_id(glob: str) -> str:
    """A name the glob matches (`fnmatch` rules): `*` and `?` become `x`, a character class the first candidate
    character it accepts, so that negated classes (`[!z]`) and ranges get a name they match too."""
    out = []
    index = 0
    while index < len(glob):
        end = _class_end(glob, index)
        if end is not None:
            out.append(next((char for char in _CLASS_CANDIDATES if fnmatch.fnmatchcase(char, glob[index:end + 1])),
                            ""))  # a class no candidate matches: the probe cannot match, other probes still run
            index = end + 1
            continue
        out.append("x" if glob[index] in "*?" else glob[index])
        index += 1
    return "".join(out)


def _class_end(glob: str, start: int) -> int | None:
    """Where the character class opening at `start` closes, as `fnmatch` reads it (`]` right after `[` or `[!` is
    part of the class); None when `start` opens no class (an unclosed `[` is a literal)."""
    if glob[start] != "[":
        return None
    index = start + 1
    if index < len(glob) and glob[index] == "!":
        index += 1
    if index < len(glob) and glob[index] == "]":
        index += 1
    end = glob.find("]", index)
    return None if end < 0 else end


def _describe_asset(facts: AssetFacts) -> str:
    level = next(iter(facts.classifications))
    return (f"(id {facts.id}, domain {facts.domain or '-'}, tags {', '.join(sorted(facts.tags)) or '-'}, "
            f"classification {level or 'unclassified'})")


def _describe_field(prop: FieldFacts) -> str:
    return (f"(name {prop.name}, classification {prop.classification or 'unclassified'}, tags "
            f"{', '.join(sorted(prop.tags)) or '-'})")
