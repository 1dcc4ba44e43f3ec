"""Every SARIF log the CLI writes is valid SARIF 2.1.0: checked against the official OASIS schema (vendored in
tests/fixtures/sarif, see its NOTICE.md) with RFC 3986 URI formats, plus the rules of the spec a schema cannot state.

The logs come from the real CLI: `validate --format sarif`, `diff --format sarif` and `ci --sarif` in real git
repositories, with file names that need percent-encoding, a file outside the repository, findings of every stage
and a comparison with a base.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

import sarif_check
from conftest import FIXTURES, REPO, dump, example_data, git, write
from dativo_check.catalog import rules_by_id

REALWORLD = FIXTURES / "realworld"
# a real contract with schema errors of its own: with the profile enforced, also lint errors
INHERITED = "datacontract-cli__tests__fixtures__postgres__odcs.yaml"
# names that are not URIs as they are: spaces, non-ASCII, `#` and `?` (fragment and query), `%`, a gen-delim
# (`[`), sub-delims and a colon
HOSTILE = ("specs/with space/v1.0/ord ers.yaml", "specs/ünïcødé/v1.0/顧客.yaml", "specs/hash #1/v1.0/100% sure?.yaml",
           "specs/odd [names]/v1.0/a:b,c;d=e.yaml")

def _results(log: dict) -> list[dict]:
    return log["runs"][0]["results"]


def _file_of(result: dict) -> str:
    """The file a result names, decoded the way a consumer reads its URI: relative to the repository root, or the
    absolute path of a file: URI."""
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    if "uriBaseId" in artifact:
        return unquote(artifact["uri"], errors="strict")
    parts = urlsplit(artifact["uri"])
    assert parts.scheme == "file" and parts.netloc == ""
    return unquote(parts.path, errors="strict")


def _stages(log: dict) -> set[str]:
    rules = rules_by_id()
    return {rules[result["ruleId"]].stage for result in _results(log)}


def _contract(contract_id: str, **changes) -> str:
    data = example_data("stripe/v1.0/customers.yaml")
    data.update(id=contract_id, **changes)
    return dump(data)


def _without_last_property(contract_id: str) -> str:
    """The contract of `_contract` with a breaking change: a property removed, the version kept."""
    data = example_data("stripe/v1.0/customers.yaml")
    data["id"] = contract_id
    del data["schema"][0]["properties"][-1]
    return dump(data)


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


@pytest.mark.parametrize("text, uri, reference", [
    ("specs/a%20b.yaml", False, True), ("file:///tmp/a%23b.yaml", True, True), ("a%2Cb%3Ac", False, True),
    ("https://github.com/dativo-io/dativo-check/blob/main/docs/rules.md#odcs-schema", True, True), ("", False, True),
    ("main:policy.yaml", True, True), ("a b", False, False), ("a#b#c", False, False), ("ä.yaml", False, False),
    ("100%.yaml", False, False), ("%zz", False, False), ("a[1].yaml", False, False), ("a\\b", False, False),
])
def test_the_uri_formats_follow_rfc_3986(text, uri, reference):
    assert (sarif_check._is_uri(text), sarif_check._is_uri_reference(text)) == (uri, reference)


def test_the_rules_of_every_log_have_distinct_tags_and_valid_default_levels(git_repo, cli):
    """Rule metadata is the same in every log; rules whose stage and category are one word once repeated it."""
    write(git_repo, "specs/clean.yaml", _contract("clean"))
    log = sarif_check.check(json.loads(cli("validate", "--format", "sarif", cwd=git_repo).out))
    tags = {rule["id"]: rule["properties"]["tags"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert tags["dbt-drift"] == ["dbt"] and tags["odcs-schema"] == ["schema"]
    assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"description": {"text": "The repository root."}}}


def test_validate_names_every_file_by_a_uri_even_odd_names_and_files_outside_the_repository(git_repo,
                                                                                             tmp_path, cli):
    for index, name in enumerate(HOSTILE):  # an unknown key (schema) and a version that is not semver (lint)
        write(git_repo, name, _contract(f"hostile-{index}", version="1.0", unknownKey=1))
    outside = write(tmp_path, "outside #1/ex ternal 100%.yaml", _contract("outside", unknownKey=1))
    above = write(tmp_path, "above/äbove.yaml", _contract("above", unknownKey=1))
    run = cli("validate", "--format", "sarif", *HOSTILE, str(outside), "../above/äbove.yaml", cwd=git_repo)
    log = sarif_check.check(json.loads(run.out))
    files = {_file_of(result) for result in _results(log)}
    assert files == {*HOSTILE, str(outside.resolve()), str(above.resolve())}
    assert {"schema", "lint"} <= _stages(log)
    [outside_uri] = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                     for result in _results(log) if _file_of(result) == str(outside.resolve())}
    assert outside_uri.startswith("file:///") and outside_uri.endswith("/outside%20%231/ex%20ternal%20100%25.yaml")


def _demo():
    spec = importlib.util.spec_from_file_location("demo", REPO / "examples" / "pull-request" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ci_writes_valid_sarif_with_findings_of_every_stage(tmp_path, cli):
    """The bundled example pull request (a breaking change under too small a bump, stale dbt files, more volume),
    with a new contract under an odd name and costs that always count."""
    root = tmp_path / "repo"
    root.mkdir()
    _demo().build_repository(root)
    write(root, HOSTILE[2], _contract("odd-names", unknownKey=1))
    write(root, ".dativo-check.yaml", "finops:\n  thresholds:\n    default: "
                                      "{warn-percent: 0, warn-absolute: 0, error-percent: 0, error-absolute: 0}\n")
    sarif = tmp_path / "report.sarif"
    cli("ci", "--base", "HEAD~1", "--fail-on-bump", "--sarif", str(sarif), cwd=root)
    log = sarif_check.check(json.loads(sarif.read_text(encoding="utf-8")))
    assert {"schema", "lint", "change", "gate", "dbt", "finops"} <= _stages(log)
    assert HOSTILE[2] in {_file_of(result) for result in _results(log)}
    assert {result["baselineState"] for result in _results(log)} == {"new"}


def test_ci_against_a_base_marks_every_result_new_or_unchanged(git_repo, tmp_path, cli):
    contract = HOSTILE[1]
    write(git_repo, contract, (REALWORLD / INHERITED).read_text(encoding="utf-8"))
    write(git_repo, ".dativo-check.yaml", "profile: true\n")
    _commit(git_repo, "a contract with problems of its own")
    path = git_repo / contract
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("version: 0.0.1", "version: 0.0.2", 1)
                    .replace("  - name: field_two\n", "  - name: field_one\n", 1), encoding="utf-8")
    _commit(git_repo, "a second field_one")
    sarif = tmp_path / "report.sarif"
    assert cli("ci", "--base", "HEAD~1", "--sarif", str(sarif), cwd=git_repo).code == 1
    log = sarif_check.check(json.loads(sarif.read_text(encoding="utf-8")))
    states = {(result["ruleId"], result["baselineState"]) for result in _results(log)}
    assert ("duplicate-name", "new") in states and ("odcs-schema", "unchanged") in states
    assert {_file_of(result) for result in _results(log)} == {contract}


def test_diff_writes_valid_sarif_for_changes_and_the_version_gate(git_repo, cli):
    contract = HOSTILE[0]
    write(git_repo, contract, _contract("odd-diff"))
    _commit(git_repo, "a contract")
    write(git_repo, contract, _without_last_property("odd-diff"))
    log = sarif_check.check(json.loads(cli("diff", "--base", "HEAD", "--format", "sarif", cwd=git_repo).out))
    assert {"change", "gate"} <= _stages(log) and {_file_of(result) for result in _results(log)} == {contract}


def test_diff_of_two_files_outside_any_repository_uses_absolute_file_uris(git_repo, tmp_path, cli):
    old = write(tmp_path, "old #1/customers.yaml", _contract("outside-diff"))
    new = write(tmp_path, "new 100%/customers.yaml", _without_last_property("outside-diff"))
    log = sarif_check.check(json.loads(cli("diff", str(old), str(new), "--format", "sarif", cwd=git_repo).out))
    assert _results(log) and {_file_of(result) for result in _results(log)} <= {str(old.resolve()), str(new.resolve())}


def test_policy_lint_writes_valid_sarif_for_a_policy_with_an_odd_name(git_repo, cli):
    data = yaml.safe_load((REPO / "examples" / "context" / "policy.yaml").read_text(encoding="utf-8"))
    data["rules"][1]["purposes"] = ["analysis"]  # not a declared purpose
    name = "policy/ünï #1 100%.yaml"
    write(git_repo, name, dump(data))
    log = sarif_check.check(json.loads(cli("policy", "lint", name, "--format", "sarif", cwd=git_repo).out))
    assert _stages(log) == {"context"} and {_file_of(result) for result in _results(log)} == {name}
