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
from dativo_check.model import Finding, Level
from dativo_check.report.github_format import annotation
from fake_github import BOT, MAX_BODY, READ_TOKEN, WRITE_TOKEN, serving


def _api(state, token=WRITE_TOKEN) -> GitHubApi:
    return GitHubApi(state.url, token, state.repository)


def test_a_body_github_refuses_as_too_long_is_replaced_by_the_fallback():
    with serving() as state:
        state.pulls[3] = "a" * 40
        outcome = publish(_api(state), Target(3, "contracts", "12", "a" * 40), "x" * (MAX_BODY + 10), True,
                          fallback="## tables only")
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
