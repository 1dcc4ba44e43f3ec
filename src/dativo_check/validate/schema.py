"""Validation against the official ODCS JSON Schema of each contract's own `apiVersion`."""

from __future__ import annotations

import shlex
from functools import lru_cache
from pathlib import PurePath
from typing import Any, Iterator

from dativo_check.contract.legacy import dcs_version
from dativo_check.contract.model import Contract
from dativo_check.core.model import Finding
from dativo_check.core.ruledoc import from_text

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
    reported at once, each at its line, with the offending key or value named. When the contract is valid under
    another supported version instead (it uses a later version's features, or follows an earlier one), every
    finding's hint names that version as the likely fix of the declared `apiVersion`. The verdict agrees with ajv,
    the validator the standard's own CI uses (draft 2019-09 with formats).

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

DCS_FORMAT = from_text("dcs-format", "error", "schema", "schema", """
    The file is an ODCS contract, not a Data Contract Specification file.

    The Data Contract Specification (DCS) is another standard for data contracts: its files start with
    `dataContractSpecification:` and describe tables under `models:` and `fields:`. A DCS file named on the command
    line gets this one finding, naming its DCS version and the datacontract-cli command that converts it to ODCS
    (`datacontract export odcs FILE --output FILE.odcs.yaml`), instead of ODCS schema errors. Discovery never picks
    DCS files up, as they do not say `kind: DataContract`.

    PASS:

        apiVersion: v3.1.0
        kind: DataContract
        id: orders
        version: 2.0.0
        status: active

    FAIL:

        dataContractSpecification: 1.1.0
        id: orders
        info:
          title: Orders
          version: 2.0.0
        models:
          orders:
            fields:
              order_id:
                type: string
""")

RULES = (ODCS_SCHEMA, API_VERSION, DCS_FORMAT)


@lru_cache(maxsize=None)
def _validator(file_name: str) -> Any:
    """Compile each schema once per process."""
    import jsonschema_rs

    from dativo_check.core import resources

    return jsonschema_rs.Draft201909Validator(resources.load_json_schema("odcs", file_name), validate_formats=True)


@lru_cache(maxsize=None)
def _vocabulary(file_name: str) -> frozenset[str]:
    from dativo_check.core import resources
    from dativo_check.yamlio import schema_errors

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
    """Schema findings for one contract: a DCS file, an unsupported apiVersion, or every schema error."""
    dcs = dcs_version(contract.data)
    if dcs is not None:
        yield _dcs_finding(contract, dcs)
        return
    api_version = contract.get("apiVersion")
    file_name = schema_file_for(api_version if isinstance(api_version, str) else None, strict)
    if file_name is None:
        yield _api_version_finding(contract, api_version)
        return
    validator = _validator(file_name)
    if validator.is_valid(contract.data):
        return
    from dativo_check.yamlio import schema_errors

    fits = _versions_that_fit(contract.data, api_version)
    wrong_version = (f"the declared apiVersion {api_version} is likely the mistake: the contract is valid under "
                     f"{_listed(fits)}; declare apiVersion: {fits[0]}") if fits else None
    found = schema_errors.problems(validator.iter_errors(contract.data), _vocabulary(file_name),
                                   evaluation=validator.evaluate(contract.data))
    for problem in found:
        hint = "; ".join(part for part in (wrong_version, problem.hint) if part) or None
        yield contract.finding(ODCS_SCHEMA.id, ODCS_SCHEMA.level, problem.message, problem.pointer, hint,
                               problem.at_key)


def _dcs_finding(contract: Contract, version: str) -> Finding:
    declared = f" {version}" if version else ""
    converted = PurePath(contract.file).with_suffix(".odcs.yaml").as_posix()
    return contract.finding(
        DCS_FORMAT.id, DCS_FORMAT.level,
        f"this is a Data Contract Specification (DCS){declared} file, not an ODCS contract",
        "/dataContractSpecification", at_key=True,
        hint=f"convert it with datacontract-cli: datacontract export odcs {shlex.quote(contract.file)} "
             f"--output {shlex.quote(converted)}")


def _api_version_finding(contract: Contract, api_version: Any) -> Finding:
    supported = ", ".join(SCHEMAS)
    fits = _versions_that_fit(contract.data, None)
    if api_version is None:
        message = f"missing apiVersion; supported versions are {supported}"
        hint = f"add `apiVersion: {fits[0]}`: the contract is valid under it" if fits else "add `apiVersion: v3.0.2`"
    else:
        message = f"apiVersion {api_version!r} is not supported; supported versions are {supported}"
        hint = f"the contract is valid under {fits[0]}: declare apiVersion: {fits[0]}" if fits else None
    return contract.finding(API_VERSION.id, API_VERSION.level, message, "/apiVersion" if api_version else "",
                            hint=hint)


def _versions_that_fit(data: Any, declared: str | None) -> list[str]:
    """The other supported apiVersions under which this contract is valid, the closest to `declared` first (the
    newest first when it declares none this tool knows): a contract that uses another version's features, or lacks
    ones its own version requires, most likely declares the wrong version."""
    order = list(SCHEMAS)
    position = order.index(declared) if declared in order else None
    fits = []
    for index, version in enumerate(order):
        if version == declared:
            continue
        # An older schema is often just laxer (v3.0.x servers take any key), which says nothing about the declared
        # version being wrong; it counts only if its strict variant, which rejects unknown keys, accepts the contract.
        file_name = STRICT_SCHEMAS.get(version) if position is not None and index < position else SCHEMAS[version]
        if file_name is not None and _validator(file_name).is_valid({**data, "apiVersion": version}):
            fits.append(version)
    if position is None:
        return fits[::-1]
    return sorted(fits, key=lambda version: (abs(order.index(version) - position), -order.index(version)))


def _listed(versions: list[str]) -> str:
    return versions[0] + (f" (also {', '.join(versions[1:])})" if len(versions) > 1 else "")
