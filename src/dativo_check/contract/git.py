"""Read contracts from git history with few processes: a ref is resolved once, a tree is listed once, and every
blob a run needs is read through one `git cat-file --batch`, by object id (safe for any file name).

Paths are relative to the folder dativo-check runs in (the configuration root), which may be a subfolder of the
git work tree.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from dativo_check.core.errors import UsageError


class GitError(UsageError):
    """git is missing, the folder is not a repository, or a ref or its objects are not available."""


def run(cwd: Path, *args: str, input_bytes: bytes | None = None, check: bool = True) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=input_bytes, capture_output=True, timeout=300)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise GitError(message)
    return done.stdout


def toplevel(start: Path) -> Path:
    out = run(start, "rev-parse", "--show-toplevel", check=False).decode("utf-8", "replace").strip()
    if not out:
        raise GitError(f"{start} is not inside a git repository; comparing with a git ref needs one")
    return Path(out)


def _prefix(root: Path) -> str:
    """The configuration root relative to the top of the work tree, as git writes paths (`sub/dir/` or "")."""
    return _prefix_of(root.resolve())


@lru_cache(maxsize=64)
def _prefix_of(root: Path) -> str:
    # a run lists trees and file histories many times under one root: ask git where its top is only once
    relative = root.relative_to(toplevel(root).resolve()).as_posix()
    return "" if relative == "." else relative + "/"


def has_commits(root: Path) -> bool:
    return bool(run(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip())


def is_shallow(root: Path) -> bool:
    return run(root, "rev-parse", "--is-shallow-repository", check=False).decode().strip() == "true"


def resolve(root: Path, ref: str) -> str:
    """The commit a ref names, or a GitError that says how to make it available."""
    if ref.startswith("-"):
        raise GitError(f"invalid ref {ref!r}")
    out = run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).decode().strip()
    if out:
        return out
    if not has_commits(root):
        raise GitError(f"git ref {ref!r} does not exist: the repository has no commits yet")
    advice = ("this is a shallow clone: fetch the history (actions/checkout with `fetch-depth: 0`), run "
              f"`git fetch origin {ref}`, or pass --fetch") if is_shallow(root) else (
        f"check the name, or fetch it: `git fetch origin {ref}` (or pass --fetch)")
    raise GitError(f"git ref {ref!r} is not available in this clone; {advice}")


def _fetchable(ref: str) -> str:
    if ref.startswith("-") or not ref.strip():
        raise GitError(f"invalid ref {ref!r}")  # an option in disguise, such as --upload-pack=...
    return ref


def fetch(root: Path, ref: str) -> None:
    """Make `ref` available: fetch it from origin, deepening a shallow clone."""
    _fetchable(ref)
    args = ["fetch", "--no-tags", "--quiet", "origin", ref]
    if is_shallow(root):
        args.insert(1, "--unshallow")
    try:
        run(root, *args)
    except GitError as error:
        raise GitError(f"could not fetch {ref!r} from origin: {error}") from None


def fetch_commit(root: Path, commit: str) -> None:
    """Fetch one missing commit (a pull request's base in a shallow checkout) without the whole history."""
    _fetchable(commit)
    shallow = ["--depth=1"] if is_shallow(root) else []
    try:
        run(root, "fetch", "--no-tags", "--quiet", *shallow, "origin", commit)
    except GitError as error:
        raise GitError(f"could not fetch {commit!r} from origin: {error}") from None


def changed_since(root: Path, commit: str) -> set[str]:
    """Paths under `root` (relative to it) whose working-tree content differs from `commit`, from one `git diff`."""
    out = run(root, "diff", "--name-only", "--no-renames", "--relative", "-z", commit, "--")
    return {path.decode("utf-8", "surrogateescape") for path in out.split(b"\0") if path}


def tree(root: Path, commit: str) -> dict[str, str]:
    """Every file of a commit under `root`: its path relative to `root` and its blob id, from one `git ls-tree`."""
    prefix = _prefix(root)
    out = run(root, "ls-tree", "-r", "-z", "--full-tree", commit)
    files: dict[str, str] = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path_bytes = entry.partition(b"\t")
        parts = meta.split()
        path = path_bytes.decode("utf-8", "surrogateescape")
        if len(parts) == 3 and parts[1] == b"blob" and path.startswith(prefix):
            files[path[len(prefix):]] = parts[2].decode()
    return files


def read_objects(root: Path, oids: Iterable[str]) -> dict[str, bytes]:
    """Contents of many blobs, by id, through a single `git cat-file --batch` process."""
    wanted = list(dict.fromkeys(oids))
    if not wanted:
        return {}
    out = run(root, "cat-file", "--batch", input_bytes="".join(f"{oid}\n" for oid in wanted).encode())
    blobs: dict[str, bytes] = {}
    position = 0
    for oid in wanted:
        end = out.find(b"\n", position)
        if end < 0:
            raise GitError("git cat-file ended early")
        header = out[position:end].split(b" ")
        position = end + 1
        if len(header) != 3 or not header[2].isdigit():
            continue  # "<oid> missing"
        size = int(header[2])
        if header[1] == b"blob":
            blobs[oid] = out[position:position + size]
        position += size + 1
    return blobs


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str
    subject: str


@dataclass(frozen=True)
class FileVersion:
    """A file as one commit left it: where it was and which blob it held."""

    commit: Commit
    path: str
    oid: str


def file_history(root: Path, path: str, ref: str = "HEAD") -> list[FileVersion]:
    """The versions of one file (newest first), following renames, from one `git log --follow`."""
    prefix = _prefix(root)
    out = run(root, "log", "--follow", "--raw", "-z", "--no-abbrev", "--format=%x1e%H%x1f%an%x1f%aI%x1f%s",
              ref, "--", f":(top,literal){prefix}{path}").decode("utf-8", "surrogateescape")
    versions = []
    for record in out.split("\x1e")[1:]:
        head, _, raw = record.partition("\0")  # -z ends the formatted line with NUL, the raw records follow
        sha, author, date, subject = (head.split("\x1f") + ["", "", "", ""])[:4]
        fields = [field for field in raw.split("\0") if field]
        # raw records: ":old_mode new_mode old_oid new_oid status", then one path, or two for renames and copies
        index = 0
        while index < len(fields):
            meta = fields[index].lstrip("\n").split()
            status = meta[-1] if meta else ""
            names = fields[index + 1:index + (3 if status[:1] in "RC" else 2)]
            index += 1 + len(names)
            if len(meta) >= 5 and names and status[:1] != "D":
                current = names[-1]
                if current.startswith(prefix):
                    versions.append(FileVersion(Commit(sha, author, date, subject), current[len(prefix):], meta[3]))
    return versions
