"""Read contracts from git history: resolve a ref, list a tree, and read every blob in one `git cat-file --batch`."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from dativo_check.errors import UsageError


class GitError(UsageError):
    """git is missing, the folder is not a repository, or a ref or its objects are not available."""


@dataclass
class GitStats:
    """How many git processes a run started (the benchmarks report it)."""

    processes: int = 0


STATS = GitStats()


def run(root: Path, *args: str, input_bytes: bytes | None = None, check: bool = True) -> bytes:
    STATS.processes += 1
    try:
        done = subprocess.run(["git", *args], cwd=root, input=input_bytes, capture_output=True, timeout=300)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise GitError(message)
    return done.stdout


def toplevel(start: Path) -> Path:
    try:
        return Path(run(start, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        raise GitError(f"{start} is not inside a git repository; --base needs one") from None


def is_shallow(root: Path) -> bool:
    return run(root, "rev-parse", "--is-shallow-repository", check=False).decode().strip() == "true"


def resolve(root: Path, ref: str) -> str:
    """The commit a ref names, or a GitError that says how to make it available."""
    if ref.startswith("-"):
        raise GitError(f"invalid ref {ref!r}")
    out = run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).decode().strip()
    if out:
        return out
    shallow = is_shallow(root)
    advice = ("this is a shallow clone: fetch the history (actions/checkout with `fetch-depth: 0`), run "
              f"`git fetch origin {ref}`, or pass --fetch") if shallow else (
        f"check the name, or fetch it: `git fetch origin {ref}` (or pass --fetch)")
    raise GitError(f"git ref {ref!r} is not available in this clone; {advice}")


def fetch(root: Path, ref: str) -> None:
    """Make `ref` available: fetch it from origin, deepening a shallow clone."""
    args = ["fetch", "--no-tags", "--quiet", "origin", ref]
    if is_shallow(root):
        args.insert(1, "--unshallow")
    try:
        run(root, *args)
    except GitError as error:
        raise GitError(f"could not fetch {ref!r} from origin: {error}") from None


def list_files(root: Path, commit: str) -> list[str]:
    out = run(root, "ls-tree", "-r", "-z", "--name-only", commit)
    return [path for path in out.decode("utf-8", "replace").split("\0") if path]


def read_blobs(root: Path, specs: Sequence[str]) -> dict[str, bytes | None]:
    """Contents of many `commit:path` objects through a single `git cat-file --batch` process."""
    if not specs:
        return {}
    request = "".join(f"{spec}\n" for spec in specs).encode("utf-8")
    out = run(root, "cat-file", "--batch", input_bytes=request)
    blobs: dict[str, bytes | None] = {}
    position = 0
    for spec in specs:
        end = out.index(b"\n", position)
        header = out[position:end].split(b" ")
        position = end + 1
        if len(header) < 3 or header[-1] == b"missing" or header[1] != b"blob":
            blobs[spec] = None
            if len(header) == 3 and header[1] != b"blob" and header[2].isdigit():
                position += int(header[2]) + 1
            continue
        size = int(header[2])
        blobs[spec] = out[position:position + size]
        position += size + 1
    return blobs


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str
    subject: str


def log(root: Path, paths: Iterable[str], ref: str = "HEAD") -> list[tuple[Commit, list[str]]]:
    """Commits (newest first) that touched any of `paths`, each with the paths it touched, from one `git log`."""
    out = run(root, "log", "--format=%x1e%H%x1f%an%x1f%aI%x1f%s", "--name-only", "--no-renames", ref, "--",
              *paths).decode("utf-8", "replace")
    commits = []
    for record in out.split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        sha, author, date, subject = (head.split("\x1f") + ["", "", "", ""])[:4]
        commits.append((Commit(sha, author, date, subject), [name for name in names.splitlines() if name]))
    return commits
