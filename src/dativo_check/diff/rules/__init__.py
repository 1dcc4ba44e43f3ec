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
from dativo_check.core.model import Bump, Direction, Verdict
from dativo_check.core.ruledoc import Compatibility, RuleDoc, from_text, verdict_level

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
    "contract_deprecated",
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

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def compatibility(self) -> Compatibility:
        assert self.doc.compatibility is not None
        return self.doc.compatibility

    def detect(self, pair: Any) -> Iterator[Delta]:
        return self.module.detect(pair)


def _load(name: str) -> ChangeRule:
    module = importlib.import_module(f"{__name__}.{name}")
    compatibility = Compatibility(Direction(module.DIRECTION), Verdict(module.FORWARD), Verdict(module.BACKWARD),
                                  Bump(module.BUMP))
    # The level shown in the catalogue is the level under the default (forward) mode.
    level = verdict_level(compatibility.verdict("forward"))
    doc = dataclasses.replace(from_text(module.ID, level.value, "change", module.CATEGORY, module.__doc__ or ""),
                              compatibility=compatibility)
    return ChangeRule(doc, module, tuple(module.KINDS))


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


def flag_delta(pair: Any, key: str, switched_on: bool, hint: str) -> Iterator[Delta]:
    """One delta when a yes/no promise of a property (`required`, `unique`) was switched on, or off."""
    if pair.base is None or pair.head is None:
        return
    old, new = pair.old(key), pair.new(key)
    if (old is True) != (new is True) and (new is True) == switched_on:
        yield Delta(key_pointer(pair, key), old, new,
                    f"{subject(pair)} is {'now' if switched_on else 'no longer'} {key}", hint)


def entry_delta(pair: Any, what: str, hint: str, key: str | None = None) -> Iterator[Delta]:
    """One delta for an entry of a keyed list (team member, role, support channel) that was added, removed or edited.

    With `key` the delta shows that key's value (a custom property's `value`) instead of the whole entry."""
    def shown(side: Any) -> Any:
        return dict(side.data) if key is None else side.data.get(key)

    if pair.added:
        yield Delta(pair.pointer, None, shown(pair.head), f"{what} {pair.label} added", hint)
    elif pair.removed:
        yield Delta(pair.pointer, shown(pair.base), None, f"{what} {pair.label} removed", hint)
    elif normalise(dict(pair.base.data)) != normalise(dict(pair.head.data)):
        if key is None:
            keys = sorted(name for name in set(pair.base.data) | set(pair.head.data) if changed(pair, name))
            pointer, message = pair.pointer, f"{what} {pair.label} changed ({', '.join(keys)})"
        else:
            pointer, message = f"{pair.pointer}/{key}", f"{what} {pair.label} changed"
        yield Delta(pointer, shown(pair.base), shown(pair.head), message, hint)


def looser_delta(pointer: str, old: Any, new: Any, message: str, hint: str, direction: Direction) -> Delta:
    """A delta for a move that promises less (LOOSENS) or something else (BOTH).

    A different (not just looser) value accepts other values than before, so old data may fail it too.
    """
    return Delta(pointer, old, new, message, hint, backward=Verdict.MAY_BREAK if direction is Direction.BOTH else None,
                 direction=direction)


def directional_deltas(moves: Iterator[tuple[str, Any, Any, Direction]], stricter: bool, pointer: str,
                       what: str, hint: str) -> Iterator[Delta]:
    """Deltas for the moves that go one way: stricter ones, or looser and different ones."""
    for key, old, new, direction in moves:
        if (direction is Direction.TIGHTENS) != stricter:
            continue
        word = "stricter" if stricter else "different" if direction is Direction.BOTH else "looser"
        message = f"{what}: {key} {_shown(old)} -> {_shown(new)} ({word})"
        if stricter:
            yield Delta(f"{pointer}/{key}", old, new, message, hint)
        else:
            yield looser_delta(f"{pointer}/{key}", old, new, message, hint, direction)


def _shown(value: Any) -> str:
    return "unset" if value is None else str(value)
