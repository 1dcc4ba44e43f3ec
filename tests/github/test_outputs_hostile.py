"""Hostile contract text against what a pull-request check leaves in GitHub: ids, file names and descriptions with
line breaks, forged `name=value` lines and "Trojan Source" bidi controls cannot add or change step outputs, end a
heredoc, or reach the step summary and annotations unseen. Real `ci` runs in real git repositories; the outputs are
read back the way the runner reads $GITHUB_OUTPUT."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO, dump, example_data, git, write
from test_pull_request import read_outputs

from dativo_check.report.markdown import code, escape, visible

# CVE-2021-42574's bidi embeddings, overrides, isolates and marks, the Arabic letter mark, and the Unicode line
# and paragraph separators
TROJAN = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029"
FORGED_ID = "evil\nbreaking=false\r\nnext-version=0.0.1\u2028failed=false\u202eRLO"
OUTPUTS = set(yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))["outputs"])


def _contract(contract_id: str, breaking: bool = False) -> str:
    data = example_data("stripe/v1.0/customers.yaml")
    data["id"] = contract_id
    if breaking:  # a property removed: a major bump, next version 2.0.0
        del data["schema"][0]["properties"][-1]
        data["description"]["purpose"] = "Trojan \u202eevil\u2066 text\n::error::forged annotation"
    return dump(data)


def _pull_request(root: Path, contracts: dict[str, str]) -> None:
    """A base commit with `contracts` (file: id), and a head commit that breaks each of them."""
    for file, contract_id in contracts.items():
        write(root, file, _contract(contract_id))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    for file, contract_id in contracts.items():
        write(root, file, _contract(contract_id, breaking=True))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "head")


def _check(cli, root: Path, work: Path, report: str = "report.json"):
    output, summary = work / "output.txt", work / "summary.md"
    run = cli("ci", "--base", "HEAD~1", "--json", str(work / report), cwd=root,
              env={"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 1, run.err  # the breaking changes fail the check
    return run, output, summary.read_text(encoding="utf-8")


def _hidden_in(text: str) -> set[str]:
    return {char for char in text if char in TROJAN}


def test_contract_ids_cannot_forge_outputs_or_lines_of_next_version(git_repo, tmp_path, cli):
    _pull_request(git_repo, {"specs/a/v1.0/a.yaml": FORGED_ID, "specs/b/v1.0/b.yaml": "plain-\u202eid"})
    _, output, _ = _check(cli, git_repo, tmp_path)
    outputs = read_outputs(output)
    assert set(outputs) == OUTPUTS
    assert outputs["breaking"] == "true" and outputs["failed"] == "true"  # not the forged "false"
    assert outputs["next-version"].split("\n") == [
        "evil<U+000A>breaking=false<U+000D><U+000A>next-version=0.0.1<U+2028>failed=false<U+202E>RLO=2.0.0",
        "plain-<U+202E>id=2.0.0"]
    raw = output.read_text(encoding="utf-8")
    assert _hidden_in(raw) == set() and "\r" not in raw
    [delimiter] = set(re.findall(r"DATIVO_EOF_[0-9a-f]{16}", raw))
    assert raw.count(delimiter) == 2  # the heredoc's opening and closing line, nothing else


def test_a_one_line_output_stays_one_line(git_repo, tmp_path, cli):
    """The report path is the user's: a newline in it must not set `breaking` (one changed contract: next-version
    is the version itself)."""
    _pull_request(git_repo, {"specs/a/v1.0/a.yaml": "orders"})
    _, output, _ = _check(cli, git_repo, tmp_path, report="report\nbreaking=false\u2028.json")
    outputs = read_outputs(output)
    assert set(outputs) == OUTPUTS and outputs["breaking"] == "true" and outputs["next-version"] == "2.0.0"
    assert outputs["report-path"] == f"{tmp_path}/report<U+000A>breaking=false<U+2028>.json"


def test_a_value_that_contains_the_delimiter_gets_another_one(git_repo, tmp_path, cli, monkeypatch):
    """The delimiter is random, so a value cannot know it; should one contain it anyway, another is drawn."""
    draws = iter(["0" * 16, "1" * 16])
    monkeypatch.setattr("dativo_check.github.outputs.secrets.token_hex", lambda size: next(draws))
    first = "DATIVO_EOF_" + "0" * 16
    _pull_request(git_repo, {"specs/a/v1.0/a.yaml": first, "specs/b/v1.0/b.yaml": f"x\n{first}\nbreaking=false"})
    _, output, _ = _check(cli, git_repo, tmp_path)
    outputs = read_outputs(output)
    assert set(outputs) == OUTPUTS and outputs["breaking"] == "true"
    assert outputs["next-version"].split("\n") == [f"{first}=2.0.0", f"x<U+000A>{first}<U+000A>breaking=false=2.0.0"]
    assert f"next-version<<DATIVO_EOF_{'1' * 16}\n" in output.read_text(encoding="utf-8")


def _after_the_guarded_report(out: str) -> list[str]:
    """What `ci` prints after its text report, which runs with workflow commands switched off: the annotations."""
    token = re.match(r"::stop-commands::([0-9a-f]+)\n", out).group(1)
    return out.split(f"\n::{token}::\n", 1)[1].splitlines()


def test_the_step_summary_and_annotations_show_hidden_characters(git_repo, tmp_path, cli):
    hostile_file = "specs/\u202eb\u2066/v1.0/b\n::error::forged.yaml"
    _pull_request(git_repo, {hostile_file: "plain-\u202eid", "specs/a/v1.0/a.yaml": FORGED_ID})
    run, _, summary = _check(cli, git_repo, tmp_path)
    assert _hidden_in(summary) == set()
    assert "`plain-<U+202E>id`" in summary and "`specs/<U+202E>b<U+2066>/v1.0/b ::error::forged.yaml`" in summary
    annotations = _after_the_guarded_report(run.out)
    assert annotations and all(re.match(r"::(error|warning|notice) file=", line) for line in annotations)
    assert _hidden_in("".join(annotations)) == set()
    assert any(line.startswith("::error file=specs/<U+202E>b<U+2066>/v1.0/b<U+000A>%3A%3Aerror%3A%3Aforged.yaml,")
               for line in annotations)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert "plain-\u202eid" in {contract["id"] for contract in report["contracts"]}  # the JSON report keeps the truth


@pytest.mark.parametrize("text, shown", [
    ("a\u202eb", "a<U+202E>b"), ("\u2066x\u2069", "<U+2066>x<U+2069>"),
    ("\u200e\u200f\u061c", "<U+200E><U+200F><U+061C>"), ("zero\u200bwidth\ufeff", "zero<U+200B>width<U+FEFF>"),
    ("tag\U000e0041", "tag<U+E0041>"), ("nul\x00", "nul<U+0000>"),
    ("a\nb\r\u2028\u2029\x85", "a<U+000A>b<U+000D><U+2028><U+2029><U+0085>"), ("ünïcødé 顧客 ok", "ünïcødé 顧客 ok"),
])
def test_visible_shows_each_hidden_character_as_its_code_point(text, shown):
    assert visible(text) == shown


def test_markdown_folds_line_breaks_and_shows_bidi_controls():
    assert escape("a\u202eb\nc\u2028d") == "a&lt;U+202E&gt;b c d"
    assert code("x\u2066y\u2069\nz", cell=True) == "`x<U+2066>y<U+2069> z`"
    assert visible("a\nb\u202e", keep="\n") == "a\nb<U+202E>"
