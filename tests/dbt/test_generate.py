"""dbt generation from contracts: golden output for the examples, safety of names and text, drift and hand edits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import EXAMPLES, dump, example_data, write
from dativo_check.config import DbtSettings
from dativo_check.contract.load import load_contracts
from dativo_check.config import Config
from dativo_check.dbt.generate import generate

GOLDEN = Path(__file__).resolve().parent / "golden"


def _generate_examples(models: bool = True):
    config = Config(root=EXAMPLES.parent.parent)
    files = sorted(str(path) for path in EXAMPLES.rglob("*.yaml"))
    loaded = load_contracts(files, config)
    assert not loaded.findings
    return generate(loaded.contracts, DbtSettings(), models)


def test_generated_files_match_the_golden_files():
    generation = _generate_examples()
    produced = {file.path: file.text for file in generation.files}
    if os.environ.get("DATIVO_UPDATE_GOLDEN"):
        import shutil

        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, text in produced.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text, encoding="utf-8")
    expected = {path.relative_to(GOLDEN).as_posix(): path.read_text(encoding="utf-8")
                for path in GOLDEN.rglob("*") if path.is_file()}
    assert sorted(produced) == sorted(expected)
    for path, text in produced.items():
        assert text == expected[path], f"{path} differs from its golden file (DATIVO_UPDATE_GOLDEN=1 to accept)"


def test_generation_is_deterministic():
    first = [(f.path, f.text) for f in _generate_examples().files]
    second = [(f.path, f.text) for f in _generate_examples().files]
    assert first == second


def test_what_the_contract_promises_becomes_tests():
    import yaml

    files = {file.path: file for file in _generate_examples().files}
    orders = yaml.safe_load(files["models/sources/webshop_orders.yml"].text)["sources"][0]
    tables = {table["name"]: table for table in orders["tables"]}
    lines = tables["order_lines"]
    assert {"dativo_unique_combination": {"arguments": {"columns": ["order_id", "line_number"]}}} in lines["data_tests"]
    order_id = next(column for column in lines["columns"] if column["name"] == "order_id")
    assert {"relationships": {"arguments": {"to": "source('webshop_orders', 'orders')", "field": "order_id"}}} \
        in order_id["data_tests"]
    status = next(column for column in tables["orders"]["columns"] if column["name"] == "status")
    accepted = next(test["accepted_values"] for test in status["data_tests"] if "accepted_values" in test)
    assert accepted["arguments"]["values"] and "config" not in accepted or accepted["config"]["severity"] == "warn"
    config = tables["orders"]["config"]
    assert config["meta"]["dativo"]["contract_id"] == "postgres-orders"
    assert "freshness" in config and config["loaded_at_field"]
    models = yaml.safe_load(files["models/staging/webshop_orders/_webshop_orders__models.yml"].text)["models"]
    assert all(model["config"]["contract"] == {"enforced": True} for model in models)
    assert all("data_type" in column for model in models for column in model["columns"])


def _contract_repo(tmp_path, data: dict) -> Path:
    write(tmp_path, "specs/evil/v1.0/orders.yaml", dump(data))
    return tmp_path


def test_names_from_contracts_cannot_escape_the_output_folder(tmp_path, cli):
    data = example_data("postgres/v1.0/orders.yaml")
    data["dataProduct"] = "../../../../etc/evil"
    data["schema"][0]["name"] = "../../escape"
    data["customProperties"].append({"property": "consumers", "value": [
        {"name": "../../x", "type": "dashboard", "owner": "a@b.c", "label": "X"}]})
    repo = _contract_repo(tmp_path / "repo", data)
    out = tmp_path / "repo" / "out"
    assert cli("dbt", "generate", "--out", str(out), cwd=repo).code == 0
    written = [path for path in tmp_path.rglob("*") if path.is_file() and out not in path.parents]
    assert all(path.is_relative_to(repo / "specs") for path in written), written
    assert (out / "models" / "sources" / "etc_evil.yml").is_file()


def test_jinja_in_contract_text_is_inert(tmp_path, cli):
    data = example_data("stripe/v1.0/customers.yaml")
    data["schema"][0]["description"] = "{{ run_query('drop table customers') }}"
    data["schema"][0]["properties"][0]["description"] = "{% do log('x') %} id"
    repo = _contract_repo(tmp_path / "repo", data)
    assert cli("dbt", "generate", "--out", "out", cwd=repo).code == 0
    import yaml

    table = yaml.safe_load((repo / "out/models/sources/billing_customers.yml").read_text())["sources"][0]["tables"][0]
    assert table["description"] == "{% raw %}{{ run_query('drop table customers') }}{% endraw %}"
    assert table["columns"][0]["description"] == "{% raw %}{% do log('x') %} id{% endraw %}"


def test_check_reports_drift_and_generate_keeps_hand_edits(tmp_path, cli):
    data = example_data("stripe/v1.0/customers.yaml")
    repo = _contract_repo(tmp_path / "repo", data)
    assert cli("dbt", "generate", "--out", "out", cwd=repo).code == 0
    assert cli("dbt", "generate", "--out", "out", "--check", cwd=repo).code == 0
    source = repo / "out" / "models" / "sources" / "billing_customers.yml"
    edited = source.read_text().replace("        identifier: raw_stripe_customers\n",
                                        "        identifier: raw_stripe_customers\n        loader: fivetran\n")
    source.write_text(edited)
    assert cli("dbt", "generate", "--out", "out", "--check", cwd=repo).code == 0
    data["schema"][0]["properties"][1]["required"] = True
    write(repo, "specs/evil/v1.0/orders.yaml", dump(data))
    drift = cli("dbt", "generate", "--out", "out", "--check", cwd=repo)
    assert drift.code == 1
    assert "+++ b/models/sources/billing_customers.yml" in drift.out and "+              - not_null" in drift.out
    assert cli("dbt", "generate", "--out", "out", cwd=repo).code == 0
    regenerated = source.read_text()
    assert "loader: fivetran" in regenerated and regenerated.count("- not_null") >= 2


def test_files_of_removed_contracts_are_deleted_and_foreign_files_kept(tmp_path, cli):
    repo = _contract_repo(tmp_path / "repo", example_data("stripe/v1.0/customers.yaml"))
    write(repo, "specs/crm/v1.0/contacts.yaml", dump(example_data("hubspot/v1.0/contacts.yaml")))
    assert cli("dbt", "generate", "--out", "out", cwd=repo).code == 0
    write(repo, "out/models/marts/revenue.sql", "select 1\n")
    (repo / "specs/crm/v1.0/contacts.yaml").unlink()
    run = cli("dbt", "generate", "--out", "out", cwd=repo)
    assert run.code == 0 and "delete" in run.err
    assert not (repo / "out/models/sources/crm_contacts.yml").exists()
    assert (repo / "out/models/marts/revenue.sql").exists()


def test_unparsable_contract_stops_generation_with_its_finding(tmp_path, cli):
    write(tmp_path, "c.yaml", "kind: DataContract\nid: [broken\n")
    run = cli("dbt", "generate", "c.yaml", "--out", "out", cwd=tmp_path)
    assert run.code == 1 and "yaml-syntax" in run.err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("unit, count, period", [({"unit": "m"}, 2, "minute"), ({}, 2, "day")])
def test_sla_durations_read_as_the_cost_estimate_reads_them(unit, count, period):
    """`m` is minutes and a missing unit days, for the freshness and the retention test alike."""
    import yaml

    from dativo_check.yamlio.loader import load_text
    from dativo_check.contract.model import Contract

    data = example_data("postgres/v1.0/orders.yaml")
    data["slaProperties"] = [{"property": "latency", "value": 2, **unit, "element": "orders.updated_at"},
                             {"property": "retention", "value": 2, **unit}]
    contract = Contract(load_text(dump(data), "orders.yaml").document)
    files = {file.path: file for file in generate([contract], DbtSettings(), models=False).files}
    source = yaml.safe_load(files["models/sources/webshop_orders.yml"].text)["sources"][0]
    orders = next(table for table in source["tables"] if table["name"] == "orders")
    assert orders["config"]["freshness"] == {"warn_after": {"count": count, "period": period}}
    updated_at = next(column for column in orders["columns"] if column["name"] == "updated_at")
    assert {"dativo_retention": {"arguments": {"period": count, "datepart": period}}} in updated_at["data_tests"]


def test_reordered_keys_are_no_drift_and_only_generated_files_count(tmp_path):
    import yaml

    from dativo_check.dbt import output

    generation = _generate_examples()
    assert not output.has_generated_files(tmp_path)
    write(tmp_path, "models/marts/revenue.sql", "select 1\n")
    assert not output.has_generated_files(tmp_path)
    output.apply(output.plan(generation, tmp_path), tmp_path)
    assert output.has_generated_files(tmp_path)
    source = tmp_path / "models/sources/webshop_orders.yml"
    header, body = source.read_text().split("\n", 1)
    reordered = {key: value for key, value in reversed(yaml.safe_load(body).items())}
    source.write_text(header + "\n" + yaml.safe_dump(reordered, sort_keys=False))
    changes = {change.path: change.action for change in output.plan(generation, tmp_path)}
    assert set(changes.values()) == {"unchanged"} and "models/marts/revenue.sql" not in changes
