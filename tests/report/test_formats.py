"""Each output format carries every finding with its location, in the form its consumer expects."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from dativo_check.core.model import Finding, Level
from dativo_check.report import Report, renderer

HOSTILE = Finding("odcs-schema", Level.ERROR, 'unknown key "x%0A::error::pwned,\nsecond line"',
                  "specs/a,b:c/orders.yaml", 12, 5, "/schema/0/x", hint="100% sure")
WARNING = Finding("version-semver", Level.WARNING, "version '1.0' is not a semantic version",
                  "specs/orders.yaml", 3, 10, "/version", hint="write 1.0.0")
REPORT = Report("validate", ("specs/a,b:c/orders.yaml", "specs/orders.yaml", "specs/clean.yaml"), (HOSTILE, WARNING))


def test_json_has_the_documented_shape():
    data = json.loads(renderer("json")(REPORT))
    assert data["tool"] == "dativo-check" and data["files"] == 3
    assert data["summary"] == {"errors": 1, "warnings": 1, "infos": 0}
    assert data["findings"][1] == {"file": "specs/orders.yaml", "line": 3, "column": 10, "rule": "version-semver",
                                   "level": "warning", "message": "version '1.0' is not a semantic version",
                                   "path": "/version", "hint": "write 1.0.0"}


def test_github_annotations_escape_data_and_properties():
    lines = renderer("github")(REPORT).splitlines()
    error = lines[0]
    assert error.startswith("::error file=specs/a%2Cb%3Ac/orders.yaml,line=12,col=5,title=dativo-check odcs-schema::")
    message = error.split("::", 2)[2]
    assert "%250A" in message and "%0Asecond line" in message and "100%25 sure" in message
    assert "\n" not in error
    assert lines[1].startswith("::warning file=specs/orders.yaml,line=3,col=10")
    assert len([line for line in lines if line.startswith("::")]) == 2


def test_sarif_meets_code_scanning_requirements():
    sarif = json.loads(renderer("sarif")(REPORT))
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids)) and "odcs-schema" in ids
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    first, second = run["results"]
    assert first["ruleId"] == "odcs-schema" and ids[first["ruleIndex"]] == "odcs-schema"
    assert first["level"] == "error" and second["level"] == "warning"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "specs/a%2Cb%3Ac/orders.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "startColumn": 5}
    assert first["partialFingerprints"] != second["partialFingerprints"]


def test_junit_has_a_case_per_file_and_failures_for_errors():
    root = ET.fromstring(renderer("junit")(REPORT))
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["specs/a,b:c/orders.yaml"].find("failure") is not None
    assert cases["specs/orders.yaml"].find("failure") is None
    assert "version-semver" in cases["specs/orders.yaml"].find("system-out").text
    assert list(cases["specs/clean.yaml"]) == []


def test_text_is_one_line_per_finding_with_a_summary():
    text = renderer("text")(REPORT)
    lines = text.splitlines()
    assert lines[0].startswith("specs/a,b:c/orders.yaml:12:5 error unknown key")
    assert "second line" in lines[0]
    assert lines[1] == ("specs/orders.yaml:3:10 warning version '1.0' is not a semantic version (version-semver); "
                        "write 1.0.0")
    assert lines[-1] == "1 error, 1 warning in 2 of 3 files"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        renderer("html")
