"""Free text from contracts made safe to hand to an AI agent: no control or invisible characters, bounded length.

Contract text is untrusted: a description can carry terminal escapes, bidirectional overrides that make a reviewer
read something else than the model does, characters that print nothing but carry hidden text, or megabytes of text
that crowd everything else out of a context window.
"""

from __future__ import annotations

import math
from typing import Any

from dativo_check.core.hidden import is_hidden, plain

def clean(value: str, limit: int) -> str:
    """`value` on one line, without control or invisible characters, cut to `limit` characters (ending in `…`)."""
    # Cleaning is linear in the input; cutting first keeps a hostile megabyte description cheap.
    head = value[: limit * 4 + 64]
    if not plain(head):
        head = "".join(" " if is_hidden(char) else char for char in head)
    text = " ".join(head.split())
    if len(text) > limit or len(value) > limit * 4 + 64:
        return text[: limit - 1] + "…"
    return text


def scalar(value: Any, limit: int) -> str | int | float | bool | None:
    """A contract value that may be shown as it is: text cleaned, numbers and booleans kept, anything else None."""
    if isinstance(value, str):
        return clean(value, limit)
    if isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return None


def showable(value: Any, limit: int) -> Any:
    """A scalar or a list of scalars as it may be shown (a scalar stays a scalar); None when anything in it is not a
    scalar, so that the caller can count it as withheld."""
    if not isinstance(value, list):
        return scalar(value, limit)
    out = [scalar(item, limit) for item in value]
    return None if any(item is None for item in out) else out
