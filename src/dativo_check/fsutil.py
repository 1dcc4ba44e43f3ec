"""File writes that never leave a half-written file behind and never escape the folder they were given."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dativo_check.errors import UsageError


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place in one step.

    Text is written as given (no newline translation); an existing file keeps its permissions, a new one gets the
    permissions the umask allows, as with a plain `open()`.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def inside(folder: Path | str, relative: str) -> Path:
    """`folder/relative`, refusing any path that would land outside `folder` (absolute paths, `..`, symlinks)."""
    base = Path(folder).resolve()
    if os.path.isabs(relative) or "\0" in relative:
        raise UsageError(f"refusing to write {relative!r}: not a relative path")
    candidate = (base / relative).resolve()
    if candidate != base and base not in candidate.parents:
        raise UsageError(f"refusing to write {relative!r}: it would land outside {folder}")
    return candidate
