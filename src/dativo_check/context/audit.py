"""The audit log: one hash-chained JSON line per context request, allowed or denied, and its verification.

A line records who asked what, for which purpose, what was decided by which rules under which policy, what was
withheld and the hash of the response; never the response itself. Each line carries the hash of the line before it
(`prev`) and its own (`hash`, over all its other keys), so editing, removing or moving a line breaks the chain at
that line. Removing lines from the end leaves a valid, shorter chain: keep the head hash `verify` prints somewhere
else and pass it back with `--head` to catch that too.

A line is read strictly: it must be byte for byte the canonical serialisation the writer produces (`serialise`).
Otherwise two readers could see two records in one line: with a key given twice, `json.loads` keeps the last value
and other parsers the first, while the hash covers only one of them.

Appending fails closed: when the line cannot be written the request fails and its response is never shown.
"""

from __future__ import annotations

import collections
import datetime
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, NoReturn

from dativo_check.context import rules as docs
from dativo_check.context.policy import canonical_json
from dativo_check.core.errors import UsageError
from dativo_check.core.model import Finding

GENESIS = "sha256:" + "0" * 64
_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAIL_CHUNK = 65536


class AuditError(UsageError):
    """The audit line could not be written; the request is refused."""


def entry_hash(entry: Mapping[str, Any]) -> str:
    body = {key: value for key, value in entry.items() if key != "hash"}
    return "sha256:" + hashlib.sha256(canonical_json(body).encode("ascii")).hexdigest()


def serialise(entry: Mapping[str, Any]) -> bytes:
    """The one way a line is written: canonical JSON and a line end."""
    return (canonical_json(entry) + "\n").encode("ascii")


class LineProblem(ValueError):
    """What makes a line something other than a line the writer wrote (completes "line N ...")."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    entry = dict(pairs)
    if len(entry) < len(pairs):
        key = next(key for key, count in collections.Counter(key for key, _ in pairs).items() if count > 1)
        raise LineProblem(f"has the key {key[:80]!r} more than once: readers that keep the first value and readers "
                          "that keep the last see different records, so it was tampered with")
    return entry


def _not_json(constant: str) -> NoReturn:
    raise ValueError(f"{constant} is not JSON")


def parse_line(raw: bytes) -> dict[str, Any]:
    """The record of one line (with its line end), read strictly; LineProblem says why it is not one."""
    try:
        entry = json.loads(raw, object_pairs_hook=_unique_keys, parse_constant=_not_json)
    except LineProblem:  # a key given twice, found while parsing: a ValueError, but not "not JSON"
        raise
    except ValueError:  # UnicodeDecodeError included
        raise LineProblem("is not JSON: it was edited") from None
    if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str) or "prev" not in entry:
        raise LineProblem("is not an audit record (no hash or prev)")
    if raw != serialise(entry):
        raise LineProblem("is not written the way the log writes lines (canonical JSON: sorted keys, no spaces, "
                          "ASCII escapes, one line end): it was rewritten or edited")
    return entry


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class AuditLog:
    path: Path

    def append(self, record: Mapping[str, Any]) -> str:
        """Append `record` as the next line of the chain and return its hash; AuditError when that fails."""
        if not self.path.name.endswith(".jsonl"):
            raise AuditError(f"audit log {self.path} must be a .jsonl file (no appending to other kinds of file); "
                             "the request is refused")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_NOFOLLOW: a repository could plant a symlink here to make us append to another file.
            handle = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as error:
            raise AuditError(self._refusal(error)) from None
        try:
            _lock(handle)
            mode = os.fstat(handle).st_mode
            if not stat.S_ISREG(mode):
                raise AuditError(f"audit log {self.path} is not a regular file; the request is refused")
            # a log made by someone else may be open to anyone who wants to edit it (Windows has no such modes)
            if stat.S_IMODE(mode) != 0o600 and hasattr(os, "fchmod"):
                os.fchmod(handle, 0o600)
            entry = dict(record, prev=_last_hash(handle, self.path))
            entry["hash"] = entry_hash(entry)
            view = memoryview(serialise(entry))
            while view:
                view = view[os.write(handle, view):]
            os.fsync(handle)
            return entry["hash"]
        except OSError as error:
            raise AuditError(self._refusal(error)) from None
        finally:
            os.close(handle)

    def _refusal(self, error: OSError) -> str:
        return (f"cannot write the audit log {self.path}: {error.strerror or error}; the request is refused "
                "(context is only given out when it is audited)")


def _lock(handle: int) -> None:
    """An exclusive lock while the chain's last line is read and the next one written (several servers may share
    one log); released when the file is closed."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: appends are not serialised between processes
        return
    fcntl.flock(handle, fcntl.LOCK_EX)


def _last_hash(handle: int, path: Path) -> str:
    size = os.fstat(handle).st_size
    if size == 0:
        return GENESIS
    if os.pread(handle, 1, size - 1) != b"\n":
        raise AuditError(f"audit log {path} ends with an incomplete line; the request is refused until the log is "
                         f"repaired (see `dativo-check context verify-audit {path}`)")
    start = size - 1
    tail = b""
    while start > 0 and b"\n" not in tail[:-1]:
        start = max(0, start - _TAIL_CHUNK)
        tail = os.pread(handle, size - start, start)
    last = tail[:-1].rsplit(b"\n", 1)[-1] + b"\n"
    try:
        previous = parse_line(last)["hash"]
    except LineProblem:
        previous = None
    if previous is None or not _HASH.match(previous):
        raise AuditError(f"the last line of the audit log {path} is not a valid audit line; the request is refused "
                         f"until the log is repaired (see `dativo-check context verify-audit {path}`)")
    return previous


@dataclass(frozen=True)
class Verification:
    lines: int
    head: str
    problem: Finding | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(path: str | Path, expected_head: str | None = None) -> Verification:
    """Check the whole chain; the first broken line is the problem (everything after it is unverifiable)."""
    file = str(path)
    previous = GENESIS
    seen: set[str] = set()
    count = 0

    def broken(line: int, message: str) -> Verification:
        return Verification(count, previous, docs.AUDIT_BROKEN.finding(file, message, line, 1))

    try:
        with open(path, "rb") as handle:
            for count, raw in enumerate(handle, 1):
                if not raw.endswith(b"\n"):
                    return broken(count, f"line {count} is incomplete (no line end): a write was cut off or the "
                                         "line was edited")
                try:
                    entry = parse_line(raw)
                except LineProblem as problem:
                    return broken(count, f"line {count} {problem}")
                if entry_hash(entry) != entry["hash"]:
                    return broken(count, f"line {count} was edited: its hash does not match its content")
                if entry["prev"] != previous:
                    where = "the first line of the log" if count == 1 else f"the line after line {count - 1}"
                    return broken(count, f"line {count} is not {where}: a line before it was removed, or lines "
                                         "were reordered")
                previous = entry["hash"]
                seen.add(previous)
    except OSError as error:
        raise UsageError(f"cannot read the audit log {path}: {error.strerror or error}") from None
    if expected_head is not None and expected_head not in seen:
        return Verification(count, previous, docs.AUDIT_BROKEN.finding(
            file, f"the chain no longer contains the expected head {expected_head}: lines were removed from its end "
                  "or the log was replaced", max(count, 1), 1))
    return Verification(count, previous)
