"""A small GitHub REST client for issue comments: the job's token, pagination by Link headers, clear errors.

The token is sent in the Authorization header only; it never appears in an error message or a log line.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Iterator

from dativo_check import __version__
from dativo_check.core.httputil import OPENER

_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class GitHubError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub API answered {status}: {message}")
        self.status = status


class ReadOnlyToken(GitHubError):
    """403: the token may not write here (a pull request from a fork, or missing `pull-requests: write`)."""


class BodyTooLong(GitHubError):
    """422: the comment body is over GitHub's limit."""


@dataclass
class GitHubApi:
    api_url: str
    token: str = field(repr=False)
    repository: str
    timeout: float = 30.0

    def _request(self, method: str, url: str, body: Any = None) -> tuple[Any, str]:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Accept": "application/vnd.github+json", "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28", "User-Agent": f"dativo-check/{__version__}",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with OPENER.open(request, timeout=self.timeout) as response:  # never follows the token elsewhere
                payload = response.read()
                return (json.loads(payload) if payload else None), response.headers.get("Link", "")
        except urllib.error.HTTPError as error:
            message = _message(error)
            if error.code == 403 and "rate limit" not in message.lower():
                raise ReadOnlyToken(403, message) from None
            if error.code == 422 and "too long" in message.lower():
                raise BodyTooLong(422, message) from None
            raise GitHubError(error.code, message) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise GitHubError(0, f"cannot reach {self.api_url}: {reason}") from None

    def _url(self, path: str) -> str:
        return f"{self.api_url.rstrip('/')}/repos/{self.repository}/{path.lstrip('/')}"

    def paginate(self, path: str) -> Iterator[Any]:
        url: str | None = self._url(path) + ("&" if "?" in path else "?") + "per_page=100"
        while url:
            items, link = self._request("GET", url)
            yield from items or []
            match = _NEXT.search(link or "")
            url = match.group(1) if match else None

    def pull_request(self, number: int) -> dict[str, Any]:
        return self._request("GET", self._url(f"pulls/{number}"))[0] or {}

    def comments(self, number: int) -> list[dict[str, Any]]:
        return list(self.paginate(f"issues/{number}/comments"))

    def create_comment(self, number: int, body: str) -> dict[str, Any]:
        return self._request("POST", self._url(f"issues/{number}/comments"), {"body": body})[0]

    def update_comment(self, comment_id: int, body: str) -> dict[str, Any]:
        return self._request("PATCH", self._url(f"issues/comments/{comment_id}"), {"body": body})[0]


def _message(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        return error.reason or "error"
    message = body.get("message") if isinstance(body, dict) else None
    details = body.get("errors") if isinstance(body, dict) else None
    if isinstance(details, list) and details:
        first = details[0]
        extra = first.get("message") if isinstance(first, dict) else str(first)
        if extra:
            return f"{message}: {extra}" if message else str(extra)
    return str(message or error.reason or "error")
