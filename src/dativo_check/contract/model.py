"""A thin typed view over a loaded contract.

The views never assume the data is valid: a contract with schema errors still gets linted, so every accessor
tolerates missing keys and values of the wrong type (they read as absent).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterator, Mapping

from dativo_check.yamlio.loader import Document
from dativo_check.core.pointer import join_pointer
from dativo_check.core.model import Finding, Level

LIFECYCLE = ("proposed", "draft", "active", "deprecated", "retired")


def text(value: Any) -> str | None:
    """A string value, or None for anything else (absent, null, a number where text was expected)."""
    return value if isinstance(value, str) else None


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def flag(value: Any) -> bool:
    return value is True


def custom_properties(value: Any) -> dict[str, Any]:
    """ODCS `customProperties` (a list of {property, value}) as a dict; the first entry of a name wins."""
    out: dict[str, Any] = {}
    for entry in items(value):
        name = text(mapping(entry).get("property"))
        if name is not None and name not in out:
            out[name] = mapping(entry).get("value")
    return out


@dataclass(frozen=True)
class Property:
    """A column or field of a schema object; nested properties of objects and array items are `children`."""

    data: Mapping[str, Any]
    pointer: str
    path: str

    @property
    def name(self) -> str | None:
        return text(self.data.get("name"))

    def get(self, key: str) -> Any:
        return self.data.get(key)

    @property
    def logical_type(self) -> str | None:
        return text(self.data.get("logicalType"))

    @property
    def physical_type(self) -> str | None:
        return text(self.data.get("physicalType"))

    @property
    def physical_name(self) -> str | None:
        return text(self.data.get("physicalName"))

    @property
    def required(self) -> bool:
        return flag(self.data.get("required"))

    @property
    def unique(self) -> bool:
        return flag(self.data.get("unique"))

    @property
    def primary_key(self) -> bool:
        return flag(self.data.get("primaryKey"))

    @property
    def classification(self) -> str | None:
        return text(self.data.get("classification"))

    @property
    def tags(self) -> list[str]:
        return [tag for tag in items(self.data.get("tags")) if isinstance(tag, str)]

    @property
    def quality(self) -> list[Mapping[str, Any]]:
        return [mapping(rule) for rule in items(self.data.get("quality"))]

    @property
    def transform_source_objects(self) -> list[str]:
        return [source for source in items(self.data.get("transformSourceObjects")) if isinstance(source, str)]

    @property
    def foreign_keys(self) -> list[str]:
        """The foreign keys the property declares, as written: the `references` custom property, then the `to` of
        v3.1 `relationships` (one target or a list)."""
        declared = custom_properties(self.data.get("customProperties")).get("references")
        found = [declared] if isinstance(declared, str) else []
        for relationship in items(self.data.get("relationships")):
            target = mapping(relationship).get("to")
            targets = target if isinstance(target, list) else [target]
            found.extend(value for value in targets if isinstance(value, str))
        return found

    @cached_property
    def children(self) -> tuple[Property, ...]:
        """Nested properties: `properties` of an object, and the `items` of an array with their properties."""
        found: list[Property] = []
        for index, child in enumerate(items(self.data.get("properties"))):
            if isinstance(child, dict):
                name = text(child.get("name")) or f"[{index}]"
                pointer = f"{self.pointer}/properties/{index}"
                found.append(Property(child, pointer, f"{self.path}.{name}"))
        array_items = self.data.get("items")
        if isinstance(array_items, dict):
            found.append(Property(array_items, self.pointer + "/items", f"{self.path}[]"))
        return tuple(found)

    def walk(self) -> Iterator[Property]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class SchemaObject:
    """A table, view, topic or file described by the contract."""

    data: Mapping[str, Any]
    pointer: str

    @property
    def name(self) -> str | None:
        return text(self.data.get("name"))

    def get(self, key: str) -> Any:
        return self.data.get(key)

    @property
    def physical_name(self) -> str | None:
        return text(self.data.get("physicalName"))

    @property
    def quality(self) -> list[Mapping[str, Any]]:
        return [mapping(rule) for rule in items(self.data.get("quality"))]

    @cached_property
    def properties(self) -> tuple[Property, ...]:
        found = []
        label = self.name or "?"
        for index, prop in enumerate(items(self.data.get("properties"))):
            if isinstance(prop, dict):
                name = text(prop.get("name")) or f"[{index}]"
                found.append(Property(prop, f"{self.pointer}/properties/{index}", f"{label}.{name}"))
        return tuple(found)

    def walk_properties(self) -> Iterator[Property]:
        for prop in self.properties:
            yield from prop.walk()

    def property_by_name(self, name: str) -> Property | None:
        return next((prop for prop in self.properties if prop.name == name), None)


@dataclass(frozen=True)
class Contract:
    """A loaded ODCS contract: its data, its file and a way back from a JSON pointer to a line."""

    document: Document

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def data(self) -> Mapping[str, Any]:
        return self.document.data

    def get(self, key: str) -> Any:
        return self.data.get(key)

    @property
    def id(self) -> str | None:
        return text(self.data.get("id"))

    @property
    def version(self) -> str | None:
        return text(self.data.get("version"))

    @property
    def api_version(self) -> str | None:
        return text(self.data.get("apiVersion"))

    @property
    def kind(self) -> str | None:
        return text(self.data.get("kind"))

    @property
    def status(self) -> str | None:
        return text(self.data.get("status"))

    @property
    def name(self) -> str | None:
        return text(self.data.get("name"))

    @property
    def domain(self) -> str | None:
        return text(self.data.get("domain"))

    @property
    def data_product(self) -> str | None:
        return text(self.data.get("dataProduct"))

    @property
    def label(self) -> str:
        """How to name this contract in a message: its id, else its file."""
        return self.id or self.file

    @cached_property
    def schema(self) -> tuple[SchemaObject, ...]:
        return tuple(
            SchemaObject(obj, join_pointer("schema", index))
            for index, obj in enumerate(items(self.data.get("schema")))
            if isinstance(obj, dict)
        )

    def schema_object(self, name: str) -> SchemaObject | None:
        return next((obj for obj in self.schema if obj.name == name), None)

    def walk_properties(self) -> Iterator[tuple[SchemaObject, Property]]:
        for obj in self.schema:
            for prop in obj.walk_properties():
                yield obj, prop

    @property
    def servers(self) -> list[Mapping[str, Any]]:
        return [mapping(server) for server in items(self.data.get("servers"))]

    @property
    def team_members(self) -> list[tuple[str, Mapping[str, Any]]]:
        """Team members with their pointers; v3.1 also allows `team: {members: [...]}`."""
        team = self.data.get("team")
        base = "/team"
        if isinstance(team, dict):
            team, base = team.get("members"), "/team/members"
        return [(f"{base}/{index}", member) for index, member in enumerate(items(team)) if isinstance(member, dict)]

    @property
    def owners(self) -> list[str]:
        return [
            text(member.get("username")) or text(member.get("name")) or "?"
            for _, member in self.team_members
            if (text(member.get("role")) or "").strip().lower() == "owner"
        ]

    @property
    def sla_properties(self) -> list[tuple[str, Mapping[str, Any]]]:
        return [(f"/slaProperties/{index}", sla) for index, sla in enumerate(items(self.data.get("slaProperties")))
                if isinstance(sla, dict)]

    def sla(self, name: str) -> Mapping[str, Any] | None:
        return next((sla for _, sla in self.sla_properties if text(sla.get("property")) == name), None)

    @cached_property
    def custom_properties(self) -> dict[str, Any]:
        return custom_properties(self.data.get("customProperties"))

    def custom_property_pointer(self, name: str) -> str:
        for index, entry in enumerate(items(self.data.get("customProperties"))):
            if mapping(entry).get("property") == name:
                return f"/customProperties/{index}"
        return "/customProperties" if "customProperties" in self.data else ""

    def locate(self, pointer: str, at_key: bool = False) -> tuple[int, int]:
        return self.document.locate(pointer, at_key)

    def finding(self, rule: str, level: Level, message: str, pointer: str = "", hint: str | None = None,
                at_key: bool = False) -> Finding:
        line, column = self.locate(pointer, at_key)
        return Finding(rule, level, message, self.file, line, column, pointer, hint)


def server_of(contract: Contract, preferred: str | None = None) -> Mapping[str, Any] | None:
    """The server that locates a contract's data: the one named `preferred` if the contract has it, else the
    production one, else the first."""
    servers = contract.servers
    named = [server for server in servers if preferred and server.get("server") == preferred]
    production = [server for server in servers if server.get("environment") in ("production", "prod")]
    return next(iter(named + production + servers), None)
