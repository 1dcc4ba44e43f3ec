"""Helpers every command handler shares: the configuration, where output goes, colour, and named paths that exist.

They take the parsed arguments as they are, so the main CLI and the context commands behave the same way for the
same options (`--config`, `--output`, `--color`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from dativo_check.core.errors import UsageError

if TYPE_CHECKING:
    from dativo_check.config import Config


def config(args: argparse.Namespace) -> Config:
    """The configuration the command runs with: read once, its `rules:` checked against the rule catalogue."""
    from dativo_check.catalog import check_rules
    from dativo_check.config import load_config

    return check_rules(load_config(explicit=args.config))


def use_color(args: argparse.Namespace) -> bool:
    """Colour on request, else only on a terminal that wants it (never into a file, with NO_COLOR or TERM=dumb)."""
    if args.color != "auto":
        return args.color == "always"
    if getattr(args, "output", None) is not None or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def emit(text: str, args: argparse.Namespace) -> None:
    """Write `text` to `--output` when the command has one and it is given, else to stdout."""
    if getattr(args, "output", None) is not None:
        write_file(args.output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def write_file(path: Path, text: str) -> None:
    """Write atomically, so a reader never sees half a file; a failure is a usage error, not a traceback."""
    from dativo_check.core.fsutil import write_atomic

    try:
        write_atomic(path, text)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def require_existing(paths: Sequence[str], what: str = "file or folder") -> None:
    """Fail before any work when a named path is missing, naming every missing one."""
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        raise UsageError(f"no such {what}: {', '.join(missing)}")
