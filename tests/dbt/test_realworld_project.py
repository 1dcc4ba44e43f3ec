"""One dbt project from every contract nobody here wrote, and from contracts in several versions: the real dbt parser
accepts it with warnings as errors, and the drift check agrees with what was just generated.

The corpus is tests/fixtures/realworld (see its NOTICE.md) and the official examples, copied into a temporary
repository in the versioned layout (`specs/<source>/vMAJOR.MINOR/<object>.yaml`). Those contracts come from unrelated
projects that reuse ids (`my-data-contract`, the examples' shared UUID); a repository holds one contract per id, so
the copy gives every later file that reuses an id a suffix (duplicate ids have their own test below). One contract
also gets a second major version, as `bump --write` would write it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, FIXTURES, dump, example_data, git, write

DBT = Path(sys.executable).with_name("dbt")
NOTICE_FILES = {"LICENSE-datacontract-cli.txt", "LICENSE-odcs.txt", "NOTICE.md", "SOURCES.tsv"}
PROFILES = "dativo:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: warehouse.duckdb\n"

pytestmark = pytest.mark.skipif(not DBT.exists(), reason="needs the [dbt] extra")


def _corpus() -> list[Path]:
    realworld = [path for path in sorted((FIXTURES / "realworld").iterdir()) if path.name not in NOTICE_FILES]
    return realworld + sorted((FIXTURES / "odcs-examples").glob("v*/*.yaml"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[-48:].strip("-")


def _copy_in_layout(root: Path) -> set[str]:
    """Every corpus file at specs/<slug>/vMAJOR.MINOR/<slug>.yaml (contracts/<slug>.yaml without a semantic
    version), ids made unique; the ids of the contracts that describe at least one table."""
    claimed: dict[str, int] = {}
    with_tables = set()
    for path in _corpus():
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        slug = _slug(f"{path.parent.name}-{path.stem.removesuffix('.odcs')}")
        version = re.match(r"^(\d+)\.(\d+)\.\d+", str(data.get("version", "")))
        relative = f"specs/{slug}/v{version[1]}.{version[2]}/{slug}.yaml" if version else f"contracts/{slug}.yaml"
        contract_id = data.get("id")
        if isinstance(contract_id, str):
            claimed[contract_id] = claimed.get(contract_id, 0) + 1
            if claimed[contract_id] > 1:
                contract_id = f"{contract_id}-{claimed[contract_id]}"
                text = re.sub(r"(?m)^id:.*$", f"id: {contract_id}", text, count=1)
            if any(isinstance(obj, dict) for obj in data.get("schema") or []):
                with_tables.add(contract_id)
        write(root, relative, text)
    return with_tables


def _second_major_version(root: Path) -> None:
    """The stripe example in 1.0.0 and, without one column and with one more, in 2.0.0."""
    first = example_data("stripe/v1.0/customers.yaml")
    write(root, "specs/stripe/v1.0/customers.yaml", dump(first))
    second = example_data("stripe/v1.0/customers.yaml")
    second["version"] = "2.0.0"
    properties = second["schema"][0]["properties"]
    properties[:] = [prop for prop in properties if prop["name"] != "delinquent"]
    properties.append({"name": "segment", "logicalType": "string", "physicalType": "VARCHAR(20)",
                       "classification": "internal"})
    write(root, "specs/stripe/v2.0/customers.yaml", dump(second))


def _dbt(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DBT), *args, "--profiles-dir", str(project), "--project-dir", str(project)],
                          cwd=project, capture_output=True, text=True, timeout=600,
                          env={"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1",
                               "DBT_USE_COLORS": "false", "PATH": "/usr/bin:/bin", "HOME": str(project)})


def _project(cli, root: Path) -> Path:
    assert cli("dbt", "init", "--out", "dbt", cwd=root).code == 0
    (root / "dbt" / "profiles.yml").write_text(PROFILES, encoding="utf-8")
    generated = cli("dbt", "generate", "--out", "dbt", "--models", cwd=root)
    assert generated.code == 0, generated.err
    return root / "dbt"


def _versioned_models(project: Path) -> dict[str, dict]:
    models = {}
    for path in (project / "models" / "staging").rglob("*.yml"):
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            if "versions" in model:
                models[model["name"]] = model
    return models


def test_one_project_from_every_real_world_contract_parses_with_warnings_as_errors(git_repo, cli):
    expected = _copy_in_layout(git_repo) | {"stripe-customers"}
    _second_major_version(git_repo)
    project = _project(cli, git_repo)
    parse = _dbt(project, "parse", "--warn-error", "--no-partial-parse")
    output = parse.stdout + parse.stderr
    assert parse.returncode == 0, output[-3000:]
    assert "[WARNING]" not in output and "[ERROR]" not in output
    import json

    manifest = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    models = [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]
    contracts = {source["config"]["meta"]["dativo"]["contract_id"] for source in manifest["sources"].values()}
    assert contracts == expected  # every contract that describes a table is in the project
    versions = sorted(node["version"] for node in models if node["name"] == "stg_billing_customers__customers")
    assert versions == [1, 2]
    for run in range(2):
        check = cli("dbt", "generate", "--out", "dbt", "--models", "--check", cwd=git_repo)
        assert check.code == 0 and check.out == "", f"run {run + 1}: {check.out[:2000]}{check.err[-2000:]}"


def test_bump_to_a_new_major_version_gives_the_staging_model_two_versions(git_repo, cli):
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        write(git_repo, f"specs/{path.relative_to(EXAMPLES).as_posix()}", path.read_text(encoding="utf-8"))
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "contracts")
    customers = example_data("stripe/v1.0/customers.yaml")
    customers["schema"][0]["properties"] = [prop for prop in customers["schema"][0]["properties"]
                                            if prop["name"] != "delinquent"]
    write(git_repo, "specs/stripe/v1.0/customers.yaml", dump(customers))
    assert cli("bump", "--write", cwd=git_repo).code == 0
    assert (git_repo / "specs/stripe/v2.0/customers.yaml").is_file()
    project = _project(cli, git_repo)
    parse = _dbt(project, "parse", "--warn-error", "--no-partial-parse")
    assert parse.returncode == 0, (parse.stdout + parse.stderr)[-3000:]
    model = _versioned_models(project)["stg_billing_customers__customers"]
    assert model["latest_version"] == 2 and [version["v"] for version in model["versions"]] == [1, 2]
    older = model["versions"][0]
    assert any(column.get("name") == "delinquent" for column in older["columns"])  # only v1 has it
    assert "delinquent" not in [column["name"] for column in model["columns"]]
    sql = sorted(path.name for path in (project / "models/staging/billing_customers").glob("*.sql"))
    assert sql == ["stg_billing_customers__customers_v1.sql", "stg_billing_customers__customers_v2.sql"]
    assert cli("dbt", "generate", "--out", "dbt", "--models", "--check", cwd=git_repo).code == 0


def test_two_contracts_with_one_id_are_an_error_and_only_the_first_is_generated(tmp_path, cli):
    write(tmp_path, "contracts/a.yaml", dump(example_data("stripe/v1.0/customers.yaml")))
    twin = example_data("stripe/v1.0/customers.yaml")
    twin["dataProduct"] = "billing_twin"
    write(tmp_path, "contracts/b.yaml", dump(twin))
    run = cli("dbt", "generate", "contracts", "--out", "dbt", cwd=tmp_path)
    assert run.code == 1
    assert "contracts/b.yaml" in run.err and "also claimed by contracts/a.yaml" in run.err and "dbt-duplicate" in run.err
    sources = sorted(path.name for path in (tmp_path / "dbt/models/sources").glob("*.yml"))
    assert sources == ["billing_customers.yml"]
