"""dativo-check on contracts nobody here wrote: the real-world corpus and the standard's official examples.

Every file of tests/fixtures/realworld/ (see its NOTICE.md) and tests/fixtures/odcs-examples/ must get:

- a schema verdict that agrees with ajv, the validator the standard uses, under the schema of its declared apiVersion;
- no internal error from any command that reads contracts;
- no error-level finding when it is schema-valid, unless `EXPECTED_ERRORS` names the rule and a reason a data
  engineer would agree with;
- in a folder run, only the findings of its own run plus `unique-id` (files from unrelated projects share ids).

Everything runs from temporary folders outside any git repository, on copies of the fixtures, so no repository
configuration, git history or discovery of this project's own contracts can change a verdict, and nothing a command
writes can land in the fixtures.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

import ajv_reference
import sarif_check
import yaml

from dativo_check.cli import main
from dativo_check.yamlio.loader import load_path
from dativo_check.validate import schema

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REALWORLD = FIXTURES / "realworld"
OFFICIAL = FIXTURES / "odcs-examples"

# The licence and provenance files of tests/fixtures/realworld/; every other file there is a contract.
NOTICE_FILES = frozenset({"LICENSE-datacontract-cli.txt", "LICENSE-odcs.txt", "NOTICE.md", "SOURCES.tsv"})
SCHEMA_RULES = frozenset({"odcs-schema", "api-version"})
USAGE_ERROR = "dativo-check: error:"

# Schema-valid files that still get an error-level finding for a good reason: {label: (rule id, reason)}. A label
# is the file's path under tests/fixtures/, e.g. "realworld/datacontract-cli__examples__orders__orders.odcs.yaml".
EXPECTED_ERRORS: dict[str, tuple[str, str]] = {}


@dataclass(frozen=True)
class Case:
    label: str  # path under tests/fixtures/: unique, and readable in failure messages
    source: Path


def _cases() -> list[Case]:
    realworld = [Case(f"realworld/{path.name}", path) for path in sorted(REALWORLD.iterdir())
                 if path.is_file() and path.name not in NOTICE_FILES]
    official = [Case(path.relative_to(FIXTURES).as_posix(), path) for path in sorted(OFFICIAL.glob("v*/*.yaml"))]
    return realworld + official


CASES = _cases()


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Entry:
    """One corpus file: its copy outside git, the loader's data, and its per-file `validate --format json` run."""

    case: Case
    path: Path
    data: Any
    api_version: str | None
    schema_valid: bool  # dativo-check's own verdict; test 1 holds it equal to ajv's
    run: Run
    cwd: Path  # the run's working directory, against which its findings name their files
    findings: tuple[dict[str, Any], ...]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [finding for finding in self.findings if finding["level"] == "error"]


def _assert_outside_git(folder: Path) -> None:
    """The run must not see a repository: inside one, discovery and configuration would come from it."""
    assert shutil.which("git"), "git is needed to prove the working directory is outside any repository"
    probe = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=folder, capture_output=True, text=True)
    assert probe.returncode != 0, f"{folder} is inside a git repository ({probe.stdout.strip()})"


def _run_redirected(argv: list[str]) -> Run:
    """Run the CLI in process for module-scoped fixtures, where capsys is not available."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """Copies of every corpus file, at <workspace>/<label>, outside any git repository."""
    root = tmp_path_factory.mktemp("realworld-workspace")
    _assert_outside_git(root)
    for case in CASES:
        target = root / case.label
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(case.source, target)
    return root


@pytest.fixture(scope="module")
def corpus(workspace, tmp_path_factory) -> dict[str, Entry]:
    """Each file loaded, judged and validated alone (one invocation per file, no configuration, no flags).

    Computed once: the agreement test, the zero-errors test and the folder-run test all read the same runs.
    """
    cwd = tmp_path_factory.mktemp("realworld-per-file")
    _assert_outside_git(cwd)
    entries: dict[str, Entry] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        patch.delenv("DATIVO_CHECK_DEBUG", raising=False)  # an internal error must be reported, not raised
        for name in [name for name in os.environ if name.startswith("GITHUB_")]:
            patch.delenv(name)  # as conftest does for each test: the same verdicts on a laptop and in Actions
        for case in CASES:
            path = workspace / case.label
            loaded = load_path(path)
            data = loaded.document.data if loaded.document is not None else None
            declared = data.get("apiVersion") if isinstance(data, dict) else None
            api_version = declared if isinstance(declared, str) else None
            valid = api_version is not None and schema.is_valid(data, api_version)
            run = _run_redirected(["validate", "--format", "json", str(path)])
            try:
                findings = tuple(json.loads(run.out)["findings"])
            except (ValueError, KeyError):
                findings = ()  # reported by the tests that need the findings, with the run's stderr
            entries[case.label] = Entry(case, path, data, api_version, valid, run, cwd, findings)
    return entries


def _describe_findings(findings: list[dict[str, Any]], shown: int = 3) -> str:
    """Per rule: how many, and the first few (enough to recognise them, short enough to read 100 files)."""
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        by_rule.setdefault(finding["rule"], []).append(finding)
    parts = []
    for rule, group in sorted(by_rule.items()):
        examples = " | ".join(f"line {finding.get('line')}: {finding['message']}" for finding in group[:shown])
        more = f" | +{len(group) - shown} more" if len(group) > shown else ""
        parts.append(f"{rule} x{len(group)} ({examples}{more})")
    return "; ".join(parts)


# --- the fixture copy ----------------------------------------------------------------------------------------------

def test_fixture_copy_is_complete():
    listed = [line.split("\t")[0] for line in (REALWORLD / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    present = {path.name for path in REALWORLD.iterdir() if path.is_file()} - NOTICE_FILES
    assert len(listed) == len(set(listed)), "SOURCES.tsv lists a file twice"
    assert present == set(listed), {"not in SOURCES.tsv": sorted(present - set(listed)),
                                    "missing": sorted(set(listed) - present)}
    assert NOTICE_FILES <= {path.name for path in REALWORLD.iterdir()}
    assert len(CASES) == len(listed) + len(list(OFFICIAL.glob("v*/*.yaml")))


# --- 1. schema verdicts --------------------------------------------------------------------------------------------





def test_schema_verdict_agrees_with_official_schema(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _assert_outside_git(tmp_path)
    node = ajv_reference.node()
    by_version: dict[str, list[tuple[Entry, Path]]] = {}
    unsupported: list[Entry] = []
    problems: list[str] = []
    for label, entry in corpus.items():
        if entry.data is None:
            problems.append(f"{label}: the loader gives no document: {entry.run.err.strip()}")
        elif entry.api_version in schema.SCHEMAS:
            # ajv judges exactly the JSON dativo-check's loader produced, so only the validators are compared.
            target = tmp_path / (label.replace("/", "__") + ".json")
            target.write_text(json.dumps(entry.data), encoding="utf-8")
            by_version.setdefault(entry.api_version, []).append((entry, target))
        else:
            # Data-driven: once SCHEMAS gains the version, these files move into the agreement check by themselves.
            unsupported.append(entry)

    judged = invalid = 0
    for api_version, items in sorted(by_version.items()):
        reference = ajv_reference.verdicts(node, api_version, [target for _, target in items])
        for entry, target in items:
            expected = reference[target]
            cli_valid = not any(finding["rule"] in SCHEMA_RULES for finding in entry.findings)
            judged += 1
            invalid += not expected
            if entry.schema_valid != expected or cli_valid != expected:
                problems.append(
                    f"{entry.case.label} ({api_version}): ajv {'valid' if expected else 'invalid'}, "
                    f"is_valid {'valid' if entry.schema_valid else 'invalid'}, "
                    f"CLI {'valid' if cli_valid else 'invalid'}: "
                    f"{_describe_findings([f for f in entry.findings if f['rule'] in SCHEMA_RULES]) or '-'}")
    for entry in unsupported:
        if not any(finding["rule"] == "api-version" and finding["level"] == "error" for finding in entry.findings):
            problems.append(f"{entry.case.label}: apiVersion {entry.api_version!r} has no vendored schema, but the "
                            f"CLI reports no api-version error: {_describe_findings(entry.errors) or '-'}")
    print(f"{judged} files judged by ajv ({invalid} invalid); without a vendored schema: "
          f"{[entry.case.label for entry in unsupported]}")
    assert not problems, "\n".join(problems)
    assert judged + len(unsupported) == len(CASES)


# --- 2. no internal error ------------------------------------------------------------------------------------------

# A command: the arguments for one contract, given a scratch folder of its own (None: not applicable to it).
Command = Callable[[Entry, Path], list[str] | None]


def _without_first_property(data: dict[str, Any]) -> bool:
    for obj in data.get("schema") or []:
        properties = obj.get("properties") if isinstance(obj, dict) else None
        if isinstance(properties, list) and properties:
            del properties[0]
            return True
    return False


def _with_new_version(data: dict[str, Any]) -> bool:
    data["version"] = "100.0.0" if data.get("version") == "99.0.0" else "99.0.0"
    return True


def _diff_with(mutate: Callable[[dict[str, Any]], bool]) -> Command:
    """`diff OLD NEW` where NEW is a changed copy of the contract; not applicable when the change does not apply."""
    def argv(entry: Entry, scratch: Path) -> list[str] | None:
        data = copy.deepcopy(entry.data)
        if not isinstance(data, dict) or not isinstance(data.get("schema", []), list) or not mutate(data):
            return None
        new = scratch / f"changed-{entry.path.name}"
        new.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return ["diff", str(entry.path), str(new)]
    return argv


def _context_get(entry: Entry, scratch: Path) -> list[str]:
    """No policy is configured, so every request is denied (exit 1): still an answer, never a crash."""
    asset = entry.data.get("id") if isinstance(entry.data, dict) else None
    return ["context", "get", asset if isinstance(asset, str) and asset else "no-such-asset", "--requester", "x",
            "--purpose", "y", "--contracts", str(entry.path)]


COMMANDS: dict[str, Command] = {
    "validate": lambda entry, scratch: ["validate", str(entry.path)],
    "validate-json": lambda entry, scratch: ["validate", "--format", "json", str(entry.path)],
    "validate-sarif": lambda entry, scratch: ["validate", "--format", "sarif", str(entry.path)],
    "diff-self": lambda entry, scratch: ["diff", str(entry.path), str(entry.path)],
    "diff-property-removed": _diff_with(_without_first_property),
    "diff-version-changed": _diff_with(_with_new_version),
    "dbt-generate-models": lambda entry, scratch: ["dbt", "generate", str(entry.path), "--out", str(scratch / "dbt"),
                                                   "--models"],
    "dbt-generate-check": lambda entry, scratch: ["dbt", "generate", str(entry.path), "--out", str(scratch / "dbt"),
                                                  "--check"],
    "lineage": lambda entry, scratch: ["lineage", str(entry.path)],
    "lineage-openlineage": lambda entry, scratch: ["lineage", str(entry.path), "--format", "openlineage"],
    "cost": lambda entry, scratch: ["cost", str(entry.path)],
    "cost-json": lambda entry, scratch: ["cost", str(entry.path), "--format", "json"],
    # the spelling users type; the CLI rewrites it to `cost-export`
    "cost-export": lambda entry, scratch: ["cost", "export", str(entry.path)],
    # an ODCS contract is not a legacy file: migrate must say so (exit 1 or 2)
    "migrate": lambda entry, scratch: ["migrate", str(entry.path)],
    "context-get": _context_get,
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_internal_error_from_any_command(command, corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATIVO_CHECK_DEBUG", raising=False)  # an internal error must be reported, not raised
    _assert_outside_git(tmp_path)
    failures: list[str] = []
    exit_2: list[str] = []
    codes: Counter[int] = Counter()
    ran = 0
    for index, (label, entry) in enumerate(corpus.items()):
        scratch = tmp_path / f"{index:03d}"
        scratch.mkdir()
        argv = COMMANDS[command](entry, scratch)
        if argv is None:
            continue
        ran += 1
        # the copy's temporary path says nothing a reader needs: show the fixture's label instead
        shown = f"dativo-check {' '.join(argv)}".replace(str(entry.path), label).replace(str(scratch), "<scratch>")
        capsys.readouterr()
        try:
            code = main(argv)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - main must never raise; list it with the others
            failures.append(f"{shown}: raised {type(error).__name__}: {error}")
            continue
        captured = capsys.readouterr()
        err = captured.err
        codes[code] += 1
        if command == "validate-sarif" and code != 2:
            failures += [f"{shown}: invalid SARIF: {problem}" for problem in sarif_check.problems(
                json.loads(captured.out))]
        first_line = err.strip().splitlines()[0].replace(str(entry.path), label) if err.strip() else ""
        if "internal error" in err or "Traceback" in err:
            failures.append(f"{shown}: exit {code}: {err.strip()}")
        elif code not in (0, 1, 2):
            failures.append(f"{shown}: exit code {code}: {first_line}")
        elif command == "migrate" and code == 0:
            failures.append(f"{shown}: exit 0, but an ODCS contract is not a legacy file to migrate")
        elif code == 2:
            exit_2.append(f"{shown}: {first_line}")
            # Exit 2 means a usage error with its message; for migrate, also "nothing to migrate" (migrate-failed).
            if USAGE_ERROR not in err and not (command == "migrate" and "(migrate-failed)" in err):
                failures.append(f"{shown}: exit 2 without a `{USAGE_ERROR}` message: {err.strip()}")
    print(f"{command}: {ran} runs, exit codes {dict(sorted(codes.items()))}")
    assert ran, f"{command} applied to no file"
    if failures:
        pytest.fail(f"{len(failures)} of {ran} runs failed:\n" + "\n".join(failures)
                    + f"\n\nexit 2 ({len(exit_2)} runs):\n" + "\n".join(exit_2))


# --- 3. no errors on valid files -----------------------------------------------------------------------------------

def test_no_error_level_findings_on_schema_valid_files(corpus):
    failures: list[str] = []
    stale: list[str] = []
    for label, entry in corpus.items():
        if not entry.schema_valid:
            continue
        expected_rule = EXPECTED_ERRORS.get(label, (None, ""))[0]
        unexpected = [finding for finding in entry.errors if finding["rule"] != expected_rule]
        if unexpected:
            failures.append(f"{label}: {_describe_findings(unexpected)}")
        if expected_rule is not None and not any(finding["rule"] == expected_rule for finding in entry.errors):
            stale.append(f"{label}: no longer reports {expected_rule}: remove it from EXPECTED_ERRORS")
    stale += [f"{label}: not a schema-valid corpus file" for label in EXPECTED_ERRORS
              if label not in corpus or not corpus[label].schema_valid]
    assert not failures and not stale, (
        f"{len(failures)} schema-valid files get unexpected error-level findings:\n" + "\n".join(failures + stale))


# --- 4. a folder run ------------------------------------------------------------------------------------------------

def _keys(findings: list[dict[str, Any]], cwd: Path) -> Counter[tuple[Any, ...]]:
    """Findings comparable across runs: the file by its resolved path, not by how it was named on the command line."""
    return Counter((str((cwd / finding["file"]).resolve()), finding["rule"], finding.get("line"),
                    finding.get("column"), finding.get("path"), finding["message"]) for finding in findings)


def _show(key: tuple[Any, ...]) -> str:
    file, rule, line, _, _, message = key
    return f"realworld/{Path(file).name}:{line}: {rule}: {message}"


def test_folder_run_only_adds_repository_findings(corpus, workspace, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATIVO_CHECK_DEBUG", raising=False)
    _assert_outside_git(tmp_path)
    capsys.readouterr()
    code = main(["validate", "--format", "json", str(workspace / "realworld")])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    report = json.loads(captured.out)
    realworld = [entry for entry in corpus.values() if entry.case.label.startswith("realworld/")]
    assert report["files"] == len(realworld)
    alone = sum((_keys(entry.errors, entry.cwd) for entry in realworld), Counter())
    together = _keys([finding for finding in report["findings"] if finding["level"] == "error"], tmp_path)
    added, lost = together - alone, alone - together
    wrong = [f"added: {_show(key)}" for key in added if key[1] != "unique-id"] + [f"lost: {_show(key)}"
                                                                                  for key in lost]
    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module", autouse=True)
def _report_duration():
    """Print how long the module takes: it must stay well under a minute on a 2-core machine."""
    started = time.perf_counter()
    yield
    print(f"\ntest_realworld: {time.perf_counter() - started:.1f} s")
