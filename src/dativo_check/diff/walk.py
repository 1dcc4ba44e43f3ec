"""Match the parts of two contract versions by identity, so that change rules compare like with like.

Schema objects and properties match by `name` (nested properties too), servers by `server`, SLA entries by
`property` and `element`, team members by `username`, roles by `role`, support channels by `channel`, quality rules
by `id`, `name`, rule or metric and query, custom properties by `property`. Order never matters. A property or
schema object that disappears while another appears at the same position with the same types, or with the same
`physicalName`, is one rename rather than a removal and an addition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

from dativo_check.contract.model import items, mapping, text

# Parts of a contract, in the order their pairs are produced.
CONTRACT = "contract"
OBJECT = "schema-object"
PROPERTY = "property"
SERVER = "server"
SLA = "sla"
QUALITY = "quality"
TEAM = "team-member"
ROLE = "role"
SUPPORT = "support"
CUSTOM = "custom-property"


def _sla_identity(sla: Mapping[str, Any]) -> str | None:
    name = text(sla.get("property"))
    element = text(sla.get("element"))
    return f"{name} ({element})" if name and element else name


def _quality_identity(rule: Mapping[str, Any]) -> str | None:
    for key in ("id", "name"):
        if text(rule.get(key)):
            return f"{key}={rule[key]}"
    what = text(rule.get("metric")) or text(rule.get("rule"))
    query = text(rule.get("query"))
    if what or query:
        return " ".join(part for part in (what, query and " ".join(query.split())) if part)
    return None


def _member_identity(member: Mapping[str, Any]) -> str | None:
    return text(member.get("username")) or text(member.get("name"))


def _by(key: str) -> Callable[[Mapping[str, Any]], str | None]:
    return lambda entry: text(entry.get(key))


# What makes an entry of each keyed list the same entry in two versions (None: it has no identity and pairs by
# position). Matching pairs by it, and the normalised form (`diff.normal`) orders the lists by it.
IDENTITY: Mapping[str, Callable[[Mapping[str, Any]], str | None]] = {
    "schema": _by("name"),
    "properties": _by("name"),
    "servers": _by("server"),
    "slaProperties": _sla_identity,
    "team": _member_identity,
    "members": _member_identity,
    "roles": _by("role"),
    "support": _by("channel"),
    "customProperties": _by("property"),
    "quality": _quality_identity,
}


@dataclass(frozen=True)
class Side:
    """One side of a pair: the data and where it is (JSON pointer) in its file."""

    data: Mapping[str, Any]
    pointer: str
    index: int = 0


@dataclass(frozen=True)
class Pair:
    """A part of the contract in both versions; `base` is None when it was added, `head` when it was removed."""

    kind: str
    label: str
    base: Side | None
    head: Side | None
    renamed: bool = False
    parent: str = ""

    @property
    def added(self) -> bool:
        return self.base is None

    @property
    def removed(self) -> bool:
        return self.head is None

    @property
    def pointer(self) -> str:
        """Where to point a reader: the head's position, or the base's for something removed."""
        return (self.head or self.base).pointer  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        """The part's name as consumers knew it: the base side's, so a rename is found under its old name."""
        side = self.base or self.head
        return text(side.data.get("name")) or self.label if side else self.label

    @property
    def element(self) -> str:
        """The schema element a change of this part is about: `object` or `object.property`; "" for the rest."""
        if self.kind == OBJECT:
            return self.name
        if self.kind == PROPERTY:
            return f"{self.parent}.{self.name}" if self.parent else self.name
        if self.kind == QUALITY:
            return self.parent
        return ""

    def old(self, key: str) -> Any:
        return self.base.data.get(key) if self.base else None

    def new(self, key: str) -> Any:
        return self.head.data.get(key) if self.head else None


def pairs(base: Mapping[str, Any], head: Mapping[str, Any]) -> Iterator[Pair]:
    """Every matched part of two contract versions, the contract itself first."""
    yield Pair(CONTRACT, "contract", Side(base, ""), Side(head, ""))
    yield from _objects(base, head)
    yield from _matched(SERVER, base, head, "servers")
    yield from _matched(SLA, base, head, "slaProperties")
    yield from _matched(TEAM, *_team(base, head))
    yield from _matched(ROLE, base, head, "roles")
    yield from _matched(SUPPORT, base, head, "support")
    yield from _matched(CUSTOM, base, head, "customProperties")


def _team(base: Mapping[str, Any], head: Mapping[str, Any]) -> tuple[Mapping[str, Any], Mapping[str, Any], str]:
    """v3.1 allows `team: {members: [...]}`; compare members either way."""
    def members(data: Mapping[str, Any]) -> Mapping[str, Any]:
        team = data.get("team")
        return {"team": team.get("members")} if isinstance(team, dict) else data
    return members(base), members(head), "team"


def _entries(data: Mapping[str, Any], key: str, pointer: str) -> list[Side]:
    return [Side(entry, f"{pointer}/{key}/{index}", index)
            for index, entry in enumerate(items(data.get(key))) if isinstance(entry, dict)]


def _matched(kind: str, base: Mapping[str, Any], head: Mapping[str, Any], key: str) -> Iterator[Pair]:
    """The entries of a list at the root of the contract, matched by the identity of that list."""
    yield from _match(kind, _entries(base, key, ""), _entries(head, key, ""), IDENTITY[key])


def _match(kind: str, old: list[Side], new: list[Side], identity: Callable[[Mapping[str, Any]], str | None],
           parent: str = "") -> Iterator[Pair]:
    """Pair entries with the same identity; entries without one pair by position."""
    def keyed(sides: list[Side]) -> dict[str, Side]:
        out: dict[str, Side] = {}
        for side in sides:
            key = identity(side.data)
            key = key if key is not None else f"#{side.index}"
            out[key if key not in out else f"{key}#{side.index}"] = side
        return out

    before, after = keyed(old), keyed(new)
    for key, side in after.items():
        yield Pair(kind, key, before.get(key), side, parent=parent)
    for key, side in before.items():
        if key not in after:
            yield Pair(kind, key, side, None, parent=parent)


def _renames(kind: str, pairs_: list[Pair], parent: str) -> list[Pair]:
    """Turn a removal plus an addition that are the same thing under a new name into one renamed pair."""
    removed = [pair for pair in pairs_ if pair.removed]
    added = [pair for pair in pairs_ if pair.added]
    kept = [pair for pair in pairs_ if not pair.removed and not pair.added]
    used: set[int] = set()
    for gone in removed:
        match = next((new for new in added if id(new) not in used and _same_thing(gone.base, new.head)), None)
        if match is None:
            kept.append(gone)
            continue
        used.add(id(match))
        kept.append(Pair(kind, f"{gone.label} -> {match.label}", gone.base, match.head, renamed=True, parent=parent))
    kept.extend(new for new in added if id(new) not in used)
    return kept


def _same_thing(old: Side | None, new: Side | None) -> bool:
    if old is None or new is None:
        return False
    physical = text(old.data.get("physicalName"))
    if physical and physical == text(new.data.get("physicalName")):
        return True
    same_types = all(old.data.get(key) == new.data.get(key) for key in ("logicalType", "physicalType"))
    return old.index == new.index and same_types


def _objects(base: Mapping[str, Any], head: Mapping[str, Any]) -> Iterator[Pair]:
    objects = _renames(OBJECT, list(_matched(OBJECT, base, head, "schema")), "")
    for pair in objects:
        yield pair
        yield from _quality(pair)
        yield from _properties(pair, pair.name)


def _properties(owner: Pair, path: str) -> Iterator[Pair]:
    """Properties of a matched object or property, recursively; array `items` pair with each other."""
    old = _entries(owner.base.data, "properties", owner.base.pointer) if owner.base else []
    new = _entries(owner.head.data, "properties", owner.head.pointer) if owner.head else []
    found = _renames(PROPERTY, list(_match(PROPERTY, old, new, IDENTITY["properties"], path)), path)
    old_items = mapping(owner.base.data.get("items")) if owner.base else {}
    new_items = mapping(owner.head.data.get("items")) if owner.head else {}
    if old_items or new_items:
        found.append(Pair(PROPERTY, "[]",
                          Side(old_items, owner.base.pointer + "/items") if old_items else None,
                          Side(new_items, owner.head.pointer + "/items") if new_items else None, parent=path))
    for pair in found:
        yield pair
        yield from _quality(pair)
        if not pair.added and not pair.removed:
            yield from _properties(pair, f"{path}.{pair.name}" if pair.label != "[]" else f"{path}[]")


def _quality(owner: Pair) -> Iterator[Pair]:
    old = _entries(owner.base.data, "quality", owner.base.pointer) if owner.base and not owner.removed else []
    new = _entries(owner.head.data, "quality", owner.head.pointer) if owner.head and not owner.added else []
    yield from _match(QUALITY, old, new, IDENTITY["quality"], owner.label)
