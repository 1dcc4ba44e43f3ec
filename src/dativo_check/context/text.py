"""Free text from contracts made safe to hand to an AI agent: no control or invisible characters, bounded length.

Contract text is untrusted: a description can carry terminal escapes, bidirectional overrides that make a reviewer
read something else than the model does, or megabytes of text that crowd everything else out of a context window.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Categories that print nothing or reorder what prints: controls (Cc), format characters such as zero-width spaces
# and bidi overrides (Cf), private use (Co), unpaired surrogates (Cs), unassigned (Cn), line/paragraph separators.
_INVISIBLE = frozenset(("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"))


def clean(value: str, limit: int) -> str:
    """`value` on one line, without control or invisible characters, cut to `limit` characters (ending in `…`)."""
    # Cleaning is linear in the input; cutting first keeps a hostile megabyte description cheap.
    head = value[: limit * 4 + 64]
    if not (head.isascii() and head.isprintable()):  # most contract text needs no look at each character
        head = "".join(" " if unicodedata.category(char) in _INVISIBLE else char for char in head)
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
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    return None


def scalars(value: Any, limit: int) -> list[Any] | None:
    """A list of shown scalars (a single scalar becomes a list of one); None when anything in it is not a scalar."""
    values = value if isinstance(value, list) else [value]
    out = [scalar(item, limit) for item in values]
    return None if any(item is None for item in out) else out
