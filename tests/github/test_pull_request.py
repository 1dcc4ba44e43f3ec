"""`dativo-check ci` as GitHub runs it on a pull request: a real git repository with a base and a head commit, the
event payload, the step summary and output files, and a local server standing in for the GitHub API."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import EXAMPLES, git
from fake_github import BOT, MAX_BODY, READ_TOKEN, WRITE_TOKEN, serving

ORDERS = "specs/postgres/v1.0/orders.yaml"
STRIPE = "specs/stripe/v1.0/customers.yaml"
ANALYTICS = "specs/analytics/v1.0/customer_orders.yaml"


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it: `name=value` lines and `name<<DELIMITER` blocks."""
    values, lines = {}, path.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            values[name] = "\n".join(lines[index + 1:end])
            index = end + 1
            continue
        if line:
            name, value = line.split("=", 1)
            values[name] = value
        index += 1
    return values


@dataclass
class Result:
    code: int
    out: str
    err: str
    summary: str
    outputs: dict[str, str]
    report: dict


@dataclass
class PullRequest:
    root: Path
    work: Path
    github: object
    number: int = 7
    base: str = ""
    head: str = ""
    runs: int = field(default=100)

    def commit(self, message: str) -> str:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-qm", message)
        return git(self.root, "rev-parse", "HEAD").strip()

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def push(self, message: str = "change") -> str:
        self.head = self.commit(message)
        self.github.pulls[self.number] = self.head
        return self.head

    def event(self, fork: bool = False, head: str | None = None) -> Path:
        head_repo = "someone/data-platform" if fork else self.github.repository
        payload = {
            "action": "synchronize", "number": self.number,
            "pull_request": {"number": self.number, "title": "Change contracts",
                             "head": {"sha": head or self.head, "ref": "feature", "repo": {"full_name": head_repo}},
                             "base": {"sha": self.base, "ref": "main",
                                      "repo": {"full_name": self.github.repository}}},
            "repository": {"full_name": self.github.repository},
        }
        path = self.work / f"event-{self.runs}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path

    def check(self, cli, *args: str, token: str = WRITE_TOKEN, fork: bool = False, head: str | None = None,
              run_id: int | None = None, comment: bool = True) -> Result:
        self.runs += 1
        summary, output = self.work / f"summary-{self.runs}.md", self.work / f"output-{self.runs}.txt"
        report = self.work / f"report-{self.runs}.json"
        env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
               "GITHUB_EVENT_PATH": str(self.event(fork, head)), "GITHUB_REPOSITORY": self.github.repository,
               "GITHUB_API_URL": self.github.url, "GITHUB_SERVER_URL": "https://github.com",
               "GITHUB_RUN_ID": str(run_id or self.runs), "GITHUB_JOB": "contracts", "GITHUB_SHA": head or self.head,
               "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output), "GITHUB_TOKEN": token}
        flags = ["--comment"] if comment else []
        run = cli("ci", "--json", str(report), *flags, *args, cwd=self.root, env=env)
        return Result(run.code, run.out, run.err, summary.read_text(encoding="utf-8") if summary.exists() else "",
                      read_outputs(output) if output.exists() else {},
                      json.loads(report.read_text(encoding="utf-8")) if report.exists() else {})


@pytest.fixture
def github():
    with serving() as state:
        yield state


@pytest.fixture
def pull_request(git_repo, tmp_path, github) -> PullRequest:
    shutil.copytree(EXAMPLES, git_repo / "specs")
    work = tmp_path / "runner"
    work.mkdir()
    pr = PullRequest(git_repo, work, github)
    pr.base = pr.commit("contracts")
    git(git_repo, "checkout", "-qb", "feature")
    return pr


def _release_drop_of_status(pr: PullRequest) -> None:
    """The breaking change made right: a new major version, and the contract that read the column no longer does."""
    pr.edit(ORDERS, "version: 1.1.0", "version: 2.0.0")
    shutil.move(pr.root / "specs/postgres/v1.0", pr.root / "specs/postgres/v2.0")
    pr.edit(ANALYTICS, "        transformSourceObjects: [postgres-orders:orders.status]\n"
                       "        transformLogic: o.status\n", "")
    pr.edit(ANALYTICS, "version: 1.0.0", "version: 1.0.1")


def _drop_status(pr: PullRequest, version: str = "1.1.0") -> None:
    """A breaking change: the order status column is removed."""
    text = (pr.root / ORDERS).read_text(encoding="utf-8")
    start = text.index("      - name: status\n")
    end = text.index("      - name: currency\n")
    (pr.root / ORDERS).write_text(text[:start] + text[end:], encoding="utf-8")
    pr.edit(ORDERS, "version: 1.0.0", f"version: {version}")


def test_first_run_comments_once_and_reports_everywhere(pull_request, cli, github):
    _drop_status(pull_request)
    pull_request.push("drop the order status")
    sarif = pull_request.work / "report.sarif"
    result = pull_request.check(cli, "--sarif", str(sarif))
    assert result.code == 1
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert {item["ruleId"] for item in results} >= {"property-removed", "version-under-bumped"}
    assert "base " + pull_request.base in result.err and "pull request's base commit" in result.err
    [comment] = github.ours(7)
    assert comment["body"].startswith("<!-- dativo-check:comment job=contracts run=101 head=" + pull_request.head)
    assert "1 breaking change needs version `2.0.0` of `postgres-orders`" in comment["body"]
    assert "| `postgres-orders` | changed | 1 | 1 | **major** | minor (1.0.0 → 1.1.0) | `2.0.0` | ❌ |" in comment["body"]
    assert "```mermaid" in comment["body"] and "Fulfilment Backlog" in comment["body"]
    assert "### Cost" in comment["body"]
    assert "dativo-check 1 breaking change" not in result.summary and "## ❌ dativo-check" in result.summary
    assert result.outputs["breaking"] == "true" and result.outputs["required-bump"] == "major"
    assert result.outputs["next-version"] == "2.0.0" and result.outputs["failed"] == "true"
    assert int(result.outputs["error-count"]) >= 2 and result.outputs["report-path"].endswith(".json")
    assert re.fullmatch(r"-?\d+\.\d\d", result.outputs["cost-delta"])
    assert result.report["gate"]["failed"] is True and result.report["run"]["pull_request"] == 7
    assert "::error file=specs/postgres/v1.0/orders.yaml" in result.out


def test_a_new_push_updates_the_same_comment(pull_request, cli, github):
    _drop_status(pull_request)
    pull_request.push("drop the order status")
    first = pull_request.check(cli)
    _release_drop_of_status(pull_request)
    pull_request.push("release the change as 2.0.0")
    second = pull_request.check(cli)
    assert first.code == 1 and second.code == 0
    [comment] = github.ours(7)
    assert [request.method for request in github.writes()] == ["POST", "PATCH"]
    assert f"head={pull_request.head}" in comment["body"]
    assert "released under a new major version" in comment["body"] and "❌ dativo-check" not in comment["body"]


def test_a_rerun_with_the_same_findings_sends_nothing(pull_request, cli, github):
    _drop_status(pull_request)
    pull_request.push()
    pull_request.check(cli)
    again = pull_request.check(cli)
    assert "comment unchanged" in again.err
    assert [request.method for request in github.writes()] == ["POST"]


def test_a_clean_pull_request_gets_no_comment(pull_request, cli, github):
    (pull_request.root / "README.md").write_text("# data platform\n", encoding="utf-8")
    pull_request.push("docs")
    result = pull_request.check(cli)
    assert result.code == 0 and github.ours(7) == [] and github.writes() == []
    assert "comment skipped" in result.err and "## ✅ dativo-check: no contract changes" in result.summary


def test_an_existing_comment_is_updated_to_say_the_pull_request_is_clean(pull_request, cli, github):
    _drop_status(pull_request)
    pull_request.push("drop the order status")
    pull_request.check(cli)
    git(pull_request.root, "checkout", "-q", pull_request.base, "--", "specs")
    pull_request.push("revert")
    pull_request.check(cli)
    [comment] = github.ours(7)
    assert "✅ dativo-check: no contract changes" in comment["body"]


def test_an_older_run_never_overwrites_a_newer_one(pull_request, cli, github):
    _drop_status(pull_request)
    old_head = pull_request.push("drop the order status")
    pull_request.edit(ORDERS, "version: 1.1.0", "version: 1.2.0")
    pull_request.push("another try")
    newer = pull_request.check(cli, run_id=500)
    git(pull_request.root, "checkout", "-q", old_head)
    older = pull_request.check(cli, head=old_head, run_id=400)
    assert "comment created" in newer.err and "comment stale" in older.err
    [comment] = github.ours(7)
    assert f"head={pull_request.head}" in comment["body"] and "`1.2.0`" in comment["body"]
    assert [request.method for request in github.writes()] == ["POST"]


def test_the_comment_is_found_on_a_later_page_of_comments(pull_request, cli, github):
    _drop_status(pull_request)
    pull_request.push()
    pull_request.check(cli)
    for index in range(150):
        github.add_comment(7, f"review comment {index}", "reviewer")
    github.add_comment(7, "<!-- dativo-check:comment job=contracts run=1 head= --> quoted by a person", "mallory")
    pull_request.edit(ORDERS, "version: 1.1.0", "version: 1.2.0")
    pull_request.push()
    pull_request.check(cli)
    pages = [request for request in github.requests if request.path.endswith("/issues/7/comments")
             and request.method == "GET"]
    assert len(pages) >= 3  # first run one page, second run two pages of 100
    assert len(github.ours(7)) == 2  # ours, and the impostor's comment, which is left alone
    assert [request.method for request in github.writes()] == ["POST", "PATCH"]
    ours = [comment for comment in github.ours(7) if comment["user"]["login"] == BOT]
    assert len(ours) == 1 and "`1.2.0`" in ours[0]["body"]


def test_a_huge_report_stays_under_the_comment_limit(pull_request, cli, github):
    text = (pull_request.root / STRIPE).read_text(encoding="utf-8")
    for index in range(120):
        copy = text.replace("id: stripe-customers", f"id: stripe-customers-{index}")
        copy = copy.replace("physicalName: customers", f"physicalName: customers_{index}")
        (pull_request.root / f"specs/stripe/v1.0/customers_{index}.yaml").write_text(copy, encoding="utf-8")
    pull_request.base = pull_request.commit("many contracts")
    for index in range(120):
        path = pull_request.root / f"specs/stripe/v1.0/customers_{index}.yaml"
        body = path.read_text(encoding="utf-8")
        body = re.sub(r"\n      - name: (email|name|delinquent|created)\n(        .*\n)+", "\n", body)
        path.write_text(body, encoding="utf-8")
    pull_request.push("drop columns everywhere")
    result = pull_request.check(cli)
    [comment] = github.ours(7)
    assert len(comment["body"]) <= MAX_BODY
    assert comment["body"].count("| `stripe-customers-") >= 1
    assert "left out to keep this within GitHub's size limit" in comment["body"]
    assert result.report["contracts"] and len(result.report["contracts"]) == 120
    assert all(request.method == "POST" for request in github.writes())


def test_malicious_contract_text_cannot_inject_markup_mentions_or_commands(pull_request, cli, github):
    attack = ("Ping @octocat <img src=x onerror=alert(1)> [click](https://evil.example) "
              "<!-- dativo-check:comment job=contracts run=999999 head= --> ::set-output name=breaking::false")
    pull_request.edit(ORDERS, "description: Header record of every order placed in the webshop.",
                      f"description: '{attack}'")
    pull_request.edit(ORDERS, "version: 1.0.0", "version: 1.0.1")
    text = (pull_request.root / ORDERS).read_text(encoding="utf-8")
    text = text.replace("      - name: status\n", "      - name: \"status\\n::error::pwned @admins\"\n", 1)
    (pull_request.root / ORDERS).write_text(text, encoding="utf-8")
    pull_request.push("hostile")
    result = pull_request.check(cli)
    [comment] = github.ours(7)
    body = comment["body"]
    assert body.count("<!-- dativo-check:comment") == 1
    assert "@octocat" not in body and "@admins" not in body
    prose = re.sub(r"`[^`\n]*`", "", body)  # code spans show their text literally
    assert "<img" not in prose and "](https://evil.example)" not in prose
    # workflow commands: the text report runs with commands stopped, annotations are escaped
    stopped = re.search(r"::stop-commands::(\w+)\n(.*?)::\1::\n", result.out, re.S)
    assert stopped and "::error::pwned" in stopped.group(2)
    annotations = result.out.replace(stopped.group(0), "").splitlines()
    assert annotations and all(re.fullmatch(r"::(error|warning|notice) file=[^:]*::[^\n]*", line)
                               for line in annotations)
    assert any("status%0A::error::pwned" in line for line in annotations)  # one message, newline escaped
    assert result.outputs["breaking"] == "true"


def test_a_fork_pull_request_reports_in_the_step_summary(pull_request, cli, github):
    _drop_status(pull_request)
    pull_request.push()
    result = pull_request.check(cli, token=READ_TOKEN, fork=True)
    assert result.code == 1  # the verdict does not depend on the comment
    assert github.ours(7) == [] and "comment read-only" in result.err
    assert "The pull-request comment was not posted" in result.summary
    assert "two-workflow setup in the README" in result.summary and "## ❌ dativo-check" in result.summary
    assert result.outputs["breaking"] == "true"


def test_fail_on_and_fail_on_bump_decide_the_exit_code(pull_request, cli):
    _drop_status(pull_request)
    pull_request.push()
    assert pull_request.check(cli, "--fail-on", "never", comment=False).code == 0
    assert pull_request.check(cli, "--fail-on", "never", "--fail-on-bump", comment=False).code == 1
    _release_drop_of_status(pull_request)
    pull_request.push()
    fixed = pull_request.check(cli, "--fail-on", "warning", comment=False)
    assert fixed.code == (1 if fixed.report["summary"]["warnings"] else 0)
    assert pull_request.check(cli, comment=False).code == 0


def test_several_changed_contracts_give_next_versions_as_lines(pull_request, cli):
    _drop_status(pull_request)
    pull_request.edit(STRIPE, "version: 1.0.0", "version: 1.0.1")
    pull_request.edit(STRIPE, "without calling the Stripe API.", "without calling the Stripe API directly.")
    pull_request.push()
    result = pull_request.check(cli, comment=False)
    assert result.outputs["next-version"].split("\n") == ["postgres-orders=2.0.0", "stripe-customers=1.0.1"]
    assert result.outputs["breaking"] == "true"  # values after the multi-line one are read correctly


def test_a_shallow_checkout_fetches_the_base(pull_request, cli, tmp_path, github):
    _drop_status(pull_request)
    pull_request.push()
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{pull_request.root}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    shallow = PullRequest(clone, pull_request.work, github, base=pull_request.base, head=pull_request.head)
    result = shallow.check(cli, comment=False)
    assert "fetched the base" in result.err + json.dumps(result.report["notes"])
    assert result.report["base"] == pull_request.base and result.report["breaking"] is True


def test_a_new_branch_push_only_validates(pull_request, cli, tmp_path):
    event = tmp_path / "push.json"
    event.write_text(json.dumps({"ref": "refs/heads/feature", "before": "0" * 40, "after": pull_request.base}))
    run = cli("ci", cwd=pull_request.root, env={"GITHUB_EVENT_PATH": str(event), "GITHUB_EVENT_NAME": "push",
                                                 "GITHUB_ACTIONS": "false"})
    assert run.code == 0 and "new branch was pushed" in run.err and "validated all 5 contract(s)" in run.out


def test_merge_queue_compares_with_its_base(pull_request, cli, tmp_path):
    _drop_status(pull_request)
    head = pull_request.push()
    event = tmp_path / "merge_group.json"
    event.write_text(json.dumps({"merge_group": {"base_sha": pull_request.base, "head_sha": head}}))
    run = cli("ci", cwd=pull_request.root, env={"GITHUB_EVENT_PATH": str(event), "GITHUB_EVENT_NAME": "merge_group",
                                                 "GITHUB_ACTIONS": "false"})
    assert run.code == 1 and "merge queue's base commit" in run.err


def _workflow_run(pr: PullRequest, tmp_path: Path, head: str, pulls: list | None = None) -> dict[str, str]:
    event = tmp_path / "workflow_run.json"
    event.write_text(json.dumps({"action": "completed", "workflow_run": {
        "id": 4242, "event": "pull_request", "head_sha": head, "pull_requests": pulls or []}}))
    return {"GITHUB_EVENT_PATH": str(event), "GITHUB_EVENT_NAME": "workflow_run", "GITHUB_TOKEN": WRITE_TOKEN,
            "GITHUB_REPOSITORY": pr.github.repository, "GITHUB_API_URL": pr.github.url,
            "GITHUB_STEP_SUMMARY": str(tmp_path / "publish-summary.md")}


def test_a_fork_report_is_posted_by_the_workflow_run_workflow(pull_request, cli, github, tmp_path):
    _drop_status(pull_request)
    pull_request.push()
    computed = pull_request.check(cli, token=READ_TOKEN, fork=True, comment=False)
    report = pull_request.work / f"report-{pull_request.runs}.json"
    run = cli("publish", str(report), env=_workflow_run(pull_request, tmp_path, pull_request.head))
    assert run.code == 0 and "comment created" in run.err
    [comment] = github.ours(7)
    assert "run=4242" in comment["body"] and computed.report["contracts"][0]["id"] == "postgres-orders"
    assert "1 breaking change needs version `2.0.0`" in comment["body"]


def test_a_forged_report_cannot_comment_on_another_pull_request(pull_request, cli, github, tmp_path):
    _drop_status(pull_request)
    pull_request.push()
    pull_request.check(cli, comment=False)
    report = json.loads((pull_request.work / f"report-{pull_request.runs}.json").read_text())
    github.pulls[8] = "f" * 40  # another pull request, at another commit
    report["run"]["pull_request"] = 8
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(report))
    run = cli("publish", str(forged), env=_workflow_run(pull_request, tmp_path, pull_request.head))
    assert run.code == 0 and "comment stale" in run.err and github.writes() == []
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({**report, "summary": {**report["summary"], "errors": "many"}}))
    run = cli("publish", str(broken), env=_workflow_run(pull_request, tmp_path, pull_request.head))
    assert run.code == 2 and "is not a dativo-check JSON report: at /summary/errors" in run.err


def test_a_comment_that_cannot_be_posted_keeps_the_summary_outputs_and_verdict(pull_request, cli, github):
    _drop_status(pull_request)
    pull_request.push()
    del github.pulls[7]  # GitHub answers 404: say so, but the check's own results stand
    result = pull_request.check(cli, "--fail-on", "never")
    assert result.code == 0 and "comment failed: could not post the pull-request comment" in result.err
    assert "404" in result.err and "The pull-request comment was not posted" in result.summary
    assert result.outputs["breaking"] == "true" and github.writes() == []
