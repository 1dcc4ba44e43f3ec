"""Rule metadata read from the rule's own documentation, so that the catalogue, the docs and the tests agree."""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass
from types import ModuleType

from dativo_check.core.model import Bump, Direction, Finding, Level, Verdict, mode_verdict

# The level a change gets from its verdict, unless configured otherwise.
_VERDICT_LEVELS = {Verdict.BREAKS: Level.ERROR, Verdict.MAY_BREAK: Level.WARNING, Verdict.SAFE: Level.INFO}


def verdict_level(verdict: Verdict) -> Level:
    return _VERDICT_LEVELS[verdict]


def verdict_bump(verdict: Verdict, bump: Bump) -> Bump:
    """A change that breaks the promise of the active mode needs a major bump; any other needs the rule's bump."""
    return Bump.MAJOR if verdict is Verdict.BREAKS else bump


@dataclass(frozen=True)
class Compatibility:
    """What a change rule's change does to the contract: direction, forward and backward verdicts, and the bump it
    needs when it breaks nothing under the active mode (a breaking change needs a major bump)."""

    direction: Direction
    forward: Verdict
    backward: Verdict
    bump: Bump

    def verdict(self, mode: str) -> Verdict:
        return mode_verdict(mode, self.forward, self.backward)

    def bump_under(self, mode: str) -> Bump:
        return verdict_bump(self.verdict(mode), self.bump)

    def to_dict(self) -> dict:
        return {"direction": self.direction.value, "forward": self.forward.value, "backward": self.backward.value,
                "full": self.verdict("full").value, "bump": self.bump.value,
                "bump_forward": self.bump_under("forward").value,
                "bump_backward": self.bump_under("backward").value}


@dataclass(frozen=True)
class RuleDoc:
    """What a user can know about one rule: its id, default level, purpose and a passing and a failing example.

    `fatal` rules stop a file from being checked further, so their level cannot be lowered.
    """

    id: str
    level: Level
    stage: str
    category: str
    summary: str
    explanation: str
    passing: str
    failing: str
    fatal: bool = False
    compatibility: Compatibility | None = None

    def finding(self, file: str, message: str, line: int | None = None, column: int | None = None,
                path: str = "", hint: str | None = None) -> Finding:
        return Finding(self.id, self.level, message, file, line, column, path, hint)

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "level": self.level.value,
            "stage": self.stage,
            "category": self.category,
            "summary": self.summary,
            "explanation": self.explanation,
            "pass": self.passing,
            "fail": self.failing,
            "fatal": self.fatal,
        }
        if self.compatibility is not None:
            out["compatibility"] = self.compatibility.to_dict()
        return out


def parse(text: str) -> tuple[str, str, str, str]:
    """Split a rule docstring into summary, explanation, PASS example and FAIL example.

    The format: a one-line summary, a blank line, the explanation, then `PASS:` and `FAIL:` each followed by an
    indented literal block.
    """
    lines = inspect.cleandoc(text).splitlines()
    summary = lines[0].strip()
    sections: dict[str, list[str]] = {"body": [], "PASS": [], "FAIL": []}
    current = "body"
    for line in lines[1:]:
        marker = line.strip().rstrip(":")
        if marker in ("PASS", "FAIL") and line.strip().endswith(":"):
            current = marker
            continue
        sections[current].append(line)
    explanation = " ".join(" ".join(sections["body"]).split())
    passing = textwrap.dedent("\n".join(sections["PASS"])).strip("\n")
    failing = textwrap.dedent("\n".join(sections["FAIL"])).strip("\n")
    if not (summary and explanation and passing and failing):
        raise ValueError(f"rule documentation needs a summary, an explanation, PASS and FAIL: {summary!r}")
    return summary, explanation, passing + "\n", failing + "\n"


def from_text(rule_id: str, level: str, stage: str, category: str, text: str, fatal: bool = False) -> RuleDoc:
    summary, explanation, passing, failing = parse(text)
    return RuleDoc(rule_id, Level(level), stage, category, summary, explanation, passing, failing, fatal)


def from_module(module: ModuleType, stage: str) -> RuleDoc:
    """Rule modules carry `ID`, `LEVEL` and `CATEGORY` constants and document themselves in their docstring."""
    return from_text(module.ID, module.LEVEL, stage, module.CATEGORY, module.__doc__ or "",
                     getattr(module, "FATAL", False))
