"""The GitHub side in isolation: the comment's fallback on 422, annotation limits and escaping, and the JSON report
schema for every command that writes one."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from conftest import EXAMPLES, REPO
from dativo_check.github.api import GitHubApi
from dativo_check.github.comment import Target, publish
from dativo_check.github.outputs import capped_annotations
from dativo_check.core.model import Finding, Level
from dativo_check.report.github_format import annotation
from fake_github import BOT, MAX_BODY, READ_TOKEN, WRITE_TOKEN, serving


def _api(state, token=WRITE_TOKEN) -> GitHubApi:
    return GitHubApi(state.url, token, state.repository)


def test_a_body_github_refuses_as_too_long_is_replaced_by_the_fallback():
    with serving() as state:
        state.pulls[3] = "a" * 40
        outcome = publish(_api(state), Target(3, "contracts", "12", "a" * 40), "x" * (MAX_BODY + 10), True,
                          fallback=lambda: "## tables only")
        assert outcome.action == "created"
        assert [len(request.body["body"]) > MAX_BODY for request in state.writes()] == [True, False]
        [comment] = state.ours(3)
        assert comment["body"].endswith("## tables only") and comment["user"]["login"] == BOT


def test_a_read_only_token_is_an_outcome_not_a_crash_and_the_token_is_never_shown():
    with serving() as state:
        state.pulls[3] = "a" * 40
        outcome = publish(_api(state, READ_TOKEN), Target(3, "contracts", "12", "a" * 40), "report", True)
        assert outcome.action == "read-only" and READ_TOKEN not in outcome.detail
        bad = GitHubApi(state.url, "ghs_unknown_secret", state.repository)
        with pytest.raises(Exception) as raised:
            publish(bad, Target(3, "contracts", "12", "a" * 40), "report", True)
        assert "401" in str(raised.value) and "ghs_unknown_secret" not in str(raised.value)


def _finding(level: Level, index: int) -> Finding:
    return Finding("odcs-schema", level, f"problem {index}", "specs/a.yaml", index + 1, 1)


def test_annotations_are_capped_per_level_most_severe_first_with_a_notice():
    findings = [_finding(Level.WARNING, i) for i in range(14)] + [_finding(Level.ERROR, i) for i in range(12)]
    lines = capped_annotations(findings).splitlines()
    kinds = [line.split(" ", 1)[0].split("::")[1] for line in lines]
    assert kinds == ["error"] * 10 + ["warning"] * 10 + ["notice"]
    assert lines[-1] == "::notice::+6 more findings are in the step summary and the JSON report"


def test_annotation_properties_and_data_are_escaped():
    line = annotation("error", "50% done\n::add-mask::x", "specs/a,b:c.yaml", 3, 1, "dativo-check x")
    assert line == ("::error file=specs/a%2Cb%3Ac.yaml,line=3,col=1,title=dativo-check x::50%25 done%0A"
                    "::add-mask::x")
    assert "\n" not in line


@pytest.fixture(scope="module")
def report_schema():
    return json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def test_validate_and_diff_reports_follow_the_report_schema(report_schema, cli, tmp_path):
    validator = jsonschema.Draft202012Validator(report_schema)
    validated = cli("validate", str(EXAMPLES), "--format", "json")
    assert list(validator.iter_errors(validated.json())) == []
    old = EXAMPLES / "stripe" / "v1.0" / "customers.yaml"
    new = tmp_path / "customers.yaml"
    new.write_text(re.sub(r"(?m)^version: .*$", "version: 1.0.1", old.read_text(encoding="utf-8"))
                   .replace("      - name: email\n", "      - name: email_address\n", 1), encoding="utf-8")
    diffed = cli("diff", str(old), str(new), "--format", "json")
    assert diffed.json()["contracts"] and list(validator.iter_errors(diffed.json())) == []


def test_a_quoted_marker_in_another_comment_by_the_same_bot_is_not_ours():
    with serving() as state:
        state.pulls[3] = "a" * 40
        welcome = state.add_comment(3, "Welcome! Title: <!-- dativo-check:comment job=contracts run= head= -->", BOT)
        outcome = publish(_api(state), Target(3, "contracts", "12", "a" * 40), "report", True)
        assert outcome.action == "created" and welcome["body"].startswith("Welcome!")


def test_the_notice_of_what_was_left_out_fits_in_the_notices_github_shows():
    findings = [_finding(Level.INFO, i) for i in range(15)] + [_finding(Level.ERROR, i) for i in range(3)]
    lines = capped_annotations(findings).splitlines()
    notices = [line for line in lines if line.startswith("::notice")]
    assert len(notices) == 10 and notices[-1] == "::notice::+6 more findings are in the step summary and the JSON report"


def test_contract_text_cannot_become_a_link_a_mention_or_a_reference():
    from dativo_check.report.markdown import code, escape

    text = escape("see https://evil.example/p, www.evil.example, GH-12, #7, @team and ops@acme.com")
    for live in ("https://", "www.", "GH-", "@team", "@acme", "#7"):
        assert live not in text
    assert code("a|b") == "`a|b`" and code("a|b", cell=True) == "`a\\|b`"


def test_the_action_script_passes_inputs_as_arguments_never_as_code(tmp_path):
    import os
    import subprocess

    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    script = next(step["run"] for step in action["runs"]["steps"] if step.get("id") == "check")
    stub = tmp_path / "bin" / "dativo-check"
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg"; done\n', encoding="utf-8")
    stub.chmod(0o755)
    env = {"PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path),
           "INPUT_PATHS": "specs/a b.yaml\n$(touch pwned)\n", "INPUT_BASE_REF": "main; touch pwned",
           "INPUT_COMPAT": "", "INPUT_FAIL_ON": "warning", "INPUT_FAIL_ON_BUMP": "true", "INPUT_COMMENT": "false",
           "INPUT_COMMENT_AUTHOR": "github-actions[bot]", "INPUT_CONFIG": "", "INPUT_DBT_OUT": "",
           "INPUT_DBT_MANIFEST": "", "INPUT_PRICING": "", "INPUT_EXTRA_ARGS": "--all\n--history .runs"}
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    args = done.stdout.splitlines()
    assert args[args.index("--base") + 1] == "main; touch pwned" and "--fail-on-bump" in args
    assert "--comment" not in args and args[args.index("--fail-on") + 1] == "warning"
    assert args[args.index("--") - 3:args.index("--")] == ["--all", "--history", ".runs"]
    assert args[args.index("--") + 1:] == ["specs/a b.yaml", "$(touch pwned)"]
    assert not (tmp_path / "pwned").exists()
    env["INPUT_EXTRA_ARGS"] = ""
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "--\n" in done.stdout


def test_an_oversized_cost_table_still_fits_with_its_footer():
    from dativo_check.report.comment_format import COMMENT_LIMIT, render_document

    deltas = [{"contract_id": f"c-{index}", "file": f"specs/c{index}.yaml", "known": True, "reason": None,
               "before": 1.0, "after": 2.0, "delta": 1.0, "percent": 100.0, "shares": []} for index in range(3_000)]
    doc = {"tool": "dativo-check", "version": "1.0.0", "command": "ci", "files": 3_000, "findings": [],
           "summary": {"errors": 0, "warnings": 0, "infos": 0}, "contracts": [], "base": "a" * 40, "head": "b" * 40,
           "cost": {"currency": "USD", "before": 3000.0, "after": 6000.0, "delta": 3000.0, "contracts": deltas,
                    "findings": []}}
    body = render_document(doc)
    assert len(body.encode("utf-8")) <= COMMENT_LIMIT and body.rstrip().endswith("</sub>")
    assert "| +2990 more |" in body or "more |" in body


def test_odd_event_payloads_and_hostile_refs_are_clear_errors(cli, git_repo, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 1, "head": "x", "base": "x"}}), encoding="utf-8")
    (git_repo / "README.md").write_text("x\n", encoding="utf-8")
    odd = cli("ci", cwd=git_repo, env={"GITHUB_EVENT_PATH": str(event), "GITHUB_EVENT_NAME": "pull_request"})
    assert odd.code == 2 and "no contracts" in odd.err or odd.code == 0, odd.err
    assert "internal error" not in odd.err
    hostile = cli("ci", "--base=--upload-pack=touch pwned;true", cwd=git_repo)
    assert hostile.code == 2 and "invalid ref" in hostile.err and not (git_repo / "pwned").exists()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    nested = cli("publish", str(deep), cwd=git_repo)
    assert nested.code == 2 and "nests too deeply" in nested.err
