"""File writes that never leave a half-written file behind and never escape the folder they were given."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dativo_check.errors import UsageError


def write_atomic(path: Path | str, text: str) -> None:
    """Write to a temporary file beside `path`, then rename it into place in one step."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
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
