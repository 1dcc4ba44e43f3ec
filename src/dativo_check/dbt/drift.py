"""The drift check: do the committed dbt files match what the contracts generate?"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from dativo_check.config import DbtSettings
from dativo_check.contract.model import Contract
from dativo_check.core.model import Finding
from dativo_check.core.ruledoc import from_text

DBT_DRIFT = from_text("dbt-drift", "error", "dbt", "dbt", """
    The committed dbt files are what `dativo-check dbt generate` makes from the contracts.

    When the repository has a dbt project folder (`dbt.out`, default `dbt`) with generated files, the pull-request
    check regenerates them in memory and reports every file that would be created, changed or deleted. Hand-added
    keys and tests in generated property files are kept by the generator and are not drift. Fix it by running
    `dativo-check dbt generate` and committing the result (the `dativo-dbt` pre-commit hook does this on commit).

    PASS:

        # dbt/models/sources/stripe.yml matches the contracts
        $ dativo-check dbt generate --check
        dbt files in dbt are up to date

    FAIL:

        # a column was added to a contract, the dbt YAML was not regenerated
        $ dativo-check dbt generate --check
        dbt files in dbt drifted from the contracts (1 file(s))
""")

RULES = (DBT_DRIFT,)
_WHAT = {"create": "is missing", "update": "no longer matches the contracts",
         "delete": "is left over from a contract or table that is gone"}


@dataclass(frozen=True)
class Drift:
    """What the drift check found, and how many files it found out of date (and paths it could not compare)."""

    findings: tuple[Finding, ...]
    summary: str


def present(out: Path) -> bool:
    """Whether `out` holds generated dbt files: a project the contracts are kept in step with."""
    from dativo_check.dbt import output

    return out.is_dir() and output.has_generated_files(out)


def check(contracts: Sequence[Contract], settings: DbtSettings, out: Path, root: Path) -> Drift:
    """Regenerate in memory and compare with the files under `out`: every file that would be created, changed or
    deleted is a `dbt-drift` finding, every path that could not be compared a `dbt-output-skipped` one."""
    from dativo_check.contract.discover import display_path
    from dativo_check.dbt import output
    from dativo_check.dbt.generate import generate

    where = display_path(out, root)
    planned = output.plan(generate(contracts, settings, settings.models), out, where)
    drifted = [change for change in planned.changes if change.action != "unchanged"]
    # what could not be compared is reported as a finding too: drift there cannot be ruled out
    skipped = f", {len(planned.skipped)} path(s) not compared" if planned.skipped else ""
    hint = "run `dativo-check dbt generate` and commit the result"
    findings = [*planned.skipped, *(DBT_DRIFT.finding(f"{where}/{change.path}",
                                                      f"generated dbt file {_WHAT[change.action]}", 1, 1, hint=hint)
                                    for change in drifted)]
    return Drift(tuple(findings), f"{len(drifted)} file(s) out of date{skipped}")
