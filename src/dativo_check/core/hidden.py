"""Characters that print nothing, reorder what prints or break a line: the one definition every output shares.

Contract text is untrusted: bidi embeddings, overrides and isolates ("Trojan Source", CVE-2021-42574) make a
reviewer read something else than a program does, zero-width and tag characters carry hidden text, and a line break
inside a value can forge a line of a line-based format. Reports show such characters as code points (`visible`);
the AI context removes them (`context.text.clean`).
"""

from __future__ import annotations

import itertools
import unicodedata

# controls (Cc, line breaks included), format characters (Cf: bidi controls, zero-width and tag characters, the
# byte-order mark), private use (Co), unpaired surrogates (Cs, from undecodable file names), unassigned (Cn), line
# and paragraph separators (Zl, Zp)
_CATEGORIES = frozenset(("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"))
# characters of other categories that print nothing either: variation selectors (a run of them after one visible
# character can smuggle arbitrary bytes), the combining grapheme joiner, Hangul and braille blanks, Mongolian free
# variation selectors, Khmer inherent vowels and the musical null notehead
_BLANKS = frozenset(itertools.chain.from_iterable(range(first, last + 1) for first, last in (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2800, 0x2800), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0x1D159, 0x1D159), (0xE0100, 0xE01EF))))


def is_hidden(char: str) -> bool:
    return ord(char) in _BLANKS or unicodedata.category(char) in _CATEGORIES


def plain(text: str) -> bool:
    """Printable ASCII only: nearly every text, and nothing in it to look at character by character."""
    return text.isascii() and text.isprintable()


def visible(text: str, keep: str = "") -> str:
    """`text` with every hidden, reordering or line-breaking character shown as its code point in angle brackets
    (U+202E becomes `<U+202E>`): a reviewer sees that it is there, and it neither reorders the text around it nor
    ends a line. Characters in `keep` (line breaks a format encodes itself) stay as they are."""
    if plain(text):
        return text
    return "".join(f"<U+{ord(char):04X}>" if char not in keep and is_hidden(char) else char for char in text)
