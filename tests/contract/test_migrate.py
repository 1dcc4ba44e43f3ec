"""`dativo-check migrate`: legacy Dativo asset files become valid ODCS v3.0.2 contracts; nothing is lost silently."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from dativo_check.contract.legacy import legacy_shape
from dativo_check.yamlio.loader import load_path, load_text
from dativo_check.migrate.convert import Migration, migrate_document, render
from dativo_check.contract.model import custom_properties
from dativo_check.validate.schema import is_valid

LEGACY = Path(__file__).resolve().parent.parent / "fixtures" / "legacy"
FIXTURES = sorted(path.relative_to(LEGACY).as_posix() for path in LEGACY.rglob("*.yaml"))


def migrate(relative: str) -> Migration:
    result = load_path(LEGACY / relative, relative)
    migration = migrate_document(result.document)
    assert migration is not None, relative
    return migration


def migrate_text(text: str, file: str = "legacy.yaml") -> Migration:
    migration = migrate_document(load_text(textwrap.dedent(text).lstrip("\n"), file).document)
    assert migration is not None
    return migration


def prop(contract: dict, name: str) -> dict:
    return next(p for p in contract["schema"][0]["properties"] if p["name"] == name)


def custom(contract: dict) -> dict:
    return custom_properties(contract.get("customProperties"))


def notes_of(migration: Migration, rule: str) -> list:
    return [note for note in migration.notes if note.rule == rule]


def test_all_three_shapes_are_among_the_fixtures():
    assert len(FIXTURES) == 11
    assert {relative.split("/")[0] for relative in FIXTURES} == {"nested", "nested-governance", "flat"}


@pytest.mark.parametrize("relative", FIXTURES)
def test_every_fixture_migrates_to_a_valid_contract_that_renders_back_unchanged(relative):
    migration = migrate(relative)
    assert migration.shape == relative.split("/")[0]
    contract = migration.contract
    assert is_valid(contract, "v3.0.2"), relative
    assert legacy_shape(contract) is None
    assert (contract["apiVersion"], contract["kind"], contract["status"]) == ("v3.0.2", "DataContract", "active")
    text = render(contract)
    assert "!!" not in text and text == render(contract)
    assert load_text(text, "out.yaml").document.data == contract
    assert not notes_of(migration, "migrate-failed")


def test_root_keys_follow_the_odcs_conventional_order():
    order = ["apiVersion", "kind", "id", "name", "version", "status", "tenant", "domain", "dataProduct",
             "description", "tags", "schema", "slaProperties", "team", "customProperties", "contractCreatedTs"]
    assert list(migrate("flat/postgres_orders_odcs_v3.yaml").contract) == order


def test_nested_asset_header_owner_retention_pii_and_finops():
    contract = migrate("nested/stripe_v1.0_customers.yaml").contract
    assert (contract["id"], contract["name"], contract["version"]) == ("stripe-customers", "stripe_customers", "1.0.0")
    assert contract["team"] == [{"username": "data-team@company.com", "role": "owner"}]
    assert contract["slaProperties"] == [{"property": "retention", "value": 30, "unit": "d"}]
    email = prop(contract, "email")
    assert email["classification"] == "confidential" and email["tags"] == ["pii"]
    assert "classification" not in prop(contract, "id")  # never invented
    schema = contract["schema"][0]
    assert (schema["name"], schema["physicalName"], schema["physicalType"]) == ("customers", "customers", "table")
    assert contract["tags"] == ["payments", "customer-data"]
    assert custom(contract) == {
        "costCenter": "FIN-001", "project": "payment-platform", "environment": "production",
        "businessTags": ["payments", "revenue"], "regulations": ["PCI-DSS", "GDPR"], "dataClassification": ["PII"],
        "sourceType": "stripe", "sourceObject": "customers", "targetFormat": "parquet",
        "targetPartitioning": ["ingest_date"], "targetMode": "strict",
    }


def test_column_types_become_logical_types_and_keep_physical_types():
    contract = migrate("nested/postgres_v1.0_db_orders.yaml").contract
    assert {k: prop(contract, "id")[k] for k in ("logicalType", "required")} == {"logicalType": "integer",
                                                                                  "required": True}
    assert (prop(contract, "updated_at")["logicalType"], prop(contract, "updated_at")["physicalType"]) == (
        "date", "TIMESTAMP")
    assert prop(contract, "total_amount")["logicalType"] == "number"
    flat = migrate("flat/postgres_orders_odcs_v3.yaml").contract
    assert (prop(flat, "order_date")["logicalType"], prop(flat, "order_date")["physicalType"]) == (
        "date", "TIMESTAMP WITH TIME ZONE")
    assert (prop(flat, "shipping_address")["logicalType"], prop(flat, "total_amount")["logicalType"]) == (
        "object", "number")


def test_a_type_the_physical_type_contradicts_follows_the_storage_and_is_reported():
    migration = migrate("flat/stripe_customers_odcs_v3.yaml")
    created = prop(migration.contract, "created")
    assert (created["logicalType"], created["physicalType"]) == ("integer", "BIGINT")
    (note,) = [n for n in notes_of(migration, "migrate-unmapped") if "BIGINT" in n.message]
    assert (note.line, note.level.value) == (86, "warning")


def test_nested_governance_keeps_lineage_and_audit_and_reads_governance():
    contract = migrate("nested-governance/csv_v1.0_person.yaml").contract
    values = custom(contract)
    assert values["legacyLineage"] == [{"fromAsset": "source.crm.adventureworks_person", "toAsset": "csv_person",
                                        "contractVersion": "1.0",
                                        "description": "AdventureWorks CRM export to staging zone"}]
    assert values["auditTrail"] == [{"author": "data-team@company.com", "changeType": "initial_publish",
                                     "timestamp": "2025-01-10T10:00:00Z",
                                     "hash": "3b7d1f7c2e5a4b8d9f0e1a2c3d4b5f6a7c8d9e0f1a2b3c4d5e6f708192a3b4c5"}]
    assert values["costCenter"] == "FIN-CUST-003"
    assert contract["slaProperties"] == [{"property": "retention", "value": 365, "unit": "d"}]
    assert contract["team"] == [{"username": "data-team@company.com", "role": "owner"}]
    assert 'timestamp: "2025-01-10T10:00:00Z"' in render(contract)  # quoted: YAML 1.1 would read a timestamp


def test_flat_expectations_become_quality_rules_on_the_right_properties():
    contract = migrate("flat/stripe_customers_odcs_v3.yaml").contract
    currency = prop(contract, "currency")
    assert currency["quality"] == [{"type": "library", "rule": "validValues",
                                    "validValues": ["USD", "EUR", "GBP", "CAD"],
                                    "dimension": "conformity", "severity": "warning",
                                    "description": "Values are one of the listed values."}]
    identifier = prop(contract, "id")
    assert identifier["required"] is True and identifier["unique"] is True
    assert [rule["rule"] for rule in identifier["quality"]] == ["nullCheck", "uniqueCheck"]
    assert all(rule["type"] == "library" and rule["severity"] == "error" for rule in identifier["quality"])
    assert not any(rule.get("validValues") for p in contract["schema"][0]["properties"] if p["name"] != "currency"
                   for rule in p.get("quality", []) if rule.get("rule") == "validValues")


def test_an_expectation_completes_the_rule_the_column_already_has():
    migration = migrate("flat/postgres_orders_odcs_v3.yaml")
    (status_rule,) = prop(migration.contract, "status")["quality"]
    assert status_rule["name"] == "valid_status" and status_rule["severity"] == "error"
    assert status_rule["validValues"] == ["pending", "processing", "shipped", "delivered", "cancelled", "refunded"]
    relationship = prop(migration.contract, "customer_id")["quality"][1]
    assert relationship["type"] == "custom" and relationship["engine"] == "dbt"
    assert relationship["implementation"] == {"relationships": {"to": "ref('customers')", "field": "customer_id"}}
    empty = [n for n in notes_of(migration, "migrate-incomplete") if "customer_exists" in n.message]
    assert empty and empty[0].line == 64


def test_flat_file_keeps_its_id_description_sla_and_team_roles():
    contract = migrate("flat/postgres_orders_odcs_v3.yaml").contract
    assert contract["id"] == "postgres-orders-001" and contract["contractCreatedTs"] == "2024-01-15T11:00:00Z"
    assert contract["description"]["purpose"].startswith("Transactional order data")
    assert contract["team"][0] == {"username": "analytics-team@company.com", "role": "owner"}
    assert contract["team"][1] == {"username": "analytics-lead@company.com", "role": "Analytics Lead",
                                   "description": "Data product ownership"}
    assert [sla["property"] for sla in contract["slaProperties"]] == ["freshness", "availability", "completeness",
                                                                      "retention"]
    assert contract["slaProperties"][-1] == {"property": "retention", "value": 2555, "unit": "d"}
    values = custom(contract)
    assert values["security"] == {"accessControl": "attribute_based", "encryptionRequired": True}
    assert values["changeManagement"]["approvalRequired"] is True
    assert values["qualityAlerts"]["thresholds"] == {"errorRate": 0.001, "latencyMinutes": 15}
    assert values["qualityMonitoring"]["oncallRotation"] == "ops-team@company.com"
    assert "$schema" not in contract and "source_type" not in contract


def test_flat_fields_shape_with_source_block_dbt_and_governance():
    migration = migrate("flat/specs_csv_employee.yaml")
    contract = migration.contract
    assert contract["id"] == "csv-employee-complete-dataset" and contract["dataProduct"] == "employee"
    assert contract["tags"] == ["employee", "hr", "test-data", "workforce"]
    assert contract["team"] == [{"username": "data-team@company.com", "role": "owner"}]
    assert len(contract["schema"][0]["properties"]) == 14
    salary = prop(contract, "salary")
    assert salary["classification"] == "confidential" and salary["tags"] == ["sensitive"]
    values = custom(contract)
    assert values["costCenter"] == "FIN-HR-001" and values["businessTags"] == ["hr", "payroll"]
    assert values["dbt"]["exposure"]["dependsOn"] == ["ref('dim_employee')"]
    assert "limitations" not in contract["description"]


def test_unknown_keys_are_kept_and_reported_at_their_line():
    migration = migrate_text("""
        asset:
          name: stripe_customers
          source_type: stripe
          object: customers
          version: "1.0"
          schema:
            - name: id
              type: string
              format: cus_*
          governance:
            owner: data-team@company.com
            escalation_policy: page-finance
          sla_tier: gold
    """)
    notes = {note.message.split(" ")[0]: note for note in notes_of(migration, "migrate-unmapped")}
    assert notes["asset.governance.escalation_policy"].line == 12
    assert notes["asset.sla_tier"].line == 13
    assert notes["asset.schema[0].format"].line == 9
    values = custom(migration.contract)
    assert values["governanceEscalationPolicy"] == "page-finance" and values["slaTier"] == "gold"
    assert prop(migration.contract, "id")["customProperties"] == [{"property": "format", "value": "cus_*"}]
    assert is_valid(migration.contract, "v3.0.2")


def test_values_two_places_disagree_on_are_reported_and_the_first_kept():
    migration = migrate_text("""
        asset:
          name: orders
          version: "1.0"
          schema: [{name: id, type: integer}]
          governance: {owner: a@x.com, cost_center: FIN-1}
          finops: {cost_center: FIN-2}
    """)
    assert custom(migration.contract)["costCenter"] == "FIN-1"
    (note,) = notes_of(migration, "migrate-unmapped")
    assert note.line == 6 and "FIN-2" in note.message and "FIN-1" in note.message


def test_missing_profile_information_is_reported_not_invented():
    migration = migrate_text("""
        asset:
          name: orders
          version: "1.0"
          schema:
            - {name: id, type: integer}
            - {name: email, type: string, classification: PII}
    """)
    contract = migration.contract
    assert "team" not in contract and "slaProperties" not in contract
    assert "costCenter" not in custom(contract) and "classification" not in prop(contract, "id")
    messages = " | ".join(note.message for note in notes_of(migration, "migrate-incomplete"))
    assert "owner" in messages and "cost centre" in messages and "retention" in messages
    assert "1 of 2 columns have no classification (id)" in messages


def test_mapped_notes_summarise_each_moved_block_once():
    migration = migrate("nested/csv_v1.0_employee.yaml")
    mapped = {note.line: note.message for note in notes_of(migration, "migrate-mapped")}
    assert mapped[65].startswith("finops: cost_center -> customProperties costCenter, business_tags -> ")
    assert mapped[60].startswith("compliance: classification -> customProperties dataClassification")
    assert all(note.level.value == "info" for note in notes_of(migration, "migrate-mapped"))


# --- the command line ------------------------------------------------------------------------------------------


def copy_fixture(tmp_path: Path, relative: str) -> Path:
    target = tmp_path / "legacy" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(LEGACY / relative, target)
    return target


def test_out_writes_the_versioned_layout_and_the_results_validate(tmp_path, cli):
    files = [copy_fixture(tmp_path, relative) for relative in
             ("nested/stripe_v1.0_customers.yaml", "nested-governance/gdrive_csv_v1.0_deals_daily.yaml",
              "flat/postgres_orders_odcs_v3.yaml", "flat/specs_csv_employee.yaml")]
    run = cli("migrate", *map(str, files), "--out", "specs", cwd=tmp_path)
    assert run.code == 0, run.err
    written = sorted(path.relative_to(tmp_path).as_posix() for path in (tmp_path / "specs").rglob("*.yaml"))
    assert written == ["specs/csv/v1.0/employee_complete_dataset.yaml", "specs/gdrive_csv/v1.0/deals_daily.yaml",
                       "specs/postgres/v1.0/orders.yaml", "specs/stripe/v1.0/customers.yaml"]
    assert run.out == "" and "migrated to specs/stripe/v1.0/customers.yaml" in run.err
    report = json.loads(cli("validate", "specs", "--format", "json", cwd=tmp_path).out)
    rules = {finding["rule"] for finding in report["findings"]}
    assert report["files"] == 4
    assert not rules & {"odcs-schema", "legacy-format", "api-version", "layout-version-folder", "type-compatible"}


def test_out_refuses_to_overwrite_a_different_file_unless_forced(tmp_path, cli):
    legacy = copy_fixture(tmp_path, "nested/stripe_v1.0_customers.yaml")
    assert cli("migrate", str(legacy), "--out", "specs", cwd=tmp_path).code == 0
    target = tmp_path / "specs/stripe/v1.0/customers.yaml"
    assert cli("migrate", str(legacy), "--out", "specs", cwd=tmp_path).code == 0  # same content: fine
    target.write_text("# edited by hand\n" + target.read_text())
    refused = cli("migrate", str(legacy), "--out", "specs", cwd=tmp_path)
    assert refused.code == 2 and "exists with different content" in refused.err and "--force" in refused.err
    assert target.read_text().startswith("# edited by hand")
    assert cli("migrate", str(legacy), "--out", "specs", "--force", cwd=tmp_path).code == 0
    assert not target.read_text().startswith("#")
    assert cli("migrate", str(legacy), "--force", cwd=tmp_path).code == 2


def test_two_files_of_one_run_never_overwrite_each_other(tmp_path, cli):
    first = copy_fixture(tmp_path, "nested/stripe_v1.0_customers.yaml")
    second = copy_fixture(tmp_path, "nested-governance/stripe_v1.0_customers.yaml")
    run = cli("migrate", str(first), str(second), "--out", "specs", "--force", cwd=tmp_path)
    assert run.code == 1 and "already migrated to specs/stripe/v1.0/customers.yaml" in run.err
    assert "FIN-001" in (tmp_path / "specs/stripe/v1.0/customers.yaml").read_text()


def test_write_replaces_the_legacy_file_in_place(tmp_path, cli):
    legacy = copy_fixture(tmp_path, "nested-governance/postgres_v1.0_db_orders.yaml")
    before = cli("validate", str(legacy), cwd=tmp_path)
    assert before.code == 1 and "legacy-format" in before.out and "dativo-check migrate" in before.out
    run = cli("migrate", str(legacy), "--write", cwd=tmp_path)
    assert run.code == 0 and run.out == ""
    data = load_path(legacy).document.data
    assert data["id"] == "postgres-db-orders" and legacy_shape(data) is None
    assert list(legacy.parent.iterdir()) == [legacy]  # no temporary file left behind
    after = json.loads(cli("validate", str(legacy), "--format", "json", cwd=tmp_path).out)
    assert not {finding["rule"] for finding in after["findings"]} & {"odcs-schema", "legacy-format"}


def test_stdout_holds_each_contract_after_a_header_and_notes_go_to_stderr(tmp_path, cli):
    files = [copy_fixture(tmp_path, relative) for relative in
             ("nested/hubspot_v1.0_contacts.yaml", "flat/stripe_customers_odcs_v3.yaml")]
    run = cli("migrate", *map(str, files), cwd=tmp_path)
    assert run.code == 0
    chunks = run.out.split("# --- ")[1:]
    assert [chunk.splitlines()[0] for chunk in chunks] == ["legacy/nested/hubspot_v1.0_contacts.yaml",
                                                           "legacy/flat/stripe_customers_odcs_v3.yaml"]
    for chunk in chunks:
        assert is_valid(load_text(chunk.split("\n", 1)[1], "chunk.yaml").document.data, "v3.0.2")
    assert "(migrate-mapped)" in run.err and "(migrate-incomplete)" in run.err
    single = cli("migrate", str(files[0]), cwd=tmp_path)
    assert single.out.startswith("apiVersion: v3.0.2\n")


def test_files_that_are_not_legacy_fail_with_a_message(tmp_path, cli):
    odcs = tmp_path / "contract.yaml"
    odcs.write_text("apiVersion: v3.0.2\nkind: DataContract\nid: x\nversion: 1.0.0\nstatus: active\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("asset: [unterminated\n")
    run = cli("migrate", "contract.yaml", "broken.yaml", cwd=tmp_path)
    assert run.code == 2 and run.out == ""
    assert "contract.yaml:1:1 error already an ODCS contract" in run.err and "(migrate-failed)" in run.err
    assert "broken.yaml:2:1 error could not parse YAML" in run.err and "Traceback" not in run.err
    legacy = copy_fixture(tmp_path, "nested/stripe_v1.0_customers.yaml")
    mixed = cli("migrate", "contract.yaml", str(legacy), "--out", "specs", cwd=tmp_path)
    assert mixed.code == 1 and (tmp_path / "specs/stripe/v1.0/customers.yaml").is_file()
    assert cli("migrate", "missing.yaml", cwd=tmp_path).code == 2


def test_names_from_the_legacy_file_cannot_leave_the_out_folder(tmp_path, cli):
    evil = tmp_path / "evil.yaml"
    evil.write_text(textwrap.dedent("""
        asset:
          name: ../../../etc/passwd
          source_type: ../../..
          object: ../../etc/x
          version: "1.0"
          schema: [{name: id, type: string}]
    """))
    run = cli("migrate", "evil.yaml", "--out", "out", cwd=tmp_path)
    assert run.code == 0, run.err
    (written,) = [path for path in tmp_path.rglob("*.yaml") if path != evil]
    assert written.relative_to(tmp_path).as_posix() == "out/unnamed/v1.0/etc_x.yaml"


def test_shape_detection_leaves_contracts_to_the_schema():
    assert legacy_shape({"team": {"owner": "a@x.com"}, "schema": [{"name": "id", "type": "string"}]}) == "flat"
    odcs_with_wrong_team = {"apiVersion": "v3.0.2", "kind": "DataContract", "team": {"owner": "a@x.com"}}
    assert legacy_shape(odcs_with_wrong_team) is None
    assert legacy_shape({"asset": {"governance": {"owner": "a@x.com", "retention_days": 30}}}) == "nested"
    assert legacy_shape({"asset": {"governance": {"cost_center": "FIN-1"}}}) == "nested-governance"


@pytest.mark.parametrize("hostile", [
    "asset: {name: [1], version: {a: 1}, schema: [{name: [x], type: [string], classification: [PII], tags: [{a: 1}]}]}",
    "asset: {schema: {fields: 3}, data_quality: {expectations: [{type: [1], column: {a: 1}, dimension: [x]}, 7]}}",
    "asset: {schema: [{name: 5, type: 5}], data_quality: {expectations: [{type: not_null, column: 5}]}}",
    "asset: {governance: {owner: [a], tags: 5, classification: {x: 1}, retention_days: x}, team: {roles: [1, {}]}}",
    "team: {owner: 3, roles: 5}\nschema: [{type: string}]\ndescription: 7\ntags: {a: b}\nslaProperties: [1]\n",
    "compliance: 1\nsource: [x]\ncustomProperties: [1, {property: costCenter, value: FIN-1}]\n",
])
def test_hostile_values_give_notes_never_exceptions(hostile):
    migration = migrate_document(load_text(hostile, "hostile.yaml").document)
    assert migration is not None
    assert load_text(render(migration.contract), "out.yaml").document.data == migration.contract
    assert all(note.line for note in migration.notes)


@pytest.mark.parametrize(("written", "expected", "kept"), [
    ('"1.0"', "1.0.0", False), ("v1.2", "1.2.0", False), ('"2"', "2.0.0", False), ("1.2.3-rc.1", "1.2.3-rc.1", False),
    ("release-7", "release-7", True),
])
def test_legacy_versions_become_what_version_semver_suggests(written, expected, kept):
    migration = migrate_text(f"""
        asset:
          name: orders
          version: {written}
          schema: [{{name: id, type: integer}}]
          governance: {{owner: a@x.com}}
    """)
    assert migration.contract["version"] == expected
    assert any("release-7" in note.message for note in notes_of(migration, "migrate-unmapped")) is kept
