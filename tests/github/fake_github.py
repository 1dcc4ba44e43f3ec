"""A local HTTP server that behaves like the parts of the GitHub REST API the pull-request comment uses.

It enforces what GitHub enforces: tokens (401 for an unknown one, 403 "Resource not accessible by integration" when a
read-only token writes), pagination by `per_page`/`page` with `Link` headers (30 by default, at most 100), and 422
"Body is too long" over 65,536 characters. Every request is recorded.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from contextlib import contextmanager
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

BOT = "github-actions[bot]"
WRITE_TOKEN, READ_TOKEN = "ghs_write_0123456789", "ghs_read_0123456789"
MAX_BODY = 65_536


@dataclass
class Request:
    method: str
    path: str
    body: Any


@dataclass
class FakeGitHub:
    repository: str = "acme/data-platform"
    pulls: dict[int, str] = field(default_factory=dict)  # number -> head sha
    comments: dict[int, list[dict]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    url: str = ""
    _next_id: int = 1000

    def add_comment(self, number: int, body: str, login: str) -> dict:
        self._next_id += 1
        comment = {"id": self._next_id, "body": body, "user": {"login": login},
                   "html_url": f"https://github.com/{self.repository}/pull/{number}#issuecomment-{self._next_id}"}
        self.comments.setdefault(number, []).append(comment)
        return comment

    def ours(self, number: int) -> list[dict]:
        return [c for c in self.comments.get(number, []) if "<!-- dativo-check:comment" in c["body"]]

    def writes(self) -> list[Request]:
        return [request for request in self.requests if request.method in ("POST", "PATCH")]


@contextmanager
def serving() -> Iterator[FakeGitHub]:
    state = FakeGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _handler(github: FakeGitHub):
    tokens = {WRITE_TOKEN: True, READ_TOKEN: False}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

        def _answer(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _serve(self, method: str) -> None:
            parsed = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            github.requests.append(Request(method, parsed.path, body))
            token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
            if token not in tokens:
                return self._answer(401, {"message": "Bad credentials"})
            prefix = f"/repos/{github.repository}/"
            if not parsed.path.startswith(prefix):
                return self._answer(404, {"message": "Not Found"})
            route = parsed.path[len(prefix):]
            if method in ("POST", "PATCH") and not tokens[token]:
                return self._answer(403, {"message": "Resource not accessible by integration"})
            if method in ("POST", "PATCH") and len((body or {}).get("body", "")) > MAX_BODY:
                return self._answer(422, {"message": "Validation Failed", "errors": [
                    {"resource": "IssueComment", "code": "custom", "field": "body",
                     "message": "Body is too long (maximum is 65536 characters)"}]})
            if method == "GET" and (found := re.fullmatch(r"pulls/(\d+)", route)):
                number = int(found.group(1))
                if number not in github.pulls:
                    return self._answer(404, {"message": "Not Found"})
                return self._answer(200, {"number": number, "head": {"sha": github.pulls[number]}})
            if found := re.fullmatch(r"issues/(\d+)/comments", route):
                number = int(found.group(1))
                if method == "GET":
                    return self._page(parsed, github.comments.get(number, []))
                if method == "POST":
                    return self._answer(201, github.add_comment(number, body["body"], BOT))
            if method == "PATCH" and (found := re.fullmatch(r"issues/comments/(\d+)", route)):
                for comments in github.comments.values():
                    for comment in comments:
                        if comment["id"] == int(found.group(1)):
                            comment["body"] = body["body"]
                            return self._answer(200, comment)
            return self._answer(404, {"message": "Not Found"})

        def _page(self, parsed, items: list[dict]) -> None:
            query = parse_qs(parsed.query)
            per_page = min(int(query.get("per_page", ["30"])[0]), 100)
            page = int(query.get("page", ["1"])[0])
            chunk = items[(page - 1) * per_page: page * per_page]
            headers = {}
            if page * per_page < len(items):
                base = f"{github.url}{parsed.path}?per_page={per_page}"
                last = (len(items) + per_page - 1) // per_page
                headers["Link"] = f'<{base}&page={page + 1}>; rel="next", <{base}&page={last}>; rel="last"'
            self._answer(200, chunk, headers)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

    return Handler
