"""`dativo-check mcp`: the SDK's own client against the server, in-process and once over a real stdio subprocess.

Skipped when the MCP SDK (the `[mcp]` extra) is not installed, unless DATIVO_CHECK_REQUIRE_MCP is set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys

import pytest
from context_helpers import audit_lines, repository, service

if importlib.util.find_spec("mcp") is None:
    if os.environ.get("DATIVO_CHECK_REQUIRE_MCP"):
        raise RuntimeError("DATIVO_CHECK_REQUIRE_MCP is set but the MCP SDK is missing (pip install -e .[mcp])")
    pytest.skip("the MCP SDK is not installed (pip install -e .[mcp])", allow_module_level=True)

import anyio  # noqa: E402 - a dependency of the SDK
from mcp import Client, StdioServerParameters  # noqa: E402

from dativo_check.context.mcp_server import build_server  # noqa: E402

TOOLS = {"search_assets", "get_asset_context", "get_lineage", "get_cost"}
TIMEOUT = 60


def run(client_target, calls):
    """Open the SDK client on `client_target`, list the tools, make `calls` and return (tools, results)."""
    async def main():
        with anyio.fail_after(TIMEOUT):
            async with Client(client_target) as client:
                tools = (await client.list_tools()).tools
                results = [await client.call_tool(name, arguments) for name, arguments in calls]
                return tools, results

    return anyio.run(main)


def test_tools_are_read_only_and_take_no_requester(tmp_path):
    tools, _ = run(build_server(service(tmp_path, "copilot")), [])
    assert {tool.name for tool in tools} == TOOLS
    for tool in tools:
        properties = set(tool.input_schema["properties"])
        assert "requester" not in properties and not any("requester" in name for name in properties)
        assert properties in ({"query", "purpose"}, {"asset", "purpose"})
        assert set(tool.input_schema["required"]) == properties
        assert tool.annotations.read_only_hint is True and tool.annotations.destructive_hint is False
        assert tool.annotations.open_world_hint is False
        assert tool.description


def test_each_tool_answers_under_the_policy_and_is_audited(tmp_path):
    calls = [("search_assets", {"query": "orders", "purpose": "code-assist"}),
             ("get_asset_context", {"asset": "stripe-customers", "purpose": "code-assist"}),
             ("get_lineage", {"asset": "postgres-orders", "purpose": "code-assist"}),
             ("get_cost", {"asset": "postgres-orders", "purpose": "code-assist"}),
             ("get_asset_context", {"asset": "kafka-order-events", "purpose": "code-assist"})]
    _, results = run(build_server(service(tmp_path, "copilot")), calls)
    documents = [result.structured_content for result in results]
    assert not any(result.is_error for result in results)
    found = {item["id"] for item in documents[0]["results"]}
    assert {"analytics-customer-orders", "postgres-orders"} <= found and "kafka-order-events" not in found
    context = documents[1]
    assert context["decision"] == "allow" and context["requester"] == "copilot"
    assert "email" not in json.dumps(context["schema"])  # PII omitted for agents
    assert {"restricted": True, "depth": 1} in documents[2]["lineage"]["downstream"]
    assert documents[3]["decision"] == "deny" and documents[3]["rules"] == ["no-costs-for-agents"]
    assert documents[4]["decision"] == "deny" and "rules" not in documents[4]
    assert json.loads(results[1].content[0].text) == context  # the same document as text for older clients
    lines = audit_lines(tmp_path / "audit.jsonl")
    assert [(line["action"], line["resource"], line["decision"]) for line in lines] == [
        ("search", "orders", "allow"), ("get", "stripe-customers", "allow"), ("lineage", "postgres-orders", "allow"),
        ("cost", "postgres-orders", "deny"), ("get", "kafka-order-events", "deny")]
    assert {line["requester"] for line in lines} == {"copilot"}


def test_a_forged_requester_argument_changes_nothing(tmp_path):
    calls = [("get_cost", {"asset": "stripe-customers", "purpose": "code-assist", "requester": "lmeyer"}),
             ("get_asset_context", {"asset": "kafka-order-events", "purpose": "code-assist",
                                    "requester": "lmeyer"})]
    _, results = run(build_server(service(tmp_path, "copilot")), calls)
    for result in results:
        document = result.structured_content
        assert result.is_error or (document["requester"] == "copilot" and document["decision"] == "deny")
    assert {line["requester"] for line in audit_lines(tmp_path / "audit.jsonl")} <= {"copilot"}


def test_a_tool_fails_closed_when_the_audit_line_cannot_be_written(tmp_path):
    (tmp_path / "audit.jsonl").mkdir()
    _, results = run(build_server(service(tmp_path, "copilot")),
                     [("get_asset_context", {"asset": "stripe-customers", "purpose": "code-assist"})])
    result = results[0]
    assert result.is_error and "the request is refused" in result.content[0].text
    assert not result.structured_content
    assert "Raw copy of Stripe" not in result.content[0].text


def test_the_server_over_a_real_stdio_subprocess(tmp_path):
    root = repository(tmp_path)
    log = tmp_path / "mcp-audit.jsonl"
    parameters = StdioServerParameters(
        command=sys.executable,
        args=["-m", "dativo_check", "mcp", "--requester", "copilot", "--audit", str(log)],
        cwd=str(root))
    tools, results = run(parameters, [("get_asset_context", {"asset": "postgres-orders", "purpose": "code-assist"}),
                                      ("search_assets", {"query": "", "purpose": "gossip"})])
    assert {tool.name for tool in tools} == TOOLS
    assert all("requester" not in tool.input_schema["properties"] for tool in tools)
    document = results[0].structured_content
    assert document["decision"] == "allow" and document["asset"] == "postgres-orders"
    assert document["policy_hash"].startswith("sha256:")
    assert results[1].structured_content["rules"] == ["purpose-not-allowed"]
    lines = audit_lines(log)
    assert [(line["action"], line["requester"], line["decision"]) for line in lines] == [
        ("get", "copilot", "allow"), ("search", "copilot", "deny")]


def test_the_server_refuses_to_start_without_a_usable_identity_or_policy(cli, tmp_path):
    root = repository(tmp_path)
    unknown = cli("mcp", "--requester", "mallory", cwd=root)
    assert unknown.code == 2 and "not declared in the policy; refusing to serve" in unknown.err
    (root / ".dativo-check.yaml").write_text("context: {}\n")
    no_policy = cli("mcp", "--requester", "copilot", cwd=root)
    assert no_policy.code == 2 and "no context policy" in no_policy.err
    nobody = cli("mcp", cwd=root, env={"DATIVO_CONTEXT_REQUESTER": ""})
    assert nobody.code == 2 and "who is asking" in nobody.err
