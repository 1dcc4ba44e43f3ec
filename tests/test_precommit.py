"""The pre-commit hook, run for real by pre-commit itself against this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, dump, example_data, git, write


def _pre_commit() -> list[str]:
    executable = Path(sys.executable).with_name("pre-commit")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "pre_commit"]


def test_dativo_validate_hook_passes_good_and_fails_bad_contracts(git_repo, tmp_path):
    good = example_data("stripe/v1.0/customers.yaml")
    write(git_repo, "specs/stripe/v1.0/customers.yaml", dump(good))
    write(git_repo, ".github/workflows/ci.yml", "on: push\njobs: {}\n")
    git(git_repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    command = [*_pre_commit(), "try-repo", str(REPO), "dativo-validate", "--all-files", "--color", "never"]
    passed = subprocess.run(command, cwd=git_repo, capture_output=True, text=True, env=env, timeout=900)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "dativo-check validate" in passed.stdout and "Passed" in passed.stdout

    bad = example_data("hubspot/v1.0/contacts.yaml")
    bad["version"] = "1.0"
    write(git_repo, "specs/hubspot/v1.0/contacts.yaml", dump(bad))
    git(git_repo, "add", ".")
    failed = subprocess.run(command, cwd=git_repo, capture_output=True, text=True, env=env, timeout=900)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "specs/hubspot/v1.0/contacts.yaml" in failed.stdout and "version-semver" in failed.stdout
    assert "ci.yml" not in failed.stdout
    shutil.rmtree(tmp_path / "pre-commit-home", ignore_errors=True)
