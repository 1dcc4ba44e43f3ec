"""Command-line glue for `dativo-check context ...`, `dativo-check policy ...` and `dativo-check mcp`."""

from __future__ import annotations

from typing import Any, Callable


def register(commands: Any, common: Callable[..., None]) -> None:
    """Add the context commands to the CLI's subcommand parser."""
