"""Diffs against a git base, on real repositories built in temp dirs."""

from __future__ import annotations

import subprocess

import pytest

from conftest import dump, example_data, git, write

STRIPE = "specs/stripe/v1.0/customers.yaml"


def _commit(root, message="change"):
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)
    return git(root, "rev-parse", "HEAD").strip()


def _stripe(**changes) -> dict:
    data = example_data("stripe/v1.0/customers.yaml")
    data.update(changes)
    return data


def _without_property(data: dict, name: str) -> dict:
    props = data["schema"][0]["properties"]
    data["schema"][0]["properties"] = [p for p in props if p["name"] != name]
    return data


@pytest.fixture
def repo(git_repo):
    write(git_repo, STRIPE, dump(_stripe()))
    write(git_repo, "specs/hubspot/v1.0/contacts.yaml", dump(example_data("hubspot/v1.0/contacts.yaml")))
    _commit(git_repo, "initial contracts")
    return git_repo


def test_unchanged_repository_has_nothing_to_report(repo, cli):
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 0
    report = run.json()
    assert report["contracts"] == [] and report["required_bump"] == "none" and report["breaking"] is False


def test_reformatting_and_reordering_is_not_a_change(repo, cli):
    data = _stripe()
    data["schema"][0]["properties"].reverse()
    data["servers"].reverse()
    reordered = {key: data[key] for key in reversed(list(data))}
    import yaml

    restyled = yaml.safe_dump(reordered, sort_keys=False, indent=4, default_flow_style=True, width=60)
    (repo / STRIPE).write_text("# reformatted\n" + restyled, encoding="utf-8")
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 0 and run.json()["contracts"] == []


def test_breaking_change_without_major_bump_fails_with_next_version(repo, cli):
    data = _without_property(_stripe(version="1.1.0"), "email")
    write(repo, "specs/stripe/v1.1/customers.yaml", dump(data))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 1
    (contract,) = run.json()["contracts"]
    assert contract["base_file"] == STRIPE and contract["file"] == "specs/stripe/v1.1/customers.yaml"
    assert contract["required_bump"] == "major" and contract["actual_bump"] == "minor"
    assert contract["next_version"] == "2.0.0" and contract["version_ok"] is False
    removed = next(c for c in contract["changes"] if c["rule"] == "property-removed")
    assert removed["verdict"] == "breaks" and removed["old"] == "email" and removed["level"] == "error"
    gate = contract["findings"][0]
    assert gate["rule"] == "version-under-bumped" and "2.0.0" in gate["hint"]
    assert "property-removed" in gate["message"]


def test_correct_major_bump_in_a_new_folder_passes_and_shows_changes_as_covered(repo, cli):
    data = _without_property(_stripe(version="2.0.0"), "email")
    write(repo, "specs/stripe/v2.0/customers.yaml", dump(data))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 0
    (contract,) = run.json()["contracts"]
    assert contract["breaking"] is True and contract["version_ok"] is True
    assert all(change["covered"] for change in contract["changes"])


def test_an_unparsable_head_file_is_a_finding_not_a_deletion(repo, cli):
    (repo / STRIPE).write_text("id: stripe-customers\nversion: [1.0.1\n", encoding="utf-8")
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 1 and run.json()["findings"][0]["rule"] == "yaml-syntax"
    (contract,) = run.json()["contracts"]  # not deleted: not compared, and its gate fails
    assert contract["status"] == "not-compared" and contract["version_ok"] is False
    assert contract["findings"][0]["rule"] == "diff-not-compared"


def test_moved_file_is_paired_by_id(repo, cli):
    data = _stripe(version="1.0.1")
    data["description"]["purpose"] = "Stripe customers, moved."
    (repo / STRIPE).unlink()
    write(repo, "contracts/billing/stripe_customers.yaml", dump(data))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    (contract,) = run.json()["contracts"]
    assert contract["status"] == "changed" and contract["base_file"] == STRIPE
    assert [c["rule"] for c in contract["changes"]] == ["documentation-changed"]
    assert run.code == 0


def test_new_version_folder_is_compared_with_the_previous_one_still_in_the_head(repo, cli):
    data = _stripe(version="1.1.0")
    data["schema"][0]["properties"].append({"name": "preferred_locales", "logicalType": "array",
                                            "physicalType": "VARCHAR[]", "classification": "internal",
                                            "items": {"logicalType": "string", "classification": "internal"}})
    write(repo, "specs/stripe/v1.1/customers.yaml", dump(data))
    first = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo).json()
    _commit(repo, "v1.1 folder")
    data["version"] = "1.2.0"
    data["tags"] = data["tags"] + ["crm"]
    write(repo, "specs/stripe/v1.2/customers.yaml", dump(data))
    second = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo).json()
    (one,) = first["contracts"]
    assert one["base_file"] == STRIPE and one["required_bump"] == "minor" and one["version_ok"]
    (two,) = second["contracts"]
    assert two["base_file"] == "specs/stripe/v1.1/customers.yaml" and two["required_bump"] == "patch"
    assert two["actual_bump"] == "minor" and any(f["rule"] == "version-over-bumped" for f in two["findings"])


def test_in_place_change_in_a_released_folder_says_to_create_the_new_folder(repo, cli):
    data = _stripe(version="1.1.0")
    data["schema"][0]["properties"].append({"name": "coupon", "logicalType": "string", "physicalType": "VARCHAR",
                                            "classification": "internal"})
    write(repo, STRIPE, dump(data))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 1
    finding = next(f for f in run.json()["findings"] if f["rule"] == "version-folder-in-place")
    assert "specs/stripe/v1.1/customers.yaml" in finding["hint"]


def test_deleting_an_active_contract_breaks_and_a_retired_one_does_not(repo, cli):
    (repo / "specs/hubspot/v1.0/contacts.yaml").unlink()
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 1
    (contract,) = run.json()["contracts"]
    assert contract["status"] == "deleted" and contract["changes"][0]["rule"] == "contract-deleted"
    git(repo, "checkout", "--", ".")
    retired = example_data("hubspot/v1.0/contacts.yaml")
    retired["status"], retired["version"] = "retired", "2.0.0"
    write(repo, "specs/hubspot/v1.0/contacts.yaml", dump(retired))
    _commit(repo, "retire hubspot")
    (repo / "specs/hubspot/v1.0/contacts.yaml").unlink()
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 0 and run.json()["contracts"][0]["changes"] == []


def test_new_contract_is_reported_as_added(repo, cli):
    write(repo, "specs/postgres/v1.0/orders.yaml", dump(example_data("postgres/v1.0/orders.yaml")))
    _commit(repo, "orders")
    write(repo, "specs/kafka/v1.0/order_events.yaml", dump(example_data("kafka/v1.0/order_events.yaml")))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    (contract,) = run.json()["contracts"]
    assert contract["status"] == "added" and run.code == 0


def test_new_contract_with_a_dangling_reference_fails_on_it(repo, cli):
    write(repo, "specs/kafka/v1.0/order_events.yaml", dump(example_data("kafka/v1.0/order_events.yaml")))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    errors = [f for f in run.json()["findings"] if f["level"] == "error"]
    assert run.code == 1 and errors and all(f["rule"] == "transform-source" and f["new"] for f in errors)
    assert "no contract with id 'postgres-orders'" in errors[0]["message"]


def test_compatibility_modes_change_the_verdict(repo, cli):
    data = _stripe(version="1.1.0")
    data["schema"][0]["properties"].append({"name": "channel", "logicalType": "string", "physicalType": "VARCHAR",
                                            "required": True, "classification": "internal"})
    write(repo, "specs/stripe/v1.1/customers.yaml", dump(data))
    forward = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    backward = cli("diff", "--base", "HEAD", "--compat", "backward", "--format", "json", cwd=repo)
    none = cli("diff", "--base", "HEAD", "--compat", "none", "--format", "json", cwd=repo)
    assert forward.code == 0 and forward.json()["required_bump"] == "minor"
    assert backward.code == 1 and backward.json()["required_bump"] == "major"
    assert none.json()["breaking"] is False


def test_transitive_mode_checks_earlier_versions_of_the_major_line(repo, cli):
    data = _stripe(version="1.1.0")
    data["schema"][0]["properties"][1]["logicalTypeOptions"] = {"maxLength": 100}
    write(repo, STRIPE, dump(data))
    _commit(repo, "tighten email")
    data["version"] = "1.2.0"
    del data["schema"][0]["properties"][1]["logicalTypeOptions"]
    data["schema"][0]["properties"][1]["description"] = "Email, unbounded again."
    write(repo, STRIPE, dump(data))
    _commit(repo, "loosen email back")
    data["version"] = "1.2.1"
    data["tags"] = data["tags"] + ["crm"]
    write(repo, STRIPE, dump(data))
    plain = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo).json()
    transitive = cli("diff", "--base", "HEAD", "--compat", "forward-transitive", "--format", "json", cwd=repo).json()
    assert plain["required_bump"] == "patch"
    assert transitive["required_bump"] == "major"
    against = [c for c in transitive["contracts"][0]["changes"] if c["message"].startswith("against 1.")]
    assert against and {c["rule"] for c in against} == {"constraint-loosened"}
    assert not any(c["message"].startswith("against") for c in plain["contracts"][0]["changes"])


def test_missing_base_ref_explains_how_to_fix_a_shallow_clone(repo, tmp_path, cli):
    _stripe_v = _stripe(version="1.0.1")
    _stripe_v["tags"] = ["x"]
    write(repo, STRIPE, dump(_stripe_v))
    base = git(repo, "rev-parse", "HEAD~0").strip()
    _commit(repo, "second")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    run = cli("diff", "--base", base, cwd=clone)
    assert run.code == 2
    assert "shallow clone" in run.err and "fetch-depth: 0" in run.err
    fetched = cli("diff", "--base", base, "--fetch", "--format", "json", cwd=clone)
    assert fetched.code == 0, fetched.err
    assert fetched.json()["contracts"][0]["changes"][0]["rule"] == "tags-changed"


def test_git_is_read_with_a_constant_number_of_processes(repo, tmp_path):
    import os
    import shutil
    import sys

    for index in range(30):
        write(repo, f"specs/stripe{index}/v1.0/customers.yaml", dump(_stripe(id=f"stripe-customers-{index}")))
    _commit(repo, "many")
    for index in range(30):
        data = _stripe(id=f"stripe-customers-{index}", version="1.0.1", tags=["changed"])
        write(repo, f"specs/stripe{index}/v1.0/customers.yaml", dump(data))
    calls = tmp_path / "git-calls"
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\necho "$1" >> "{calls}"\nexec "{shutil.which("git")}" "$@"\n')
    (shim / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "dativo_check", "diff", "--base", "HEAD", "--format", "json"],
                          cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import json

    assert len(json.loads(done.stdout)["contracts"]) == 30
    assert len(calls.read_text().split()) <= 7  # rev-parse x3, ls-files, diff, ls-tree, cat-file --batch


def test_allowlist_accepts_a_change_until_it_expires(repo, cli):
    data = _without_property(_stripe(version="1.1.0"), "email")
    write(repo, "specs/stripe/v1.1/customers.yaml", dump(data))
    change_id = next(c["id"] for c in cli("diff", "--base", "HEAD", "--format", "json", cwd=repo).json()
                     ["contracts"][0]["changes"] if c["rule"] == "property-removed")
    write(repo, ".dativo-check.yaml", f"allowlist:\n  - id: {change_id}\n    reason: nobody reads email (DATA-42)\n"
                                      "    expires: 2999-12-31\n")
    accepted = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert accepted.code == 0
    change = next(c for c in accepted.json()["contracts"][0]["changes"] if c["rule"] == "property-removed")
    assert change["accepted"] == "nobody reads email (DATA-42)" and accepted.json()["breaking"] is False
    write(repo, ".dativo-check.yaml", f"allowlist:\n  - id: {change_id}\n    reason: old\n    expires: 2001-01-01\n"
                                      "  - id: property-removed@0000000000\n    reason: typo\n    expires: 2999-01-01\n")
    expired = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert expired.code == 1
    rules = {f["rule"]: f for f in expired.json()["findings"]}
    assert rules["allowlist-expired"]["line"] == 2 and rules["allowlist-unused"]["line"] == 5


def test_draft_contracts_get_warnings_not_errors(repo, cli):
    data = _without_property(_stripe(status="draft"), "email")
    write(repo, STRIPE, dump(data))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    assert run.code == 0
    contract = run.json()["contracts"][0]
    assert contract["findings"] and all(f["level"] == "warning" for f in contract["findings"])


def test_zero_major_versions_need_only_a_minor_bump_for_breaking_changes(repo, cli):
    write(repo, STRIPE, dump(_stripe(version="0.3.0")))
    _commit(repo, "0.x")
    write(repo, STRIPE, dump(_without_property(_stripe(version="0.4.0"), "email")))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=repo)
    contract = run.json()["contracts"][0]
    assert contract["next_version"] == "0.4.0" and contract["version_ok"] is True
    write(repo, STRIPE, dump(_without_property(_stripe(version="0.3.1"), "email")))
    assert cli("diff", "--base", "HEAD", cwd=repo).code == 1


def test_decreased_and_invalid_versions_fail(repo, cli):
    write(repo, STRIPE, dump(_stripe(version="0.9.0", tags=["x"])))
    assert "version-decreased" in cli("diff", "--base", "HEAD", cwd=repo).out
    write(repo, STRIPE, dump(_stripe(version="1.1", tags=["x"])))
    assert "version-invalid" in cli("diff", "--base", "HEAD", cwd=repo).out


def test_bump_writes_the_new_folder_and_restores_the_released_one(repo, cli):
    original = (repo / STRIPE).read_text()
    data = _without_property(_stripe(), "email")
    text = "# Stripe customers\n" + dump(data)
    write(repo, STRIPE, text)
    preview = cli("bump", cwd=repo)
    assert "would stripe-customers: version 1.0.0 -> 2.0.0" in preview.out
    assert (repo / STRIPE).read_text() == text
    assert cli("bump", "--write", cwd=repo).code == 0
    assert (repo / STRIPE).read_text() == original
    written = (repo / "specs/stripe/v2.0/customers.yaml").read_text()
    assert written.startswith("# Stripe customers\n") and "\nversion: 2.0.0\n" in written
    assert cli("diff", "--base", "HEAD", cwd=repo).code == 0


def test_history_lists_every_version_with_its_bump(repo, cli):
    write(repo, STRIPE, dump(_stripe(version="1.0.1", tags=["a"])))
    _commit(repo, "tags")
    write(repo, "specs/stripe/v2.0/customers.yaml", dump(_without_property(_stripe(version="2.0.0"), "email")))
    _commit(repo, "drop email")
    run = cli("history", "stripe-customers", "--format", "json", cwd=repo)
    versions = run.json()["versions"]
    assert [v["version"] for v in versions] == ["1.0.0", "1.0.1", "2.0.0"]
    assert [v["bump"] for v in versions] == ["none", "patch", "major"]
    assert [v["breaking"] for v in versions] == [False, False, True]
    assert versions[2]["author"] == "Dev" and len(versions[2]["content_hash"]) == 12


def test_every_output_format_carries_breaking_changes_at_their_line(repo, cli):
    data = _without_property(_stripe(version="1.1.0"), "email")
    write(repo, "specs/stripe/v1.1/customers.yaml", dump(data))
    github = cli("diff", "--base", "HEAD", "--format", "github", cwd=repo).out.splitlines()
    assert any(line.startswith("::error file=specs/stripe/v1.1/customers.yaml,line=") and "property-removed" in line
               for line in github)
    assert any("version-under-bumped" in line for line in github)
    sarif = cli("diff", "--base", "HEAD", "--format", "sarif", cwd=repo).json()
    assert {"property-removed", "version-under-bumped"} <= {r["ruleId"] for r in sarif["runs"][0]["results"]}
    junit = cli("diff", "--base", "HEAD", "--format", "junit", cwd=repo).out
    assert "<failure" in junit and "property-removed" in junit
    text = cli("diff", "--base", "HEAD", cwd=repo).out
    assert "BREAKING" in text and "next version 2.0.0" in text


def test_a_missing_base_says_it_is_missing_before_why_fetching_failed(repo, cli):
    run = cli("ci", "--base", "no-such-branch", cwd=repo)
    assert run.code == 2
    assert "git ref 'no-such-branch'" in run.err and "fetching it did not help" in run.err
