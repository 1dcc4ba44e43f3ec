"""The records every stage shares: a `Finding` is something a user must act on."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
        return out


def count_levels(findings: list[Finding]) -> dict[str, int]:
    errors = sum(1 for f in findings if f.level is Level.ERROR)
    warnings = sum(1 for f in findings if f.level is Level.WARNING)
    infos = sum(1 for f in findings if f.level is Level.INFO)
    return {"errors": errors, "warnings": warnings, "infos": infos}
