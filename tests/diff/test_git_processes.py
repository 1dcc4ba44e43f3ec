"""How many git processes a run starts: reading history and the base must not grow with the number of contracts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import dump, example_data, git, write

STRIPE = "specs/stripe{index}/v1.0/customers.yaml"


def _commit(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def _stripe(index: int, **changes) -> dict:
    data = example_data("stripe/v1.0/customers.yaml")
    data.update(id=f"stripe-customers-{index}", **changes)
    return data


def _run(root: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run the command with a `git` that records the subcommand of each call."""
    calls = tmp_path / "git-calls"
    calls.unlink(missing_ok=True)
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "git").write_text(f'#!/bin/sh\necho "$1" >> "{calls}"\nexec "{shutil.which("git")}" "$@"\n')
    (shim / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "dativo_check", *args], cwd=root, env=env, capture_output=True,
                          text=True)
    return done, calls.read_text().split() if calls.exists() else []


def test_transitive_modes_read_history_only_for_changed_contracts(git_repo, tmp_path):
    for index in range(20):
        write(git_repo, STRIPE.format(index=index), dump(_stripe(index)))
    _commit(git_repo, "many")
    write(git_repo, STRIPE.format(index=0), dump(_stripe(0, version="1.0.1", tags=["changed"])))
    done, calls = _run(git_repo, tmp_path, "diff", "--base", "HEAD", "--compat", "full-transitive",
                       "--format", "json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["contracts"]) == 1
    assert calls.count("log") == 1
    assert calls.count("rev-parse") == 3  # the work tree check, the base ref, the root's prefix (once for all reads)


def test_bump_reads_the_base_once_for_every_contract_it_moves(git_repo, tmp_path):
    for index in range(5):
        write(git_repo, STRIPE.format(index=index), dump(_stripe(index)))
    _commit(git_repo, "many")
    for index in range(5):
        data = _stripe(index)
        data["schema"][0]["properties"] = [p for p in data["schema"][0]["properties"] if p["name"] != "email"]
        write(git_repo, STRIPE.format(index=index), dump(data))
    done, calls = _run(git_repo, tmp_path, "bump", "--write")
    assert done.returncode == 0, done.stderr
    assert calls.count("ls-tree") == 2 and calls.count("cat-file") == 2  # the diff's base, then the restores
    for index in range(5):
        assert (git_repo / f"specs/stripe{index}/v2.0/customers.yaml").is_file()
        assert git(git_repo, "status", "--porcelain", "--", STRIPE.format(index=index)) == ""


def test_an_in_place_change_to_a_draft_says_it_is_only_a_warning(git_repo, cli):
    write(git_repo, STRIPE.format(index=0), dump(_stripe(0, status="draft")))
    _commit(git_repo)
    data = _stripe(0, status="draft", version="1.1.0")
    data["schema"][0]["properties"].append({"name": "coupon", "logicalType": "string", "physicalType": "VARCHAR",
                                            "classification": "internal"})
    write(git_repo, STRIPE.format(index=0), dump(data))
    run = cli("diff", "--base", "HEAD", "--format", "json", cwd=git_repo)
    finding = next(f for f in run.json()["findings"] if f["rule"] == "version-folder-in-place")
    assert finding["level"] == "warning" and finding["message"].endswith("(warning only: the contract is draft)")
