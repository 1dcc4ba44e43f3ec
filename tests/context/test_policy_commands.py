"""`dativo-check policy test`, `policy lint` and `policy diff`."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import dump, git
from context_helpers import POLICY_FILE, POLICY_TESTS, policy_data, repository


def test_the_example_policy_tests_pass(cli):
    run = cli("policy", "test", str(POLICY_TESTS))
    assert run.code == 0, run.out
    assert "8 of 8 policy test case(s) passed" in run.err


def test_mismatches_fail_with_the_line_of_each_case(cli, tmp_path):
    suite = yaml.safe_load(POLICY_TESTS.read_text())
    suite["policy"] = str(POLICY_FILE)
    suite["contracts"] = [str(POLICY_FILE.parent.parent / "specs")]
    suite["cases"][0]["fields"]["customers.email"] = "type-only"
    suite["cases"][0]["fields"]["customers.emial"] = "omit"
    suite["cases"][1]["expect"] = "allow"
    suite["cases"][5]["capabilities"] = ["schema", "governance"]
    path = tmp_path / "tests.yaml"
    path.write_text(dump(suite))
    run = cli("policy", "test", str(path))
    assert run.code == 1
    lines = path.read_text().splitlines()
    found = [line for line in run.out.splitlines() if "(policy-test-failed)" in line]
    assert len(found) == 4
    joined = "\n".join(found)
    assert "property customers.email: expected type-only, got omit (by pii-omitted-for-machines)" in joined
    assert "stripe-customers has no property customers.emial" in joined
    assert ("no agent learns anything about assets holding restricted data: expected allow, got deny (decided by "
            "no-costs-for-agents, no-restricted-for-machines)") in joined
    assert "expected capabilities [governance, schema], got [governance]" in joined
    for line in found:
        number = int(line.split(":")[1])
        assert lines[number - 1].lstrip().startswith("- ")  # the start of the failing case
    assert "5 of 8 policy test case(s) passed" in run.err
    as_json = cli("policy", "test", str(path), "--format", "json")
    assert as_json.json()["summary"]["errors"] == 4


def test_the_policy_flag_overrides_the_files_policy(cli, tmp_path):
    data = policy_data()
    data["rules"] = [rule for rule in data["rules"] if rule["id"] != "no-restricted-for-machines"]
    other = tmp_path / "other.yaml"
    other.write_text(dump(data))
    run = cli("policy", "test", str(POLICY_TESTS), "--policy", str(other))
    assert run.code == 1 and "no agent learns anything about assets holding restricted data" in run.out


def test_an_invalid_test_file_is_a_usage_error(cli, tmp_path):
    path = tmp_path / "tests.yaml"
    path.write_text("cases:\n  - requester: copilot\n    expect: maybe\n")
    run = cli("policy", "test", str(path))
    assert run.code == 2 and f"{path}:2:" in run.err and "maybe" in run.err
    assert cli("policy", "test", str(tmp_path / "missing.yaml")).code == 2


@pytest.mark.parametrize(("text", "words"), [
    ("", "the policy test file is empty: expected a mapping with cases"),
    ("- case\n", "a policy test is a mapping of keys, not a list"),
    ("cases: []\nfixtures: []\n", 'unknown key "fixtures" (a policy test has only the keys policy, contracts, cases)'),
])
def test_problems_of_a_whole_test_file_speak_of_a_policy_test(cli, tmp_path, text, words):
    path = tmp_path / "tests.yaml"
    path.write_text(text)
    run = cli("policy", "test", str(path))
    assert run.code == 2 and words in run.err and "a contract" not in run.err and "customProperties" not in run.err


def test_test_files_that_share_a_policy_and_contracts_read_them_once(cli, tmp_path, monkeypatch):
    from dativo_check.context import assets
    from dativo_check.context import policy_file as policy

    calls = {"policy": 0, "contracts": 0}

    def counted(name, function):
        def call(*args):
            calls[name] += 1
            return function(*args)
        return call

    monkeypatch.setattr(policy, "read_policy", counted("policy", policy.read_policy))
    monkeypatch.setattr(assets, "from_repository", counted("contracts", assets.from_repository))
    copies = [tmp_path / f"tests-{index}.yaml" for index in range(3)]
    suite = yaml.safe_load(POLICY_TESTS.read_text())
    suite["policy"] = str(POLICY_FILE)
    suite["contracts"] = [str(POLICY_FILE.parent.parent / "specs")]
    for copy in copies:
        copy.write_text(dump(suite))
    run = cli("policy", "test", *map(str, copies))
    assert run.code == 0 and "24 of 24 policy test case(s) passed" in run.err
    assert calls == {"policy": 1, "contracts": 1}


def test_missing_policy_files_are_named(cli, tmp_path):
    run = cli("policy", "diff", str(tmp_path / "old.yaml"), str(POLICY_FILE))
    assert run.code == 2 and f"no such policy file: {tmp_path / 'old.yaml'}" in run.err
    first, second = str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")
    missing = cli("policy", "test", first, str(POLICY_TESTS), second)
    assert missing.code == 2 and f"no such policy test file: {first}, {second}" in missing.err


def test_policy_lint(cli, tmp_path):
    assert cli("policy", "lint", str(POLICY_FILE)).code == 0
    data = policy_data()
    data["rules"][1]["purposes"] = ["analysis"]
    data["rules"][2]["requesters"] = {"roles": ["sales"]}
    path = tmp_path / "policy.yaml"
    path.write_text(dump(data))
    run = cli("policy", "lint", str(path))
    assert run.code == 1
    assert "error rule analytics-marts names purpose 'analysis', which is not in purposes" in run.out
    assert "warning rule catalog-low-sensitivity matches no declared requester" in run.out
    sarif = cli("policy", "lint", str(path), "--format", "sarif")
    assert '"ruleId": "policy-unknown-purpose"' in sarif.out
    root = repository(tmp_path / "repo")
    assert cli("policy", "lint", cwd=root).code == 0  # the configured policy


def write_policy(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(dump(data))
    return str(path)


def test_policy_diff_reports_widening_as_an_error(cli, tmp_path):
    old = write_policy(tmp_path, "old.yaml", policy_data())
    wider = policy_data()
    wider["rules"][2]["assets"]["max-classification"] = "confidential"  # catalog-low-sensitivity
    new = write_policy(tmp_path, "new.yaml", wider)
    run = cli("policy", "diff", old, new, "--contracts", str(POLICY_FILE.parent.parent / "specs"))
    assert run.code == 1
    schema = next(line for line in run.out.splitlines() if "gains the schema capability" in line)
    assert schema.startswith(f"{new}:") and (" error requester catalog-agent (agent) gains the schema capability for "
                                             "purpose(s) catalog on analytics-customer-orders, hubspot-contacts, "
                                             "postgres-orders and 1 more") in schema
    assert schema.endswith("(rules: catalog-low-sensitivity) (policy-widens-access)")
    line = int(schema[len(new) + 1:].split(":")[0])
    assert (tmp_path / "new.yaml").read_text().splitlines()[line - 1].strip() == "- id: catalog-low-sensitivity"
    back = cli("policy", "diff", new, old, "--contracts", str(POLICY_FILE.parent.parent / "specs"))
    assert back.code == 0 and "info requester catalog-agent (agent) loses the schema capability" in back.out
    same = cli("policy", "diff", old, old)
    assert same.code == 0 and "no problems found" in same.out


def test_widening_without_any_matching_contract_is_still_found(cli, tmp_path):
    old = write_policy(tmp_path, "old.yaml", policy_data())
    wider = policy_data()
    wider["rules"][1]["assets"]["domains"].append("hr")  # no contract has domain hr yet
    new = write_policy(tmp_path, "new.yaml", wider)
    run = cli("policy", "diff", old, new, "--contracts", str(POLICY_FILE.parent.parent / "specs"))
    assert run.code == 1 and "analytics-bot (bot) gains the schema capability" in run.out
    assert "probe asset(s) such as (id " in run.out and "domain hr" in run.out


def test_relaxed_field_actions_new_requesters_and_custom_properties_widen(cli, tmp_path):
    old = write_policy(tmp_path, "old.yaml", policy_data())
    wider = policy_data()
    wider["field-actions"][0]["action"] = "type-only"
    wider["requesters"].append({"id": "helper", "type": "agent", "roles": ["engineering"]})
    wider["custom-properties"].append("regulations-owner")
    new = write_policy(tmp_path, "new.yaml", wider)
    run = cli("policy", "diff", old, new, "--contracts", str(POLICY_FILE.parent.parent / "specs"))
    assert run.code == 1
    assert "requester copilot (agent) gets type-only instead of omit on properties" in run.out
    assert "requester helper (agent) gains the schema capability" in run.out
    assert "custom property values newly shown: regulations-owner" in run.out


def test_widening_through_a_negated_glob_is_found_before_a_contract_matches(cli, tmp_path):
    contracts = tmp_path / "specs"
    contracts.mkdir()
    data = yaml.safe_load((POLICY_FILE.parent.parent / "specs" / "postgres" / "v1.0" / "orders.yaml").read_text())
    data["id"] = "zalando-orders"  # the only contract: one the glob below does not match
    (contracts / "orders.yaml").write_text(dump(data))
    narrow = {"version": 1, "purposes": ["analytics"], "requesters": [{"id": "analytics-bot", "type": "bot"}],
              "rules": []}
    old = write_policy(tmp_path, "old.yaml", narrow)
    wider = dict(narrow, rules=[{"id": "everything-but-z", "effect": "allow", "assets": {"contracts": ["[!z]*"]},
                                 "capabilities": ["lineage"]}])
    new = write_policy(tmp_path, "new.yaml", wider)
    run = cli("policy", "diff", old, new, "--contracts", str(contracts))
    assert run.code == 1 and "analytics-bot (bot) gains the lineage capability" in run.out
    assert "probe asset(s) such as (id xx," in run.out


def test_example_ids_match_every_kind_of_glob():
    import fnmatch

    from dativo_check.context.policydiff import example_id

    for glob in ("stripe-*", "[!z]*", "x[!x]?", "[a-c]*-orders", "[!a-zA-Z0-9]q", "[]]x", "[!]]y", "[^a]", "ab[",
                 "*[!-]"):
        assert fnmatch.fnmatchcase(example_id(glob), glob), glob


def test_a_new_author_widens_access(cli, tmp_path):
    old = write_policy(tmp_path, "old.yaml", policy_data())
    wider = policy_data()
    wider["authors"].append("copilot")
    new = write_policy(tmp_path, "new.yaml", wider)
    contracts = str(POLICY_FILE.parent.parent / "specs")
    run = cli("policy", "diff", old, new, "--contracts", contracts)
    assert run.code == 1
    assert "requesters newly allowed to explain decisions (hidden assets included): copilot" in run.out
    back = cli("policy", "diff", new, old, "--contracts", contracts)
    assert back.code == 0 and "requesters no longer allowed to explain decisions: copilot" in back.out


def test_policy_diff_against_a_git_ref(cli, git_repo):
    shutil.copytree(POLICY_FILE.parent.parent / "specs", git_repo / "specs")
    (git_repo / "policy.yaml").write_text(POLICY_FILE.read_text())
    (git_repo / ".dativo-check.yaml").write_text(dump({"context": {"policy": "policy.yaml"}}))
    git(git_repo, "add", ".")
    git(git_repo, "commit", "-q", "-m", "policy")
    assert cli("policy", "diff", "--base", "HEAD", cwd=git_repo).code == 0
    wider = policy_data()
    wider["rules"][-1]["effect"] = "allow"  # no-costs-for-agents becomes a grant
    (git_repo / "policy.yaml").write_text(dump(wider))
    run = cli("policy", "diff", "--base", "HEAD", cwd=git_repo)
    assert run.code == 1 and "copilot (agent) gains the finops capability" in run.out
    assert run.out.splitlines()[0].split(":")[0].endswith("policy.yaml")  # found in the file under review
    (git_repo / "new-policy.yaml").write_text(POLICY_FILE.read_text())
    fresh = cli("policy", "diff", "--base", "HEAD", "new-policy.yaml", cwd=git_repo)
    assert fresh.code == 1  # a policy that did not exist at the base grants everything it grants anew
    assert cli("policy", "diff", "--base", "no-such-ref", cwd=git_repo).code == 2
