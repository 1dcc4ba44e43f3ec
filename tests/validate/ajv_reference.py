"""ajv, the validator the ODCS standard itself uses, as the reference for dativo-check's schema verdicts."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dativo_check.core.resources import schema_path
from dativo_check.validate import schema

AJV = Path(__file__).resolve().parent.parent / "ajv"


def node() -> str:
    """The node executable with ajv installed; skips (or fails, when ajv is required) without them."""
    found = shutil.which("node")
    if found is None or not (AJV / "node_modules" / "ajv").is_dir():
        if os.environ.get("DATIVO_CHECK_REQUIRE_AJV"):
            pytest.fail("ajv is required: run `npm ci --prefix tests/ajv` (the ./dev test command does)")
        pytest.skip("node and tests/ajv/node_modules are needed for the reference verdicts")
    return found


def verdicts(node_path: str, api_version: str, files: list[Path]) -> dict[Path, bool]:
    """ajv's verdict on each JSON file under the vendored schema of `api_version`, in one node process."""
    schema_file = schema_path("odcs", schema.SCHEMAS[api_version])
    output = subprocess.run([node_path, str(AJV / "verdict.js"), str(schema_file), *map(str, files)],
                            capture_output=True, text=True, check=True).stdout
    found = {}
    for line in output.splitlines():
        verdict, file = line.split("\t")
        found[Path(file)] = verdict == "valid"
    assert set(found) == set(files), "ajv did not judge every file"
    return found
