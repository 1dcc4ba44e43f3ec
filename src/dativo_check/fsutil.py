"""File writes that never leave a half-written file behind and never escape the folder they were given."""

from __future__ import annotations

import os
from pathlib import Path

from dativo_check.errors import UsageError


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place in one step.

    Text is written as given (no newline translation); an existing file keeps its permissions, a new one gets the
    permissions the umask allows, as with a plain `open()`.
    """
    target = Path(path)
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    temporary = target.parent / f".{target.name}.{os.getpid()}.tmp"
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
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
