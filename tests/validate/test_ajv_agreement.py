"""dativo-check's schema verdict agrees with ajv (draft 2019-09 with formats), the validator the standard uses.

The corpus is every official example (all valid under their own version) plus each example with realistic errors
injected. Both validators see the same JSON, produced by dativo-check's YAML loader.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable


import ajv_reference

from dativo_check.yamlio.loader import load_path
from dativo_check.contract.model import Contract
from dativo_check.validate import schema

EXAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "odcs-examples"


def _first_property(data: dict) -> dict | None:
    for obj in data.get("schema", []):
        for prop in obj.get("properties", []):
            return prop
    return None


def _set(path: Callable[[dict], Any], key: str, value: Any) -> Callable[[dict], bool]:
    def mutate(data: dict) -> bool:
        target = path(data)
        if not isinstance(target, dict):
            return False
        target[key] = value
        return True
    return mutate


def _delete(key: str) -> Callable[[dict], bool]:
    def mutate(data: dict) -> bool:
        return data.pop(key, None) is not None
    return mutate


def _drop_server_host(data: dict) -> bool:
    for server in data.get("servers", []):
        for key in ("host", "location", "account", "project"):
            if key in server:
                del server[key]
                return True
    return False


MUTATIONS: dict[str, Callable[[dict], bool]] = {
    "unknown-root-key": _set(lambda d: d, "owner", "finance-data"),
    "version-number": _set(lambda d: d, "version", 1.0),
    "missing-id": _delete("id"),
    "wrong-kind": _set(lambda d: d, "kind", "Contract"),
    "status-list": _set(lambda d: d, "status", ["active"]),
    "timestamp-words": _set(lambda d: d, "contractCreatedTs", "yesterday"),
    "timestamp-no-zone": _set(lambda d: d, "contractCreatedTs", "2024-01-15T10:30:00"),
    "timestamp-offset": _set(lambda d: d, "contractCreatedTs", "2024-01-15T10:30:00+02:00"),
    "object-unknown-key": _set(lambda d: (d.get("schema") or [None])[0], "colour", "blue"),
    "property-bad-logical-type": _set(_first_property, "logicalType", "varchar"),
    "property-required-string": _set(_first_property, "required", "yes"),
    "property-bad-quality-range": _set(_first_property, "quality", [{"type": "library", "rule": "between",
                                                                      "mustBeBetween": [5]}]),
    "property-quality-type-bogus": _set(_first_property, "quality", [{"type": "magic", "rule": "x"}]),
    "property-authoritative-not-uri": _set(_first_property, "authoritativeDefinitions",
                                           [{"type": "businessDefinition", "url": "not a uri"}]),
    "sla-value-mapping": _set(lambda d: (d.get("slaProperties") or [None])[0], "value", {"days": 3}),
    "server-missing-host": _drop_server_host,
    "tags-not-strings": _set(lambda d: d, "tags", [1, {"a": "b"}]),
    "valid-extra-custom-property": _set(lambda d: d, "customProperties", [{"property": "costCenter",
                                                                          "value": "FIN-001"}]),
    "valid-new-description": _set(lambda d: d, "description", {"purpose": "Rewritten purpose.",
                                                               "usage": "Analytics."}),
}




def _corpus(tmp_path: Path) -> dict[str, list[tuple[str, Path, dict]]]:
    """Per schema version: (case name, JSON file, data) for every example and every applicable mutation.

    Each case is judged under the schema of its declared apiVersion (what dativo-check does) and, for the
    unmodified examples, also under the schema of the standard release it was published with (its folder).
    """
    cases: dict[str, list[tuple[str, Path, dict]]] = {}
    for version_dir in sorted(EXAMPLES.iterdir()):
        if not version_dir.is_dir():
            continue
        for example in sorted(version_dir.glob("*.yaml")):
            loaded = load_path(example)
            assert loaded.document is not None, loaded.findings
            variants = {"original": loaded.document.data}
            for name, mutate in MUTATIONS.items():
                data = copy.deepcopy(loaded.document.data)
                if mutate(data):
                    variants[name] = data
            for name, data in variants.items():
                case = f"{version_dir.name}/{example.stem}/{name}"
                target = tmp_path / (case.replace("/", "__") + ".json")
                target.write_text(json.dumps(data), encoding="utf-8")
                cases.setdefault(data.get("apiVersion", version_dir.name), []).append((case, target, data))
            if loaded.document.data.get("apiVersion") != version_dir.name:
                case = f"{version_dir.name}/{example.stem}/original-under-{version_dir.name}"
                target = tmp_path / (case.replace("/", "__") + ".json")
                target.write_text(json.dumps(loaded.document.data), encoding="utf-8")
                cases.setdefault(version_dir.name, []).append((case, target, loaded.document.data))
    return cases




def test_verdicts_agree_with_ajv_on_examples_and_injected_errors(tmp_path):
    node = ajv_reference.node()
    corpus = _corpus(tmp_path)
    disagreements, total, invalid = [], 0, 0
    for api_version, cases in corpus.items():
        reference = ajv_reference.verdicts(node, api_version, [file for _, file, _ in cases])
        for case, file, data in cases:
            ours = schema.is_valid(data, api_version)
            total += 1
            invalid += not reference[file]
            if ours != reference[file]:
                disagreements.append(f"{case}: dativo-check {'valid' if ours else 'invalid'}, "
                                     f"ajv {'valid' if reference[file] else 'invalid'}")
    assert not disagreements, "\n".join(disagreements)
    assert total > 300 and invalid > 200  # the corpus really exercises both verdicts


def test_every_official_example_is_valid_under_its_own_release():
    """A few v3.1.0 examples still declare apiVersion v3.0.2 while using v3.1.0 features: they are reported under
    their declared version, with a hint that names the version they fit."""
    mislabelled = []
    for example in sorted(EXAMPLES.glob("*/*.yaml")):
        release = example.parent.name
        contract = Contract(load_path(example).document)
        assert schema.is_valid(contract.data, release), example
        findings = list(schema.check(contract, strict=False))
        if findings:
            mislabelled.append(example.name)
            assert contract.api_version != release
            assert all(f"declare apiVersion: {release}" in (f.hint or "") for f in findings)
    assert len(mislabelled) < 5
