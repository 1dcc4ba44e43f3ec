"""The records every stage shares: a `Finding` is something a user must act on."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Iterable, Mapping


class Level(str, enum.Enum):
    """How much a finding matters; `off` disables a rule."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @classmethod
    def parse(cls, value: str) -> Level:
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = ", ".join(level.value for level in cls)
            raise ValueError(f"unknown level {value!r}; use one of {allowed}") from None


_RANKS = {Level.ERROR: 3, Level.WARNING: 2, Level.INFO: 1, Level.OFF: 0}


@dataclass(frozen=True)
class Finding:
    """One problem at one place: a rule id, a level and a message, with file, line, column and JSON pointer."""

    rule: str
    level: Level
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""
    hint: str | None = None
    # against a baseline (the base of a pull request): True when this change introduced it, False when the base
    # already had it, None when there is no baseline
    new: bool | None = None

    @property
    def counts(self) -> bool:
        """Whether the finding counts toward the gate: everything but what the base already had."""
        return self.new is not False

    @property
    def location(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.rule, self.message)

    def to_dict(self) -> dict:
        out = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "level": self.level.value,
            "message": self.message,
            "path": self.path,
        }
        if self.hint:
            out["hint"] = self.hint
        if self.new is not None:
            out["new"] = self.new
        return out


def apply_levels(findings: Iterable[Finding], levels: Mapping[str, Level]) -> list[Finding]:
    """Configured levels replace defaults; findings of rules set to `off` disappear.

    Commands call this once, through `report.settle`, on every finding of every stage."""
    import dataclasses

    out = []
    for finding in findings:
        level = levels.get(finding.rule, finding.level)
        if level is not Level.OFF:
            out.append(finding if level is finding.level else dataclasses.replace(finding, level=level))
    return out


def count_levels(findings: list[Finding]) -> dict[str, int]:
    errors = sum(1 for f in findings if f.level is Level.ERROR)
    warnings = sum(1 for f in findings if f.level is Level.WARNING)
    infos = sum(1 for f in findings if f.level is Level.INFO)
    return {"errors": errors, "warnings": warnings, "infos": infos}


def capped(level: Level, ceiling: Level) -> Level:
    """`level`, lowered to `ceiling` when it is more severe."""
    return ceiling if level.rank > ceiling.rank else level


class Bump(str, enum.Enum):
    """The semantic-version bump a change requires."""

    NONE = "none"
    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        return list(Bump).index(self)

    @classmethod
    def largest(cls, bumps: Iterable[Bump]) -> Bump:
        return max(bumps, key=lambda bump: bump.rank, default=cls.NONE)


class Verdict(str, enum.Enum):
    """Whether a change keeps a compatibility promise."""

    SAFE = "safe"
    MAY_BREAK = "may-break"
    BREAKS = "breaks"

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)


class Direction(str, enum.Enum):
    """What a change does to the contract's promise: promise more, promise less, change it, or nothing."""

    TIGHTENS = "tightens"
    LOOSENS = "loosens"
    BOTH = "both"
    NEUTRAL = "neutral"


MODES = ("forward", "backward", "full", "none", "forward-transitive", "backward-transitive", "full-transitive")


def mode_verdict(mode: str, forward: Verdict, backward: Verdict) -> Verdict:
    """The verdict of a change under a compatibility mode, from its forward and backward verdicts."""
    base = mode.removesuffix("-transitive")
    if base == "forward":
        return forward
    if base == "backward":
        return backward
    if base == "full":
        return max(forward, backward, key=lambda verdict: verdict.rank)
    return Verdict.SAFE


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a contract, judged under the active compatibility mode."""

    rule: str
    contract_id: str
    path: str
    old: Any
    new: Any
    direction: Direction
    forward: Verdict
    backward: Verdict
    verdict: Verdict
    bump: Bump
    level: Level
    message: str
    hint: str
    file: str
    line: int | None = None
    id: str = ""
    accepted: str | None = None
    covered: bool = False
    element: str = ""

    @property
    def breaking(self) -> bool:
        """Breaks the active compatibility promise (and was not accepted by the allowlist)."""
        return self.verdict is Verdict.BREAKS and self.accepted is None

    def to_dict(self) -> dict:
        out = {
            "id": self.id, "rule": self.rule, "level": self.level.value, "direction": self.direction.value,
            "verdict": self.verdict.value, "forward": self.forward.value, "backward": self.backward.value,
            "bump": self.bump.value, "path": self.path, "old": self.old, "new": self.new, "message": self.message,
            "hint": self.hint, "file": self.file, "line": self.line,
        }
        if self.accepted is not None:
            out["accepted"] = self.accepted
        out["covered"] = self.covered
        if self.element:
            out["element"] = self.element
        return out
