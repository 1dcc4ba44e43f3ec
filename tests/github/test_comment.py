"""The pull-request comment: golden Markdown for the bundled example pull request, the size limit, escaping."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from dativo_check.report.comment_format import COMMENT_LIMIT, render_document

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"


def _demo():
    spec = importlib.util.spec_from_file_location("demo", REPO / "examples" / "pull-request" / "demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example_pull_request(tmp_path_factory) -> Path:
    """The bundled example pull request (examples/pull-request): base and head commits with fixed dates."""
    root = tmp_path_factory.mktemp("example") / "repo"
    root.mkdir()
    _demo().build_repository(root)
    return root


def _check(cli, root: Path, tmp_path: Path) -> tuple[str, dict]:
    markdown, report = tmp_path / "comment.md", tmp_path / "report.json"
    run = cli("ci", "--base", "HEAD~1", "--markdown", str(markdown), "--json", str(report), cwd=root)
    assert run.code == 1, run.err
    return markdown.read_text(encoding="utf-8"), json.loads(report.read_text(encoding="utf-8"))


def test_comment_on_the_example_pull_request_matches_the_golden_file(example_pull_request, cli, tmp_path):
    comment, _ = _check(cli, example_pull_request, tmp_path)
    golden = GOLDEN / "example-pull-request.md"
    if os.environ.get("DATIVO_UPDATE_GOLDEN"):
        golden.write_text(comment, encoding="utf-8")
    assert comment == golden.read_text(encoding="utf-8")


def test_the_example_pull_request_shows_every_part_of_the_check(example_pull_request, cli, tmp_path):
    comment, report = _check(cli, example_pull_request, tmp_path)
    assert comment.startswith("## ❌ dativo-check: 1 breaking change needs version `2.0.0` of `postgres-orders`")
    assert [contract["id"] for contract in report["contracts"]] == ["postgres-orders", "hubspot-contacts",
                                                                    "stripe-customers"]
    assert {finding["rule"] for finding in report["findings"]} >= {"dbt-drift", "version-folder-in-place"}
    assert report["cost"]["delta"] > 0 and report["impact"][0]["breaking"] is True
    for section in ("### `postgres-orders`", "### Downstream impact", "```mermaid", "### Cost",
                    "How this was checked", "dbt drift checked"):
        assert section in comment


def test_an_oversized_report_keeps_headline_and_tables(example_pull_request, cli, tmp_path):
    _, report = _check(cli, example_pull_request, tmp_path)
    first = report["contracts"][0]
    changes = [dict(first["changes"][0], message=f"change {index} " + "x" * 400) for index in range(60)]
    report["contracts"] = [dict(first, id=f"{first['id']}-{index}", changes=changes) for index in range(400)]
    report["findings"] = report["findings"] * 500
    full = render_document(report, limit=10 ** 9)
    assert len(full.encode()) > COMMENT_LIMIT
    body = render_document(report)
    assert len(body.encode()) <= COMMENT_LIMIT
    assert body.startswith("## ❌ dativo-check") and "| contract | status |" in body and "### Cost" in body
    assert "the JSON report (the `dativo-check-report` artifact)" in body
    tiny = render_document(report, limit=3_000)
    assert len(tiny.encode()) <= 3_000 and tiny.startswith("## ❌ dativo-check")


def test_a_clean_report_says_so():
    doc = {"tool": "dativo-check", "version": "1.0.0", "command": "ci", "files": 5, "findings": [],
           "summary": {"errors": 0, "warnings": 0, "infos": 0}, "contracts": [], "base": "a" * 40,
           "gate": {"failed": False, "fail_on": "error", "fail_on_bump": True, "reasons": []}}
    body = render_document(doc)
    assert body.startswith("## ✅ dativo-check: no contract changes")
    assert "| contract |" not in body and "base `aaaaaaaaaaaa`" in body


def test_the_demo_command_runs_the_check_and_says_where_the_report_is(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(REPO / "examples" / "pull-request" / "demo.py"), "--keep",
                           str(tmp_path / "demo")], capture_output=True, text=True,
                          env={key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")})
    assert done.returncode == 0, done.stderr
    assert "version gate FAILS" in done.stdout and "The check fails, as it should" in done.stdout
    assert (tmp_path / "demo" / "comment.md").read_text(encoding="utf-8").startswith("## ❌ dativo-check")


def test_the_readme_shows_the_golden_comment_as_it_is():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quoted = [line[2:] for line in readme.splitlines() if line.startswith("> ")]
    golden = (GOLDEN / "example-pull-request.md").read_text(encoding="utf-8").splitlines()
    assert len(quoted) >= 5 and all(line in golden for line in quoted)
