"""Hostile values: real contracts with one node replaced by a value of the wrong shape never make a command raise.

Hypothesis mutates a contract (null, a list, a mapping, a huge or non-finite number, a long or control-character
string, at any node) and runs every command that reads contracts on it. A command may refuse with a finding or a
usage error; it may never end in an internal error, print a traceback, or write JSON that is not strict JSON. The
seed is fixed and the budget bounded, so the test is repeatable in CI; `DATIVO_CHECK_MUTATIONS=N` raises the budget
for a longer hunt.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, FIXTURES, REPO, dump, git, write

BUDGET = int(os.environ.get("DATIVO_CHECK_MUTATIONS", "60"))
SEEDS = [*sorted(EXAMPLES.glob("*/v1.0/*.yaml")),
         FIXTURES / "odcs-examples" / "v3.1.0" / "all__full-example.odcs.yaml",
         FIXTURES / "odcs-examples" / "v3.0.2" / "all__full-example.odcs.yaml",
         FIXTURES / "realworld" / "datacontract-cli__tests__fixtures__api__weather-service-array.odcs.yaml",
         FIXTURES / "realworld" / "datacontract-cli__tests__fixtures__postgres__servicelevels.odcs.yaml"]
HUGE = "9" * 5000  # more digits than Python converts to int by default
REPLACEMENTS: tuple[Any, ...] = (None, [], ["x", 1], {}, {"a": {"b": 1}}, True, -1, 0, "", "x" * 20_000,
                                 "a\nb\u202e\x00c", "<HUGE>", "<INF>", "<NAN>", 1e308, -1e-308, "P1Y", "2.0.0")
# what the loader must see as numbers, not strings: written into the YAML text after dumping
_LITERALS = {"'<HUGE>'": HUGE, "'<INF>'": "1e400", "'<NAN>'": ".nan"}


def _seed(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SEED_DATA = [_seed(path) for path in SEEDS]


def _places(node: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _places(child, (*path, key))


def _replaced(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[head] = _replaced(node[head], rest, value)
    return copy


def _text(data: Any) -> str:
    text = dump(data)
    for placeholder, literal in _LITERALS.items():
        text = text.replace(placeholder, literal)
    return text


@dataclass(frozen=True)
class Mutant:
    """A seed contract (by its index in SEEDS) with the node at `place` replaced by `value`."""

    seed: int
    place: tuple
    value: Any

    @property
    def seed_data(self) -> dict:
        return SEED_DATA[self.seed]

    @property
    def text(self) -> str:
        return _text(_replaced(self.seed_data, self.place, self.value))


@st.composite
def mutants(draw) -> Mutant:
    seed = draw(st.integers(0, len(SEED_DATA) - 1))
    place = draw(st.sampled_from(list(_places(SEED_DATA[seed]))))
    return Mutant(seed, place, draw(st.sampled_from(REPLACEMENTS)))


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _assert_graceful(run, what: str, json_out: bool = False, json_lines: bool = False) -> None:
    assert "internal error" not in run.err and "Traceback" not in run.err, f"{what}: {run.err[-300:]}"
    assert run.code in (0, 1, 2), what
    if run.code == 2:
        assert "dativo-check: error:" in run.err or "dativo-check" in run.err, f"{what}: exit 2 without a message"
    if run.code != 2 and run.out.strip():
        if json_out:
            _strict_json(run.out)
        if json_lines:
            for line in run.out.splitlines():
                _strict_json(line)


MUTATION_SETTINGS = settings(max_examples=BUDGET, derandomize=True, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture
def workspace(tmp_path) -> Callable[[str, str], tuple[Path, Path]]:
    """Writes a seed and its mutant side by side, fresh for every example."""
    counter = iter(range(1_000_000))

    def place(seed_text: str, mutant_text: str) -> tuple[Path, Path]:
        folder = tmp_path / f"case{next(counter)}"
        return write(folder, "base.yaml", seed_text), write(folder, "head.yaml", mutant_text)

    return place


@MUTATION_SETTINGS
@given(case=mutants())
def test_validate_and_diff_never_raise(case, cli, workspace):
    base, head = workspace(dump(case.seed_data), case.text)
    _assert_graceful(cli("validate", "--format", "json", str(head), cwd=head.parent), "validate", json_out=True)
    _assert_graceful(cli("validate", "--format", "sarif", str(head), cwd=head.parent), "validate sarif",
                     json_out=True)
    _assert_graceful(cli("diff", str(base), str(head), "--format", "json", cwd=head.parent), "diff", json_out=True)
    _assert_graceful(cli("diff", str(head), str(base), cwd=head.parent), "diff reversed")


@MUTATION_SETTINGS
@given(case=mutants())
def test_dbt_lineage_and_cost_never_raise(case, cli, workspace):
    _, head = workspace("", case.text)
    out = head.parent / "dbt"
    _assert_graceful(cli("dbt", "generate", str(head), "--out", str(out), "--models", cwd=head.parent), "dbt")
    _assert_graceful(cli("dbt", "generate", str(head), "--out", str(out), "--check", cwd=head.parent), "dbt check")
    _assert_graceful(cli("lineage", str(head), cwd=head.parent), "lineage", json_out=True)
    _assert_graceful(cli("lineage", str(head), "--format", "openlineage", cwd=head.parent), "openlineage",
                     json_lines=True)
    _assert_graceful(cli("cost", str(head), "--format", "json", cwd=head.parent), "cost", json_out=True)
    _assert_graceful(cli("cost-export", str(head), "--format", "focus-json", cwd=head.parent), "cost export",
                     json_out=True)


@MUTATION_SETTINGS
@given(case=mutants())
def test_context_never_raises(case, cli, workspace):
    _, head = workspace("", case.text)
    policy = REPO / "examples" / "context" / "policy.yaml"
    asset = case.seed_data.get("id") if isinstance(case.seed_data.get("id"), str) else "x"
    for args in (("context", "get", asset, "--purpose", "code-assist"), ("context", "search", "order",
                                                                            "--purpose", "code-assist")):
        run = cli(*args, "--requester", "lmeyer", "--policy", str(policy), "--contracts", str(head),
                  "--audit", str(head.parent / "audit.jsonl"), "--format", "json", cwd=head.parent)
        _assert_graceful(run, " ".join(args[:2]), json_out=True)


@pytest.fixture
def repository(git_repo) -> Path:
    write(git_repo, ".dativo-check.yaml", "dbt:\n  out: dbt\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "configuration")
    return git_repo


@MUTATION_SETTINGS
@given(case=mutants())
def test_the_pull_request_check_never_raises(case, cli, repository):
    contract = repository / "specs" / "contract.yaml"
    write(repository, "specs/contract.yaml", dump(case.seed_data))
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "seed", "--allow-empty")
    contract.write_text(case.text, encoding="utf-8")
    report = repository.parent / "report.json"
    run = cli("ci", "--base", "HEAD", "--json", str(report), "--sarif", str(repository.parent / "r.sarif"),
              cwd=repository)
    _assert_graceful(run, "ci")
    if run.code != 2:
        _strict_json(report.read_text(encoding="utf-8"))
    _assert_graceful(cli("cost", "--base", "HEAD", "--format", "json", cwd=repository), "cost --base", json_out=True)
    _assert_graceful(cli("lineage-impact", "--base", "HEAD", "--format", "json", cwd=repository), "impact",
                     json_out=True)
