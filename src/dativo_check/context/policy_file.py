"""Policy files: read, validated against `schemas/context-policy.schema.json`, linted, and made a `Policy`.

Reading is separate from the policy itself (`context.policy`) because the lint rules inspect a policy: the model
is below them, the file that combines the three above.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dativo_check.context.policy import Policy, PolicyError, from_data, policy_schema, schema_problems
from dativo_check.core.model import Finding, Level


@dataclass(frozen=True)
class LoadedPolicy:
    policy: Policy | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.level is Level.ERROR)


def load_policy(path: str | Path, display: str | None = None) -> LoadedPolicy:
    """Read, validate and lint a policy file; YAML and schema problems are findings, never exceptions."""
    from dativo_check.yamlio.loader import load_path

    return _checked(load_path(path, display or str(path), noun="policy", keys=policy_schema()["required"]))


def load_policy_bytes(raw: bytes, display: str) -> LoadedPolicy:
    """A policy from the bytes of a file (such as a git blob)."""
    from dativo_check.yamlio.loader import load_bytes

    return _checked(load_bytes(raw, display, noun="policy", keys=policy_schema()["required"]))


def _checked(result: Any) -> LoadedPolicy:
    from dativo_check.context import lint, rules

    if result.document is None or any(finding.level is Level.ERROR for finding in result.findings):
        return LoadedPolicy(None, result.findings)
    document = result.document
    problems = schema_problems(document.data)
    if problems:
        return LoadedPolicy(None, tuple(
            rules.POLICY_INVALID.finding(document.file, message, *document.locate(pointer, at_key))
            for pointer, message, at_key in problems))
    policy = from_data(document.data, document.file, lambda pointer: document.locate(pointer)[0])
    return LoadedPolicy(policy, tuple(lint.lint(policy, document)))


def read_policy(path: str | Path | None, display: str | None = None) -> tuple[Policy, tuple[Finding, ...]]:
    """The policy at `path` (no path: the empty policy, which denies everything) and its warnings, or a
    PolicyError that lists its errors."""
    if path is None:
        return Policy(), ()
    if not Path(path).is_file():
        raise PolicyError(f"{display or path}: policy file not found")
    return usable(load_policy(path, display))


def usable(loaded: LoadedPolicy) -> tuple[Policy, tuple[Finding, ...]]:
    """The policy and its warnings, or a PolicyError that lists its errors."""
    if loaded.policy is None or loaded.errors:
        lines = [f"{finding.location}: {finding.message} ({finding.rule})" + (f"; {finding.hint}" if finding.hint
                                                                             else "")
                 for finding in sorted(loaded.errors, key=Finding.sort_key)]
        raise PolicyError("the context policy cannot be used, so every request is refused:\n  " + "\n  ".join(lines))
    return loaded.policy, loaded.findings
