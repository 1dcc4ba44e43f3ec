"""Shared fixtures: run the CLI in-process, build real git repositories, load the bundled example contracts."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "specs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys, monkeypatch) -> Callable[..., Run]:
    """Run `dativo-check ARGS` in-process, optionally in another working directory."""
    from dativo_check.cli import main

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        _check_sarif(args, captured.out)
        return Run(code, captured.out, captured.err)

    return run


def _check_sarif(args: tuple[str, ...], out: str) -> None:
    """Every SARIF log a test makes the CLI write is valid SARIF 2.1.0 (tests/sarif_check.py)."""
    import sarif_check

    def after(*options: str) -> list[str]:
        return [args[index + 1] for index, arg in enumerate(args[:-1]) if arg in options]

    written = after("--sarif") + (after("--output", "-o") if "sarif" in after("--format", "-f") else [])
    logs = [json.loads(Path(path).read_text(encoding="utf-8")) for path in written if Path(path).is_file()]
    if "sarif" in after("--format", "-f") and out:
        logs.append(json.loads(out))
    for log in logs:
        assert sarif_check.problems(log) == [], f"dativo-check {' '.join(args)} wrote invalid SARIF"


def example_data(relative: str) -> dict:
    """A bundled example contract as data (a fresh copy each time)."""
    return copy.deepcopy(yaml.safe_load((EXAMPLES / relative).read_text(encoding="utf-8")))


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_repo(tmp_path) -> Path:
    """An empty git repository with an identity, in a temp dir."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "dev@example.com")
    git(root, "config", "user.name", "Dev")
    git(root, "config", "commit.gpgsign", "false")
    return root


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch):
    """Tests run the same on a developer machine and inside a GitHub Actions job: no ambient GITHUB_* variables."""
    for name in [name for name in os.environ if name.startswith("GITHUB_")]:
        monkeypatch.delenv(name)
