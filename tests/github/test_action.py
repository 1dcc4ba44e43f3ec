"""The GitHub Action and the example workflows: valid against GitHub's schemas, clean under zizmor, and inputs that
reach shell scripts only through the environment."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / "examples" / "workflows").rglob("*.yml"))


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; `pip install -e .[test]` installs it")
    return found


def test_action_is_valid_against_the_github_action_schema():
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions",
                           str(REPO / "action.yml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_example_workflows_are_valid_against_the_workflow_schema(workflow):
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_and_workflows_are_clean_under_zizmor():
    done = subprocess.run([_tool("zizmor"), "--offline", "--persona", "pedantic", "--no-progress",
                           str(REPO / "action.yml"), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_inputs_reach_scripts_only_through_the_environment():
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    scripts = [step["run"] for step in steps if "run" in step]
    assert scripts and not any("${{" in script for script in scripts)
    used = {name for script in scripts for name in re.findall(r"\$(INPUT_[A-Z_]+)", script)}
    declared = {name for step in steps for name in (step.get("env") or {})}
    assert used <= declared
    for name in action["inputs"]:
        if name not in ("python-version", "github-token"):
            assert f"INPUT_{name.upper().replace('-', '_')}" in declared, name


def test_third_party_actions_are_pinned_by_full_sha():
    texts = [(REPO / "action.yml").read_text(encoding="utf-8"), *(path.read_text(encoding="utf-8")
                                                                  for path in WORKFLOWS)]
    uses = [match for text in texts for match in re.findall(r"uses:\s*(\S+)", text)]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref) for ref in uses), uses


def test_action_outputs_are_the_outputs_the_check_writes(tmp_path):
    from dativo_check.github.action import outputs_of

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    written = set(outputs_of({"summary": {}}, None))
    assert set(action["outputs"]) == written
    for name, output in action["outputs"].items():
        assert output["value"] == f"${{{{ steps.check.outputs.{name} }}}}"
