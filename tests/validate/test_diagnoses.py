"""Diagnoses point the right way: a DCS file is named as one, a wrong value is not an "unknown key", and a wrong
apiVersion is named as the likely mistake.

The contracts are the standard's official examples (tests/fixtures/odcs-examples, see its NOTICE.md), copied into
tmp_path and changed the way an author gets them wrong.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Iterator

import jsonschema_rs
from conftest import FIXTURES

from dativo_check.core import resources
from dativo_check.yamlio import schema_errors
from dativo_check.yamlio.loader import load_path
from dativo_check.validate.schema import SCHEMAS

OFFICIAL = FIXTURES / "odcs-examples"
SCHEMA_RULES = ("odcs-schema", "api-version", "dcs-format")

# A Data Contract Specification file as datacontract-cli users write them.
DCS = """\
dataContractSpecification: 1.1.0
id: urn:datacontract:checkout:orders-latest
info:
  title: Orders Latest
  version: 2.0.0
  owner: Checkout Team
servers:
  production:
    type: s3
    location: s3://acme-orders/v2/orders/*.json
    format: json
models:
  orders:
    description: One record per order.
    type: table
    fields:
      order_id:
        type: string
        required: true
      order_total:
        type: long
"""


def _example(tmp_path: Path, release: str, name: str, replacements: list[tuple[str, str]] = (),
              target: str = "contract.yaml") -> Path:
    text = (OFFICIAL / release / name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / target
    path.write_text(text, encoding="utf-8")
    return path


def _schema_findings(cli, path: Path) -> list[dict[str, Any]]:
    run = cli("validate", str(path), "--format", "json", "--no-profile", cwd=path.parent)
    assert run.code == 1, run.out
    return [finding for finding in run.json()["findings"] if finding["rule"] in SCHEMA_RULES]


def _line_of(path: Path, needle: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


# --- a Data Contract Specification file ------------------------------------------------------------------------------

def test_a_dcs_file_gets_one_finding_naming_the_standard_and_the_converter(tmp_path, cli):
    path = tmp_path / "datacontract.yaml"
    path.write_text(DCS, encoding="utf-8")
    run = cli("validate", str(path), "--format", "json", "--no-profile", cwd=tmp_path)
    assert run.code == 1
    [finding] = run.json()["findings"]
    assert finding["rule"] == "dcs-format" and finding["level"] == "error"
    assert finding["message"] == "this is a Data Contract Specification (DCS) 1.1.0 file, not an ODCS contract"
    assert finding["line"] == 1 and finding["path"] == "/dataContractSpecification"
    assert finding["hint"] == ("convert it with datacontract-cli: datacontract export odcs datacontract.yaml "
                               "--output datacontract.odcs.yaml")
    assert "apiVersion" not in finding["message"] + finding["hint"]


def test_a_dcs_file_is_not_told_to_add_an_api_version_in_text_output(tmp_path, cli):
    (tmp_path / "orders.yaml").write_text(DCS, encoding="utf-8")
    run = cli("validate", "orders.yaml", cwd=tmp_path)
    assert run.code == 1
    assert ("orders.yaml:1:1 error this is a Data Contract Specification (DCS) 1.1.0 file, not an ODCS contract "
            "(dcs-format); convert it with datacontract-cli: datacontract export odcs orders.yaml --output "
            "orders.odcs.yaml") in run.out
    assert "api-version" not in run.out and "odcs-schema" not in run.out


def test_discovery_and_folders_leave_dcs_files_alone(tmp_path, cli):
    (tmp_path / "datacontract.yaml").write_text(DCS, encoding="utf-8")
    _example(tmp_path, "v3.1.0", "schema__table-column.odcs.yaml", target="orders.odcs.yaml")
    for args in (("validate", "--format", "json"), ("validate", ".", "--format", "json")):
        run = cli(*args, cwd=tmp_path)
        assert run.json()["files"] == 1, args
        assert not [finding for finding in run.json()["findings"] if finding["rule"] == "dcs-format"]


def test_a_file_that_declares_an_api_version_is_odcs_with_a_stray_key(tmp_path, cli):
    path = _example(tmp_path, "v3.1.0", "schema__table-column.odcs.yaml",
                    [("apiVersion: v3.0.2\n", "apiVersion: v3.0.2\ndataContractSpecification: 1.1.0\n")])
    [finding] = _schema_findings(cli, path)
    assert finding["rule"] == "odcs-schema" and finding["message"] == 'unknown key "dataContractSpecification"'


# --- a wrong value is reported as such, not as an unknown key -------------------------------------------------------

def test_a_server_location_that_is_not_a_uri_is_one_finding_about_the_value(tmp_path, cli):
    for release in ("v3.0.2", "v3.1.0"):
        path = _example(tmp_path, release, "server__azure-server.odcs.yaml",
                        [("apiVersion: v3.0.2", f"apiVersion: {release}"),
                         ("location: az://my-data-location", 'location: "not a uri"')])
        [finding] = _schema_findings(cli, path)
        assert finding["message"] == 'location "not a uri" is not a valid uri', release
        assert finding["line"] == _line_of(path, "location:")
        assert finding["hint"] == "write an absolute URI with a scheme, such as https://example.com/page"


def test_an_unknown_server_key_is_still_reported(tmp_path, cli):
    path = _example(tmp_path, "v3.1.0", "server__azure-server.odcs.yaml",
                    [("apiVersion: v3.0.2", "apiVersion: v3.1.0"),
                     ("    location: az://my-data-location\n", "    locaton: az://my-data-location\n")])
    messages = {finding["message"]: finding for finding in _schema_findings(cli, path)}
    assert set(messages) == {'missing required key "location" in item 1 of servers',
                             'unknown key "locaton" in item 1 of servers'}
    assert messages['unknown key "locaton" in item 1 of servers']["hint"] == 'did you mean "location"?'


def test_values_inside_conditional_schemas_are_named_without_their_siblings(tmp_path, cli):
    cases = [
        ("        mustBeGreaterThan: 1000000\n", "        mustBeGreaterThan: lots\n",
         'mustBeGreaterThan must be a number, not a string ("lots")'),
        ("          - to: receivers.id\n            type: foreignKey\n",
         "          - to: receivers.id\n            type: primaryKey\n", 'type "primaryKey" is not one of "foreignKey"'),
        ("    businessName: Core Payment Metrics\n", "    businessName: 12\n",
         "businessName must be a string, not an integer (12)"),
    ]
    for old, new, expected in cases:
        path = _example(tmp_path, "v3.1.0", "all__full-example.odcs.yaml", [(old, new)])
        assert [finding["message"] for finding in _schema_findings(cli, path)] == [expected]


def test_a_null_description_is_not_also_an_unknown_key(tmp_path, cli):
    path = _example(tmp_path, "v3.1.0", "schema__table-column.odcs.yaml",
                    [("apiVersion: v3.0.2", "apiVersion: v3.1.0"),
                     ("    physicalType: table\n", "    physicalType: table\n    description:\n")])
    assert [finding["message"] for finding in _schema_findings(cli, path)] == ["description must be a string, not null"]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    else:
        yield path, node


def test_no_wrong_text_value_of_an_official_example_is_reported_as_an_unknown_key():
    """Every text value of every official example (but the 5,000-line one) replaced by a number in turn: the finding
    is about that value, never an "unknown key" for a key the valid example already had.

    Discriminators are left out: a server `type`, a `logicalType` or a quality `metric` that no longer selects its
    branch of the schema genuinely makes the keys of that branch unknown.
    """
    unexplained = []
    for example in sorted(OFFICIAL.glob("v*/*.yaml")):
        if "adventureworks" in example.name:
            continue
        data = load_path(example).document.data
        schema = resources.load_json_schema("odcs", SCHEMAS[data["apiVersion"]])
        validator = jsonschema_rs.Draft201909Validator(schema, validate_formats=True)
        vocabulary = schema_errors.vocabulary_of(schema)
        for path, value in _leaves(data):
            if not isinstance(value, str) or path[-1] in ("apiVersion", "type", "logicalType", "metric"):
                continue
            changed = copy.deepcopy(data)
            parent = changed
            for token in path[:-1]:
                parent = parent[token]
            parent[path[-1]] = 12
            if validator.is_valid(changed):  # examples and custom property values take anything
                continue
            found = schema_errors.problems(validator.iter_errors(changed), vocabulary,
                                           evaluation=validator.evaluate(changed))
            assert found, (example.name, path)
            unexplained += [(example.name, path, problem.message) for problem in found
                            if problem.message.startswith("unknown key")]
    assert not unexplained, unexplained[:10]


def test_the_alternative_whose_keys_fit_explains_the_error_not_the_one_that_does_not_know_them():
    """Of a oneOf of server shapes, the shape that knows the author's keys explains the wrong values; a catch-all
    shape that only says "unknown key" does not, even though it has fewer errors."""
    schema = {"type": "object", "properties": {"servers": {"type": "array", "items": {"oneOf": [
        {"type": "object", "additionalProperties": False, "properties": {"server": {"type": "string"}}},
        {"type": "object", "additionalProperties": False, "required": ["server", "type", "location"],
         "properties": {"server": {"type": "string"}, "type": {"const": "s3"},
                        "location": {"type": "string", "format": "uri"}, "format": {"enum": ["json", "csv"]}}},
        {"type": "object", "additionalProperties": False, "required": ["server", "type", "host"],
         "properties": {"server": {"type": "string"}, "type": {"const": "postgres"}, "host": {"type": "string"}}},
    ]}}}}
    validator = jsonschema_rs.Draft201909Validator(schema, validate_formats=True)
    data = {"servers": [{"server": "production", "type": "s3", "location": "not a uri", "format": "xml"}]}
    found = schema_errors.problems(validator.iter_errors(data), schema_errors.vocabulary_of(schema), None,
                                   evaluation=validator.evaluate(data))
    assert {(problem.pointer, problem.message) for problem in found} == {
        ("/servers/0/format", 'format "xml" is not one of "json", "csv"'),
        ("/servers/0/location", 'location "not a uri" is not a valid uri')}


def test_alternatives_told_apart_by_a_required_key_name_them_all(tmp_path, cli):
    path = _example(tmp_path, "v3.1.0", "quality__column-accuracy.odcs.yaml", [("        mustBe: 0\n", "")])
    [finding] = _schema_findings(cli, path)
    assert finding["message"] == 'missing one of "mustBe", "mustNotBe", "mustBeGreaterThan", ... in item 1 of quality'
    assert finding["hint"].endswith("add exactly one of: mustBe, mustNotBe, mustBeGreaterThan, "
                                    "mustBeGreaterOrEqualTo, mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween, "
                                    "mustNotBeBetween")


# --- a contract valid under another apiVersion than the one it declares ---------------------------------------------

def test_a_contract_that_uses_newer_features_is_told_its_declared_version_is_the_mistake(tmp_path, cli):
    path = _example(tmp_path, "v3.1.0", "all__full-example.odcs.yaml", [("apiVersion: v3.1.0", "apiVersion: v3.0.2")])
    findings = _schema_findings(cli, path)
    assert findings
    for finding in findings:
        assert finding["hint"].startswith("the declared apiVersion v3.0.2 is likely the mistake: the contract is valid "
                                          "under v3.1.0; declare apiVersion: v3.1.0"), finding


def test_a_contract_written_for_an_older_version_is_told_so_too(tmp_path, cli):
    path = _example(tmp_path, "v3.0.2", "quality__column-completeness.odcs.yaml",
                    [("apiVersion: v3.0.2", "apiVersion: v3.1.0")])
    [finding] = _schema_findings(cli, path)
    assert finding["message"] == 'unknown key "rule" in item 1 of quality'  # v3.1.0 replaced `rule` with `metric`
    assert finding["hint"].startswith("the declared apiVersion v3.1.0 is likely the mistake: the contract is valid "
                                      "under v3.0.2; declare apiVersion: v3.0.2")


def test_a_key_an_older_version_merely_tolerates_does_not_blame_the_declared_version(tmp_path, cli):
    """v3.0.x servers accept any key, so `colour` passes there; that makes v3.1.0 no less right."""
    path = _example(tmp_path, "v3.1.0", "server__azure-server.odcs.yaml",
                    [("apiVersion: v3.0.2", "apiVersion: v3.1.0"), ("    format: parquet\n",
                                                                    "    format: parquet\n    colour: blue\n")])
    [finding] = _schema_findings(cli, path)
    assert finding["message"] == 'unknown key "colour" in item 1 of servers' and finding.get("hint") is None


def test_a_contract_without_an_api_version_is_told_the_one_it_fits(tmp_path, cli):
    path = _example(tmp_path, "v3.1.0", "all__full-example.odcs.yaml", [("apiVersion: v3.1.0", "")])
    [finding] = _schema_findings(cli, path)
    assert finding["rule"] == "api-version"
    assert finding["hint"] == "add `apiVersion: v3.1.0`: the contract is valid under it"
