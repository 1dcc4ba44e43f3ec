"""Shared helpers of the context tests: the example policy and contracts, services over them, audit lines."""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from conftest import EXAMPLES, REPO, dump

from dativo_check.config import ContextSettings
from dativo_check.context.assets import Catalog, catalog
from dativo_check.context.audit import AuditLog
from dativo_check.context.engine import ContextService
from dativo_check.context.policy import Policy, from_data, schema_problems
from dativo_check.yamlio.loader import load_text
from dativo_check.contract.model import Contract

POLICY_FILE = REPO / "examples" / "context" / "policy.yaml"
POLICY_TESTS = REPO / "examples" / "context" / "policy-tests.yaml"
CONTRACT_FILES = sorted(EXAMPLES.glob("*/v1.0/*.yaml"))


def policy_data() -> dict[str, Any]:
    """The example policy as data (a fresh copy each time)."""
    return yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))


def policy_from(data: dict[str, Any]) -> Policy:
    problems = schema_problems(data)
    assert not problems, problems
    return from_data(data)


def contract_from(data: dict[str, Any], file: str = "contract.yaml") -> Contract:
    result = load_text(dump(data), file)
    assert result.document is not None, result.findings
    return Contract(result.document)


@functools.lru_cache(maxsize=1)
def _loaded_examples() -> tuple[Contract, ...]:
    return tuple(contract_from(yaml.safe_load(path.read_text(encoding="utf-8")), path.name) for path in CONTRACT_FILES)


def example_contracts() -> list[Contract]:
    """The example contracts, loaded once (contracts are read-only views)."""
    return list(_loaded_examples())


def service(tmp_path: Path, requester: str, policy: Policy | None = None, contracts: list[Contract] | None = None,
            settings: ContextSettings = ContextSettings(), audit: Path | None = None) -> ContextService:
    """A service over the example contracts (or `contracts`) and policy (or `policy`), auditing into tmp_path."""
    chosen: Catalog = catalog(contracts if contracts is not None else example_contracts())
    return ContextService(policy if policy is not None else policy_from(policy_data()), requester, chosen,
                          AuditLog(audit or tmp_path / "audit.jsonl"), settings)


def repository(tmp_path: Path, policy: str | None = None, config: dict[str, Any] | None = None) -> Path:
    """A folder with the example contracts, the example policy and a configuration that names both."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES, root / "specs")
    (root / "policy.yaml").write_text(policy if policy is not None else POLICY_FILE.read_text(encoding="utf-8"),
                                      encoding="utf-8")
    settings = {"context": {"policy": "policy.yaml", "audit": "audit/context-audit.jsonl", **(config or {})}}
    (root / ".dativo-check.yaml").write_text(dump(settings), encoding="utf-8")
    return root


def audit_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
