"""Free text from contracts made safe to hand to an AI agent: no control or invisible characters, bounded length.

Contract text is untrusted: a description can carry terminal escapes, bidirectional overrides that make a reviewer
read something else than the model does, characters that print nothing but carry hidden text, or megabytes of text
that crowd everything else out of a context window.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from typing import Any

# Categories that print nothing or reorder what prints: controls (Cc), format characters such as zero-width spaces
# and bidi overrides (Cf), private use (Co), unpaired surrogates (Cs), unassigned (Cn), line/paragraph separators.
_INVISIBLE = frozenset(("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"))
# Characters of other categories that print nothing either: variation selectors (a run of them after one visible
# character can smuggle arbitrary bytes), the combining grapheme joiner, Hangul and braille blanks, Mongolian free
# variation selectors, Khmer inherent vowels and the musical null notehead.
_BLANKS = frozenset(itertools.chain.from_iterable(range(first, last + 1) for first, last in (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2800, 0x2800), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0x1D159, 0x1D159), (0xE0100, 0xE01EF))))


def _invisible(char: str) -> bool:
    return ord(char) in _BLANKS or unicodedata.category(char) in _INVISIBLE


def clean(value: str, limit: int) -> str:
    """`value` on one line, without control or invisible characters, cut to `limit` characters (ending in `…`)."""
    # Cleaning is linear in the input; cutting first keeps a hostile megabyte description cheap.
    head = value[: limit * 4 + 64]
    if not (head.isascii() and head.isprintable()):  # most contract text needs no look at each character
        head = "".join(" " if _invisible(char) else char for char in head)
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
