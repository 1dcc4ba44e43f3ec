"""File writes that never leave a half-written file behind and never escape the folder they were given."""

from __future__ import annotations

import os
import re
import stat
import uuid
from pathlib import Path

from dativo_check.core.errors import UsageError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
MAX_NAME = 100  # leaves room for a timestamp and a counter within the 255 bytes a file name may have
_MAX_TRIES = 10_000


def safe_name(name: str | None) -> str:
    """`name` as one harmless file-name part: only `A-Z a-z 0-9 . _ -` (others become `_`), leading dots become `_`
    so that `..` or a hidden file cannot come out of it; never empty, at most `MAX_NAME` characters."""
    cleaned = _UNSAFE.sub("_", name or "")[:MAX_NAME]
    stripped = cleaned.lstrip(".")
    return "_" * (len(cleaned) - len(stripped)) + stripped or "_"


def _write_all(handle: int, data: bytes) -> None:
    """All of `data`: `os.write` may write less than it was given (a signal, a large buffer), so write the rest."""
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


def _regular_mode(path: Path) -> int | None:
    """The permission bits of the regular file at `path`; None when there is none (missing, a symlink, ...)."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    return stat.S_IMODE(status.st_mode) if stat.S_ISREG(status.st_mode) else None


class NotRegular(OSError):
    """The path is not a regular file (a FIFO, socket, device or folder), so it is not read."""


# a FIFO opened for reading would block until a writer came; O_NONBLOCK makes the open return at once
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_regular(path: Path | str, limit: int = -1, follow: bool = True) -> bytes:
    """The bytes (the first `limit`, if given) of the regular file at `path`. Anything else raises `NotRegular`
    without blocking: a FIFO named `*.yaml` must not hang a scan; without `follow`, a symlink is refused too."""
    flags = _READ_FLAGS | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        handle = os.open(path, flags)
    except OSError as error:
        if not follow and os.path.islink(path):
            raise NotRegular(f"{path} is a symbolic link") from None
        raise error
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise NotRegular(f"{path} is not a regular file")
        return stream.read(limit)


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place in one step.

    Text is written as given (no newline translation); an existing regular file keeps its permissions, a new one
    gets the permissions the umask allows, as with a plain `open()`. A symlink at `path` is replaced, not followed:
    neither its target nor the target's permissions are used. The temporary file gets a name no one can have
    prepared (a link or a FIFO there would be followed or would block the open), and is created exclusively.
    """
    target = Path(path)
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
    mode = _regular_mode(target)
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex[:16]}.tmp"
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        try:
            _write_all(handle, data)
        finally:
            os.close(handle)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def write_new(folder: Path | str, stem: str, suffix: str, content: str | bytes) -> Path:
    """Write `content` to `folder/<stem><suffix>`, or `<stem>_1<suffix>`, `_2`, ... when that name is taken.

    `stem` may name subfolders, which are created; the sandbox keeps the file inside `folder`. The content goes to a
    hidden temporary file first, synced to disk, then hard-linked to its name: unlike a rename, a link never replaces
    an existing file, so two writers racing for one name both keep their file, and a reader never sees one
    half-written (not even empty). Returns the file written.
    """
    sandbox = Sandbox(folder)
    first = sandbox.path(f"{stem}{suffix}")
    first.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    temporary = first.parent / f".{first.stem}.{uuid.uuid4().hex}.tmp"  # readers of `*<suffix>` never pick it up
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        try:
            _write_all(handle, data)
            os.fsync(handle)
        finally:
            os.close(handle)
        for counter in range(_MAX_TRIES):
            target = first if counter == 0 else sandbox.path(f"{stem}_{counter}{suffix}")
            try:
                os.link(temporary, target)
                return target
            except FileExistsError:
                continue
    finally:
        os.unlink(temporary)
    raise UsageError(f"too many files named {first.name} in {first.parent}")


def inside(folder: Path | str, relative: str) -> Path:
    """`folder/relative`, refusing any path that would land outside `folder`; see `Sandbox`."""
    return Sandbox(folder).path(relative)


class Sandbox:
    """Paths inside one folder, refusing absolute paths, `..`, and folders on the way that are symlinks to elsewhere.

    The file itself may be a symlink: atomic writes replace it rather than follow it. Each folder on the way is
    checked once, which matters when thousands of files land in a few folders.
    """

    def __init__(self, folder: Path | str) -> None:
        self.folder = str(folder)
        self._base = os.path.realpath(self.folder)
        self._checked: dict[str, str] = {}

    def path(self, relative: str) -> Path:
        if os.path.isabs(relative) or "\0" in relative:
            raise UsageError(f"refusing to write {relative!r}: not a relative path")
        normal = os.path.normpath(relative)
        if normal == ".." or normal.startswith(".." + os.sep):
            raise UsageError(f"refusing to write {relative!r}: it would land outside {self.folder}")
        folder = os.path.dirname(normal)
        parent = self._checked.get(folder)
        if parent is None:
            parent = os.path.realpath(os.path.join(self.folder, folder))
            if parent != self._base and not parent.startswith(self._base + os.sep):
                raise UsageError(f"refusing to write {relative!r}: it would land outside {self.folder}")
            self._checked[folder] = parent
        return Path(parent) / os.path.basename(normal)
