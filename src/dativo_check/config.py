"""Configuration: read once from `.dativo-check.yaml` or `[tool.dativo-check]` in `pyproject.toml`, then frozen."""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, TypeVar

from dativo_check.core.errors import ConfigError
from dativo_check.core.model import Bump, Level
from dativo_check.yamlio.loader import Limits

CONFIG_FILES = (".dativo-check.yaml", ".dativo-check.yml")
_Settings = TypeVar("_Settings")

CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
SENSITIVE = ("confidential", "restricted")
PII_PATTERNS = (
    r"e_?mail", r"phone", r"mobile", r"^(first|last|middle|full|given|family|sur)_?name$", r"^name$",
    r"address", r"street", r"postal_?code|zip_?code", r"birth|^dob$", r"ssn|social_security", r"passport",
    r"national_?id|tax_?id", r"ip_?address", r"iban|card_?number|account_?number",
)


ADVISORY, ENFORCED, OFF = "advisory", "enforced", "off"


@dataclass(frozen=True)
class ProfileSettings:
    """The Dativo profile: how its rules report, which classification levels exist, which count as sensitive, what
    looks like PII.

    `mode` is `advisory` when nobody asked for the profile (its findings are warnings: they teach but do not fail),
    `enforced` when the configuration has a `profile` section or `--profile` is given (each rule at its own level),
    and `off` with `profile: false` or `--no-profile`."""

    mode: str = ADVISORY
    classifications: tuple[str, ...] = CLASSIFICATIONS
    sensitive: tuple[str, ...] = SENSITIVE
    pii_patterns: tuple[str, ...] = PII_PATTERNS

    @property
    def enabled(self) -> bool:
        return self.mode != OFF


@dataclass(frozen=True)
class DbtSettings:
    """How contracts become dbt files (the `dbt:` section)."""

    out: str = "dbt"
    source_name: str = "data-product"
    server: str | None = None
    database: str | bool = True
    schema: str | None = None
    models: bool = False
    loaded_at_fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    project_name: str = "dativo_contracts"
    profile: str = "dativo"


@dataclass(frozen=True)
class LineageSettings:
    """How lineage is drawn and exported (the `lineage:` section)."""

    depth: int = 2
    max_nodes: int = 30
    dbt_manifest: str | None = None
    job_namespace: str = "dativo-contracts"


@dataclass(frozen=True)
class IncreaseThresholds:
    """When a cost increase is a warning or an error: every threshold that is set must be exceeded."""

    warn_percent: float | None = 20.0
    error_percent: float | None = 100.0
    warn_absolute: float | None = 100.0
    error_absolute: float | None = 1000.0


@dataclass(frozen=True)
class CostThresholds:
    """`finops.thresholds`: the default, and the thresholds of single cost centres (which start from the default)."""

    default: IncreaseThresholds = IncreaseThresholds()
    cost_centers: Mapping[str, IncreaseThresholds] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, cost_center: str | None) -> IncreaseThresholds:
        return self.cost_centers.get(cost_center, self.default) if cost_center is not None else self.default


@dataclass(frozen=True)
class AnomalyThresholds:
    """`finops.anomalies`: how far off a run must be to be an anomaly (see docs/finops-anomalies.md)."""

    window: int = 30
    min_baseline: int = 10
    z: float = 3.5
    min_change: float = 0.5
    step_runs: int = 5
    drift_change: float = 0.25

    def __post_init__(self) -> None:
        if not 1 <= self.min_baseline <= self.window or self.step_runs < 2 or min(
                self.z, self.min_change, self.drift_change) < 0:
            raise ValueError(f"invalid anomaly thresholds {self}: need 1 <= min_baseline <= window, step_runs >= 2, "
                             f"and z, min_change and drift_change >= 0")

    @property
    def need(self) -> int:
        return self.min_baseline + 1


@dataclass(frozen=True)
class FinopsSettings:
    """Where prices and run metrics come from, and when a cost increase fails the gate (the `finops:` section)."""

    pricing: str | None = None
    history: str = ".finops"
    thresholds: CostThresholds = CostThresholds()
    provider: str = "Dativo"
    anomalies: AnomalyThresholds = AnomalyThresholds()


@dataclass(frozen=True)
class RuleConfig:
    """What the `rules:` section says about one rule, and where (checked against the rule catalogue by the caller,
    since the catalogue knows every stage and the configuration is read below them)."""

    id: str
    level: Level | None
    bump: Bump | None
    where: str


@dataclass(frozen=True)
class ContextSettings:
    """Where the AI-context policy and audit log live, and how large a response may be (the `context:` section)."""

    policy: str | None = None
    audit: str = ".dativo/context-audit.jsonl"
    max_response_bytes: int = 65536
    max_text: int = 500


@dataclass(frozen=True)
class AllowlistEntry:
    """One accepted change: its stable id, why it is accepted and until when."""

    id: str
    reason: str
    expires: str
    line: int | None = None

    def expired(self, today: str) -> bool:
        return self.expires < today


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    strict: bool = False
    profile: ProfileSettings = ProfileSettings()
    rules: tuple[RuleConfig, ...] = ()
    limits: Limits = Limits()
    compat: str = "forward"
    allowlist: tuple[AllowlistEntry, ...] = ()
    dbt: DbtSettings = DbtSettings()
    lineage: LineageSettings = LineageSettings()
    finops: FinopsSettings = FinopsSettings()
    context: ContextSettings = ContextSettings()

    @property
    def rule_levels(self) -> Mapping[str, Level]:
        return {rule.id: rule.level for rule in self.rules if rule.level is not None}

    @property
    def rule_bumps(self) -> Mapping[str, Bump]:
        return {rule.id: rule.bump for rule in self.rules if rule.bump is not None}

    @property
    def display_source(self) -> str:
        """The configuration file as findings name it."""
        if self.source is None:
            return ".dativo-check.yaml"
        try:
            return self.source.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(self.source)

    def with_options(self, strict: bool | None = None, profile: bool | None = None) -> Config:
        """Command-line flags win over the file."""
        changed = self
        if strict is not None:
            changed = dataclasses.replace(changed, strict=strict)
        if profile is not None:
            mode = ENFORCED if profile else OFF
            changed = dataclasses.replace(changed, profile=dataclasses.replace(changed.profile, mode=mode))
        return changed


def find_root(start: Path) -> Path:
    """The nearest folder, from `start` upwards, that holds a configuration file or `.git`; else `start`."""
    return repository_root(start) or start.resolve()


def repository_root(start: Path) -> Path | None:
    """The nearest folder, from `start` upwards, that holds a configuration file or `.git`, if any."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / name).is_file() for name in CONFIG_FILES) or (folder / ".git").exists():
            return folder
        if (folder / "pyproject.toml").is_file() and _pyproject_section(folder / "pyproject.toml") is not None:
            return folder
    return None


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    """Read the configuration that applies to `start` (default: the working directory)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found")
        data, locate = _read(explicit)
        return _build(data, locate, explicit, explicit.resolve().parent)
    root = find_root(start or Path.cwd())
    for name in CONFIG_FILES:
        candidate = root / name
        if candidate.is_file():
            data, locate = _read(candidate)
            return _build(data, locate, candidate, root)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        section = _pyproject_section(pyproject)
        if section is not None:
            return _build(section, lambda pointer: None, pyproject, root)
    return Config(root=root)


def _read(path: Path) -> tuple[Any, Any]:
    if path.suffix == ".toml":
        section = _pyproject_section(path)
        if section is None:
            raise ConfigError(f"{path}: no [tool.dativo-check] section")
        return section, lambda pointer: None
    from dativo_check.yamlio.loader import load_path

    result = load_path(path, noun="configuration")
    if result.document is None or any(f.level is Level.ERROR for f in result.findings):
        first = result.findings[0]
        raise ConfigError(f"{first.location}: {first.message}")
    document = result.document
    return document.data, lambda pointer: document.locate(pointer, at_key=True)


def _pyproject_section(path: Path) -> dict | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read TOML: {error}") from None
    section = document.get("tool", {}).get("dativo-check")
    return _plain(section) if isinstance(section, dict) else None


def _plain(value: Any) -> Any:
    """TOML dates and times as the ISO text YAML configuration would give."""
    import datetime

    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _build(data: Any, locate: Any, source: Path, root: Path) -> Config:
    _check_against_schema(data, locate, source)
    profile = _profile(data.get("profile"))
    unknown = [level for level in profile.sensitive if level not in profile.classifications]
    if unknown:
        raise ConfigError(f"{_where(source, locate, '/profile/sensitive')}: sensitive level {unknown[0]!r} "
                          "is not among profile.classifications")
    return Config(
        root=root,
        source=source,
        paths=tuple(data.get("paths", ())),
        exclude=tuple(data.get("exclude", ())),
        strict=data.get("strict", False),
        profile=profile,
        rules=_rules(data.get("rules", {}), locate, source),
        limits=_section(Limits, data.get("limits", {})),
        compat=data.get("compat", "forward"),
        dbt=_section(DbtSettings, data.get("dbt", {})),
        context=_section(ContextSettings, data.get("context", {})),
        finops=_finops(data.get("finops", {}), locate, source),
        lineage=_section(LineageSettings, data.get("lineage", {})),
        allowlist=tuple(AllowlistEntry(entry["id"], entry["reason"], entry["expires"],
                                       (locate(f"/allowlist/{index}") or (None,))[0])
                        for index, entry in enumerate(data.get("allowlist", ()))),
    )


def _profile(section: Any) -> ProfileSettings:
    """A `profile` section asks for the profile (enforced) unless it switches it off; no section is advisory."""
    if section is None:
        return ProfileSettings()
    if isinstance(section, bool):
        return ProfileSettings(mode=ENFORCED if section else OFF)
    settings = {key: value for key, value in section.items() if key != "enabled"}
    return dataclasses.replace(_section(ProfileSettings, settings),
                               mode=ENFORCED if section.get("enabled", True) else OFF)


def _section(cls: type[_Settings], data: Mapping[str, Any]) -> _Settings:
    """A settings dataclass from its configuration section: `kebab-case` keys name fields (the schema allows no
    others), absent keys keep the defaults; lists become tuples and mappings read-only, as the settings are frozen."""
    return cls(**{key.replace("-", "_"): _frozen(value) for key, value in data.items()})


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return MappingProxyType(dict(value))
    return value


def _rules(section: Mapping[str, Any], locate: Any, source: Path) -> tuple[RuleConfig, ...]:
    found = []
    for rule_id, setting in section.items():
        setting = setting if isinstance(setting, dict) else {"level": setting}
        level = Level(setting["level"]) if "level" in setting else None
        bump = Bump(setting["bump"]) if "bump" in setting else None
        found.append(RuleConfig(rule_id, level, bump, _where(source, locate, f"/rules/{rule_id}")))
    return tuple(found)


def _finops(section: Mapping[str, Any], locate: Any, source: Path) -> FinopsSettings:
    """The `finops:` section, its thresholds typed here so that no stage parses configuration."""
    def increase(values: Mapping[str, Any], base: IncreaseThresholds) -> IncreaseThresholds:
        return dataclasses.replace(base, **{key.replace("-", "_"): value for key, value in values.items()})

    raw = section.get("thresholds", {})
    default = increase(raw.get("default", {}), IncreaseThresholds())
    centers = {center: increase(values, default) for center, values in raw.get("cost-centers", {}).items()}
    try:
        anomalies = AnomalyThresholds(**{key.replace("-", "_"): value
                                         for key, value in section.get("anomalies", {}).items()})
    except ValueError as error:
        raise ConfigError(f"{_where(source, locate, '/finops/anomalies')}: finops.anomalies: {error}") from None
    plain = {key: value for key, value in section.items() if key not in ("thresholds", "anomalies")}
    return dataclasses.replace(_section(FinopsSettings, plain), thresholds=CostThresholds(
        default, MappingProxyType(centers)), anomalies=anomalies)


def _check_against_schema(data: Any, locate: Any, source: Path) -> None:
    from dativo_check.core import resources
    from dativo_check.yamlio import schema_errors

    validator = _config_validator()
    schema = resources.load_json_schema("config.schema.json")
    found = schema_errors.problems(validator.iter_errors(data), schema_errors.vocabulary_of(schema),
                                   schema_errors.keys_hint("configuration", schema))
    if found:
        lines = []
        for problem in found:
            hint = f" ({problem.hint})" if problem.hint else ""
            lines.append(f"{_where(source, locate, problem.pointer)}: {problem.message}{hint}")
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines))


def _config_validator() -> Any:
    import jsonschema_rs

    from dativo_check.core import resources

    return jsonschema_rs.Draft201909Validator(resources.load_json_schema("config.schema.json"), validate_formats=True)


def _where(source: Path, locate: Any, pointer: str) -> str:
    position = locate(pointer)
    display = os.path.relpath(source) if source.is_absolute() else str(source)
    return f"{display}:{position[0]}:{position[1]}" if position else f"{display} [{pointer or '/'}]"
