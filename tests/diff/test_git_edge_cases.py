"""Git and pairing edge cases: a configuration in a subfolder, odd file names, deletions, contracts without id."""

from __future__ import annotations

import os
import stat

from conftest import dump, example_data, git, write

STRIPE = "specs/stripe/v1.0/customers.yaml"


def _commit(root, message="change"):
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def _without_email(data: dict) -> dict:
    data["schema"][0]["properties"] = [p for p in data["schema"][0]["properties"] if p["name"] != "email"]
    return data


def test_configuration_root_in_a_subfolder_of_the_repository(git_repo, cli):
    project = git_repo / "platform" / "contracts"
    write(project, ".dativo-check.yaml", "compat: forward\n")
    write(project, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    _commit(git_repo)
    write(project, STRIPE, dump(_without_email(example_data("stripe/v1.0/customers.yaml"))))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=project)
    assert run.code == 1
    (contract,) = run.json()["contracts"]
    assert contract["status"] == "changed" and contract["base_file"] == STRIPE
    history = cli("history", "stripe-customers", "--format", "json", cwd=project).json()
    assert [version["version"] for version in history["versions"]] == ["1.0.0"]


def test_file_names_with_newlines_and_unicode_do_not_confuse_the_base(git_repo, cli):
    write(git_repo, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    write(git_repo, "späcs/odd\nname.yaml", dump(example_data("hubspot/v1.0/contacts.yaml")))
    _commit(git_repo)
    write(git_repo, STRIPE, dump(_without_email(example_data("stripe/v1.0/customers.yaml"))))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    assert run.code == 1
    assert [c["status"] for c in run.json()["contracts"]] == ["changed"]


def test_deleting_the_newest_version_folder_is_a_deletion(git_repo, cli):
    write(git_repo, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    newer = example_data("stripe/v1.0/customers.yaml")
    newer["version"] = "1.1.0"
    write(git_repo, "specs/stripe/v1.1/customers.yaml", dump(newer))
    _commit(git_repo)
    (git_repo / "specs/stripe/v1.1/customers.yaml").unlink()
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    assert run.code == 1
    (contract,) = run.json()["contracts"]
    assert contract["status"] == "deleted" and contract["base_file"] == "specs/stripe/v1.1/customers.yaml"


def test_contracts_without_id_pair_by_path_only(git_repo, cli):
    first = example_data("stripe/v1.0/customers.yaml")
    del first["id"]
    write(git_repo, "a.yaml", dump(first))
    _commit(git_repo)
    (git_repo / "a.yaml").unlink()
    write(git_repo, "b.yaml", dump(_without_email(dict(first))))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    statuses = sorted((c["status"], c["file"] or c["base_file"]) for c in run.json()["contracts"])
    assert statuses == [("added", "b.yaml"), ("deleted", "a.yaml")]


def test_configured_levels_apply_to_diff_findings_and_off_drops_a_change(git_repo, cli):
    write(git_repo, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    _commit(git_repo)
    changed = example_data("stripe/v1.0/customers.yaml")
    changed["tags"] = ["new"]
    write(git_repo, STRIPE, dump(changed))
    write(git_repo, ".dativo-check.yaml", "rules:\n  version-not-bumped: warning\n")
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    assert run.code == 0
    assert run.json()["contracts"][0]["findings"][0]["level"] == "warning"
    write(git_repo, STRIPE, dump(_without_email(example_data("stripe/v1.0/customers.yaml"))))
    write(git_repo, ".dativo-check.yaml", "rules:\n  property-removed: off\n")
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    assert run.code == 0 and run.json()["required_bump"] == "none"


def test_bump_moves_a_correct_version_out_of_the_released_folder_and_keeps_permissions(git_repo, cli):
    write(git_repo, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    os.chmod(git_repo / STRIPE, 0o664)
    _commit(git_repo)
    data = example_data("stripe/v1.0/customers.yaml")
    data["version"] = "1.1.0"
    data["schema"][0]["properties"].append({"name": "coupon", "logicalType": "string", "physicalType": "VARCHAR",
                                            "classification": "internal"})
    write(git_repo, STRIPE, dump(data))
    assert cli("bump", "--write", cwd=git_repo).code == 0
    assert (git_repo / "specs/stripe/v1.1/customers.yaml").is_file()
    assert git(git_repo, "status", "--porcelain", "--", STRIPE) == ""
    assert stat.S_IMODE((git_repo / STRIPE).stat().st_mode) == 0o664
    assert cli("diff", "--base", "HEAD", cwd=git_repo).code == 0


def test_allowlist_expiry_must_be_a_date(git_repo, cli):
    write(git_repo, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    write(git_repo, ".dativo-check.yaml", "allowlist:\n  - id: property-removed@0123456789\n    reason: r\n"
                                          "    expires: never\n")
    run = cli("validate", cwd=git_repo)
    assert run.code == 2 and "is not a valid date" in run.err


def test_an_odcs_contract_with_an_editor_schema_line_is_not_legacy(tmp_path, cli):
    data = {"$schema": "https://example.com/odcs.json", **example_data("stripe/v1.0/customers.yaml")}
    write(tmp_path, "c.yaml", dump(data))
    run = cli("validate", "c.yaml", "--format", "json", cwd=tmp_path)
    rules = {f["rule"] for f in run.json()["findings"]}
    assert "legacy-format" not in rules and "odcs-schema" in rules


def test_history_follows_moves_and_compares_backports_with_their_own_line(git_repo, cli):
    write(git_repo, "contracts/customers.yaml", dump(example_data("stripe/v1.0/customers.yaml")))
    _commit(git_repo, "1.0.0")
    git(git_repo, "mv", "contracts/customers.yaml", "contracts/stripe_customers.yaml")
    minor = example_data("stripe/v1.0/customers.yaml")
    minor["version"] = "1.1.0"
    minor["servers"].append({"server": "dr", "type": "s3", "location": "s3://acme-dr/raw/stripe/"})
    write(git_repo, "contracts/stripe_customers.yaml", dump(minor))
    _commit(git_repo, "1.1.0")
    backport = example_data("stripe/v1.0/customers.yaml")
    backport["version"] = "1.0.1"
    backport["tags"] = ["backport"]
    write(git_repo, "contracts/stripe_customers.yaml", dump(backport))
    _commit(git_repo, "1.0.1 backport")
    versions = cli("history", "contracts/stripe_customers.yaml", "--format", "json", cwd=git_repo).json()["versions"]
    assert [(v["version"], v["bump"], v["breaking"]) for v in versions] == [
        ("1.0.0", "none", False), ("1.1.0", "minor", False), ("1.0.1", "patch", False)]


def test_a_broken_file_in_the_base_is_a_warning_not_this_changes_fault(git_repo, cli):
    write(git_repo, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    write(git_repo, "specs/broken/v1.0/broken.yaml", "kind: DataContract\nid: [unterminated\n")
    _commit(git_repo)
    (git_repo / "specs/broken/v1.0/broken.yaml").unlink()
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    assert run.code == 0
    findings = run.json()["findings"]
    assert [f["level"] for f in findings] == ["warning"] and "in the base revision" in findings[0]["message"]


def test_unwritable_output_is_a_usage_error(tmp_path, cli):
    write(tmp_path, "c.yaml", dump(example_data("stripe/v1.0/customers.yaml")))
    write(tmp_path, "a-file", "x")
    run = cli("validate", "c.yaml", "--output", "a-file/report.json", cwd=tmp_path)
    assert run.code == 2 and "cannot write" in run.err


def test_a_repository_without_commits_says_so(git_repo, cli):
    write(git_repo, STRIPE, dump(example_data("stripe/v1.0/customers.yaml")))
    run = cli("diff", "--base", "HEAD", cwd=git_repo)
    assert run.code == 2 and "no commits yet" in run.err


def test_comparing_two_different_contracts_warns(tmp_path, cli):
    write(tmp_path, "a.yaml", dump(example_data("stripe/v1.0/customers.yaml")))
    write(tmp_path, "b.yaml", dump(example_data("hubspot/v1.0/contacts.yaml")))
    run = cli("diff", "a.yaml", "b.yaml", "--format", "json", cwd=tmp_path)
    assert any(f["rule"] == "diff-id-mismatch" for f in run.json()["findings"])
