"""Levels: the profile's three states, configured levels applied once to every stage, and repository rules that
compare a file with the repository it lives in."""

from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import REPO, dump, example_data, git, write

STRIPE = "specs/stripe/v1.0/customers.yaml"


def _unclassified() -> dict:
    """The stripe example without an owner and with one unclassified column: profile findings, nothing else."""
    data = example_data("stripe/v1.0/customers.yaml")
    data["team"] = [member for member in data["team"] if member.get("role") != "owner"]
    del data["schema"][0]["properties"][0]["classification"]
    return data


def _profile_levels(run) -> set[str]:
    return {finding["level"] for finding in run.json()["findings"] if finding["rule"].startswith("profile-")}


@pytest.mark.parametrize("configuration, flags, expected, code", [
    (None, (), {"warning"}, 0),                                   # nobody asked: it teaches, it does not fail
    ("strict: false\n", (), {"warning"}, 0),                      # a configuration without a profile section
    ("profile: true\n", (), {"error"}, 1),                        # asked for: each rule at its own level
    ("profile:\n  sensitive: [restricted]\n", (), {"error"}, 1),
    ("profile: false\n", (), set(), 0),
    (None, ("--profile",), {"error"}, 1),
    ("profile: true\n", ("--no-profile",), set(), 0),
    ("rules:\n  profile-owner: error\n", (), {"warning", "error"}, 1),  # a configured level always wins
])
def test_profile_states_on_validate(git_repo, cli, configuration, flags, expected, code):
    write(git_repo, STRIPE, dump(_unclassified()))
    if configuration:
        write(git_repo, ".dativo-check.yaml", configuration)
    run = cli("validate", "--format", "json", *flags, cwd=git_repo)
    assert _profile_levels(run) == expected and run.code == code


def test_profile_flags_reach_diff_and_ci(git_repo, cli):
    write(git_repo, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "stripe")
    data = example_data("stripe/v1.0/customers.yaml")
    data["team"] = [member for member in data["team"] if member.get("role") != "owner"]
    data["version"] = "1.0.1"
    write(git_repo, STRIPE, dump(data))
    for command in (("diff", "--base", "HEAD", "--format", "json"), ("ci", "--base", "HEAD", "--json", "r.json")):
        def run(*flags):
            result = cli(*command, *flags, cwd=git_repo)
            doc = result.json() if command[0] == "diff" else json.loads((git_repo / "r.json").read_text())
            return result.code, {f["level"] for f in doc["findings"] if f["rule"].startswith("profile-")}
        assert run() == (0, {"warning"})
        assert run("--profile") == (1, {"error"})  # new in this change: the owner was removed
        assert run("--no-profile") == (0, set())


def _demo():
    spec = importlib.util.spec_from_file_location("demo", REPO / "examples" / "pull-request" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rule_ids_in(doc: dict) -> set[str]:
    found = {finding["rule"] for finding in doc["findings"]}
    for contract in doc.get("contracts") or []:
        found |= {change["rule"] for change in contract["changes"]}
        found |= {finding["rule"] for finding in contract["findings"]}
    found |= {finding["rule"] for finding in (doc.get("cost") or {}).get("findings") or []}
    return found


def test_every_rule_set_to_off_is_absent_from_the_pull_request_check(tmp_path, cli):
    from dativo_check import catalog

    root = tmp_path / "repo"
    root.mkdir()
    _demo().build_repository(root)
    thresholds = "finops:\n  thresholds:\n    default: {warn-percent: 0, warn-absolute: 0, error-percent: 0, error-absolute: 0}\n"
    write(root, ".dativo-check.yaml", thresholds)
    before = json.loads(_check(cli, root, tmp_path))
    switchable = [rule.id for rule in catalog.all_rules() if not rule.fatal]
    assert {"dbt-drift", "cost-increase", "property-removed", "transform-source", "version-under-bumped"} <= \
        _rule_ids_in(before) & set(switchable)
    write(root, ".dativo-check.yaml", thresholds + "rules:\n" + "".join(f"  {rule}: off\n" for rule in switchable))
    after = json.loads(_check(cli, root, tmp_path))
    assert _rule_ids_in(after) == set()
    assert after["gate"]["failed"] is False


def _check(cli, root, tmp_path) -> str:
    report = tmp_path / "report.json"
    cli("ci", "--base", "HEAD~1", "--fail-on-bump", "--json", str(report), cwd=root)
    return report.read_text(encoding="utf-8")


def test_a_named_file_is_compared_with_its_own_repository(tmp_path, cli):
    """A file outside the working directory's repository is not a duplicate of that repository's contracts."""
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    for root in (here, elsewhere):
        root.mkdir()
        git(root, "init", "-q")
    write(here, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    other = write(elsewhere, "contracts/customers.yaml", dump(example_data("stripe/v1.0/customers.yaml")))
    run = cli("validate", "--format", "json", str(other), cwd=here)
    assert "unique-id" not in {finding["rule"] for finding in run.json()["findings"]}
    twin = write(elsewhere, "contracts/customers-copy.yaml", other.read_text(encoding="utf-8"))
    run = cli("validate", "--format", "json", str(other), cwd=here)
    [clash] = [finding for finding in run.json()["findings"] if finding["rule"] == "unique-id"]
    assert str(twin) in clash["message"]


def test_files_outside_any_repository_are_compared_only_with_each_other(tmp_path, cli):
    loose = tmp_path / "loose"
    first = write(loose, "a.yaml", dump(example_data("stripe/v1.0/customers.yaml")))
    write(loose, "b.yaml", dump(example_data("stripe/v1.0/customers.yaml")))  # not named
    run = cli("validate", "--format", "json", str(first), cwd=loose)
    assert "unique-id" not in {finding["rule"] for finding in run.json()["findings"]}
    run = cli("validate", "--format", "json", str(loose), cwd=loose)
    assert [finding["rule"] for finding in run.json()["findings"] if finding["level"] == "error"] == \
        ["unique-id", "unique-id"]


def test_versions_of_one_contract_in_the_layout_are_not_duplicates(git_repo, cli):
    first = example_data("stripe/v1.0/customers.yaml")
    second = dict(first, version="1.1.0")
    write(git_repo, STRIPE, dump(first))
    write(git_repo, "specs/stripe/v1.1/customers.yaml", dump(second))
    for named in ((), (STRIPE,), (str(git_repo / "specs/stripe/v1.1/customers.yaml"),)):
        run = cli("validate", "--format", "json", *named, cwd=git_repo)
        assert "unique-id" not in {finding["rule"] for finding in run.json()["findings"]}, named
