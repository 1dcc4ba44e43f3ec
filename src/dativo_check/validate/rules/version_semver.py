"""The contract `version` is a semantic version (MAJOR.MINOR.PATCH).

Breaking-change detection, the version gate and the `vMAJOR.MINOR` folder layout all rely on semantic versioning.
`1.0`, `v1.2.3` or an unquoted YAML number are common near-misses; the finding says exactly what to write instead.
ODCS leaves the format of `version` open, but a version that is not semantic cannot be compared, so the gate could
not tell whether a change is released correctly; rather than pass what it cannot judge, this is an error.

PASS:

    version: 1.2.0

FAIL:

    version: "1.2"
"""

from __future__ import annotations

import re
from typing import Iterator

ID = "version-semver"
LEVEL = "error"
CATEGORY = "structure"

SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def suggestion(version: str) -> str | None:
    """The semantic version a near-miss most likely means, or None."""
    candidate = version.strip()
    if candidate[:1] in "vV":
        candidate = candidate[1:]
    parts = candidate.split(".")
    if all(part.isascii() and part.isdigit() for part in parts) and 1 <= len(parts) < 3:
        candidate = ".".join([part.lstrip("0") or "0" for part in parts] + ["0"] * (3 - len(parts)))
    return candidate if SEMVER.match(candidate) and candidate != version else None


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    if "version" not in contract.data:
        return
    version = contract.get("version")
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        written = contract.document.source_text("/version") or str(version)
        fixed = suggestion(written)
        yield Violation("/version", f"version {written} is a YAML number, not a semantic version string",
                        hint=f'write version: "{fixed or written}"')
        return
    if not isinstance(version, str):
        yield Violation("/version", "version must be a semantic version string such as 1.0.0")
        return
    if SEMVER.match(version):
        return
    fixed = suggestion(version)
    yield Violation("/version", f"version {version!r} is not a semantic version (MAJOR.MINOR.PATCH)",
                    hint=f"write {fixed}" if fixed else "write it as MAJOR.MINOR.PATCH, such as 1.0.0")
