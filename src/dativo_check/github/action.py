"""What a pull-request check leaves in GitHub: step outputs, the step summary, annotations and the one comment.

Everything here reads the JSON report document (`report.json_format.to_dict`), so `publish`, which posts the comment
of an unprivileged run from its artifact, goes through the same code as `ci`.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any, Mapping, TextIO

from dativo_check.core.errors import UsageError
from dativo_check.github.api import GitHubApi, GitHubError
from dativo_check.github.comment import DEFAULT_AUTHOR, Outcome, Target, publish
from dativo_check.github.event import RunContext
from dativo_check.github.outputs import OutputValue
from dativo_check.report.comment_format import COMMENT_LIMIT, SUMMARY_LIMIT, render_document

# room for the marker line the comment adds in front of the rendered body
_MARKER_ROOM = 200


def outputs_of(doc: Mapping[str, Any], report_path: str | None) -> dict[str, OutputValue]:
    """The step outputs: `next-version` is the version itself for one changed contract, `id=version` lines for
    several (each line one contract: `write_outputs` keeps any text from breaking it)."""
    summary = doc.get("summary") or {}
    versions = [(str(contract["id"]), str(contract["next_version"])) for contract in doc.get("contracts") or []
                if contract.get("next_version")]
    next_version: OutputValue = (versions[0][1] if len(versions) == 1
                                 else tuple(f"{cid}={ver}" for cid, ver in versions))
    cost = doc.get("cost")
    return {
        "breaking": "true" if doc.get("breaking") else "false",
        "required-bump": str(doc.get("required_bump") or "none"),
        "next-version": next_version,
        "error-count": str(summary.get("errors", 0)),
        "warning-count": str(summary.get("warnings", 0)),
        "cost-delta": f"{cost['delta']:.2f}" if cost else "",
        "report-path": report_path or "",
        "failed": "true" if (doc.get("gate") or {}).get("failed") else "false",
    }


def has_news(doc: Mapping[str, Any]) -> bool:
    """Something a reviewer should see: a changed contract, or a warning or error."""
    summary = doc.get("summary") or {}
    return bool(doc.get("contracts") or summary.get("errors") or summary.get("warnings"))


def comment_body(doc: Mapping[str, Any]) -> str:
    return render_document(doc, COMMENT_LIMIT - _MARKER_ROOM)


def _short_body(doc: Mapping[str, Any]) -> str:
    """For a 422 "Body is too long" answer: tables only."""
    return render_document(doc, 20_000)


def api_for(context: RunContext) -> GitHubApi:
    if not context.token:
        raise UsageError("posting a comment needs a token: set GITHUB_TOKEN (the action passes `github-token`)")
    if not context.repository:
        raise UsageError("posting a comment needs GITHUB_REPOSITORY (owner/name)")
    return GitHubApi(context.api_url, context.token, context.repository)


def comment_on_pull_request(doc: Mapping[str, Any], context: RunContext, author: str = DEFAULT_AUTHOR) -> Outcome:
    """The comment of a `ci` run on the pull request it checks."""
    if context.pull_number is None:
        return Outcome("skipped", "not a pull request: no comment")
    target = Target(context.pull_number, context.job, context.run_id, context.head_sha, author)
    return _post(doc, context, target)


def comment_from_artifact(doc: Mapping[str, Any], context: RunContext, author: str = DEFAULT_AUTHOR) -> Outcome:
    """The comment of an unprivileged run, posted by a `workflow_run` workflow from the run's JSON report.

    Everything the report says is untrusted: the repository, the run id and the head commit come from the
    `workflow_run` event; the pull-request number the report names is only used when the pull request's current
    head is the commit the run checked (`publish` verifies it), so a report cannot comment anywhere else."""
    run = (context.event or {}).get("workflow_run")
    if context.event_name != "workflow_run" or not isinstance(run, dict):
        raise UsageError("publish runs in a `workflow_run` workflow (GITHUB_EVENT_NAME=workflow_run)")
    head = run.get("head_sha")
    if not isinstance(head, str):
        raise UsageError("the workflow_run event has no head_sha")
    listed = [pull.get("number") for pull in run.get("pull_requests") or []
              if isinstance(pull, dict) and (pull.get("head") or {}).get("sha") == head]
    named = (doc.get("run") or {}).get("pull_request")
    number = listed[0] if listed and isinstance(listed[0], int) else named
    if not isinstance(number, int):
        return Outcome("skipped", "the report is not about a pull request: no comment")
    target = Target(number, (doc.get("run") or {}).get("job"), str(run.get("id", "")), head, author)
    return _post(doc, context, target)


def _post(doc: Mapping[str, Any], context: RunContext, target: Target) -> Outcome:
    try:
        return publish(api_for(context), target, comment_body(doc), has_news(doc), lambda: _short_body(doc))
    except UsageError as error:
        return Outcome("failed", str(error))
    except GitHubError as error:  # the check's verdict, summary and outputs stand without the comment
        return Outcome("failed", f"could not post the pull-request comment: {error}")


def summary_note(outcome: Outcome | None, context: RunContext) -> str | None:
    """What the step summary says about the comment when it was not written."""
    if outcome is not None and outcome.action == "read-only":
        return ("The pull-request comment was not posted: " + outcome.detail + ". For pull requests from forks, "
                "see the two-workflow setup in the README.")
    if outcome is not None and outcome.action == "failed":
        return f"The pull-request comment was not posted: {outcome.detail}."
    if outcome is None and context.from_fork:
        return ("This pull request comes from a fork, so its token is read-only: this summary is the report. "
                "The two-workflow setup in the README posts it as a comment.")
    return None


def summary_markdown(doc: Mapping[str, Any], note: str | None) -> str:
    return render_document(doc, SUMMARY_LIMIT, note=note)


def print_guarded(text: str, stream: TextIO | None = None) -> None:
    """Print untrusted text in a GitHub Actions log: workflow commands are switched off around it, so a contract
    that contains `::set-output` or `::add-mask::` lines cannot issue them."""
    stream = stream or sys.stdout
    token = secrets.token_hex(16)
    stream.write(f"::stop-commands::{token}\n{text}")
    stream.write(("" if text.endswith("\n") else "\n") + f"::{token}::\n")
    stream.flush()
