"""`dativo-check dbt init`: a minimal dbt project around the generated files."""

from __future__ import annotations

from dativo_check.config import DbtSettings


def project_yaml(settings: DbtSettings) -> str:
    from dativo_check.yamlio.writer import dump

    project = {
        "name": settings.project_name,
        "version": "1.0.0",
        "profile": settings.profile,
        "model-paths": ["models"],
        "test-paths": ["tests"],
        "seed-paths": ["seeds"],
        "macro-paths": ["macros"],
        "target-path": "target",
        "clean-targets": ["target", "dbt_packages"],
    }
    return ("# dbt project for the files dativo-check generates from data contracts "
            "(`dativo-check dbt generate`).\n" + dump(project))
