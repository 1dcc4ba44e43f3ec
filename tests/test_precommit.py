"""The pre-commit hooks, run for real by pre-commit itself against this repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, dump, example_data, git, write


def _pre_commit() -> list[str]:
    executable = Path(sys.executable).with_name("pre-commit")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    """One hook environment for the module: pre-commit installs this repository into it once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _try(repo: Path, home: Path, hook: str, *args: str) -> subprocess.CompletedProcess:
    command = [*_pre_commit(), "try-repo", str(REPO), hook, "--color", "never", *args]
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=900)


def test_dativo_validate_hook_passes_good_and_fails_bad_contracts(git_repo, pre_commit_home):
    write(git_repo, "specs/stripe/v1.0/customers.yaml", dump(example_data("stripe/v1.0/customers.yaml")))
    write(git_repo, ".github/workflows/ci.yml", "on: push\njobs: {}\n")
    git(git_repo, "add", ".")
    passed = _try(git_repo, pre_commit_home, "dativo-validate", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "dativo-check validate" in passed.stdout and "Passed" in passed.stdout

    bad = example_data("hubspot/v1.0/contacts.yaml")
    bad["version"] = "1.0"
    write(git_repo, "specs/hubspot/v1.0/contacts.yaml", dump(bad))
    git(git_repo, "add", ".")
    failed = _try(git_repo, pre_commit_home, "dativo-validate", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "specs/hubspot/v1.0/contacts.yaml" in failed.stdout and "version-semver" in failed.stdout
    assert "ci.yml" not in failed.stdout


def test_dativo_breaking_hook_checks_staged_contracts_and_pushed_ranges(git_repo, pre_commit_home):
    path = "specs/stripe/v1.0/customers.yaml"
    contract = example_data("stripe/v1.0/customers.yaml")
    write(git_repo, path, dump(contract))
    git(git_repo, "add", ".")
    first = _try(git_repo, pre_commit_home, "dativo-breaking")
    assert first.returncode == 0, first.stdout + first.stderr  # the first commit has nothing to compare with
    git(git_repo, "commit", "-qm", "stripe customers")
    base = git(git_repo, "rev-parse", "HEAD").strip()

    contract["schema"][0]["properties"] = [p for p in contract["schema"][0]["properties"] if p["name"] != "email"]
    write(git_repo, path, dump(contract))
    git(git_repo, "add", ".")
    staged = _try(git_repo, pre_commit_home, "dativo-breaking")
    assert staged.returncode == 1, staged.stdout + staged.stderr
    assert "property-removed" in staged.stdout and "2.0.0" in staged.stdout

    git(git_repo, "checkout", "--", ".")
    git(git_repo, "reset", "-q", "--hard", base)
    contract["version"] = "2.0.0"
    write(git_repo, "specs/stripe/v2.0/customers.yaml", dump(contract))
    git(git_repo, "add", ".")
    fixed = _try(git_repo, pre_commit_home, "dativo-breaking")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    git(git_repo, "commit", "-qm", "stripe customers 2.0.0")
    head = git(git_repo, "rev-parse", "HEAD").strip()
    pushed = _try(git_repo, pre_commit_home, "dativo-breaking", "--hook-stage", "pre-push",
                  "--from-ref", base, "--to-ref", head)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "Passed" in pushed.stdout
    contract["schema"][0]["properties"] = contract["schema"][0]["properties"][:-1]
    write(git_repo, "specs/stripe/v2.0/customers.yaml", dump(contract))
    git(git_repo, "commit", "-qam", "drop a column without a bump", "--no-verify")
    broken = git(git_repo, "rev-parse", "HEAD").strip()
    rejected = _try(git_repo, pre_commit_home, "dativo-breaking", "--hook-stage", "pre-push",
                    "--from-ref", head, "--to-ref", broken)
    assert rejected.returncode == 1 and "property-removed" in rejected.stdout, rejected.stdout + rejected.stderr


def test_dativo_dbt_hook_regenerates_and_fails_until_the_files_are_staged(git_repo, pre_commit_home):
    write(git_repo, ".dativo-check.yaml", "dbt:\n  out: analytics/dbt\n")
    contract = example_data("stripe/v1.0/customers.yaml")
    write(git_repo, "specs/stripe/v1.0/customers.yaml", dump(contract))
    git(git_repo, "add", ".")
    first = _try(git_repo, pre_commit_home, "dativo-dbt")
    assert first.returncode == 1, first.stdout + first.stderr  # the generated files are new: stage them
    assert (git_repo / "analytics/dbt/models/sources/billing_customers.yml").is_file()
    git(git_repo, "add", ".")
    assert _try(git_repo, pre_commit_home, "dativo-dbt").returncode == 0
    contract["schema"][0]["properties"][1]["required"] = True
    write(git_repo, "specs/stripe/v1.0/customers.yaml", dump(contract))
    git(git_repo, "add", "specs")
    changed = _try(git_repo, pre_commit_home, "dativo-dbt")
    assert changed.returncode == 1 and "files were modified by this hook" in changed.stdout
