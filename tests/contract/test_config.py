"""Reading the configuration: every section becomes frozen settings, and reading stays cheap (the rule catalogue
is imported only to check a `rules:` section)."""

from __future__ import annotations

import subprocess
import sys
from types import MappingProxyType

from dativo_check.config import load_config


def _imports_catalogue(tmp_path, text: str) -> bool:
    (tmp_path / ".dativo-check.yaml").write_text(text, encoding="utf-8")
    probe = ("import sys; from pathlib import Path; from dativo_check.config import load_config; "
             "load_config(Path('.')); print('dativo_check.catalog' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    return done.stdout.strip() == "True"


def test_a_configuration_without_rules_does_not_load_the_catalogue(tmp_path):
    assert not _imports_catalogue(tmp_path, "compat: full\nlineage: {max-nodes: 10}\n")


def test_the_configuration_never_loads_the_catalogue_the_command_checks_rules_against_it(tmp_path, cli):
    assert not _imports_catalogue(tmp_path, "rules:\n  version-not-bumped: warning\n")
    (tmp_path / ".dativo-check.yaml").write_text("rules:\n  version-not-bumpd: warning\n", encoding="utf-8")
    run = cli("validate", cwd=tmp_path)
    assert run.code == 2 and ".dativo-check.yaml:2:3: unknown rule id 'version-not-bumpd'" in run.err


def test_sections_map_kebab_case_keys_to_frozen_settings(tmp_path):
    (tmp_path / ".dativo-check.yaml").write_text(
        "profile: {sensitive: [restricted], pii-patterns: [email]}\n"
        "limits: {max-depth: 32}\n"
        "dbt: {source-name: domain, loaded-at-fields: {orders: updated_at}}\n"
        "finops: {provider: Acme, thresholds: {default: {warn-percent: 10}}}\n"
        "context: {max-text: 100}\n"
        "lineage: {job-namespace: jobs}\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config.profile.sensitive == ("restricted",) and config.profile.pii_patterns == ("email",)
    assert config.limits.max_depth == 32 and config.limits.max_file_size == 1024 * 1024
    assert config.dbt.source_name == "domain" and config.dbt.out == "dbt"
    assert isinstance(config.dbt.loaded_at_fields, MappingProxyType)
    assert dict(config.dbt.loaded_at_fields) == {"orders": "updated_at"}
    assert config.finops.provider == "Acme" and config.finops.history == ".finops"
    assert config.finops.thresholds.default.warn_percent == 10 and config.finops.thresholds.default.error_percent == 100
    assert config.finops.anomalies.window == 30
    assert config.context.max_text == 100 and config.lineage.job_namespace == "jobs" and config.lineage.depth == 2
