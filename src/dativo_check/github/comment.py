"""The one sticky pull-request comment: found by a hidden marker and its author, updated in place, never duplicated.

- No comment on a pull request with nothing to report, unless one exists already; that one is updated to say the
  pull request is clean.
- An identical body is not sent again.
- An older run never overwrites a newer one: a run whose head commit is no longer the pull request's head writes
  nothing (the run for the new head reports), and for the same head a comment written by a later run (by run id, in
  the marker) is left alone.
- A read-only token (a pull request from a fork) is reported, not a failure: the step summary has the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from dativo_check.github.api import BodyTooLong, GitHubApi, ReadOnlyToken
from dativo_check.report.markdown import neutralise_markers

_MARKER = re.compile(r"<!-- dativo-check:comment job=(?P<job>[A-Za-z0-9_.-]*) run=(?P<run>\d*) "
                     r"head=(?P<head>[0-9a-f]*) -->")
DEFAULT_AUTHOR = "github-actions[bot]"  # the login of the job's GITHUB_TOKEN


def job_key(job: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", job or "default")[:100]


def marker(job: str | None, run_id: str | None, head: str | None) -> str:
    safe_run = run_id if run_id and run_id.isdigit() else ""
    safe_head = head if head and re.fullmatch(r"[0-9a-f]{7,64}", head) else ""
    return f"<!-- dativo-check:comment job={job_key(job)} run={safe_run} head={safe_head} -->"


@dataclass(frozen=True)
class Outcome:
    action: str  # created, updated, unchanged, skipped, stale, read-only, failed
    detail: str
    comment_id: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class Target:
    """Where and as whom to comment, and what the comment is about."""

    number: int
    job: str | None
    run_id: str | None
    head: str | None
    author: str = DEFAULT_AUTHOR


def publish(api: GitHubApi, target: Target, body: str, has_news: bool,
            fallback: Callable[[], str] | None = None) -> Outcome:
    """Create or update this job's comment on a pull request. `body` must not start with a marker: it is added.
    `fallback` renders a shorter body, for when GitHub answers that `body` is too long."""
    head = marker(target.job, target.run_id, target.head) + "\n"
    text = head + neutralise_markers(body)
    short = None if fallback is None else (lambda: head + neutralise_markers(fallback()))
    try:
        current = ((api.pull_request(target.number).get("head") or {}).get("sha"))
        if target.head and current and current != target.head:
            return Outcome("stale", f"this run checked {target.head[:7]}, the pull request is now at {current[:7]}; "
                                    "the run for the new head writes the comment")
        existing = _ours(api.comments(target.number), job_key(target.job), target.author)
        if existing is None:
            if not has_news:
                return Outcome("skipped", "nothing to report and no earlier comment")
            created = _send(lambda value: api.create_comment(target.number, value), text, short)
            return Outcome("created", "comment created", created.get("id"), created.get("html_url"))
        if _without_marker(existing.get("body")) == _without_marker(text):
            return Outcome("unchanged", "the comment already says this", existing.get("id"),
                           existing.get("html_url"))
        found = _MARKER.match(existing.get("body") or "")
        if found and found["head"] == (target.head or "") and _later(found["run"], target.run_id):
            return Outcome("stale", f"a later run ({found['run']}) wrote the comment; not overwritten",
                           existing.get("id"), existing.get("html_url"))
        _send(lambda value: api.update_comment(existing["id"], value), text, short)
        return Outcome("updated", "comment updated", existing.get("id"), existing.get("html_url"))
    except ReadOnlyToken:
        return Outcome("read-only", "the token cannot write comments here (a pull request from a fork, or the "
                                    "workflow lacks `pull-requests: write`); the report is in the step summary")


def _later(theirs: str, ours: str | None) -> bool:
    return bool(theirs and ours and ours.isdigit() and int(theirs) > int(ours))


def _without_marker(body: str | None) -> str:
    """The body without its marker line: a re-run with the same findings is not news."""
    found = _MARKER.match(body or "")
    return (body or "")[found.end():] if found else body or ""


def _ours(comments: list[dict[str, Any]], key: str, author: str) -> dict[str, Any] | None:
    """Our comment starts with the marker: another comment by the same bot that quotes a marker (a welcome bot that
    echoes a pull-request title) is not ours."""
    for comment in comments:
        found = _MARKER.match(comment.get("body") or "")
        login = (comment.get("user") or {}).get("login")
        if found and found["job"] == key and login == author:
            return comment
    return None


def _send(call: Callable[[str], dict], body: str, fallback: Callable[[], str] | None) -> dict:
    try:
        return call(body)
    except BodyTooLong:
        if fallback is None:
            raise
        return call(fallback())
