"""Files shipped with the package (JSON Schemas, default pricing), found in the wheel or in a source checkout."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent  # the dativo_check package


@lru_cache(maxsize=None)
def schemas_dir() -> Path:
    """`dativo_check/schemas` in an installed wheel, or the repository's top-level `schemas/` in a checkout."""
    for candidate in (_PACKAGE / "schemas", _PACKAGE.parent.parent / "schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the packaged schemas are missing; reinstall dativo-check")


def schema_path(*parts: str) -> Path:
    return schemas_dir().joinpath(*parts)


@lru_cache(maxsize=None)
def load_json_schema(*parts: str) -> Any:
    with open(schema_path(*parts), encoding="utf-8") as handle:
        return json.load(handle)
