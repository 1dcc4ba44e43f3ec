"""SARIF 2.1.0 conformance of a log: the official OASIS schema (vendored in tests/fixtures/sarif, see its NOTICE.md)
with RFC 3986 URI formats, plus the rules of the spec a schema cannot state. The `cli` fixture checks every SARIF log
a test makes the CLI write."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jsonschema

SCHEMA = Path(__file__).resolve().parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"

# RFC 3986, appendix A, as regular expressions: the formats `uri` and `uri-reference` of the schema, which the
# jsonschema package checks only with optional packages the test extra does not install
_UNRESERVED, _SUB_DELIMS = r"A-Za-z0-9\-._~", r"!$&'()*+,;="


def _chars(extra: str) -> str:
    return rf"(?:[{_UNRESERVED}{_SUB_DELIMS}{extra}]|%[0-9A-Fa-f]{{2}})"


_PCHAR = _chars(":@")
_SEGMENT, _SEGMENT_NZ, _SEGMENT_NZ_NC = f"{_PCHAR}*", f"{_PCHAR}+", f"{_chars('@')}+"
_AUTHORITY = rf"(?:{_chars(':')}*@)?(?:\[[0-9A-Fa-f:.vV{_UNRESERVED}{_SUB_DELIMS}]+\]|{_chars('')}*)(?::[0-9]*)?"
_ABEMPTY = f"(?:/{_SEGMENT})*"
_ABSOLUTE = f"/(?:{_SEGMENT_NZ}{_ABEMPTY})?"
_TAIL = rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
URI = re.compile(rf"[A-Za-z][A-Za-z0-9+.\-]*:(?://{_AUTHORITY}{_ABEMPTY}|{_ABSOLUTE}|{_SEGMENT_NZ}{_ABEMPTY}|){_TAIL}")
RELATIVE_REF = re.compile(f"(?://{_AUTHORITY}{_ABEMPTY}|{_ABSOLUTE}|{_SEGMENT_NZ_NC}{_ABEMPTY}|){_TAIL}")


def _is_uri(text: object) -> bool:
    return not isinstance(text, str) or URI.fullmatch(text) is not None


def _is_uri_reference(text: object) -> bool:
    return not isinstance(text, str) or URI.fullmatch(text) is not None or RELATIVE_REF.fullmatch(text) is not None


@lru_cache(maxsize=1)
def validator() -> jsonschema.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"  # the official schema is draft-04
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(_is_uri)
    checker.checks("uri-reference")(_is_uri_reference)
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def _spec_problems(log: dict) -> list[str]:
    """What SARIF 2.1.0 requires beyond its schema, for what the product writes."""
    problems = []
    for run in log["runs"]:
        bases = run.get("originalUriBaseIds", {})
        for name, base in bases.items():  # §3.14.14: a base without `uri` has no uriBaseId; a `uri` ends in `/`
            if ("uri" in base and not base["uri"].endswith("/")) or ("uri" not in base and "uriBaseId" in base):
                problems.append(f"originalUriBaseIds {name}: {base}")
        rules = run["tool"]["driver"]["rules"]
        states = [result.get("baselineState") for result in run["results"]]
        if any(states) and not all(states):  # §3.27.24: on every result or on none
            problems.append(f"baselineState on some results only: {states}")
        for result in run["results"]:
            if "ruleIndex" in result and rules[result["ruleIndex"]]["id"] != result["ruleId"]:
                problems.append(f"ruleIndex {result['ruleIndex']} is not {result['ruleId']}")
            for location in result["locations"]:
                artifact = location["physicalLocation"]["artifactLocation"]
                uri = artifact["uri"]
                if ".." in uri.split("/"):
                    problems.append(f"{uri}: a `..` segment (§3.10.2)")
                if "uriBaseId" in artifact:  # §3.4.4: a base id only for a relative reference, and a known one
                    if not RELATIVE_REF.fullmatch(uri) or artifact["uriBaseId"] not in bases:
                        problems.append(f"{uri}: not a relative reference under a known base")
                elif not uri.startswith("file:///"):  # outside the repository: an absolute file URI, no host
                    problems.append(f"{uri}: neither relative with a base nor an absolute file URI")
    return problems


def problems(log: dict) -> list[str]:
    """Every way `log` is not valid SARIF 2.1.0; empty when it is."""
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator().iter_errors(log)]
    return errors + (_spec_problems(log) if not errors else [])


def check(log: dict) -> dict:
    assert problems(log) == []
    return log
