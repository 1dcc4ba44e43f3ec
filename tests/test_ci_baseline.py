"""A pull request fails for what it changed: findings the base already had are existing, not failures, and a change
is validated together with the contracts that reference it. Real git repositories, real-world contracts."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, dump, example_data, git, write

REALWORLD = FIXTURES / "realworld"
# a real contract with schema errors of its own (unknown keys `isNullable`, `isUnique`, a v3.1 logical type)
INHERITED = "datacontract-cli__tests__fixtures__postgres__odcs.yaml"
CONTRACT = "contracts/postgres.odcs.yaml"


def _commit(root, message="change") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)
    return git(root, "rev-parse", "HEAD").strip()


def _edit(root, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def inherited(git_repo):
    """A repository that adopts dativo-check with a contract that is not clean, and enforces the profile."""
    write(git_repo, CONTRACT, (REALWORLD / INHERITED).read_text(encoding="utf-8"))
    write(git_repo, ".dativo-check.yaml", "profile: true\n")
    _commit(git_repo, "existing contracts")
    return git_repo


def _ci(cli, root, *args):
    """`ci` against the commit before HEAD, with its JSON report."""
    report = root.parent / "report.json"
    run = cli("ci", "--base", "HEAD~1", "--json", str(report), *args, cwd=root)
    return run, json.loads(report.read_text(encoding="utf-8"))


def test_a_description_change_passes_and_shows_what_the_base_already_had(inherited, cli):
    _edit(inherited, CONTRACT, "version: 0.0.1", "version: 0.0.2\ndescription:\n  purpose: Field one and two.")
    _commit(inherited, "describe the contract")
    run, report = _ci(cli, inherited)
    errors = [finding for finding in report["findings"] if finding["level"] == "error"]
    rules = {finding["rule"] for finding in errors}
    assert run.code == 0, run.out
    assert {"odcs-schema", "profile-owner", "profile-classification"} <= rules  # inherited, enforced profile
    assert errors and all(finding["new"] is False for finding in errors)
    assert report["summary"]["existing"] >= len(errors) and report["gate"]["failed"] is False
    assert "existing" in run.out and "not introduced by this change" in run.out


def test_a_new_error_in_the_same_file_fails_and_only_it_counts(inherited, cli):
    _edit(inherited, CONTRACT, "version: 0.0.1", "version: 0.0.2")
    _edit(inherited, CONTRACT, "  - name: field_two\n", "  - name: field_one\n")  # a second field_one
    _commit(inherited, "rename a field")
    run, report = _ci(cli, inherited)
    new = [finding for finding in report["findings"] if finding.get("new")]
    assert run.code == 1
    assert "duplicate-name" in {finding["rule"] for finding in new if finding["level"] == "error"}
    assert report["gate"]["reasons"] and "new finding" in report["gate"]["reasons"][0]
    assert any(finding["new"] is False for finding in report["findings"])


def test_fail_on_existing_counts_what_the_base_already_had(inherited, cli):
    _edit(inherited, CONTRACT, "version: 0.0.1", "version: 0.0.2\ndescription:\n  purpose: Field one and two.")
    _commit(inherited, "describe the contract")
    run, report = _ci(cli, inherited, "--fail-on-existing")
    assert run.code == 1 and report["gate"]["fail_on_existing"] is True


def test_existing_findings_are_folded_in_the_comment_and_unchanged_in_sarif(inherited, cli, tmp_path):
    _edit(inherited, CONTRACT, "version: 0.0.1", "version: 0.0.2\ndescription:\n  purpose: Field one and two.")
    _commit(inherited, "describe the contract")
    markdown, sarif = tmp_path / "comment.md", tmp_path / "report.sarif"
    cli("ci", "--base", "HEAD~1", "--markdown", str(markdown), "--sarif", str(sarif), cwd=inherited)
    comment = markdown.read_text(encoding="utf-8")
    assert "existing findings, not introduced by this change" in comment
    assert "## ✅ dativo-check" in comment or "## ⚠️ dativo-check" in comment
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert results and {result["baselineState"] for result in results if result["level"] == "error"} == {
        "unchanged"}


def test_diff_against_a_base_marks_findings_the_same_way(inherited, cli):
    _edit(inherited, CONTRACT, "version: 0.0.1", "version: 0.0.2\ndescription:\n  purpose: Field one and two.")
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=inherited)
    findings = run.json()["findings"]
    assert run.code == 0 and findings and all(finding["new"] is False for finding in findings)
    assert cli("diff", "--base", "HEAD", "--fail-on-existing", cwd=inherited).code == 1


@pytest.fixture
def shop(git_repo):
    for relative in ("postgres/v1.0/orders.yaml", "analytics/v1.0/customer_orders.yaml",
                     "stripe/v1.0/customers.yaml", "hubspot/v1.0/contacts.yaml", "kafka/v1.0/order_events.yaml"):
        write(git_repo, f"specs/{relative}", dump(example_data(relative)))
    _commit(git_repo, "contracts")
    return git_repo


def test_removing_a_referenced_property_fails_on_the_contract_that_references_it(shop, cli):
    orders = example_data("postgres/v1.0/orders.yaml")
    orders["schema"][0]["properties"] = [prop for prop in orders["schema"][0]["properties"]
                                         if prop["name"] != "status"]
    orders["version"] = "2.0.0"  # released correctly, in a new major version folder
    (shop / "specs/postgres/v1.0/orders.yaml").unlink()
    write(shop, "specs/postgres/v2.0/orders.yaml", dump(orders))
    _commit(shop, "drop the order status in 2.0.0")
    run, report = _ci(cli, shop)
    broken = [finding for finding in report["findings"] if finding["rule"] == "transform-source"]
    assert run.code == 1
    assert [finding["file"] for finding in broken] == ["specs/analytics/v1.0/customer_orders.yaml"]
    assert broken[0]["new"] is True and "postgres-orders:orders has no property 'status'" in broken[0]["message"]
    assert any("that reference them (analytics-customer-orders" in note for note in report["notes"])


def test_a_reference_that_was_already_broken_is_existing(shop, cli):
    customer_orders = example_data("analytics/v1.0/customer_orders.yaml")
    customer_orders["schema"][0]["properties"][0]["transformSourceObjects"] = ["stripe-customers:customers.nope"]
    write(shop, "specs/analytics/v1.0/customer_orders.yaml", dump(customer_orders))
    _commit(shop, "a broken reference lands")
    orders = example_data("postgres/v1.0/orders.yaml")
    orders["version"], orders["description"]["purpose"] = "1.0.1", "Orders, described again."
    write(shop, "specs/postgres/v1.0/orders.yaml", dump(orders))
    _commit(shop, "describe orders")
    run, report = _ci(cli, shop)
    broken = [finding for finding in report["findings"] if finding["rule"] == "transform-source"]
    assert run.code == 0 and broken and all(finding["new"] is False for finding in broken)
