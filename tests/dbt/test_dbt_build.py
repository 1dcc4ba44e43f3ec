"""The dbt project generated from all bundled examples, checked by the real dbt and DuckDB (no mocks).

One project per module: the examples are copied into a temporary repository, `dativo-check dbt generate --models`
and `dbt init` write the project, a `profiles.yml` points dbt at a DuckDB file. Then:

- `dbt parse` accepts the project with deprecations as errors and prints no warning;
- every generated property file and `dbt_project.yml` validates against the JSON schemas dbt-core ships;
- `dbt build` on data that keeps the contracts (tests/fixtures/dbt/good/) passes every generated test, model and
  enforced contract, and `dbt source freshness` passes on it;
- data that breaks one promise of a contract fails exactly the matching tests, on the source and on its staging
  model (`dbt test` on the warehouse of the good build), and a wrong column type fails the staging model's enforced
  contract (`dbt build`); one case at a time, each read from target/run_results.json;
- `dativo-check dbt generate --check` reports contract drift as a unified diff and keeps hand-added keys;
- quality rules that tolerate failing rows (tests/fixtures/dbt/tolerance/: counts and shares of null, invalid and
  duplicate values, error and warning severity) pass on data at each limit and fail or warn one row beyond it.

The source tables are created from the generated sources (schema, identifier, columns with their `data_type`, which
is the contract's physicalType), so the tables are exactly what the sources promise. Each fixture file fills one
table; `{table}` in it stands for the quoted table name. dbt runs as a subprocess from this virtual environment.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, FIXTURES, dump, example_data, write

DBT = Path(sys.executable).with_name("dbt")
GOOD_DATA = FIXTURES / "dbt" / "good"
TOLERANCE = FIXTURES / "dbt" / "tolerance"
CONFIG = """\
dbt:
  out: dbt
  database: false  # sources use the database of the DuckDB file the profile opens
  models: true
"""
DEPRECATIONS_AS_ERRORS = ("--warn-error-options", '{"error": ["Deprecations"]}')
TEST_KINDS = {"not_null", "unique", "accepted_values", "relationships", "dativo_unique_combination",
              "dativo_retention", "dativo_accepted_range", "dativo_length_between", "dativo_row_count",
              "dativo_null_percent"}
PASSED = {"pass", "success", "no-op"}

_missing = [name for name in ("dbt.adapters.duckdb", "duckdb", "jsonschema") if importlib.util.find_spec(name) is None]
if not DBT.exists():
    _missing.append(str(DBT))
if _missing and os.environ.get("DATIVO_CHECK_REQUIRE_DBT"):
    raise RuntimeError(f"DATIVO_CHECK_REQUIRE_DBT is set but {', '.join(_missing)} is missing (pip install -e .[dbt])")
pytestmark = pytest.mark.skipif(bool(_missing), reason=f"needs the [dbt] extra: {', '.join(_missing)} missing")


# --- the project ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceTable:
    """A table of a generated dbt source, as the DuckDB table that backs it."""

    source: str
    name: str
    schema: str
    identifier: str
    columns: tuple[tuple[str, str], ...]

    @property
    def key(self) -> str:
        return f"{self.source}.{self.name}"

    @property
    def relation(self) -> str:
        return f"{_quote(self.schema)}.{_quote(self.identifier)}"


@dataclass
class Project:
    repo: Path
    dir: Path
    warehouse: Path
    snapshot: Path  # the warehouse after the good build: source tables and staging views
    tables: dict[str, SourceTable] = field(default_factory=dict)


@dataclass(frozen=True)
class Build:
    proc: subprocess.CompletedProcess
    results: dict[str, dict[str, Any]]
    manifest: dict[str, Any]

    @property
    def output(self) -> str:
        return self.proc.stdout + self.proc.stderr


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _run_cli(cwd: Path, *args: str) -> None:
    from dativo_check.cli import main

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        code = main(list(args))
    assert code == 0, f"dativo-check {' '.join(args)} exited {code}"


def run_dbt(project: Project, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DBT_")}
    env.update(DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1", DBT_USE_COLORS="false",
               DBT_VERSION_CHECK="false")
    return subprocess.run([str(DBT), *args, "--profiles-dir", str(project.dir), "--project-dir", str(project.dir)],
                          cwd=project.dir, env=env, capture_output=True, text=True, timeout=600)


def _artifact(project: Project, name: str) -> dict[str, Any]:
    return json.loads((project.dir / "target" / name).read_text(encoding="utf-8"))


def _results(project: Project) -> dict[str, dict[str, Any]]:
    return {result["unique_id"]: result for result in _artifact(project, "run_results.json")["results"]}


def source_tables(project_dir: Path) -> dict[str, SourceTable]:
    tables = {}
    for path in sorted((project_dir / "models" / "sources").glob("*.yml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            assert "database" not in source, "dbt.database: false must leave the database to the profile"
            for table in source["tables"]:
                columns = tuple((column["name"], column["data_type"]) for column in table["columns"])
                entry = SourceTable(source["name"], table["name"], source["schema"],
                                    table.get("identifier", table["name"]), columns)
                tables[entry.key] = entry
    return tables


def load_warehouse(path: Path, tables: dict[str, SourceTable], data: Path = GOOD_DATA) -> None:
    """A new DuckDB file with one table per source table, filled from the fixtures in `data` (good data)."""
    import duckdb

    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    fixtures = {file.stem: file for file in data.glob("*.sql")}
    assert sorted(fixtures) == sorted(tables), "one fixture file per generated source table"
    with duckdb.connect(str(path)) as con:
        con.execute("SET TimeZone = 'UTC'")  # naive timestamps in UTC, as dbt's freshness reads them
        for key, table in sorted(tables.items()):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(table.schema)}")
            columns = ", ".join(f"{_quote(name)} {data_type}" for name, data_type in table.columns)
            con.execute(f"CREATE TABLE {table.relation} ({columns})")
            con.execute(fixtures[key].read_text(encoding="utf-8").replace("{table}", table.relation))


def _copy_database(source: Path, target: Path) -> None:
    for suffix in ("", ".wal"):
        origin, copy = source.with_name(source.name + suffix), target.with_name(target.name + suffix)
        copy.unlink(missing_ok=True)
        if origin.exists():
            shutil.copyfile(origin, copy)


def _new_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(EXAMPLES, root / "specs")
    write(root, ".dativo-check.yaml", CONFIG)
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return _project(_new_repo(tmp_path_factory.mktemp("dbt-build") / "repo"))


def _project(repo: Path) -> Project:
    """The dbt project generated from the contracts of `repo`, with a profile that opens a DuckDB file."""
    _run_cli(repo, "dbt", "generate", "--models", "--out", "dbt")
    _run_cli(repo, "dbt", "init", "--out", "dbt")
    project_dir = repo / "dbt"
    warehouse = project_dir / "warehouse.duckdb"
    profile = {"dativo": {"target": "ci", "outputs": {"ci": {"type": "duckdb", "path": str(warehouse),
                                                              "threads": 4}}}}
    write(project_dir, "profiles.yml", dump(profile))
    return Project(repo, project_dir, warehouse, project_dir / "good.duckdb", source_tables(project_dir))


@pytest.fixture(scope="module")
def built(project: Project) -> Build:
    """`dbt build` of the whole project on data that keeps every contract; the warehouse is then kept as a snapshot."""
    load_warehouse(project.warehouse, project.tables)
    proc = run_dbt(project, "build")
    build = Build(proc, _results(project), _artifact(project, "manifest.json"))
    _copy_database(project.warehouse, project.snapshot)
    return build


# --- 1. dbt parse -----------------------------------------------------------------------------------------------


def test_dbt_parse_accepts_the_project_with_deprecations_as_errors_and_no_warning(project):
    proc = run_dbt(project, "parse", "--no-partial-parse", *DEPRECATIONS_AS_ERRORS)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "[WARNING]" not in output, output
    assert "deprecat" not in output.lower(), output
    manifest = _artifact(project, "manifest.json")
    kinds = [node["resource_type"] for node in manifest["nodes"].values()]
    assert len(manifest["sources"]) == len(project.tables) == 6
    assert kinds.count("model") == 6 and kinds.count("test") > 100
    assert len(manifest["exposures"]) == 7


# --- 2. dbt's own JSON schemas ----------------------------------------------------------------------------------


def _dbt_json_schema(kind: str) -> dict[str, Any]:
    path = importlib.resources.files("dbt") / "jsonschemas" / kind / "latest.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert "draft-07" in schema.get("$schema", ""), f"dbt's {kind} schema is no longer draft-07"
    return schema


def _errors(validator, data: Any) -> list[str]:
    return sorted(f"/{'/'.join(map(str, error.absolute_path))}: {error.message}"
                  for error in validator.iter_errors(data))


def _keys(data: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(data, dict):
        return [(path, str(key)) for key in data] + [pair for key, value in data.items()
                                                     for pair in _keys(value, f"{path}/{key}")]
    if isinstance(data, list):
        return [pair for index, value in enumerate(data) for pair in _keys(value, f"{path}/{index}")]
    return []


def test_every_generated_property_file_validates_against_dbt_s_resources_schema(project):
    from jsonschema import Draft7Validator

    validator = Draft7Validator(_dbt_json_schema("resources"))
    files = sorted((project.dir / "models").rglob("*.yml"))
    folders = {path.relative_to(project.dir / "models").parts[0] for path in files}
    assert folders == {"sources", "staging", "exposures"}
    errors, legacy = {}, {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        relative = path.relative_to(project.dir).as_posix()
        if _errors(validator, data):
            errors[relative] = _errors(validator, data)
        if any(key == "tests" for _, key in _keys(data)):
            legacy[relative] = [where for where, key in _keys(data) if key == "tests"]
    assert errors == {}
    assert legacy == {}, "today's syntax is data_tests:, never tests:"

    # The schema is strict enough to matter: the mistakes the generator must not make are errors.
    text = (project.dir / "models" / "sources" / "webshop_orders.yml").read_text(encoding="utf-8")
    for key, value in (("meta", {"owner": "meta outside config"}), ("dativo_contract_id", "a custom key"),
                       ("data_tests", [{"dativo_unique_combination": {"columns": ["order_id"]}}])):  # no arguments:
        sample = yaml.safe_load(text)
        sample["sources"][0]["tables"][0][key] = value
        assert _errors(validator, sample), f"dbt's schema should reject {key}: {value}"


def test_dbt_project_yml_validates_against_dbt_s_project_schema(project):
    from jsonschema import Draft7Validator

    validator = Draft7Validator(_dbt_json_schema("project"))
    data = yaml.safe_load((project.dir / "dbt_project.yml").read_text(encoding="utf-8"))
    assert _errors(validator, data) == []
    assert data["profile"] == "dativo"
    assert _errors(validator, {**data, "dativo": True}), "the project schema rejects unknown keys"


# --- 3. good data: everything passes ----------------------------------------------------------------------------


def _tests(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"}


def test_dbt_build_passes_every_generated_test_on_data_that_keeps_the_contracts(built):
    assert built.proc.returncode == 0, built.output[-6000:]
    failed = {uid: (result["status"], result["message"]) for uid, result in built.results.items()
              if result["status"] not in PASSED}
    assert failed == {}
    summary = re.search(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", built.output)
    assert summary, built.output[-3000:]
    passed, warned, errored, skipped = map(int, summary.groups())
    assert passed > 100 and (warned, errored, skipped) == (0, 0, 0)

    # Everything dbt knows of ran: every test, every staging model, with its contract enforced.
    tests = _tests(built.manifest)
    assert {uid for uid in tests if built.results.get(uid, {}).get("status") == "pass"} == set(tests)
    models = {uid: node for uid, node in built.manifest["nodes"].items() if node["resource_type"] == "model"}
    assert len(models) == 6
    for uid, node in models.items():
        assert node["config"]["contract"]["enforced"] is True, uid
        assert built.results[uid]["status"] == "success", uid
    # ... and they cover every kind of test the generator writes, singular and warn-severity ones included.
    kinds = {(node.get("test_metadata") or {}).get("name", "singular") for node in tests.values()}
    assert kinds >= TEST_KINDS | {"singular"}
    assert any(node["config"]["severity"].lower() == "warn" for node in tests.values())


def test_dbt_source_freshness_passes_on_freshly_loaded_data(project, built):
    load_warehouse(project.warehouse, project.tables)  # timestamps relative to now, loaded seconds ago
    proc = run_dbt(project, "source", "freshness")
    assert proc.returncode == 0, proc.stdout[-3000:]
    results = {result["unique_id"]: result["status"] for result in _artifact(project, "sources.json")["results"]}
    with_freshness = {uid for uid, source in built.manifest["sources"].items()
                      if source["config"].get("freshness") and source["config"].get("loaded_at_field")}
    assert len(with_freshness) == 6
    assert results == {uid: "pass" for uid in with_freshness}


# --- 4. data that breaks a contract fails the matching test -----------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One broken promise: SQL run on one source table of the good warehouse, and what dbt must report.

    `fails` and `warns` name generic tests as (test, column); each must exist on the source table and on its staging
    model and is the only thing that does not pass. `singular` is the status of the table's SQL quality-rule test;
    `contract` is text the error of the staging model's enforced contract must contain.
    """

    table: str
    sql: str
    fails: tuple[tuple[str, str | None], ...] = ()
    warns: tuple[tuple[str, str | None], ...] = ()
    singular: str | None = None
    contract: tuple[str, ...] = ()


VIOLATIONS = [
    pytest.param(Violation(
        "billing_customers.customers",
        "UPDATE {table} SET balance = NULL WHERE customer_id = 'cus_N4b7KdLm0aQe1F'",
        fails=(("not_null", "balance"),)), id="null-in-required-column"),
    pytest.param(Violation(
        "crm_contacts.contacts",
        "INSERT INTO {table} SELECT * FROM {table} WHERE contact_id = 1040233",
        fails=(("unique", "contact_id"),)), id="duplicate-primary-key"),
    pytest.param(Violation(
        "billing_customers.customers",
        "INSERT INTO {table} SELECT * FROM {table} WHERE customer_id = 'cus_N4b7KdLm0aQe1F'",
        fails=(("dativo_unique_combination", None),), singular="fail"), id="duplicate-composite-key"),
    pytest.param(Violation(
        "webshop_orders.orders",
        "UPDATE {table} SET status = 'shipped' WHERE order_id = 1048577",
        fails=(("accepted_values", "status"),)), id="value-outside-valid-values"),
    pytest.param(Violation(
        "webshop_orders.orders",
        "ALTER TABLE {table} ALTER COLUMN created_at SET DATA TYPE VARCHAR",
        contract=("enforced contract", "created_at", "data type mismatch")), id="wrong-column-type"),
    pytest.param(Violation(
        "order_events.order_events",
        "UPDATE {table} SET created_at = now()::TIMESTAMP - INTERVAL 8 DAY "
        "WHERE event_id = '7d2e9a40-1f0b-4b8e-8c61-2b9f0e5d3a11'",
        fails=(("dativo_retention", "created_at"),)), id="row-older-than-retention"),
    pytest.param(Violation(
        "webshop_orders.order_lines",
        "INSERT INTO {table} VALUES (990001, 1, 'GHOST-ITEM', 1, 9.99, now()::TIMESTAMP)",
        fails=(("relationships", "order_id"),), singular="fail"), id="dangling-reference"),
    pytest.param(Violation(
        "webshop_orders.order_lines",
        "UPDATE {table} SET quantity = 0 WHERE order_id = 1048577",
        fails=(("dativo_accepted_range", "quantity"),)), id="value-out-of-range"),
    pytest.param(Violation(
        "crm_contacts.contacts",
        "UPDATE {table} SET email = repeat('x', 320) || '@example.com' WHERE contact_id = 51",
        fails=(("dativo_length_between", "email"),)), id="text-longer-than-max-length"),
    pytest.param(Violation(
        "customer_360.customer_orders",
        "DELETE FROM {table}",
        fails=(("dativo_row_count", None),)), id="row-count-below-minimum"),
    pytest.param(Violation(
        "order_events.order_events",
        "UPDATE {table} SET total_amount = 0 WHERE event_id = '0b6f1c1e-4a39-4c53-9d4e-6f3a2a8f1c02'",
        singular="fail"), id="sql-quality-rule"),
    pytest.param(Violation(
        "webshop_orders.orders",
        "UPDATE {table} SET total_amount = 75000 WHERE order_id = 1048578",
        warns=(("dativo_accepted_range", "total_amount"),)), id="warning-severity-rule-warns"),
    pytest.param(Violation(
        "crm_contacts.contacts",
        "UPDATE {table} SET email = NULL WHERE contact_id % 8 = 0",  # 12.5 % without email; the rule allows < 10
        singular="warn"), id="warning-severity-sql-rule-warns"),
    pytest.param(Violation(
        "billing_customers.customers",
        "UPDATE {table} SET email = NULL WHERE customer_id = 'cus_Lm3Nb4Vc5Xz6Qa'",  # 1 of 5: 20 %; allowed < 5 %
        warns=(("dativo_null_percent", "email"),)), id="null-share-above-a-percent-tolerance-warns"),
]


def _model_of(manifest: dict[str, Any], source_uid: str) -> str:
    models = [uid for uid, node in manifest["nodes"].items()
              if node["resource_type"] == "model" and node["depends_on"]["nodes"] == [source_uid]]
    assert len(models) == 1, f"one staging model reads {source_uid}: {models}"
    return models[0]


def _generic(manifest: dict[str, Any], table: SourceTable, model: str, test: str, column: str | None) -> set[str]:
    """The `test` on `column` of the source table and of its staging model (both must exist)."""
    targets = {"source": f"source('{table.source}', '{table.name}')",
               "model": f"ref('{manifest['nodes'][model]['name']}')"}
    found = {}
    for uid, node in _tests(manifest).items():
        metadata = node.get("test_metadata") or {}
        if metadata.get("name") == test and node.get("column_name") == column:
            for kind, target in targets.items():
                if target in metadata["kwargs"].get("model", ""):
                    found.setdefault(kind, set()).add(uid)
    assert sorted(found) == ["model", "source"], f"{test} on {table.key}.{column} should be generated twice: {found}"
    return found["source"] | found["model"]


def _singular(manifest: dict[str, Any], source_uid: str, model: str) -> set[str]:
    found = {uid for uid, node in _tests(manifest).items()
             if not node.get("test_metadata") and {source_uid, model} & set(node["depends_on"]["nodes"])}
    assert found, f"the SQL quality rule of {source_uid} should be a singular test"
    return found


@pytest.mark.parametrize("case", VIOLATIONS)
def test_data_that_breaks_the_contract_fails_exactly_the_matching_test(project, built, case: Violation):
    import duckdb

    not_passed = {uid: result["status"] for uid, result in built.results.items() if result["status"] not in PASSED}
    assert not_passed == {}, "the good-data build must pass first"
    table = project.tables[case.table]
    source_uid = next(uid for uid, source in built.manifest["sources"].items()
                      if (source["source_name"], source["name"]) == (table.source, table.name))
    model = _model_of(built.manifest, source_uid)

    expected: dict[str, str] = {}
    for status, tests in (("fail", case.fails), ("warn", case.warns)):
        for test, column in tests:
            expected.update(dict.fromkeys(_generic(built.manifest, table, model, test, column), status))
    if case.singular:
        expected.update(dict.fromkeys(_singular(built.manifest, source_uid, model), case.singular))
    if case.contract:
        expected[model] = "error"

    _copy_database(project.snapshot, project.warehouse)
    with duckdb.connect(str(project.warehouse)) as con:
        con.execute(case.sql.replace("{table}", table.relation))
    # A broken type shows when dbt builds the staging model against its enforced contract. Broken data would stop
    # `dbt build` at the first failing source test (the model and its tests are then skipped), so data cases run
    # `dbt test` on the warehouse of the good build, whose staging views read the changed table: both the source's
    # and the model's tests must catch it.
    command = "build" if case.contract else "test"
    proc = run_dbt(project, command, "--select", f"source:{case.table}+")
    results = _results(project)

    reported = {uid: result["status"] for uid, result in results.items()
                if result["status"] not in PASSED | {"skipped"}}
    assert reported == expected, proc.stdout[-4000:]
    assert proc.returncode == (1 if {"fail", "error"} & set(expected.values()) else 0), proc.stdout[-4000:]
    if case.contract:
        message = results[model]["message"]
        for text in case.contract:
            assert text in message, message
        assert {result["status"] for uid, result in results.items() if model in _depends(built.manifest, uid)} \
            == {"skipped"}, "the tests of a model whose contract failed do not run"


def _depends(manifest: dict[str, Any], uid: str) -> list[str]:
    node = manifest["nodes"].get(uid) or {}
    return node.get("depends_on", {}).get("nodes", [])


# --- 5. drift check ---------------------------------------------------------------------------------------------


def _header_and_data(path: Path) -> tuple[str, Any]:
    text = path.read_text(encoding="utf-8")
    return text.split("\n", 1)[0] + "\n", yaml.safe_load(text)


def _by_name(entries: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(entry for entry in entries if entry["name"] == name)


def _changed_lines(diff: str) -> list[str]:
    """The added and removed lines of a unified diff, with runs of spaces collapsed."""
    return [re.sub(r"\s+", " ", line[0] + " " + line[1:].strip()) for line in diff.splitlines()
            if line.startswith(("+", "-")) and not line.startswith(("--- ", "+++ "))]


def _tree(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_generate_check_reports_contract_drift_as_a_diff_and_keeps_hand_edits(tmp_path, cli):
    from dativo_check.yamlio.writer import dump as generator_style

    repo = _new_repo(tmp_path / "repo")
    out = repo / "dbt"
    generate = ("dbt", "generate", "--models", "--out", "dbt")
    assert cli(*generate, cwd=repo).code == 0
    check = cli(*generate, "--check", cwd=repo)
    assert (check.code, check.out) == (0, ""), check.err

    # Hand edits the generator never writes, in the file's own style.
    sources = out / "models" / "sources" / "billing_customers.yml"
    header, data = _header_and_data(sources)
    customers = _by_name(data["sources"][0]["tables"], "customers")
    customers["config"]["loaded_at_query"] = "select max(_loaded_at) from raw_stripe_customers"
    customers["config"]["meta"]["steward"] = "sberg"
    sources.write_text(header + generator_style(data), encoding="utf-8")
    models = out / "models" / "staging" / "billing_customers" / "_billing_customers__models.yml"
    header, data = _header_and_data(models)
    balance = _by_name(_by_name(data["models"], "stg_billing_customers__customers")["columns"], "balance")
    balance["data_tests"].append({"dbt_utils.expression_is_true": {"arguments": {"expression": "> -10000000"}}})
    models.write_text(header + generator_style(data), encoding="utf-8")
    # A file re-saved by another YAML tool (sorted keys, other indentation) means the same, so it is no drift either.
    other = out / "models" / "sources" / "crm_contacts.yml"
    header, data = _header_and_data(other)
    other.write_text(header + yaml.safe_dump(data, sort_keys=True, width=200), encoding="utf-8")

    check = cli(*generate, "--check", cwd=repo)
    assert (check.code, check.out) == (0, ""), "hand-added keys and YAML style are not drift"

    # The contract changes: the Stripe email becomes required.
    contract = example_data("stripe/v1.0/customers.yaml")
    _by_name(contract["schema"][0]["properties"], "email")["required"] = True
    write(repo, "specs/stripe/v1.0/customers.yaml", dump(contract))
    before = _tree(out)
    check = cli(*generate, "--check", cwd=repo)
    assert check.code == 1
    assert _tree(out) == before, "--check writes nothing"
    assert "drifted" in check.err
    diff = check.out.splitlines()
    assert [line for line in diff if line.startswith(("--- ", "+++ "))] == [
        "--- a/models/sources/billing_customers.yml", "+++ b/models/sources/billing_customers.yml",
        "--- a/models/staging/billing_customers/_billing_customers__models.yml",
        "+++ b/models/staging/billing_customers/_billing_customers__models.yml"]
    assert _changed_lines(check.out) == ["+ - not_null", "+ - not_null"], check.out  # email: source and model
    assert all(line.startswith(("--- ", "+++ ", "@@ ", " ", "+", "-")) for line in diff)

    assert cli(*generate, cwd=repo).code == 0
    customers = _by_name(yaml.safe_load(sources.read_text(encoding="utf-8"))["sources"][0]["tables"], "customers")
    assert customers["config"]["loaded_at_query"] == "select max(_loaded_at) from raw_stripe_customers"
    assert customers["config"]["meta"]["steward"] == "sberg"
    assert customers["config"]["meta"]["dativo"]["contract_id"] == "stripe-customers"
    assert "not_null" in _by_name(customers["columns"], "email")["data_tests"]
    model = _by_name(yaml.safe_load(models.read_text(encoding="utf-8"))["models"], "stg_billing_customers__customers")
    assert "not_null" in _by_name(model["columns"], "email")["data_tests"]
    assert _by_name(model["columns"], "balance")["data_tests"] == [
        "not_null", {"dbt_utils.expression_is_true": {"arguments": {"expression": "> -10000000"}}}]
    check = cli(*generate, "--check", cwd=repo)
    assert (check.code, check.out) == (0, ""), check.out

    # A hand edit of a generated key is drift, and regeneration puts the contract's value back.
    text = models.read_text(encoding="utf-8")
    assert text.count("data_type: BIGINT") == 1
    models.write_text(text.replace("data_type: BIGINT", "data_type: INTEGER"), encoding="utf-8")
    check = cli(*generate, "--check", cwd=repo)
    assert check.code == 1
    assert _changed_lines(check.out) == ["- data_type: INTEGER", "+ data_type: BIGINT"], check.out
    assert cli(*generate, cwd=repo).code == 0
    assert "data_type: BIGINT" in models.read_text(encoding="utf-8")


# --- 6. tolerances: rules that allow some failing rows ----------------------------------------------------------

# What dbt must report for each tolerance rule of tests/fixtures/dbt/tolerance/shipments.yaml on the bad data, which
# breaks each by one row more than it allows; the good data sits at or under each limit, so everything passes there.
BROKEN_TOLERANCES = {
    ("accepted_values", "carrier"): "fail",  # 3 invalid rows, all one value (one row of accepted_values); 2 allowed
    ("dativo_invalid_percent", "service_level"): "fail",  # 20 %, less than 20 % allowed
    ("not_null", "tracking_code"): "fail",  # 3 nulls, fewer than 3 allowed
    ("unique", "recipient_email"): "warn",  # 2 rows repeat a recipient, 1 allowed; a warning rule
    ("dativo_duplicate_percent", "parcel_ref"): "fail",  # 30 %, less than 25 % allowed
    ("dativo_null_percent", "weight_kg"): "warn",  # 20 %, at most 10 % allowed; a warning rule
}
# the failing rows dbt counts on the bad data (rows, not distinct values)
BROKEN_COUNTS = {("accepted_values", "carrier"): 3, ("not_null", "tracking_code"): 3, ("unique", "recipient_email"): 2}


@pytest.fixture(scope="module")
def tolerance_project(tmp_path_factory) -> Project:
    repo = tmp_path_factory.mktemp("dbt-tolerance") / "repo"
    write(repo, "specs/parcel/v1.0/shipments.yaml", (TOLERANCE / "shipments.yaml").read_text(encoding="utf-8"))
    write(repo, ".dativo-check.yaml", CONFIG)
    return _project(repo)


@pytest.fixture(scope="module")
def tolerance_built(tolerance_project: Project) -> Build:
    load_warehouse(tolerance_project.warehouse, tolerance_project.tables, TOLERANCE / "good")
    proc = run_dbt(tolerance_project, "build", *DEPRECATIONS_AS_ERRORS)
    return Build(proc, _results(tolerance_project), _artifact(tolerance_project, "manifest.json"))


def _tolerance_tests(project: Project, build: Build) -> dict[tuple[str, str], set[str]]:
    (table,) = project.tables.values()
    source_uid = next(iter(build.manifest["sources"]))
    model = _model_of(build.manifest, source_uid)
    return {(test, column): _generic(build.manifest, table, model, test, column) for test, column in BROKEN_TOLERANCES}


def _test_config(build: Build, uids: set[str]) -> dict[str, str]:
    """How dbt configured a test, the same on the source and on its staging model."""
    keys = ("severity", "error_if", "warn_if", "fail_calc")
    (config,) = {tuple(build.manifest["nodes"][uid]["config"][key] for key in keys) for uid in uids}
    return dict(zip(keys, config))


def test_tolerances_pass_on_data_at_their_limits(tolerance_project, tolerance_built):
    from jsonschema import Draft7Validator

    validator = Draft7Validator(_dbt_json_schema("resources"))
    for path in sorted((tolerance_project.dir / "models").rglob("*.yml")):
        assert _errors(validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == [], path
    build = tolerance_built
    assert build.proc.returncode == 0, build.output[-6000:]
    assert {uid: result["status"] for uid, result in build.results.items() if result["status"] not in PASSED} == {}
    summary = re.search(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", build.output)
    assert summary and summary.groups()[1:] == ("0", "0", "0"), build.output[-3000:]
    assert "deprecat" not in build.output.lower(), build.output[-3000:]

    # dbt reads the tolerances as generated: a count compares the failing rows, a warning rule only warns.
    tests = _tolerance_tests(tolerance_project, build)
    assert _test_config(build, tests[("accepted_values", "carrier")]) == {
        "severity": "ERROR", "error_if": ">2", "warn_if": ">2", "fail_calc": "coalesce(sum(n_records), 0)"}
    assert _test_config(build, tests[("not_null", "tracking_code")]) == {
        "severity": "ERROR", "error_if": ">2", "warn_if": ">2", "fail_calc": "count(*)"}
    assert _test_config(build, tests[("unique", "recipient_email")]) == {
        "severity": "warn", "error_if": "!= 0", "warn_if": ">1", "fail_calc": "coalesce(sum(n_records) - count(*), 0)"}
    assert _test_config(build, tests[("dativo_null_percent", "weight_kg")]) == {
        "severity": "warn", "error_if": "!= 0", "warn_if": "!= 0", "fail_calc": "count(*)"}
    assert all(build.results[uid]["status"] == "pass" for uids in tests.values() for uid in uids)


def test_data_one_row_beyond_each_tolerance_fails_or_warns_exactly_its_test(tolerance_project, tolerance_built):
    import duckdb

    assert tolerance_built.proc.returncode == 0, "the good-data build must pass first"
    (table,) = tolerance_project.tables.values()
    with duckdb.connect(str(tolerance_project.warehouse)) as con:  # the staging view of the good build stays
        con.execute(f"DELETE FROM {table.relation}")
        sql = (TOLERANCE / "bad" / f"{table.key}.sql").read_text(encoding="utf-8")
        con.execute(sql.replace("{table}", table.relation))
    proc = run_dbt(tolerance_project, "test")
    results = _results(tolerance_project)

    tests = _tolerance_tests(tolerance_project, tolerance_built)
    expected = {uid: status for key, status in BROKEN_TOLERANCES.items() for uid in tests[key]}
    reported = {uid: result["status"] for uid, result in results.items() if result["status"] not in PASSED}
    assert reported == expected, proc.stdout[-4000:]
    assert proc.returncode == 1, proc.stdout[-4000:]
    assert {key: {results[uid]["failures"] for uid in tests[key]} for key in BROKEN_COUNTS} \
        == {key: {count} for key, count in BROKEN_COUNTS.items()}
