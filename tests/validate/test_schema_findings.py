"""Schema findings name the offending key or value, at its line, for every error at once."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES

STRIPE = EXAMPLES / "stripe" / "v1.0" / "customers.yaml"


def _edit(tmp_path: Path, replacements: list[tuple[str, str]]) -> Path:
    text = STRIPE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    target = tmp_path / "customers.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def _line_of(path: Path, needle: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_all_errors_are_reported_with_lines_and_short_messages(tmp_path, cli):
    path = _edit(tmp_path, [
        ("tenant: acme\n", "tenant: acme\nowner: finance-data\n"),
        ("        logicalType: string\n        physicalType: VARCHAR(255)\n",
         "        logicalType: varchar\n        physicalType: VARCHAR(255)\n"),
        ('contractCreatedTs: "2024-11-04T09:15:00Z"', 'contractCreatedTs: "last tuesday"'),
        ("        criticalDataElement: true\n", "        criticalDataElement: true\n        colour: blue\n"),
    ])
    run = cli("validate", str(path), "--format", "json", "--no-profile", cwd=tmp_path)
    assert run.code == 1
    schema_findings = [f for f in run.json()["findings"] if f["rule"] == "odcs-schema"]
    by_path = {f["path"]: f for f in schema_findings}
    assert set(by_path) == {"/owner", "/schema/0/properties/0/logicalType", "/contractCreatedTs",
                            "/schema/0/properties/0/colour"}
    assert by_path["/owner"]["message"] == 'unknown key "owner"'
    assert by_path["/owner"]["line"] == _line_of(path, "owner: finance-data")
    assert by_path["/owner"]["hint"] == "tool-specific metadata belongs in customProperties"
    assert by_path["/schema/0/properties/0/logicalType"]["message"].startswith('logicalType "varchar" is not one of')
    assert by_path["/schema/0/properties/0/logicalType"]["line"] == _line_of(path, "logicalType: varchar")
    assert by_path["/contractCreatedTs"]["message"] == 'contractCreatedTs "last tuesday" is not a valid date-time'
    assert by_path["/schema/0/properties/0/colour"]["line"] == _line_of(path, "colour: blue")
    for finding in schema_findings:
        assert len(finding["message"]) < 200 and "{" not in finding["message"]


def test_wrong_shapes_are_explained_not_dumped(tmp_path, cli):
    path = _edit(tmp_path, [("team:\n", "team:\n  owner: finance-data@acme.com\nold_team:\n")])
    run = cli("validate", str(path), "--format", "json", "--no-profile", cwd=tmp_path)
    messages = [f["message"] for f in run.json()["findings"] if f["rule"] == "odcs-schema"]
    assert "team must be a list, not a mapping" in messages


def test_unknown_key_close_to_a_real_one_gets_a_suggestion(tmp_path, cli):
    path = _edit(tmp_path, [("        primaryKeyPosition: 1\n", "        primaryKeyPositon: 1\n")])
    run = cli("validate", str(path), "--format", "json", "--no-profile", cwd=tmp_path)
    finding = next(f for f in run.json()["findings"] if f["rule"] == "odcs-schema")
    assert finding["message"] == 'unknown key "primaryKeyPositon" in item 1 of properties'
    assert finding["hint"] == 'did you mean "primaryKeyPosition"?'


def test_missing_and_unknown_api_version(tmp_path, cli):
    for line, expected in (("", "missing apiVersion"), ("apiVersion: v2.2.2\n", "'v2.2.2' is not supported")):
        path = _edit(tmp_path, [("apiVersion: v3.0.2\n", line)])
        run = cli("validate", str(path), "--format", "json", "--no-profile", cwd=tmp_path)
        finding = next(f for f in run.json()["findings"] if f["rule"] == "api-version")
        assert expected in finding["message"]
        assert "v3.0.0, v3.0.1, v3.0.2, v3.1.0" in finding["message"]


def test_each_contract_is_checked_against_its_own_api_version(tmp_path, cli):
    relationship = ("        criticalDataElement: true\n"
                    "        relationships:\n          - to: contacts.contact_id\n")
    v302 = _edit(tmp_path, [("        criticalDataElement: true\n", relationship)])
    run = cli("validate", str(v302), "--format", "json", "--no-profile", cwd=tmp_path)
    assert any(f["path"].endswith("/relationships") for f in run.json()["findings"])
    v310 = _edit(tmp_path, [("apiVersion: v3.0.2", "apiVersion: v3.1.0"),
                            ("        criticalDataElement: true\n", relationship)])
    run = cli("validate", str(v310), "--format", "json", "--no-profile", cwd=tmp_path)
    paths = [f["path"] for f in run.json()["findings"]]
    assert paths and not any("relationships" in path for path in paths)
    assert any(path.endswith("/quality/0") for path in paths)  # v3.1.0 quality rules need `metric`


def test_strict_selects_the_strict_schema(tmp_path, cli):
    path = _edit(tmp_path, [("        primaryKeyPosition: 1\n",
                             "        primaryKeyPosition: 1\n        customProperties: []\n")])
    assert cli("validate", str(path), cwd=tmp_path).code == 0
    quality = ("            rule: nullCheck\n", "            rule: nullCheck\n            team: data\n")
    path = _edit(tmp_path, [quality])
    assert cli("validate", str(path), cwd=tmp_path).code == 0
    strict = cli("validate", str(path), "--strict", "--format", "json", cwd=tmp_path)
    assert strict.code == 1
    assert any(f["path"].endswith("/quality/0/team") for f in strict.json()["findings"])
