"""Without any configured policy, every context request is denied, and the answer says that no policy is configured
and how to write one, instead of blaming the requester.

The contracts are the standard's official examples (tests/fixtures/odcs-examples, see its NOTICE.md), copied into a
folder whose configuration names no policy.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, dump
from context_helpers import audit_lines, repository

OFFICIAL = FIXTURES / "odcs-examples" / "v3.1.0"
FULL_EXAMPLE = "53581432-6c55-4ba2-a65f-72344a91553a"  # the id of all__full-example.odcs.yaml
REQUEST = ("--requester", "copilot", "--purpose", "code-assist")


def _unconfigured(tmp_path: Path) -> Path:
    """Official examples and a configuration with an audit log but no `context.policy`."""
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    for name in ("all__full-example.odcs.yaml", "server__azure-server.odcs.yaml"):
        shutil.copy(OFFICIAL / name, root / "specs" / name)
    (root / ".dativo-check.yaml").write_text(dump({"context": {"audit": "audit.jsonl"}}), encoding="utf-8")
    return root


def _says_no_policy_is_configured(reason: str) -> None:
    assert reason.startswith("no context policy is configured, so every request is denied")
    assert "docs/ai-context.md" in reason and "`context.policy`" in reason and "--policy FILE" in reason
    assert "requester" not in reason


def test_get_without_a_policy_is_denied_because_there_is_none(cli, tmp_path):
    root = _unconfigured(tmp_path)
    run = cli("context", "get", FULL_EXAMPLE, *REQUEST, cwd=root)
    assert run.code == 1
    document = run.json()
    assert document["decision"] == "deny" and document["rules"] == ["default-deny"]
    assert "schema" not in document and "contract" not in document
    _says_no_policy_is_configured(document["reason"])
    assert run.err == f"dativo-check: warning: {document['reason']}\n"
    [line] = audit_lines(root / "audit.jsonl")
    assert (line["action"], line["requester"], line["resource"], line["decision"], line["rules"]) == (
        "get", "copilot", FULL_EXAMPLE, "deny", ["default-deny"])


def test_every_request_command_is_denied_the_same_way_and_audited(cli, tmp_path):
    root = _unconfigured(tmp_path)
    runs = [cli("context", "search", "", *REQUEST, cwd=root),
            cli("context", "search", "air quality", *REQUEST, "--format", "text", cwd=root),
            cli("context", "explain", FULL_EXAMPLE, *REQUEST, cwd=root),
            cli("context", "bundle", "--out", str(tmp_path / "bundle"), *REQUEST, cwd=root)]
    for run in runs:
        assert run.code == 1
        assert run.json()["decision"] == "deny" and run.json()["rules"] == ["default-deny"]
        _says_no_policy_is_configured(run.json()["reason"])
    assert not (tmp_path / "bundle").exists()
    assert [(line["action"], line["decision"]) for line in audit_lines(root / "audit.jsonl")] == [
        ("search", "deny"), ("search", "deny"), ("explain", "deny"), ("bundle-index", "deny")]


def test_naming_a_policy_as_the_message_says_answers_the_request(cli, tmp_path):
    root = repository(tmp_path)
    (root / ".dativo-check.yaml").write_text(dump({"context": {"audit": "audit.jsonl"}}), encoding="utf-8")
    denied = cli("context", "get", "postgres-orders", *REQUEST, cwd=root)
    assert denied.code == 1 and denied.json()["reason"].startswith("no context policy is configured")
    allowed = cli("context", "get", "postgres-orders", *REQUEST, "--policy", "policy.yaml", cwd=root)
    assert allowed.code == 0 and allowed.json()["decision"] == "allow" and allowed.err == ""
    (root / ".dativo-check.yaml").write_text(dump({"context": {"policy": "policy.yaml", "audit": "audit.jsonl"}}),
                                             encoding="utf-8")
    assert cli("context", "get", "postgres-orders", *REQUEST, cwd=root).code == 0


def test_a_declared_policy_still_names_an_undeclared_requester(cli, tmp_path):
    root = repository(tmp_path)
    run = cli("context", "get", "postgres-orders", "--requester", "mallory", "--purpose", "code-assist", cwd=root)
    assert run.code == 1 and run.json()["rules"] == ["unknown-requester"]
    assert run.json()["reason"] == "requester mallory is not declared in the policy"


@pytest.mark.skipif(importlib.util.find_spec("mcp") is None, reason="the MCP SDK is not installed")
def test_the_mcp_server_refuses_to_start_and_says_how_to_configure_a_policy(cli, tmp_path):
    root = _unconfigured(tmp_path)
    run = cli("mcp", "--requester", "copilot", cwd=root)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("dativo-check: error: no context policy is configured")
    assert "docs/ai-context.md" in run.err and run.err.rstrip().endswith("refusing to serve")
    assert len(run.err.splitlines()) == 1
