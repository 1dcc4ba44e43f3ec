"""Lint rules: one module per rule, each documenting itself (id, level, explanation, PASS and FAIL examples).

A rule module defines `ID`, `LEVEL`, `CATEGORY` (structure, profile or repository) and either
`check(contract, context)` for one contract or `check_repository(contracts, context)` for rules that look across
files. Both yield `Violation`s; the engine turns them into findings at the configured level. Adding a rule means
adding a module here and its name to `MODULES`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from dativo_check.core.ruledoc import RuleDoc, from_module

if TYPE_CHECKING:
    from dativo_check.config import Config
    from dativo_check.contract.index import ContractIndex
    from dativo_check.contract.model import Contract

MODULES = (
    "duplicate_name",
    "key_position",
    "type_compatible",
    "version_semver",
    "status_lifecycle",
    "quality_threshold",
    "transform_source",
    "profile_owner",
    "profile_classification",
    "profile_pii",
    "profile_retention",
    "profile_cost_center",
    "unique_id",
    "layout_version_folder",
)


@dataclass(frozen=True)
class Violation:
    """What a rule found: where (a JSON pointer), what, and how to fix it."""

    pointer: str
    message: str
    hint: str | None = None
    at_key: bool = False
    contract: Contract | None = None


@dataclass(frozen=True)
class RuleContext:
    config: Config
    index: ContractIndex


@dataclass(frozen=True)
class Rule:
    doc: RuleDoc
    module: ModuleType

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def repository_scope(self) -> bool:
        return hasattr(self.module, "check_repository")

    @property
    def profile(self) -> bool:
        return self.doc.category == "profile"

    def check(self, contract: Contract, context: RuleContext) -> Any:
        return self.module.check(contract, context)

    def check_repository(self, contracts: list[Contract], context: RuleContext) -> Any:
        return self.module.check_repository(contracts, context)


@lru_cache(maxsize=None)
def all_rules() -> tuple[Rule, ...]:
    rules = []
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        rules.append(Rule(from_module(module, "lint"), module))
    return tuple(rules)
