"""Validation against the official ODCS JSON Schema of each contract's own `apiVersion`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from dativo_check.contract.model import Contract
from dativo_check.model import Finding
from dativo_check.ruledoc import from_text

SCHEMAS = {
    "v3.0.0": "odcs-json-schema-v3.0.0.json",
    "v3.0.1": "odcs-json-schema-v3.0.1.json",
    "v3.0.2": "odcs-json-schema-v3.0.2.json",
    "v3.1.0": "odcs-json-schema-v3.1.0.json",
}
STRICT_SCHEMAS = {"v3.0.2": "odcs-json-schema-v3.0.2-strict.json"}

ODCS_SCHEMA = from_text("odcs-schema", "error", "schema", "schema", """
    The contract is valid against the official ODCS JSON Schema of its `apiVersion`.

    Every contract is checked against the schema the standard publishes for the version it declares (v3.0.0, v3.0.1,
    v3.0.2 or v3.1.0; with `--strict`, the strict v3.0.2 schema that rejects unknown keys everywhere). All errors are
    reported at once, each at its line, with the offending key or value named. The verdict agrees with ajv, the
    validator the standard's own CI uses (draft 2019-09 with formats).

    PASS:

        apiVersion: v3.0.2
        kind: DataContract
        id: stripe-customers
        version: 1.0.0
        status: active

    FAIL:

        apiVersion: v3.0.2
        kind: DataContract
        id: stripe-customers
        version: 1.0.0
        status: active
        owner: finance-data   # unknown key: owners are team members
""")

API_VERSION = from_text("api-version", "error", "schema", "schema", """
    The contract declares a supported `apiVersion`.

    The schema a contract is validated against is chosen by its `apiVersion`. A missing value, or one this tool has no
    schema for (such as v2.2.2), is reported with the list of supported versions instead of being checked against a
    guess.

    PASS:

        apiVersion: v3.0.2

    FAIL:

        apiVersion: "3.0.2"
""")

RULES = (ODCS_SCHEMA, API_VERSION)


@lru_cache(maxsize=None)
def _validator(file_name: str) -> Any:
    """Compile each schema once per process."""
    import jsonschema_rs

    from dativo_check import resources

    return jsonschema_rs.Draft201909Validator(resources.load_json_schema("odcs", file_name), validate_formats=True)


@lru_cache(maxsize=None)
def _vocabulary(file_name: str) -> frozenset[str]:
    from dativo_check import resources, schema_errors

    return schema_errors.vocabulary_of(resources.load_json_schema("odcs", file_name))


def schema_file_for(api_version: str | None, strict: bool) -> str | None:
    if api_version is None:
        return None
    if strict and api_version in STRICT_SCHEMAS:
        return STRICT_SCHEMAS[api_version]
    return SCHEMAS.get(api_version)


def is_valid(data: Any, api_version: str, strict: bool = False) -> bool:
    file_name = schema_file_for(api_version, strict)
    return file_name is not None and _validator(file_name).is_valid(data)


def check(contract: Contract, strict: bool) -> Iterator[Finding]:
    """Schema findings for one contract: an unsupported apiVersion, or every schema error."""
    api_version = contract.get("apiVersion")
    file_name = schema_file_for(api_version if isinstance(api_version, str) else None, strict)
    if file_name is None:
        supported = ", ".join(SCHEMAS)
        if api_version is None:
            message = f"missing apiVersion; supported versions are {supported}"
        else:
            message = f"apiVersion {api_version!r} is not supported; supported versions are {supported}"
        yield contract.finding(API_VERSION.id, API_VERSION.level, message, "/apiVersion" if api_version else "",
                               hint="add `apiVersion: v3.0.2`" if api_version is None else None)
        return
    validator = _validator(file_name)
    if validator.is_valid(contract.data):
        return
    from dativo_check import schema_errors

    newer = _newer_version_that_fits(contract.data, api_version)
    for problem in schema_errors.problems(validator.iter_errors(contract.data), _vocabulary(file_name)):
        hint = problem.hint
        if newer is not None:
            hint = f"the contract is valid under {newer}: declare apiVersion: {newer}" + (f"; {hint}" if hint else "")
        yield contract.finding(ODCS_SCHEMA.id, ODCS_SCHEMA.level, problem.message, problem.pointer, hint,
                               problem.at_key)


def _newer_version_that_fits(data: Any, api_version: str) -> str | None:
    """A later supported apiVersion under which this contract would be valid (it uses that version's features)."""
    later = list(SCHEMAS)[list(SCHEMAS).index(api_version) + 1:]
    for candidate in reversed(later):
        if _validator(SCHEMAS[candidate]).is_valid({**data, "apiVersion": candidate}):
            return candidate
    return None
