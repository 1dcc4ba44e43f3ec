"""The command line as users meet it: discovery, exit codes, configuration, output files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, REPO, dump, example_data, git, write


def _stripe() -> dict:
    return example_data("stripe/v1.0/customers.yaml")


def test_bundled_examples_are_valid_and_lint_clean(cli):
    run = cli("validate", str(EXAMPLES), "--format", "json", cwd=REPO)
    assert run.code == 0, run.out
    report = run.json()
    assert report["files"] >= 5 and report["findings"] == []


def test_discovery_finds_contracts_and_skips_ignored_and_unrelated_yaml(git_repo, cli):
    write(git_repo, "specs/stripe/v1.0/customers.yaml", dump(_stripe()))
    bad = _stripe()
    bad["id"], bad["version"], bad["owner"] = "stripe-customers-copy", "1.0", "finance"
    write(git_repo, "specs/stripe/v1.0/broken.yaml", dump(bad))
    write(git_repo, ".github/workflows/ci.yaml", "on: push\njobs: {}\n")
    write(git_repo, "build/generated.yaml", dump({**bad, "id": "ignored"}))
    write(git_repo, ".gitignore", "build/\n")
    run = cli("validate", "--format", "json", cwd=git_repo)
    assert run.code == 1
    report = run.json()
    assert report["files"] == 2
    assert {f["file"] for f in report["findings"]} == {"specs/stripe/v1.0/broken.yaml"}
    assert {f["rule"] for f in report["findings"]} >= {"version-semver", "odcs-schema"}


def test_exit_codes(tmp_path, cli):
    write(tmp_path, "ok.yaml", dump(_stripe()))
    assert cli("validate", "ok.yaml", cwd=tmp_path).code == 0
    broken = write(tmp_path, "broken.yaml", "id: [unterminated\n")
    run = cli("validate", str(broken), cwd=tmp_path)
    assert run.code == 1 and "yaml-syntax" in run.out
    missing = cli("validate", "nope.yaml", cwd=tmp_path)
    assert missing.code == 2 and "no such file" in missing.err
    assert cli("validate", "--format", "xml", "ok.yaml", cwd=tmp_path).code == 2
    assert cli("frobnicate", cwd=tmp_path).code == 2
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    assert cli("validate", cwd=empty).code == 2


def test_one_bad_file_does_not_stop_the_others(tmp_path, cli):
    write(tmp_path, "a.yaml", "\x00\x01binary")
    write(tmp_path, "b.yaml", "a: &a [*a]\n")
    good = _stripe()
    good["version"] = "2"
    write(tmp_path, "c.yaml", dump(good))
    run = cli("validate", "a.yaml", "b.yaml", "c.yaml", "--format", "json", cwd=tmp_path)
    rules = {(f["file"], f["rule"]) for f in run.json()["findings"]}
    assert {("a.yaml", "yaml-encoding"), ("b.yaml", "yaml-alias-limit"), ("c.yaml", "version-semver")} <= rules


def test_configuration_sets_levels_profile_and_paths(git_repo, cli):
    contract = _stripe()
    contract["version"] = "1.0"
    del contract["customProperties"]
    write(git_repo, "contracts/customers.yaml", dump(contract))
    write(git_repo, ".dativo-check.yaml", "rules:\n  version-semver: warning\n  profile-cost-center: off\n")
    report = cli("validate", "--format", "json", cwd=git_repo).json()
    levels = {f["rule"]: f["level"] for f in report["findings"]}
    assert levels.get("version-semver") == "warning" and "profile-cost-center" not in levels
    write(git_repo, ".dativo-check.yaml", "profile: false\nrules:\n  version-semver: warning\n")
    run = cli("validate", "--format", "json", cwd=git_repo)
    assert run.code == 0
    assert not any(f["rule"].startswith("profile-") for f in run.json()["findings"])


def test_pyproject_configuration(git_repo, cli):
    contract = _stripe()
    contract["status"] = "live"
    write(git_repo, "c.yaml", dump(contract))
    write(git_repo, "pyproject.toml", '[tool.dativo-check]\nrules = {status-lifecycle = "info"}\n')
    run = cli("validate", "--format", "json", cwd=git_repo)
    assert run.code == 0
    assert [f["level"] for f in run.json()["findings"] if f["rule"] == "status-lifecycle"] == ["info"]


def test_bad_configuration_is_a_usage_error_with_a_line(git_repo, cli):
    write(git_repo, "c.yaml", dump(_stripe()))
    write(git_repo, ".dativo-check.yaml", "strict: false\nrules:\n  version-semvr: warning\n")
    run = cli("validate", cwd=git_repo)
    assert run.code == 2
    assert ".dativo-check.yaml:3:3" in run.err and "did you mean 'version-semver'" in run.err
    write(git_repo, ".dativo-check.yaml", "strictt: true\n")
    run = cli("validate", cwd=git_repo)
    assert run.code == 2 and ':1:1: unknown key "strictt"' in run.err
    write(git_repo, ".dativo-check.yaml", "rules:\n  yaml-syntax: warning\n")
    assert cli("validate", cwd=git_repo).code == 2


def test_output_file_is_written_and_stdout_stays_quiet(tmp_path, cli):
    write(tmp_path, "c.yaml", dump(_stripe()))
    run = cli("validate", "c.yaml", "--format", "sarif", "--output", "out/report.sarif", cwd=tmp_path)
    assert run.code == 0 and run.out == ""
    assert json.loads((tmp_path / "out" / "report.sarif").read_text())["version"] == "2.1.0"


def test_colour_only_on_request_and_never_with_no_color(tmp_path, cli):
    contract = _stripe()
    contract["version"] = "one"
    write(tmp_path, "c.yaml", dump(contract))
    assert "\x1b[" not in cli("validate", "c.yaml", cwd=tmp_path).out
    assert "\x1b[" in cli("validate", "c.yaml", "--color", "always", cwd=tmp_path).out
    forced = subprocess.run([sys.executable, "-m", "dativo_check", "validate", "c.yaml"], cwd=tmp_path,
                            capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert forced.returncode == 1 and "\x1b[" not in forced.stdout


def test_rules_command_lists_every_rule_in_text_and_json(cli):
    from dativo_check.catalog import all_rules

    text = cli("rules").out
    listed = cli("rules", "--format", "json").json()
    assert [rule["id"] for rule in listed] == [rule.id for rule in all_rules()]
    for rule in listed:
        assert rule["id"] in text
        assert rule["level"] in ("error", "warning", "info") and rule["explanation"] and rule["pass"] and rule["fail"]
    one = cli("rules", "key-position")
    assert one.code == 0 and "primaryKeyPosition" in one.out
    assert cli("rules", "no-such-rule").code == 2


def test_python_dash_m_and_version(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dativo_check", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("dativo-check ")


def test_legacy_files_are_recognised(tmp_path, cli):
    legacy = write(tmp_path, "stripe.yaml", "asset:\n  name: stripe_customers\n  source_type: stripe\n"
                                            "  version: '1.0'\n  schema:\n    - {name: id, type: string}\n")
    run = cli("validate", str(legacy), cwd=tmp_path)
    assert run.code == 1
    assert "legacy-format" in run.out and "dativo-check migrate" in run.out


def test_validating_a_staged_file_still_sees_the_rest_of_the_repository(git_repo, cli):
    write(git_repo, "specs/stripe/v1.0/customers.yaml", dump(_stripe()))
    clash = example_data("hubspot/v1.0/contacts.yaml")
    clash["id"] = "stripe-customers"
    write(git_repo, "specs/hubspot/v1.0/contacts.yaml", dump(clash))
    git(git_repo, "add", ".")
    run = cli("validate", "specs/hubspot/v1.0/contacts.yaml", "--format", "json", cwd=git_repo)
    finding = next(f for f in run.json()["findings"] if f["rule"] == "unique-id")
    assert "specs/stripe/v1.0/customers.yaml" in finding["message"]
    Path(git_repo / "specs/hubspot/v1.0/contacts.yaml").unlink()
    analytics = example_data("analytics/v1.0/customer_orders.yaml")
    write(git_repo, "specs/analytics/v1.0/customer_orders.yaml", dump(analytics))
    run = cli("validate", "specs/analytics/v1.0/customer_orders.yaml", "--format", "json", cwd=git_repo)
    unresolved = [f for f in run.json()["findings"] if f["rule"] == "transform-source"]
    assert unresolved and all("stripe-customers" not in f["message"] for f in unresolved)
