"""`dativo-check context ...` end to end: identity, purposes, formats, exit codes, configuration."""

from __future__ import annotations

import json

import yaml
from conftest import dump
from context_helpers import audit_lines, repository


def test_get_prints_the_context_as_json(cli, tmp_path):
    root = repository(tmp_path)
    run = cli("context", "get", "postgres-orders", "--requester", "copilot", "--purpose", "code-assist", cwd=root)
    assert run.code == 0
    document = run.json()
    assert document["decision"] == "allow" and document["asset"] == "postgres-orders"
    assert [obj["name"] for obj in document["schema"]] == ["orders", "order_lines"]
    assert run.out == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_requester_comes_from_the_environment(cli, tmp_path):
    root = repository(tmp_path)
    run = cli("context", "get", "stripe-customers", "--purpose", "incident-response", cwd=root,
              env={"DATIVO_CONTEXT_REQUESTER": "lmeyer"})
    assert run.code == 0 and run.json()["requester"] == "lmeyer"
    flag = cli("context", "get", "stripe-customers", "--requester", "copilot", "--purpose", "incident-response",
               cwd=root, env={"DATIVO_CONTEXT_REQUESTER": "lmeyer"})
    assert flag.json()["requester"] == "copilot"  # the flag of the person who starts the tool wins


def test_a_missing_requester_or_purpose_is_a_usage_error(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("DATIVO_CONTEXT_REQUESTER", raising=False)
    root = repository(tmp_path)
    run = cli("context", "get", "stripe-customers", "--purpose", "code-assist", cwd=root)
    assert run.code == 2 and "pass --requester ID or set DATIVO_CONTEXT_REQUESTER" in run.err
    run = cli("context", "get", "stripe-customers", "--requester", "copilot", cwd=root)
    assert run.code == 2 and "--purpose" in run.err
    assert audit_lines(root / "audit" / "context-audit.jsonl") == []
    assert cli("context", cwd=root).code == 2


def test_denials_exit_1_and_are_indistinguishable_for_hidden_and_missing_assets(cli, tmp_path):
    root = repository(tmp_path)
    hidden = cli("context", "get", "kafka-order-events", "--requester", "copilot", "--purpose", "code-assist",
                 cwd=root)
    missing = cli("context", "get", "kafka-order-event", "--requester", "copilot", "--purpose", "code-assist",
                  cwd=root)
    assert hidden.code == missing.code == 1
    assert {**hidden.json(), "asset": ""} == {**missing.json(), "asset": ""}
    stranger = cli("context", "get", "postgres-orders", "--requester", "mallory", "--purpose", "code-assist",
                   cwd=root)
    assert stranger.code == 1 and stranger.json()["rules"] == ["unknown-requester"]


def test_an_unusable_policy_refuses_every_request_with_its_location(cli, tmp_path):
    policy = yaml.safe_load((repository(tmp_path / "base") / "policy.yaml").read_text())
    policy["rules"][0]["effect"] = "permit"
    root = repository(tmp_path, policy=dump(policy))
    run = cli("context", "get", "postgres-orders", "--requester", "copilot", "--purpose", "code-assist", cwd=root)
    assert run.code == 2 and run.out == ""
    assert "every request is refused" in run.err and "policy.yaml:" in run.err and "permit" in run.err
    assert "Traceback" not in run.err


def test_without_a_policy_everything_is_denied_and_audited(cli, tmp_path):
    root = repository(tmp_path)
    (root / ".dativo-check.yaml").write_text(dump({"context": {"audit": "audit.jsonl"}}))
    run = cli("context", "get", "postgres-orders", "--requester", "copilot", "--purpose", "code-assist", cwd=root)
    assert run.code == 1 and run.json()["rules"] == ["default-deny"]
    assert audit_lines(root / "audit.jsonl")[0]["decision"] == "deny"


def test_policy_lint_warnings_go_to_stderr(cli, tmp_path):
    policy = yaml.safe_load((repository(tmp_path / "base") / "policy.yaml").read_text())
    policy["rules"].append({"id": "sales", "effect": "allow", "requesters": {"roles": ["sales"]},
                            "capabilities": ["schema"]})
    root = repository(tmp_path, policy=dump(policy))
    run = cli("context", "get", "postgres-orders", "--requester", "copilot", "--purpose", "code-assist", cwd=root)
    assert run.code == 0 and "warning: rule sales matches no declared requester" in run.err


def test_markdown_and_output_file(cli, tmp_path):
    root = repository(tmp_path)
    out = tmp_path / "page.md"
    run = cli("context", "get", "postgres-orders", "--requester", "copilot", "--purpose", "code-assist", "--format",
              "markdown", "--output", str(out), cwd=root)
    assert run.code == 0 and run.out == ""
    assert out.read_text().startswith("# postgres\\_orders\n")


def test_search_json_and_text(cli, tmp_path):
    root = repository(tmp_path)
    run = cli("context", "search", "orders", "--requester", "analytics-bot", "--purpose", "analytics", cwd=root)
    assert run.code == 0
    assert sorted(result["id"] for result in run.json()["results"]) == ["analytics-customer-orders",
                                                                        "postgres-orders"]
    text = cli("context", "search", "", "--requester", "analytics-bot", "--purpose", "analytics", "--format", "text",
               "--limit", "1", cwd=root)
    assert text.out.splitlines()[-1] == "1 of 2 visible asset(s) match"
    assert cli("context", "search", "x", "--requester", "copilot", "--purpose", "code-assist", "--limit", "0",
               cwd=root).code == 2


def test_explain_prints_the_trace_for_policy_authors_and_is_audited(cli, tmp_path):
    root = repository(tmp_path)
    run = cli("context", "explain", "kafka-order-events", "--requester", "lmeyer", "--for", "copilot", "--purpose",
              "code-assist", cwd=root)
    assert run.code == 1
    assert "asset kafka-order-events: domain commerce" in run.out and "highest classification restricted" in run.out
    assert "requester copilot, purpose code-assist" in run.out
    assert "no-restricted-for-machines  deny   MATCH" in run.out
    assert "highest classification restricted is above confidential" in run.out
    assert run.out.rstrip().endswith("decision: deny")
    allowed = cli("context", "explain", "stripe-customers", "--requester", "lmeyer", "--for", "copilot", "--purpose",
                  "code-assist", "--format", "json", cwd=root)
    document = allowed.json()
    assert allowed.code == 0 and document["capabilities"] == ["schema", "lineage", "governance"]
    assert document["requester"] == "lmeyer" and document["for"] == "copilot"
    fields = {entry["path"]: entry["action"] for entry in document["fields"]}
    assert fields["customers.email"] == "omit" and fields["customers.address.city"] == "omit"
    assert "schema" not in document and "contract" not in document  # a dry run gives no context
    own = cli("context", "explain", "stripe-customers", "--requester", "lmeyer", "--purpose", "code-assist",
              "--format", "json", cwd=root).json()
    assert own["for"] == "lmeyer" and own["capabilities"] == ["schema", "lineage", "finops", "governance"]
    lines = audit_lines(root / "audit" / "context-audit.jsonl")
    assert [(line["action"], line["requester"], line["subject"]) for line in lines] == [
        ("explain", "lmeyer", "copilot"), ("explain", "lmeyer", "copilot"), ("explain", "lmeyer", "lmeyer")]


def test_explain_tells_nobody_else_anything_about_any_asset(cli, tmp_path):
    root = repository(tmp_path)
    answers = []
    for asset in ("kafka-order-events", "kafka-order-event", "stripe-customers"):  # hidden, missing, visible
        for extra in ((), ("--for", "lmeyer")):
            run = cli("context", "explain", asset, "--requester", "copilot", "--purpose", "code-assist", *extra,
                      cwd=root)
            assert run.code == 1
            answers.append({**run.json(), "asset": "", "for": ""})
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["rules"] == ["authors-only"] and "facts" not in answers[0] and "fields" not in answers[0]
    assert "kafka" not in json.dumps(answers) and "restricted" not in json.dumps(answers)
    lines = audit_lines(root / "audit" / "context-audit.jsonl")
    assert len(lines) == 6 and all(line["rules"] == ["authors-only"] for line in lines)


def test_contracts_can_be_named(cli, tmp_path):
    root = repository(tmp_path)
    run = cli("context", "search", "", "--requester", "lmeyer", "--purpose", "analytics", "--contracts",
              str(root / "specs" / "stripe"), cwd=root)
    assert [result["id"] for result in run.json()["results"]] == ["stripe-customers"]
    missing = cli("context", "search", "", "--requester", "lmeyer", "--purpose", "analytics", "--contracts",
                  "nowhere", cwd=root)
    assert missing.code == 2 and "no such file or folder: nowhere" in missing.err


def test_the_newest_version_of_a_contract_answers(cli, tmp_path):
    root = repository(tmp_path)
    data = yaml.safe_load((root / "specs/postgres/v1.0/orders.yaml").read_text())
    data["version"] = "1.1.0"
    data["description"]["purpose"] = "The newer orders."
    (root / "specs/postgres/v1.1").mkdir()
    (root / "specs/postgres/v1.1/orders.yaml").write_text(dump(data))
    run = cli("context", "get", "postgres-orders", "--requester", "copilot", "--purpose", "code-assist", cwd=root)
    assert run.json()["contract"]["version"] == "1.1.0"
    assert run.json()["contract"]["description"]["purpose"] == "The newer orders."


def test_the_core_never_imports_the_mcp_sdk(tmp_path):
    import subprocess
    import sys

    root = repository(tmp_path)
    code = ("import sys\nfrom dativo_check.cli import main\n"
            "main(['context', 'get', 'postgres-orders', '--requester', 'copilot', '--purpose', 'code-assist'])\n"
            "main(['policy', 'test', sys.argv[1]])\n"
            "print('mcp' in sys.modules, 'dativo_check.context.mcp_server' in sys.modules)")
    from context_helpers import POLICY_TESTS

    done = subprocess.run([sys.executable, "-c", code, str(POLICY_TESTS)], cwd=root, capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1] == "False False"


def test_prices_and_run_history_are_read_on_the_first_cost_request_only(tmp_path, monkeypatch):
    from dativo_check.config import load_config
    from dativo_check.context.engine import open_service
    from dativo_check.finops import metrics

    reads = []
    read_history = metrics.read_history
    monkeypatch.setattr(metrics, "read_history", lambda folder: reads.append(folder) or read_history(folder))
    service, _ = open_service(load_config(repository(tmp_path)), "analytics-bot")
    assert service.search("", "analytics").allowed and service.lineage("postgres-orders", "analytics").allowed
    assert reads == []
    first = service.cost("postgres-orders", "analytics").document
    assert first["finops"]["estimable"] and service.cost("postgres-orders", "analytics").document == first
    assert len(reads) == 1
