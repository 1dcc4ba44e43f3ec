"""Reports: one `Report` per run, rendered as text, JSON, GitHub annotations, SARIF or JUnit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from dativo_check.model import Finding, Level, count_levels

FORMATS = ("text", "json", "github", "sarif", "junit")


@dataclass(frozen=True)
class Report:
    """Everything one run found; every renderer reads this and nothing else."""

    command: str
    files: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def summary(self) -> dict[str, int]:
        return count_levels(list(self.findings))

    @property
    def failed(self) -> bool:
        return any(finding.level is Level.ERROR for finding in self.findings)


def renderer(fmt: str) -> Callable[..., str]:
    """The render function of a format, imported only when used."""
    import importlib

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"dativo_check.report.{fmt}_format")
    return module.render
