"""Prices: a YAML pricing file (schema `schemas/finops/pricing.schema.json`), merged over the shipped default."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from dativo_check.core.errors import UsageError

_SERVER_ALIASES = {"postgresql": "postgres", "cloudsql": "postgres"}


@dataclass(frozen=True)
class Pricing:
    data: Mapping[str, Any]
    source: str
    # prices are looked up per run (anomalies over 100,000 runs): each is resolved once
    _resolved: dict[tuple[str | None, str, str], float] = field(default_factory=dict, compare=False, repr=False)

    @property
    def currency(self) -> str:
        return self.data["currency"]

    def _server(self, server_type: str | None) -> Mapping[str, Any]:
        kind = _SERVER_ALIASES.get(server_type or "", server_type or "")
        return self.data.get("servers", {}).get(kind, {})

    def _price(self, server_type: str | None, section: str, key: str) -> float:
        found = self._resolved.get((server_type, section, key))
        if found is None:
            override = self._server(server_type).get(section, {})
            found = self._resolved[server_type, section, key] = float(
                override.get(key, self.data.get(section, {}).get(key, 0.0)))
        return found

    def cpu_hour(self, server_type: str | None = None) -> float:
        return self._price(server_type, "compute", "cpu-hour")

    def memory_gb_hour(self, server_type: str | None = None) -> float:
        return self._price(server_type, "compute", "memory-gb-hour")

    def storage_gb_month(self, server_type: str | None, storage_class: str) -> float:
        return self._price(server_type, "storage", storage_class if storage_class in (
            "standard", "infrequent", "archive") else "standard")

    def network_gb(self, server_type: str | None = None) -> float:
        return self._price(server_type, "network", "gb")

    def api_per_thousand(self, api: str) -> float:
        return self._price(None, "api", api) if api in self.data.get("api", {}) else self._price(None, "api", "default")

    def compression(self, server_type: str | None) -> float:
        return float(self._server(server_type).get("compression", self.estimation("compression")))

    def estimation(self, key: str) -> float:
        return float(self.data.get("estimation", {}).get(key, _DEFAULT_ESTIMATION[key]))


_DEFAULT_ESTIMATION = {"cpu-seconds-per-million-rows": 60.0, "seconds-per-run": 30.0, "memory-gb-per-run": 2.0,
                       "compression": 0.35, "retention-days": 365.0}


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def load_pricing(path: str | Path | None = None) -> Pricing:
    """The default prices, with a pricing file's prices over them when one is given."""
    from dativo_check.core import resources

    default = _read(resources.schema_path("finops", "pricing-default.yaml"), "the default pricing")
    if path is None:
        return Pricing(default, "default")
    custom = _read(Path(path), str(path))
    if custom["currency"] != default["currency"]:
        return Pricing(custom, str(path))  # prices in another currency must not mix with the default's
    return Pricing(_merge(default, custom), str(path))


def _schema() -> Any:
    from dativo_check.core import resources

    return resources.load_json_schema("finops", "pricing.schema.json")  # cached by resources


@lru_cache(maxsize=None)
def _validator() -> Any:
    """The pricing schema, compiled once per process rather than for each file read (a load reads two)."""
    import jsonschema_rs

    return jsonschema_rs.Draft201909Validator(_schema())


@lru_cache(maxsize=None)
def _vocabulary() -> frozenset[str]:
    from dativo_check.yamlio import schema_errors

    return schema_errors.vocabulary_of(_schema())


def _read(path: Path, label: str) -> dict[str, Any]:
    from dativo_check.yamlio import schema_errors
    from dativo_check.yamlio.loader import load_path

    if not path.is_file():
        raise UsageError(f"{label}: pricing file not found")
    result = load_path(path, str(path), noun="pricing file")
    if result.document is None:
        first = result.findings[0]
        raise UsageError(f"{first.location}: {first.message}")
    problems = schema_errors.problems(_validator().iter_errors(result.document.data), _vocabulary(),
                                      schema_errors.keys_hint("pricing file", _schema()))
    if problems:
        where = [f"{path}:{result.document.locate(p.pointer, p.at_key)[0]}: {p.message}" for p in problems]
        raise UsageError("invalid pricing file:\n  " + "\n  ".join(where))
    return dict(result.document.data)


def inputs(config: Any, pricing: str | None = None, history: str | None = None) -> tuple[Pricing, Any]:
    """The prices and the run-metrics history a cost command works with: the named files, else the configured
    ones (`finops.pricing`, `finops.history`), else the shipped prices."""
    from dativo_check.finops.metrics import read_history

    if history is not None and not Path(history).is_dir():
        raise UsageError(f"{history}: no such run-metrics folder")  # a named folder that is not there is a mistake
    pricing_path = pricing or (str(config.root / config.finops.pricing) if config.finops.pricing else None)
    return load_pricing(pricing_path), read_history(history or config.root / config.finops.history)
