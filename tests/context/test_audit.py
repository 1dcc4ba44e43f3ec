"""The audit log: one line per request, a hash chain that shows any edit, removal or reordering, and fail-closed
appends."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest
import yaml
from conftest import dump
from context_helpers import audit_lines, repository, service

from dativo_check.context.audit import AuditError, AuditLog, verify

KEYS = {"time", "requester", "purpose", "action", "resource", "decision", "rules", "policy_hash", "redactions",
        "response_hash", "prev", "hash"}


def request(cli, root, *args, requester="copilot", purpose="code-assist"):
    return cli("context", *args, "--requester", requester, "--purpose", purpose, cwd=root)


def test_every_request_allowed_or_denied_appends_one_line(cli, tmp_path):
    root = repository(tmp_path)
    log = root / "audit" / "context-audit.jsonl"
    steps = [(("get", "stripe-customers"), 0, "allow"), (("get", "kafka-order-events"), 1, "deny"),
             (("search", "orders"), 0, "allow"), (("explain", "stripe-customers"), 1, "deny"),
             (("get", "postgres-orders", "--format", "markdown"), 0, "allow")]
    for count, (args, code, decision) in enumerate(steps, 1):
        assert request(cli, root, *args).code == code
        lines = audit_lines(log)
        assert len(lines) == count
        assert set(lines[-1]) - {"subject"} == KEYS and lines[-1]["decision"] == decision
    assert request(cli, root, "get", "stripe-customers", purpose="gossip").code == 1
    lines = audit_lines(log)
    assert [line["action"] for line in lines] == ["get", "get", "search", "explain", "get", "get"]
    assert lines[1]["rules"] == ["no-costs-for-agents", "no-restricted-for-machines"]
    assert lines[-1]["rules"] == ["purpose-not-allowed"] and lines[-1]["purpose"] == "gossip"
    assert lines[0]["redactions"][0] == ["allow-list", "custom-property-values", 7]
    assert all(line["requester"] == "copilot" and line["policy_hash"].startswith("sha256:") for line in lines)
    assert lines[0]["time"].endswith("Z")
    text = log.read_text()
    assert "Raw copy of Stripe customer objects" not in text and "customer_id" not in text  # no payload
    assert cli("context", "verify-audit", str(log), cwd=root).code == 0


def test_the_response_hash_is_the_hash_of_what_was_answered(cli, tmp_path):
    from dativo_check.context.bound import response_hash

    root = repository(tmp_path)
    run = request(cli, root, "get", "postgres-orders")
    assert audit_lines(root / "audit" / "context-audit.jsonl")[0]["response_hash"] == response_hash(run.json())


def chain(tmp_path, count=5):
    svc = service(tmp_path, "copilot")
    for index in range(count):
        svc.get(["stripe-customers", "kafka-order-events", "postgres-orders"][index % 3], "code-assist")
    path = tmp_path / "audit.jsonl"
    return path, path.read_text().splitlines(keepends=True)


def test_an_intact_chain_verifies(tmp_path, cli):
    path, lines = chain(tmp_path)
    result = verify(path)
    assert result.ok and result.lines == 5 and result.head == json.loads(lines[-1])["hash"]
    run = cli("context", "verify-audit", str(path))
    assert run.code == 0 and f"5 line(s), hash chain intact; head {result.head}" in run.out


@pytest.mark.parametrize(("tamper", "line", "words"), [
    (lambda lines: [lines[0], lines[1].replace('"decision":"deny"', '"decision":"allow"'), *lines[2:]], 2, "edited"),
    (lambda lines: [lines[0], *lines[2:]], 2, "removed"),
    (lambda lines: lines[1:], 1, "first line"),
    (lambda lines: [lines[0], lines[2], lines[1], *lines[3:]], 2, "reordered"),
    (lambda lines: [*lines[:3], "not json\n", *lines[3:]], 4, "not JSON"),
    (lambda lines: [*lines[:4], lines[4].rstrip("\n")], 5, "incomplete"),
])
def test_verification_finds_the_first_broken_line(tmp_path, cli, tamper, line, words):
    path, lines = chain(tmp_path)
    path.write_text("".join(tamper(lines)))
    result = verify(path)
    assert not result.ok and result.problem.line == line and words in result.problem.message
    run = cli("context", "verify-audit", str(path))
    assert run.code == 1
    assert f"{path}:{line}:1: error: " in run.out and "(audit-chain-broken)" in run.out


def test_an_edit_with_a_recomputed_hash_still_breaks_the_chain(tmp_path):
    from dativo_check.context.audit import entry_hash, serialise

    path, lines = chain(tmp_path)
    forged = json.loads(lines[1])
    forged["decision"] = "allow"
    forged["hash"] = entry_hash(forged)
    path.write_bytes(lines[0].encode() + serialise(forged) + "".join(lines[2:]).encode())
    result = verify(path)
    assert result.problem.line == 3 and "line 3 is not the line after line 2" in result.problem.message


def test_removing_lines_at_the_end_is_caught_with_a_known_head(tmp_path, cli):
    path, lines = chain(tmp_path)
    head = verify(path).head
    path.write_text("".join(lines[:3]))
    assert verify(path).ok  # a shorter chain is still a chain
    run = cli("context", "verify-audit", str(path), "--head", head, "--format", "json")
    assert run.code == 1 and "no longer contains the expected head" in run.json()["problem"]["message"]
    earlier = json.loads(lines[1])["hash"]
    assert verify(path, earlier).ok  # lines appended after a recorded head are fine


def test_concurrent_appends_keep_one_chain(tmp_path):
    def work():
        svc = service(tmp_path, "lmeyer")
        for _ in range(15):
            svc.search("orders", "analytics")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify(tmp_path / "audit.jsonl")
    assert result.ok and result.lines == 60


def failing(cli, root, setup):
    """Run an allowed request whose audit line cannot be written: exit 2, nothing on stdout."""
    setup(root / "audit" / "context-audit.jsonl")
    run = request(cli, root, "get", "stripe-customers")
    assert run.code == 2 and run.out == ""
    assert "the request is refused" in run.err
    assert "Traceback" not in run.err
    return run


def test_fail_closed_when_a_directory_stands_where_the_log_should_be(cli, tmp_path):
    failing(cli, repository(tmp_path), lambda log: log.mkdir(parents=True))


def test_fail_closed_when_the_folder_is_a_file(cli, tmp_path):
    def block(log):
        log.parent.parent.mkdir(parents=True, exist_ok=True)
        log.parent.write_text("a file, not a folder")

    failing(cli, repository(tmp_path), block)


def test_fail_closed_on_a_symlink_and_the_target_is_untouched(cli, tmp_path):
    target = tmp_path / "victim.txt"
    target.write_text("precious\n")

    def plant(log):
        log.parent.mkdir(parents=True)
        log.symlink_to(target)

    failing(cli, repository(tmp_path), plant)
    assert target.read_text() == "precious\n"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write into read-only folders")
def test_fail_closed_in_a_read_only_folder(cli, tmp_path):
    def lock(log):
        log.parent.mkdir(parents=True)
        log.parent.chmod(0o500)

    root = repository(tmp_path)
    try:
        failing(cli, root, lock)
    finally:
        (root / "audit").chmod(0o700)


def test_fail_closed_when_the_last_line_is_incomplete(cli, tmp_path):
    def cut(log):
        log.parent.mkdir(parents=True)
        log.write_text('{"hash": "sha256:00')

    run = failing(cli, repository(tmp_path), cut)
    assert "incomplete line" in run.err


def test_fail_closed_for_a_log_that_is_not_jsonl(cli, tmp_path):
    root = repository(tmp_path, config={"audit": ".bashrc"})
    run = request(cli, root, "get", "stripe-customers")
    assert run.code == 2 and run.out == "" and "must be a .jsonl file" in run.err
    assert not (root / ".bashrc").exists()


def test_denied_requests_fail_closed_too_and_bundles_write_nothing(cli, tmp_path):
    root = repository(tmp_path)
    (root / "audit" / "context-audit.jsonl").mkdir(parents=True)
    assert request(cli, root, "get", "kafka-order-events").code == 2
    run = cli("context", "bundle", "--out", str(tmp_path / "out"), "--requester", "copilot", "--purpose",
              "code-assist", cwd=root)
    assert run.code == 2 and not (tmp_path / "out").exists()


def test_an_existing_log_open_to_others_is_made_private(cli, tmp_path):
    root = repository(tmp_path)
    log = root / "audit" / "context-audit.jsonl"
    log.parent.mkdir()
    log.touch()
    log.chmod(0o666)
    assert request(cli, root, "get", "stripe-customers").code == 0
    assert stat.S_IMODE(log.stat().st_mode) == 0o600 and len(audit_lines(log)) == 1


def test_a_request_refused_for_an_unusable_policy_is_audited(cli, tmp_path):
    policy = yaml.safe_load((repository(tmp_path / "base") / "policy.yaml").read_text())
    policy["rules"][0]["purposes"] = ["code-assistance"]  # not one of the policy's purposes: a lint error
    root = repository(tmp_path, policy=dump(policy))
    log = root / "audit" / "context-audit.jsonl"
    for args in (("get", "stripe-customers"), ("search", "orders"), ("explain", "stripe-customers")):
        run = request(cli, root, *args)
        assert run.code == 2 and run.out == "" and "code-assistance" in run.err
    bundle = cli("context", "bundle", "--out", str(tmp_path / "out"), "--requester", "copilot", "--purpose",
                 "code-assist", cwd=root)
    assert bundle.code == 2 and not (tmp_path / "out").exists()
    lines = audit_lines(log)
    assert [line["action"] for line in lines] == ["get", "search", "explain", "bundle-index"]
    assert all(line["decision"] == "deny" and line["rules"] == ["policy-unusable"] and line["policy_hash"] is None
               for line in lines)
    assert verify(log).ok


def test_the_api_raises_audit_error_and_returns_nothing(tmp_path):
    (tmp_path / "audit.jsonl").mkdir()
    svc = service(tmp_path, "copilot")
    with pytest.raises(AuditError):
        svc.get("stripe-customers", "code-assist")
    with pytest.raises(AuditError):
        AuditLog(tmp_path / "audit.jsonl").append({"action": "get"})
