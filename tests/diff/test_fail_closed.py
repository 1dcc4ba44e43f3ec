"""The gate never fails open: what cannot be compared fails, with the reason, in real git repositories."""

from __future__ import annotations

import json

import pytest

from conftest import dump, example_data, git, write

STRIPE = "specs/stripe/v1.0/customers.yaml"


def _commit(root, message="change"):
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def _stripe(**changes) -> str:
    data = example_data("stripe/v1.0/customers.yaml")
    data.update(changes)
    return dump(data)


@pytest.mark.parametrize("broken, reason", [
    (b"\xff\xfe not text", "yaml-encoding"),
    (b"apiVersion: v3.0.2\nkind: DataContract\nid: [stripe-customers\n", "yaml-syntax"),
])
def test_a_base_that_cannot_be_read_fails_the_gate_instead_of_passing_as_new(git_repo, cli, broken, reason):
    (git_repo / STRIPE).parent.mkdir(parents=True)
    (git_repo / STRIPE).write_bytes(_stripe().encode("utf-8") + b"\n" + broken)
    _commit(git_repo, "a broken base")
    write(git_repo, STRIPE, _stripe(version="1.0.1"))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    (contract,) = run.json()["contracts"]
    assert run.code == 1 and contract["status"] == "not-compared" and contract["version_ok"] is False
    [finding] = contract["findings"]
    assert finding["rule"] == "diff-not-compared" and reason in finding["message"]
    assert "cannot compare: the base copy of specs/stripe/v1.0/customers.yaml cannot be read" in finding["message"]
    report = git_repo.parent / "report.json"
    ci = cli("ci", "--base", "HEAD", "--json", str(report), cwd=git_repo)
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert ci.code == 1 and doc["gate"]["failed"] is True
    assert "0 breaking change(s)" in ci.out and "version gate FAILS" in ci.out
    assert cli("ci", "--base", "HEAD", "--fail-on", "never", "--fail-on-bump", cwd=git_repo).code == 1


def test_a_head_that_cannot_be_read_is_not_compared_not_deleted(git_repo, cli):
    write(git_repo, STRIPE, _stripe())
    _commit(git_repo, "stripe")
    (git_repo / STRIPE).write_bytes(b"\xff")
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    (contract,) = run.json()["contracts"]
    assert run.code == 1 and contract["status"] == "not-compared" and contract["base_version"] == "1.0.0"
    assert "the head copy of specs/stripe/v1.0/customers.yaml cannot be read" in contract["findings"][0]["message"]


def test_two_head_files_that_claim_one_contract_are_not_compared(git_repo, cli):
    write(git_repo, STRIPE, _stripe())
    _commit(git_repo, "stripe")
    write(git_repo, "specs/stripe/v1.0/customers-copy.yaml", _stripe())
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    [contract] = [entry for entry in run.json()["contracts"] if entry["file"].endswith("customers-copy.yaml")]
    assert run.code == 1 and contract["status"] == "not-compared"
    assert "specs/stripe/v1.0/customers.yaml also claims id 'stripe-customers' at version 1.0.0" in \
        contract["findings"][0]["message"]


def test_a_version_with_thousands_of_digits_is_a_finding(git_repo, cli):
    write(git_repo, STRIPE, _stripe())
    _commit(git_repo, "stripe")
    write(git_repo, STRIPE, _stripe(version="1." + "9" * 5000 + ".0"))
    for args in (("diff", "--base", "HEAD"), ("ci", "--base", "HEAD"), ("validate",), ("bump", "--base", "HEAD")):
        run = cli(*args, cwd=git_repo)
        assert "internal error" not in run.err and run.code in (0, 1), (args, run.err)


def test_cost_fails_on_a_contract_it_cannot_read(tmp_path, cli):
    write(tmp_path, "good.yaml", _stripe())
    (tmp_path / "bad.yaml").write_bytes(b"apiVersion: v3.0.2\nkind: DataContract\n\xff")
    for command in (("cost",), ("cost-export",)):
        run = cli(*command, "good.yaml", "bad.yaml", cwd=tmp_path)
        assert run.code == 1 and "bad.yaml:3:1 error file is not valid UTF-8" in run.err


def test_history_subjects_are_clean_text(git_repo, cli):
    write(git_repo, STRIPE, _stripe())
    _commit(git_repo, "A")
    write(git_repo, STRIPE, _stripe(version="1.0.1"))
    _commit(git_repo, "B")
    versions = cli("history", "stripe-customers", "--format", "json", cwd=git_repo).json()["versions"]
    assert [version["subject"] for version in versions] == ["A", "B"]


@pytest.mark.parametrize("old, new, rule, level, bump", [
    ("active", "deprecated", "contract-deprecated", "warning", "minor"),
    ("deprecated", "retired", "contract-retired", "error", "major"),
    ("deprecated", "active", "status-changed", "info", "patch"),
    ("draft", "active", "status-changed", "info", "patch"),
])
def test_lifecycle_changes_tell_consumers_what_to_do(tmp_path, cli, old, new, rule, level, bump):
    write(tmp_path, "old.yaml", _stripe(status=old))
    write(tmp_path, "new.yaml", _stripe(status=new))
    (contract,) = cli("diff", "old.yaml", "new.yaml", "--format", "json", cwd=tmp_path).json()["contracts"]
    [change] = contract["changes"]
    assert (change["rule"], change["bump"], contract["required_bump"]) == (rule, bump, bump)
    assert change["level"] == level
    if rule == "contract-deprecated":
        assert "consumers must move" in change["message"] and "lineage impact" in change["hint"]
