"""What a GitHub Actions run is about: the event payload, the base to compare with, and why that base.

The environment is read once, by `from_environment`, and passed down as a `RunContext`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Mapping

from dativo_check.core.errors import UsageError

ZERO_SHA = "0" * 40


def _part(data: Any, *keys: str) -> Any:
    """A value deep in an event payload, or None when any step of the way is missing or not an object."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


@dataclass(frozen=True)
class RunContext:
    """The parts of the Actions environment a check needs."""

    event_name: str | None = None
    event: Mapping[str, Any] | None = None
    repository: str | None = None
    api_url: str = "https://api.github.com"
    server_url: str = "https://github.com"
    run_id: str | None = None
    job: str | None = None
    sha: str | None = None
    step_summary: str | None = None
    output: str | None = None
    token: str | None = None

    @property
    def pull_request(self) -> Mapping[str, Any] | None:
        pull = (self.event or {}).get("pull_request")
        return pull if isinstance(pull, dict) else None

    @property
    def pull_number(self) -> int | None:
        number = (self.pull_request or {}).get("number")
        return number if isinstance(number, int) else None

    @property
    def head_sha(self) -> str | None:
        for sha in (_part(self.pull_request, "head", "sha"), _part(self.event, "merge_group", "head_sha")):
            if isinstance(sha, str):
                return sha
        return self.sha

    @property
    def from_fork(self) -> bool:
        """A pull request from another repository runs with a read-only token."""
        head_repo = _part(self.pull_request, "head", "repo", "full_name")
        base_repo = _part(self.pull_request, "base", "repo", "full_name")
        return bool(head_repo and base_repo and head_repo != base_repo)

    @property
    def run_url(self) -> str | None:
        if self.repository and self.run_id:
            return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"
        return None

    def to_dict(self) -> dict[str, Any]:
        """What the report records of the run: enough for a later workflow to post its comment."""
        return {"repository": self.repository, "event_name": self.event_name, "pull_request": self.pull_number,
                "head_sha": self.head_sha, "run_id": self.run_id, "job": self.job, "run_url": self.run_url,
                "from_fork": self.from_fork}


def from_environment(environ: Mapping[str, str] | None = None) -> RunContext:
    env = os.environ if environ is None else environ
    event = None
    path = env.get("GITHUB_EVENT_PATH")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                event = json.load(handle)
        except (OSError, ValueError) as error:
            raise UsageError(f"cannot read the event payload {path}: {error}") from None
        if not isinstance(event, dict):
            raise UsageError(f"the event payload {path} is not a JSON object")
    return RunContext(
        event_name=env.get("GITHUB_EVENT_NAME"), event=event, repository=env.get("GITHUB_REPOSITORY"),
        api_url=env.get("GITHUB_API_URL", "https://api.github.com"),
        server_url=env.get("GITHUB_SERVER_URL", "https://github.com"), run_id=env.get("GITHUB_RUN_ID"),
        job=env.get("GITHUB_JOB"), sha=env.get("GITHUB_SHA"), step_summary=env.get("GITHUB_STEP_SUMMARY"),
        output=env.get("GITHUB_OUTPUT"), token=env.get("GITHUB_TOKEN") or env.get("INPUT_GITHUB_TOKEN"))


@dataclass(frozen=True)
class BaseChoice:
    """The base to compare with, or None (nothing to compare: only validate), and why."""

    ref: str | None
    reason: str


def choose_base(explicit: str | None, context: RunContext) -> BaseChoice:
    if explicit:
        return BaseChoice(explicit, "given with --base")
    event = context.event or {}
    sha = _part(context.pull_request, "base", "sha")
    if isinstance(sha, str) and sha:
        return BaseChoice(sha, f"the pull request's base commit ({context.event_name} event)")
    merge_base = _part(event, "merge_group", "base_sha")
    if isinstance(merge_base, str) and merge_base:
        return BaseChoice(merge_base, "the merge queue's base commit (merge_group event)")
    before = event.get("before")
    if isinstance(before, str) and before:
        if before == ZERO_SHA:
            return BaseChoice(None, "a new branch was pushed (before is all zeros): nothing to compare with, "
                                    "contracts are validated only")
        return BaseChoice(before, "the commit before the push (push event)")
    return BaseChoice(None, "no --base and no pull request, merge group or push in the event: contracts are "
                            "validated only")
