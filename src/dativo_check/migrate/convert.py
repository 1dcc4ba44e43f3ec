"""Turn legacy Dativo asset files (nested, nested-governance, flat) into ODCS v3.0.2 contracts.

The three shapes spell one vocabulary in different places, so conversion has two steps. The first reads any
shape into a `LegacyAsset`: each canonical field with its value and the place it came from, plus every key no field
claimed. Then one emitter per block (header, description, schema with quality rules, SLA, team, custom properties)
builds the contract from it, the same way for every shape. Notes say where blocks went (`migrate-mapped`), what had
no home or was ambiguous (`migrate-unmapped`) and what the profile needs that the legacy file does not say
(`migrate-incomplete`). docs/migration.md has the full mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from dativo_check.config import SENSITIVE, Config, ProfileSettings
from dativo_check.contract.legacy import asset_pointer, legacy_shape
from dativo_check.yamlio.loader import Document, load_path
from dativo_check.contract.model import custom_properties
from dativo_check.core.model import Finding
from dativo_check.core.pointer import join_pointer, split_pointer
from dativo_check.core.ruledoc import RuleDoc, from_text
from dativo_check.validate.rules.version_semver import SEMVER, suggestion

API_VERSION = "v3.0.2"

MAPPED = from_text("migrate-mapped", "info", "migrate", "migration", """
    Where each legacy block went in the converted contract.

    One note per legacy block (governance, compliance, finops, target, lineage, audit, data_quality, ...) names the
    ODCS home of each of its keys: a team member with role owner, the retention SLA, property quality rules, tags,
    or a documented custom property such as costCenter. Keys that keep their name at the contract root (name,
    domain, description, ...) are not listed, and one more note names the shape and how the contract id was made.

    PASS:

        apiVersion: v3.0.2
        kind: DataContract
        id: stripe-customers

    FAIL:

        asset:
          governance:
            owner: finance-data@company.com   # -> team member with role owner
""")

UNMAPPED = from_text("migrate-unmapped", "warning", "migrate", "migration", """
    Every legacy key and value has an unambiguous home in the converted contract.

    Nothing is dropped silently. A key the converter does not know is kept under a camelCase name in the nearest
    `customProperties` (the property's, the quality rule's, or the contract's) and reported at its line; so are values
    that two legacy places give differently (the first wins), classification labels and column types that cannot be
    mapped, and expectations that name no known column. Team member fields ODCS has no place for are reported with
    their value.

    PASS:

        asset:
          governance:
            owner: finance-data@company.com

    FAIL:

        asset:
          governance:
            owner: finance-data@company.com
            escalation_policy: page-finance   # kept as customProperties governanceEscalationPolicy
""")

INCOMPLETE = from_text("migrate-incomplete", "warning", "migrate", "migration", """
    The legacy file says everything the Dativo profile needs.

    The converter never invents data. When the legacy file has no owner, no cost centre, no classification for some
    columns, no retention for classified data, or a valid-values rule without values, the contract is written
    without them and this note says what to add; `dativo-check validate` reports the same gaps as profile findings.

    PASS:

        asset:
          schema:
            - {name: email, type: string, classification: PII}
          governance:
            owner: finance-data@company.com
            cost_center: FIN-001
            retention_days: 30

    FAIL:

        asset:
          schema:
            - {name: email, type: string}   # no classification
""")

FAILED = from_text("migrate-failed", "error", "migrate", "migration", """
    The file is a legacy Dativo asset file that could be converted and written.

    An ODCS contract or an unrelated YAML file is not migrated; neither is a file whose `--out` target already
    exists with different content (unless `--force`), or would be written twice in one run. The other files are
    still migrated; the exit code is 1 when some files failed and 2 when none could be migrated.

    PASS:

        asset:
          name: stripe_customers
          source_type: stripe

    FAIL:

        apiVersion: v3.0.2
        kind: DataContract
        id: stripe-customers
""")

RULES = (MAPPED, UNMAPPED, INCOMPLETE, FAILED)


@dataclass(frozen=True)
class Migration:
    """A converted contract, the notes about its conversion and the legacy shape it came from."""

    contract: dict
    notes: tuple[Finding, ...]
    shape: str


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: its findings, and the contract's text and destination when it was migrated."""

    file: str
    findings: tuple[Finding, ...]
    migration: Migration | None = None
    text: str | None = None
    written: str | None = None

    @property
    def ok(self) -> bool:
        return self.migration is not None and not any(finding.rule == FAILED.id for finding in self.findings)


@dataclass(frozen=True)
class Located:
    """A legacy value and the JSON pointer it was read from, so that every note can name a line."""

    value: Any
    pointer: str


@dataclass(frozen=True)
class _Field:
    """One canonical legacy field: where the shapes keep it (first wins) and where it lands in ODCS."""

    paths: tuple[str, ...]
    home: str | None = None  # None: the same name at the contract root, or a custom property of that name
    kind: type | None = None  # only a value of this type counts (`schema` is a column list in some shapes only)
    merge: bool = False  # lists from several places are merged instead of conflicting
    custom: bool = False


def _custom(*paths: str, merge: bool = False) -> _Field:
    return _Field(paths, merge=merge, custom=True)


# Paths are relative to the asset block. Custom fields are written in this order, under these names.
_FIELDS: dict[str, _Field] = {
    "apiVersion": _Field(("apiVersion",)),
    "kind": _Field(("kind",)),
    "$schema": _Field(("$schema",), "dropped: an ODCS contract is identified by its apiVersion"),
    "id": _Field(("id",)),
    "name": _Field(("name",)),
    "version": _Field(("version",)),
    "status": _Field(("status",)),
    "tenant": _Field(("tenant",)),
    "domain": _Field(("domain",)),
    "dataProduct": _Field(("dataProduct", "data_product")),
    "description": _Field(("description",)),
    "tags": _Field(("tags", "governance/tags"), merge=True),
    "contractCreatedTs": _Field(("contractCreatedTs",)),
    "servers": _Field(("servers",)),
    "support": _Field(("support",)),
    "roles": _Field(("roles",)),
    "price": _Field(("price",)),
    "authoritativeDefinitions": _Field(("authoritativeDefinitions",)),
    "slaDefaultElement": _Field(("slaDefaultElement",)),
    "slaProperties": _Field(("slaProperties",)),
    "customProperties": _Field(("customProperties",)),
    "team": _Field(("team",), kind=list),
    "owner": _Field(("governance/owner", "team/owner", "owner"), "team member with role owner"),
    "ownerEmail": _Field(("governance/owner_email", "owner_email"), "username of the owner team member"),
    "teamRoles": _Field(("team/roles",), "team members"),
    "retentionDays": _Field(("governance/retention_days", "compliance/retention_days", "retention_days"),
                            "slaProperties retention (unit d)"),
    "columns": _Field(("schema/fields", "schema"), "properties of the schema object", kind=list),
    "expectations": _Field(("data_quality/expectations",), "quality rules of the properties they name"),
    "costCenter": _custom("governance/cost_center", "finops/cost_center", "cost_center"),
    "project": _custom("finops/project", "project"),
    "environment": _custom("finops/environment", "environment"),
    "businessTags": _custom("finops/business_tags", "finops/tags", merge=True),
    "budgetGuardrails": _custom("finops/budget_guardrails"),
    "regulations": _custom("compliance/regulations", "governance/regulations", merge=True),
    "dataClassification": _custom("compliance/classification", "governance/classification", merge=True),
    "security": _custom("compliance/security"),
    "userConsentRequired": _custom("compliance/user_consent_required"),
    "sourceType": _custom("source_type", "source/type"),
    "sourceObject": _custom("object", "source/object"),
    "targetFormat": _custom("target/file_format"),
    "targetPartitioning": _custom("target/partitioning"),
    "targetMode": _custom("target/mode"),
    "changeManagement": _custom("change_management"),
    "qualityMonitoring": _custom("data_quality/monitoring"),
    "qualityAlerts": _custom("data_quality/alerts"),
    "dbt": _custom("dbt"),
    "legacyLineage": _custom("lineage"),
    "auditTrail": _custom("audit"),
}

_ROOT_ORDER = ("apiVersion", "kind", "id", "name", "version", "status", "tenant", "domain", "dataProduct",
               "description", "tags", "servers", "schema", "slaDefaultElement", "slaProperties", "team", "roles",
               "support", "price", "authoritativeDefinitions", "customProperties", "contractCreatedTs")
_PASSED_THROUGH = ("tenant", "domain", "dataProduct", "contractCreatedTs", "servers", "support", "roles", "price",
                   "authoritativeDefinitions", "slaDefaultElement")
_DESCRIPTION_KEYS = ("purpose", "usage", "limitations", "authoritativeDefinitions", "customProperties")
_PROPERTY_KEYS = ("name", "physicalName", "businessName", "description", "logicalType", "logicalTypeOptions",
                  "physicalType", "required", "unique", "primaryKey", "primaryKeyPosition", "partitioned",
                  "partitionKeyPosition", "criticalDataElement", "classification", "encryptedName", "tags", "examples",
                  "transformSourceObjects", "transformLogic", "transformDescription", "authoritativeDefinitions",
                  "quality", "customProperties")
_QUALITY_ORDER = ("name", "type", "rule", "validValues", "engine", "implementation", "query", "dimension", "severity",
                  "description")
_MEMBER_KEYS = ("username", "email", "name", "role", "description", "responsibility")
_DIMENSIONS = frozenset({"accuracy", "completeness", "conformity", "consistency", "coverage", "timeliness",
                         "uniqueness"})

# Legacy column types by name; anything else is read as a physical type (`VARCHAR(20)`, `bool`, ...).
_LOGICAL = {
    "string": "string", "integer": "integer", "number": "number", "boolean": "boolean", "date": "date",
    "object": "object", "array": "array", "timestamp": "date", "datetime": "date", "double": "number",
    "float": "number", "decimal": "number", "long": "integer", "int": "integer", "bigint": "integer",
    "json": "object", "map": "object",
}
_TIMESTAMPS = frozenset({"timestamp", "datetime"})
_FAMILY_LOGICAL = {"string": "string", "integer": "integer", "decimal": "number", "float": "number", "date": "date",
                   "timestamp": "date", "time": "string", "boolean": "boolean", "object": "object", "array": "array"}
# Legacy labels that are not profile levels but say the data must be protected; each also becomes a property tag.
_SENSITIVE_LABELS = frozenset({"pii", "sensitive", "financial", "personal", "phi", "pci"})

# Legacy expectation type -> (library rule, default dimension, flag it implies, default description)
_EXPECTATIONS = {
    "not_null": ("nullCheck", "completeness", "required", "Values are never null."),
    "unique": ("uniqueCheck", "uniqueness", "unique", "Values are unique."),
    "accepted_values": ("validValues", "conformity", None, "Values are one of the listed values."),
    "relationships": (None, "consistency", None, "Every value exists in the referenced model."),
}
_EXPECTATION_KEYS = ("type", "column", "name", "dimension", "severity", "description", "values", "to", "field")


@dataclass(frozen=True)
class LegacyAsset:
    """Any legacy shape, normalised: canonical field -> value and origin, plus every key no field claimed."""

    shape: str
    root: str
    values: Mapping[str, Located]
    consumed: Mapping[str, str]
    leftovers: tuple[Located, ...]

    def get(self, name: str, default: Any = None) -> Any:
        found = self.values.get(name)
        return default if found is None else found.value


@dataclass(frozen=True)
class _Rule:
    """A quality rule made from a legacy expectation: what it says, what only fills gaps, the flag it implies."""

    given: dict
    defaults: dict
    pointer: str
    implies: str | None


class _Notes:
    """The notes of one migration, each located at its legacy key."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.found: list[Finding] = []

    def add(self, rule: RuleDoc, pointer: str, message: str) -> None:
        line, column = self.document.locate(pointer, at_key=True)
        self.found.append(rule.finding(self.document.file, message, line, column, pointer))


def migrate_files(paths: Sequence[str], config: Config, write: bool = False, out: Path | None = None,
                  force: bool = False) -> tuple[FileResult, ...]:
    """Migrate each file; with `write` replace it, with `out` write it into the versioned layout under `out`."""
    from dativo_check.contract.discover import display_path

    claimed: dict[Path, str] = {}
    results = []
    for given in dict.fromkeys(paths):
        file = display_path(given, config.root)
        loaded = load_path(given, file, config.limits)
        if loaded.document is None:
            results.append(FileResult(file, loaded.findings))
            continue
        migration = migrate_document(loaded.document, config.profile)
        if migration is None:
            results.append(FileResult(file, loaded.findings + (_not_legacy(loaded.document),)))
            continue
        text = render(migration.contract)
        findings = loaded.findings + migration.notes
        if write:
            results.append(_written(FileResult(file, findings, migration, text), Path(given)))
        elif out is not None:
            results.append(_placed(FileResult(file, findings, migration, text), migration.contract, out, force,
                                   claimed, config))
        else:
            results.append(FileResult(file, findings, migration, text))
    return tuple(results)


def migrate_document(document: Document, profile: ProfileSettings = ProfileSettings()) -> Migration | None:
    """The ODCS contract for a legacy document, or None when the document is not in a legacy shape."""
    shape = legacy_shape(document.data)
    if shape is None:
        return None
    notes = _Notes(document)
    asset = _normalise(document.data, shape, notes)
    contract_id, origin = _contract_id(asset, document.file)
    schema = _schema(asset, _text(asset.get("sourceObject") or asset.get("name")) or contract_id, notes, profile)
    properties = schema["schema"][0].get("properties", [])
    sensitive = any(prop.get("classification") in profile.sensitive for prop in properties)
    contract = _assemble((
        _header(asset, contract_id, document, notes),
        _description(asset, notes),
        _team(asset, notes, profile),
        _custom_properties(asset, notes, profile),
        schema,
        _sla(asset, sensitive, notes, profile),
    ))
    derived = f"; id derived from {origin}" if origin else ""
    notes.add(MAPPED, asset.root, f"{shape} legacy asset converted to ODCS {API_VERSION} contract {contract_id!r}"
                                  f"{derived}")
    _summarise(asset, notes)
    from dativo_check.validate.schema import is_valid

    if not is_valid(contract, API_VERSION):
        notes.add(INCOMPLETE, asset.root, f"the converted contract does not pass the ODCS {API_VERSION} schema; "
                                          "run dativo-check validate on it to see where")
    return Migration(contract, tuple(sorted(notes.found, key=Finding.sort_key)), shape)


def _normalise(data: Mapping[str, Any], shape: str, notes: _Notes) -> LegacyAsset:
    """Read every canonical field from wherever the shape keeps it; two places that disagree are reported."""
    root = asset_pointer(shape)
    block = data["asset"] if root else data
    values: dict[str, Located] = {}
    consumed: dict[str, str] = {}
    for name, spec in _FIELDS.items():
        found = [located for path in spec.paths if (located := _take(block, root, path, spec.kind)) is not None]
        consumed.update((located.pointer, name) for located in found)
        present = [located for located in found if not _empty(located.value)]
        if present:
            values[name] = _merged(present) if spec.merge else _first(present, notes)
    return LegacyAsset(shape, root, values, consumed, tuple(_leftovers(data, "", consumed)))


def _take(block: Mapping[str, Any], root: str, path: str, kind: type | None) -> Located | None:
    node: Any = block
    pointer = root
    for token in path.split("/"):
        if not isinstance(node, dict) or token not in node:
            return None
        node, pointer = node[token], pointer + join_pointer(token)
    if kind is not None and node is not None and not isinstance(node, kind):
        return None
    return Located(node, pointer)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _first(found: list[Located], notes: _Notes) -> Located:
    kept = found[0]
    for other in found[1:]:
        if other.value != kept.value:
            notes.add(UNMAPPED, other.pointer, f"{_dotted(other.pointer)} is {other.value!r} but "
                                               f"{_dotted(kept.pointer)} is {kept.value!r}; the contract keeps "
                                               f"{kept.value!r}")
    return kept


def _merged(found: list[Located]) -> Located:
    return Located(_union(*(located.value for located in found)), found[0].pointer)


def _leftovers(node: Mapping[str, Any], pointer: str, consumed: Mapping[str, str]) -> Iterator[Located]:
    """Keys no field claimed; a block is descended into only when some of its keys were claimed."""
    for key, value in node.items():
        child = pointer + join_pointer(key)
        if child in consumed:
            continue
        if isinstance(value, dict) and any(claimed.startswith(child + "/") for claimed in consumed):
            yield from _leftovers(value, child, consumed)
        else:
            yield Located(value, child)


def _contract_id(asset: LegacyAsset, file: str) -> tuple[str, str | None]:
    """The legacy id, else a kebab-case id from the source and object (`stripe-customers`), the name or the file."""
    given = _text(asset.get("id"))
    if given:
        return given, None
    candidates = (((asset.get("sourceType"), asset.get("sourceObject")), "source_type and object"),
                  ((asset.get("name"),), "name"), ((Path(file).stem,), "the file name"))
    for parts, origin in candidates:
        texts = [text for text in map(_text, parts) if text]
        if len(texts) == len(parts) and (derived := _kebab("-".join(texts))):
            return derived, origin
    return "legacy-asset", "nothing usable: give the contract an id"


def _header(asset: LegacyAsset, contract_id: str, document: Document, notes: _Notes) -> dict:
    header = {
        "apiVersion": API_VERSION,
        "kind": "DataContract",
        "id": contract_id,
        "name": _text(asset.get("name")),
        "version": _version(asset, document, notes),
        "status": _text(asset.get("status")) or "active",
        "tags": [str(tag) for tag in asset.get("tags", [])],
    }
    header.update((key, asset.get(key)) for key in _PASSED_THROUGH)
    return header


def _version(asset: LegacyAsset, document: Document, notes: _Notes) -> str:
    """Semantic version: legacy `1.0` becomes `1.0.0` (read as written, so an unquoted 1.10 stays 1.10)."""
    found = asset.values.get("version")
    if found is None:
        notes.add(INCOMPLETE, asset.root, "the legacy file has no version; the contract starts at 1.0.0")
        return "1.0.0"
    written = found.value if isinstance(found.value, str) else document.source_text(found.pointer) or str(found.value)
    if SEMVER.match(written):
        return written
    fixed = suggestion(written)
    if fixed is None:
        notes.add(UNMAPPED, found.pointer, f"version {written!r} is not MAJOR.MINOR.PATCH; kept as written")
    return fixed or written


def _description(asset: LegacyAsset, notes: _Notes) -> dict:
    found = asset.values.get("description")
    if found is None:
        return {}
    if not isinstance(found.value, dict):
        return {"description": {"purpose": str(found.value)}}
    kept, extra = _split(found, _DESCRIPTION_KEYS, notes, "description customProperties")
    return {"description": _with_custom(kept, extra)} if kept or extra else {}


def _schema(asset: LegacyAsset, object_name: str, notes: _Notes, profile: ProfileSettings) -> dict:
    """One schema object named after the legacy object, its columns as properties with their quality rules."""
    found = asset.values.get("columns")
    columns = _entries(found)
    names = {_text(column.value.get("name")) for column in columns if isinstance(column.value, dict)}
    placed, unplaced = _expectations(asset, names, notes)
    properties = []
    for column in columns:
        if not isinstance(column.value, dict) or not _text(column.value.get("name")):
            notes.add(UNMAPPED, column.pointer, f"{_dotted(column.pointer)} is not a named column; left out "
                                                f"(value {column.value!r})")
            continue
        properties.append(_property(column, placed.get(_text(column.value["name"]), []), notes, profile))
    if found is None:
        notes.add(INCOMPLETE, asset.root, "the legacy file lists no columns; add the schema object's properties")
    elif profile.enabled:
        _note_unclassified(found.pointer, properties, notes, profile)
    obj = {"name": object_name, "physicalName": object_name, "physicalType": "table", "properties": properties}
    out: dict[str, Any] = {"schema": [_compact(obj)]}
    if unplaced:
        out["customProperties"] = [{"property": "dataQualityExpectations", "value": unplaced}]
    return out


def _property(column: Located, rules: list[_Rule], notes: _Notes, profile: ProfileSettings) -> dict:
    kept, extra = _split(column, _PROPERTY_KEYS + ("type",), notes, "the property's customProperties")
    legacy_type = kept.pop("type", None)
    if legacy_type is not None and "logicalType" in kept:
        notes.add(UNMAPPED, column.pointer + "/type", f"{_dotted(column.pointer)} has both type {legacy_type!r} and "
                                                      f"logicalType {kept['logicalType']!r}; kept logicalType")
    elif legacy_type is not None:
        kept.update(_types(str(legacy_type), kept.get("physicalType"), column.pointer + "/type", notes))
    if "classification" in kept:
        kept.update(_classified(kept, column.pointer + "/classification", notes, profile))
    for rule in rules:
        if rule.implies is not None:
            if kept.get(rule.implies) is False:
                notes.add(UNMAPPED, column.pointer, f"{_dotted(column.pointer)} says {rule.implies}: false but "
                                                    f"expectation {_dotted(rule.pointer)} enforces it; set "
                                                    f"{rule.implies}: true")
            kept[rule.implies] = True
    quality = _quality(kept.get("quality"), rules, column.pointer, notes)
    if quality:
        kept["quality"] = quality
    return _ordered(_with_custom(kept, extra), _PROPERTY_KEYS)


def _types(legacy: str, physical: Any, pointer: str, notes: _Notes) -> dict:
    """Legacy `type` as logicalType (and physicalType where the legacy type names storage)."""
    from dativo_check.core.storage_types import ACCEPTS, physical_family

    logical = _LOGICAL.get(legacy.strip().lower())
    if logical is None:
        logical = _FAMILY_LOGICAL.get(physical_family(legacy)[0] or "")
        physical = physical or legacy
        if logical is None:
            notes.add(UNMAPPED, pointer, f"type {legacy!r} is not a known type; kept as physicalType, add a "
                                         "logicalType")
    elif legacy.strip().lower() in _TIMESTAMPS and physical is None:
        physical = "TIMESTAMP"
    if logical is not None and isinstance(physical, str):
        family = physical_family(physical)[0]
        natural = _FAMILY_LOGICAL.get(family or "")
        if natural is not None and family not in ACCEPTS[logical]:
            # What is stored is what consumers read (an epoch `timestamp` in a BIGINT is an integer to them).
            notes.add(UNMAPPED, pointer, f"type {legacy!r} does not fit physicalType {physical!r}; logicalType is "
                                         f"{natural}, as the physical type says")
            logical = natural
    return _compact({"logicalType": logical, "physicalType": physical})


def _classified(kept: dict, pointer: str, notes: _Notes, profile: ProfileSettings) -> dict:
    """A legacy label as a profile level; labels that are not levels (PII, SENSITIVE, ...) also become tags."""
    label = str(kept.pop("classification")).strip()
    lowered = label.lower()
    levels = {level.lower(): level for level in profile.classifications}
    out: dict[str, Any] = {}
    if lowered in levels:
        out["classification"] = levels[lowered]
        return out
    if lowered in _SENSITIVE_LABELS:
        out["classification"] = (profile.sensitive or SENSITIVE)[0]
    else:
        notes.add(UNMAPPED, pointer, f"classification {label!r} is not a profile level; kept as the tag {lowered!r}, "
                                     f"set one of {', '.join(profile.classifications)}")
    out["tags"] = _union(kept.get("tags", []), [lowered])
    return out


def _note_unclassified(pointer: str, properties: list[dict], notes: _Notes, profile: ProfileSettings) -> None:
    missing = [str(prop["name"]) for prop in properties if "classification" not in prop]
    if missing:
        notes.add(INCOMPLETE, pointer, f"{len(missing)} of {len(properties)} columns have no classification "
                                       f"({', '.join(missing)}); add one of {', '.join(profile.classifications)}")


def _expectations(asset: LegacyAsset, columns: set[Any], notes: _Notes) -> tuple[dict[str, list[_Rule]], list]:
    """Legacy expectations as quality rules per column; those with no column or no ODCS rule stay custom."""
    placed: dict[str, list[_Rule]] = {}
    unplaced: list[Any] = []
    for expectation in _entries(asset.values.get("expectations")):
        raw = expectation.value
        kind = _text(raw.get("type")) if isinstance(raw, dict) else None
        column = _text(raw.get("column")) if isinstance(raw, dict) else None
        if kind in _EXPECTATIONS and column is not None and column in columns:
            placed.setdefault(column, []).append(_rule(expectation, notes))
            continue
        why = (f"type {kind!r} has no ODCS quality rule" if kind not in _EXPECTATIONS
               else "it names no column" if column is None else f"column {column!r} is not in the schema")
        notes.add(UNMAPPED, expectation.pointer, f"expectation {_dotted(expectation.pointer)}: {why}; kept in "
                                                 "customProperties dataQualityExpectations")
        unplaced.append(_camel_keys(raw))
    return placed, unplaced


def _rule(expectation: Located, notes: _Notes) -> _Rule:
    kept, extra = _split(expectation, _EXPECTATION_KEYS, notes, "the quality rule's customProperties")
    library_rule, dimension, implies, description = _EXPECTATIONS[kept["type"]]
    if library_rule is None:  # relationships: dbt's test of the same name, which ODCS can only hold as custom
        given = {"type": "custom", "engine": "dbt",
                 "implementation": {"relationships": _compact({"to": kept.get("to"), "field": kept.get("field")})}}
    else:
        given = {"type": "library", "rule": library_rule}
        if library_rule == "validValues":
            given["validValues"] = kept.get("values")
    if kept.get("dimension") is not None and _text(kept["dimension"]) not in _DIMENSIONS:
        notes.add(UNMAPPED, expectation.pointer + "/dimension",
                  f"dimension {kept['dimension']!r} is not an ODCS dimension; used {dimension}")
        kept.pop("dimension")
    given.update((key, kept.get(key)) for key in ("name", "dimension", "severity", "description"))
    rule = _with_custom(_compact(given), extra)
    return _Rule(rule, {"dimension": dimension, "description": description}, expectation.pointer, implies)


def _quality(existing: Any, rules: list[_Rule], pointer: str, notes: _Notes) -> list:
    """The column's own quality rules plus those of its expectations; a rule it already has is completed."""
    merged = [(dict(rule) if isinstance(rule, dict) else rule, f"{pointer}/quality/{index}")
              for index, rule in enumerate(existing if isinstance(existing, list) else [])]
    for new in rules:
        key = (new.given["type"], new.given.get("rule"), new.given.get("engine"))
        twin = next((rule for rule, _ in merged if isinstance(rule, dict)
                     and (rule.get("type", "library"), rule.get("rule"), rule.get("engine")) == key), None)
        if twin is None:
            merged.append(({**new.defaults, **new.given}, new.pointer))
            continue
        for name, value in new.given.items():
            if name not in twin:
                twin[name] = value
            elif twin[name] != value:
                notes.add(UNMAPPED, new.pointer, f"expectation {_dotted(new.pointer)} gives {name} {value!r} but the "
                                                 f"column's rule says {twin[name]!r}; kept {twin[name]!r}")
        for name, value in new.defaults.items():
            twin.setdefault(name, value)
    for rule, where in merged:
        if isinstance(rule, dict) and rule.get("rule") == "validValues" and not rule.get("validValues"):
            notes.add(INCOMPLETE, where, f"quality rule {rule.get('name') or 'validValues'} lists no validValues; "
                                         "add the accepted values")
    return [_ordered(rule, _QUALITY_ORDER) if isinstance(rule, dict) else rule for rule, _ in merged]


def _sla(asset: LegacyAsset, sensitive: bool, notes: _Notes, profile: ProfileSettings) -> dict:
    """Legacy `retention_days` as the SLA property retention, beside any SLA the file already had."""
    slas = list(asset.get("slaProperties", []))
    existing = next((sla for sla in slas if isinstance(sla, dict) and sla.get("property") == "retention"), None)
    found = asset.values.get("retentionDays")
    if found is not None:
        days = _number(found.value)
        if days is None:
            notes.add(UNMAPPED, found.pointer, f"retention_days {found.value!r} is not a number of days; no "
                                               "retention SLA written")
        elif existing is None:
            slas.append({"property": "retention", "value": days, "unit": "d"})
        elif (existing.get("value"), existing.get("unit")) != (days, "d"):
            notes.add(UNMAPPED, found.pointer, f"retention_days {days} differs from the retention SLA "
                                               f"{existing.get('value')} {existing.get('unit')}; kept the SLA")
    elif sensitive and profile.enabled and existing is None:
        notes.add(INCOMPLETE, asset.root, "the contract has classified data but the legacy file gives no "
                                          "retention_days; add an slaProperties entry {property: retention, ...}")
    return {"slaProperties": slas}


def _team(asset: LegacyAsset, notes: _Notes, profile: ProfileSettings) -> dict:
    """The owner as a team member with role owner, then the team the file lists."""
    members = [dict(member) for member in asset.get("team", []) if isinstance(member, dict)]
    for entry in _entries(asset.values.get("teamRoles")):
        if isinstance(entry.value, dict):
            members.append(_member(entry, notes))
        else:
            notes.add(UNMAPPED, entry.pointer, f"{_dotted(entry.pointer)} is not a team member; left out "
                                               f"(value {entry.value!r})")
    owners = [member.get("username") for member in members if str(member.get("role", "")).lower() == "owner"]
    owner, email = _text(asset.get("owner")), _text(asset.get("ownerEmail"))
    username = email or owner
    if username is not None and username not in owners:
        members.insert(0, _compact({"username": username, "name": owner if owner != username else None,
                                    "role": "owner"}))
    elif username is None and not owners and profile.enabled:
        notes.add(INCOMPLETE, asset.root, "the legacy file names no owner; add a team member with role owner")
    return {"team": members}


def _member(entry: Located, notes: _Notes) -> dict:
    """A legacy team role `{name: Data Steward, email, responsibility}` as a team member with that role."""
    kept, _ = _split(entry, _MEMBER_KEYS, notes, None)
    named_role = "role" in kept
    return _compact({
        "username": kept.get("username") or kept.get("email"),
        "name": kept.get("name") if named_role else None,
        "role": kept.get("role") if named_role else kept.get("name"),
        "description": kept.get("description") or kept.get("responsibility"),
    })


def _custom_properties(asset: LegacyAsset, notes: _Notes, profile: ProfileSettings) -> dict:
    """The file's own custom properties, the documented ones, then every unclaimed key under a camelCase name."""
    entries = list(asset.get("customProperties", []))
    entries += [{"property": name, "value": _camel_keys(asset.values[name].value)}
                for name, spec in _FIELDS.items() if spec.custom and name in asset.values]
    taken = {_text(entry.get("property")) for entry in entries if isinstance(entry, dict)}
    for leftover in asset.leftovers:
        name = _leftover_name(leftover.pointer, asset.root, taken)
        taken.add(name)
        notes.add(UNMAPPED, leftover.pointer, f"{_dotted(leftover.pointer)} has no ODCS home; kept as "
                                              f"customProperties {name}")
        entries.append({"property": name, "value": leftover.value})
    if "costCenter" not in taken and profile.enabled:
        notes.add(INCOMPLETE, asset.root, "the legacy file names no cost centre; add customProperties costCenter")
    return {"customProperties": entries}


def _leftover_name(pointer: str, root: str, taken: set[Any]) -> str:
    inside = pointer[len(root):] if root and pointer.startswith(root + "/") else pointer
    base = _camel("_".join(split_pointer(inside))) or "legacyValue"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}{number}", number + 1
    return name


def _summarise(asset: LegacyAsset, notes: _Notes) -> None:
    """One note per legacy block that moved, naming the ODCS home of each of its keys in file order."""
    blocks: dict[str, list[tuple[str, list[str], str]]] = {}
    for pointer, name in asset.consumed.items():
        spec = _FIELDS[name]
        home = spec.home or (f"customProperties {name}" if spec.custom else name)
        block, *path = split_pointer(pointer[len(asset.root):])
        if "/".join([block, *path]) != home:
            blocks.setdefault(block, []).append((pointer, path, home))
    for block, moves in blocks.items():
        moves.sort(key=lambda move: notes.document.locate(move[0]))
        if len(moves) == 1 and not moves[0][1]:
            message = f"{block} -> {moves[0][2]}"
        else:
            message = f"{block}: " + ", ".join(f"{'.'.join(path)} -> {home}" for _, path, home in moves)
        notes.add(MAPPED, asset.root + join_pointer(block), message)


def _assemble(parts: Sequence[Mapping[str, Any]]) -> dict:
    """The contract in ODCS's conventional key order; custom properties are collected from every part."""
    contract: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key == "customProperties":
                contract.setdefault(key, []).extend(value)
            else:
                contract[key] = value
    return _compact(_ordered(contract, _ROOT_ORDER))


def _split(found: Located, known: Sequence[str], notes: _Notes, keep_in: str | None) -> tuple[dict, list]:
    """Known keys (also in snake_case spelling) and the others as custom properties, each reported where it is."""
    kept: dict[str, Any] = {}
    extra: list[dict] = []
    for key, value in found.value.items():
        name = key if key in known else _camel(key)
        if name in known and name not in kept:
            if value is not None:
                kept[name] = value
            continue
        pointer = found.pointer + join_pointer(key)
        custom = _camel(key) or key
        where = f"kept in {keep_in} as {custom}" if keep_in else f"left out (value {value!r})"
        notes.add(UNMAPPED, pointer, f"{_dotted(pointer)} has no ODCS home; {where}")
        extra.append({"property": custom, "value": value})
    return kept, extra


def _with_custom(kept: dict, extra: list) -> dict:
    if extra:
        kept["customProperties"] = [*kept.get("customProperties", []), *extra]
    return kept


def _not_legacy(document: Document) -> Finding:
    data = document.data
    if data.get("kind") == "DataContract" and isinstance(data.get("apiVersion"), str):
        message = (f"already an ODCS contract (apiVersion {data['apiVersion']}); nothing to migrate, check it with "
                   "dativo-check validate")
    else:
        message = ("not a legacy Dativo asset file: expected a top-level `asset:` block or the flat shape "
                   "(team.owner, compliance, finops, target, source_type, ...)")
    return FAILED.finding(document.file, message, 1, 1)


def _written(result: FileResult, path: Path) -> FileResult:
    from dativo_check.core.fsutil import write_atomic

    try:
        write_atomic(path, result.text or "")
    except OSError as error:
        return _failed(result, f"cannot write {path}: {error.strerror or error}")
    return FileResult(result.file, result.findings, result.migration, result.text, result.file)


def _placed(result: FileResult, contract: Mapping[str, Any], out: Path, force: bool, claimed: dict[Path, str],
            config: Config) -> FileResult:
    """Write into `out/<source>/vMAJOR.MINOR/<object>.yaml`: never over a file of this run, and over an existing
    different file only with `force`."""
    from dativo_check.contract.discover import display_path
    from dativo_check.core.errors import UsageError
    from dativo_check.core.fsutil import write_atomic

    try:
        target = output_path(contract, out)
    except UsageError as error:
        return _failed(result, str(error))
    shown = display_path(target, config.root)
    if target in claimed:
        return _failed(result, f"{claimed[target]} was already migrated to {shown} in this run; give one of them "
                               "another source_type or object")
    try:
        existing = target.read_text(encoding="utf-8") if target.is_file() else None
        if existing is not None and existing != result.text and not force:
            return _failed(result, f"{shown} exists with different content; remove it or pass --force to "
                                   "overwrite it")
        if existing != result.text:
            write_atomic(target, result.text or "")
    except OSError as error:
        return _failed(result, f"cannot write {shown}: {error.strerror or error}")
    claimed[target] = result.file
    return FileResult(result.file, result.findings, result.migration, result.text, shown)


def _failed(result: FileResult, message: str) -> FileResult:
    return FileResult(result.file, result.findings + (FAILED.finding(result.file, message, 1, 1),), result.migration,
                      result.text)


def output_path(contract: Mapping[str, Any], out: Path | str) -> Path:
    """`out/<source>/vMAJOR.MINOR/<object>.yaml`; names keep only [a-z0-9_-], so no legacy value can steer the path.

    Raises UsageError when the version is not semantic (there is no folder for it).
    """
    from dativo_check.contract import layout
    from dativo_check.core.errors import UsageError
    from dativo_check.core.fsutil import inside

    version = layout.major_minor(contract.get("version"))
    if version is None:
        raise UsageError(f"version {contract.get('version')!r} is not MAJOR.MINOR.PATCH, so the contract has no "
                         "vMAJOR.MINOR folder; fix the version, or migrate without --out")
    custom = custom_properties(contract.get("customProperties"))
    source = _safe_name(custom.get("sourceType") or "unsorted")
    name = _safe_name(contract["schema"][0]["name"])
    return inside(out, f"{source}/v{version[0]}.{version[1]}/{name}.yaml")


def _safe_name(value: Any) -> str:
    return re.sub(r"[^a-z0-9_-]+", "_", str(value).lower()).strip("_-") or "unnamed"


def render(contract: Mapping[str, Any]) -> str:
    """Deterministic, block-style YAML that `loader.load_text` reads back to the same data."""
    from dativo_check.yamlio.writer import dump

    return dump(contract)


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _entries(found: Located | None) -> list[Located]:
    """The items of a located list, each with its own pointer."""
    if found is None or not isinstance(found.value, list):
        return []
    return [Located(item, f"{found.pointer}/{index}") for index, item in enumerate(found.value)]


def _number(value: Any) -> int | float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def _kebab(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _camel(text: str) -> str:
    parts = [part for part in re.split(r"[^0-9A-Za-z]+", text) if part]
    if not parts:
        return ""
    return parts[0][0].lower() + parts[0][1:] + "".join(part[0].upper() + part[1:] for part in parts[1:])


def _camel_keys(value: Any) -> Any:
    """camelCase keys all the way down (`from_asset` -> `fromAsset`); a key whose spelling is taken stays as is."""
    if isinstance(value, list):
        return [_camel_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = _camel(key) or key
        out[key if name != key and (name in value or name in out) else name] = _camel_keys(item)
    return out


def _union(*values: Any) -> list:
    """The items of lists (a single value counts as a list of one), each once, in order."""
    union: list[Any] = []
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if item not in union:
                union.append(item)
    return union


def _ordered(mapping: Mapping[str, Any], order: Sequence[str]) -> dict:
    return {**{key: mapping[key] for key in order if key in mapping}, **mapping}


def _compact(mapping: Mapping[str, Any]) -> dict:
    return {key: value for key, value in mapping.items() if not _empty(value)}


def _dotted(pointer: str) -> str:
    """`/asset/schema/2/type` as `asset.schema[2].type`, the way a reader names a legacy key."""
    out = ""
    for token in split_pointer(pointer):
        out += f"[{token}]" if token.isdigit() else f".{token}" if out else token
    return out
