"""Change rules: one module per kind of change, each documenting itself.

A rule module defines `ID`, `CATEGORY`, `KINDS` (the parts of a contract it looks at, see `diff.walk`),
`DIRECTION` (tightens, loosens, both, neutral), `FORWARD` and `BACKWARD` (safe, may-break, breaks: does the change
keep the forward or backward promise), `BUMP` (the bump the change needs when it breaks nothing under the active
mode; a change that breaks needs a major bump) and `detect(pair)`, which yields a `Delta` for each change it
recognises. The docstring explains the rule and shows a PASS and a FAIL example, each a base and a head fragment
separated by `---`.
"""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any, Iterator

from dativo_check.diff.normal import normalise
from dativo_check.model import Bump, Direction, Verdict
from dativo_check.ruledoc import Compatibility, RuleDoc, from_text

MODULES = (
    "documentation_changed",
    "tags_changed",
    "examples_changed",
    "authoritative_definitions_changed",
    "custom_property_changed",
    "team_changed",
    "roles_changed",
    "support_changed",
    "status_changed",
    "contract_retired",
    "api_version_changed",
    "price_changed",
    "schema_object_added",
    "schema_object_removed",
    "schema_object_renamed",
    "property_added",
    "property_added_required",
    "property_removed",
    "property_renamed",
    "physical_name_changed",
    "logical_type_changed",
    "physical_type_changed",
    "required_added",
    "required_removed",
    "unique_added",
    "unique_removed",
    "primary_key_changed",
    "constraint_tightened",
    "constraint_loosened",
    "classification_changed",
    "partitioning_changed",
    "transform_changed",
    "quality_rule_added",
    "quality_rule_removed",
    "quality_rule_tightened",
    "quality_rule_loosened",
    "server_added",
    "server_removed",
    "server_moved",
    "sla_tightened",
    "sla_loosened",
    "contract_deleted",
    "field_changed",
)


@dataclass(frozen=True)
class Delta:
    """One change a rule recognised; `forward`, `backward` and `direction` override the rule's defaults when the
    details decide (a widening type change is backward-safe, a narrowing one is not)."""

    pointer: str
    old: Any
    new: Any
    message: str
    hint: str
    forward: Verdict | None = None
    backward: Verdict | None = None
    direction: Direction | None = None


@dataclass(frozen=True)
class ChangeRule:
    doc: RuleDoc
    module: ModuleType
    kinds: tuple[str, ...]
    direction: Direction
    forward: Verdict
    backward: Verdict
    bump: Bump

    @property
    def id(self) -> str:
        return self.doc.id

    def detect(self, pair: Any) -> Iterator[Delta]:
        return self.module.detect(pair)



def _load(name: str) -> ChangeRule:
    module = importlib.import_module(f"{__name__}.{name}")
    forward, backward = Verdict(module.FORWARD), Verdict(module.BACKWARD)
    # The level shown in the catalogue is the level under the default (forward) mode.
    level = "error" if forward is Verdict.BREAKS else "warning" if forward is Verdict.MAY_BREAK else "info"
    doc = dataclasses.replace(from_text(module.ID, level, "change", module.CATEGORY, module.__doc__ or ""),
                              compatibility=Compatibility(module.DIRECTION, module.FORWARD, module.BACKWARD,
                                                          module.BUMP))
    return ChangeRule(doc, module, tuple(module.KINDS), Direction(module.DIRECTION), forward, backward,
                      Bump(module.BUMP))


@lru_cache(maxsize=None)
def all_rules() -> tuple[ChangeRule, ...]:
    return tuple(_load(name) for name in MODULES)


def changed(pair: Any, key: str) -> bool:
    """Whether a key's value differs between the two sides (both sides present), ignoring the order of entries."""
    if pair.base is None or pair.head is None:
        return False
    old, new = pair.old(key), pair.new(key)
    return old != new and normalise(old, key) != normalise(new, key)


def subject(pair: Any) -> str:
    """How a message names the part a pair is about."""
    if pair.kind == "contract":
        return "the contract"
    if pair.kind == "property":
        return f"property {pair.parent}.{pair.label}" if pair.parent else f"property {pair.label}"
    if pair.kind == "quality":
        return f"quality rule {pair.label!r} of {pair.parent}"
    return f"{pair.kind.replace('-', ' ')} {pair.label}"


def key_pointer(pair: Any, key: str) -> str:
    side = pair.head or pair.base
    return f"{side.pointer}/{key}"


def field_deltas(pair: Any, keys: tuple[str, ...], what: str, hint: str) -> Iterator[Delta]:
    """One delta per key whose value differs between the two sides of a matched pair."""
    for key in keys:
        if changed(pair, key):
            old, new = pair.old(key), pair.new(key)
            verb = "added" if old is None else "removed" if new is None else "changed"
            yield Delta(key_pointer(pair, key), old, new, f"{subject(pair)}: {what} {key} {verb}", hint)


def entry_delta(pair: Any, what: str, hint: str) -> Iterator[Delta]:
    """One delta for an entry of a keyed list (team member, role, support channel) that was added, removed or edited."""
    if pair.added:
        yield Delta(pair.pointer, None, dict(pair.head.data), f"{what} {pair.label} added", hint)
    elif pair.removed:
        yield Delta(pair.pointer, dict(pair.base.data), None, f"{what} {pair.label} removed", hint)
    elif normalise(dict(pair.base.data)) != normalise(dict(pair.head.data)):
        keys = sorted(key for key in set(pair.base.data) | set(pair.head.data) if changed(pair, key))
        yield Delta(pair.pointer, dict(pair.base.data), dict(pair.head.data),
                    f"{what} {pair.label} changed ({', '.join(keys)})", hint)


def directional_deltas(moves: Iterator[tuple[str, Any, Any, Direction]], stricter: bool, pointer: str,
                       what: str, hint: str) -> Iterator[Delta]:
    """Deltas for the moves that go one way: stricter ones, or looser and different ones.

    A different (not just looser) value accepts other values than before, so old data may fail it too.
    """
    for key, old, new, direction in moves:
        if (direction is Direction.TIGHTENS) != stricter:
            continue
        other = direction is Direction.BOTH
        word = "stricter" if stricter else "different" if other else "looser"
        yield Delta(f"{pointer}/{key}", old, new, f"{what}: {key} {_shown(old)} -> {_shown(new)} ({word})", hint, backward=Verdict.MAY_BREAK if other else None,
                    direction=None if stricter else direction)


def _shown(value: Any) -> str:
    return "unset" if value is None else str(value)
