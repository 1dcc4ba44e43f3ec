"""Errors that end a run with exit code 2 (usage or environment problems), never with a traceback."""

from __future__ import annotations


class UsageError(Exception):
    """The user asked for something that cannot be done as asked; the message says what to do instead."""


class ConfigError(UsageError):
    """The configuration file is malformed; the message names the file and line."""
