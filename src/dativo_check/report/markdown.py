"""Markdown from untrusted text: contract text must not become markup, HTML, links, mentions or workflow commands.

Hidden and reordering characters are shown as code points (`dativo_check.core.hidden.visible`), here as in GitHub
annotations and the step outputs.
"""

from __future__ import annotations

import re

from dativo_check.core.hidden import visible

# what means something inside a line of Markdown on GitHub: emphasis, code, links and images, tables, strike,
# issue references (#12); HTML is turned into entities separately
_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")
# what GitHub turns into a link or a cross-reference by itself, even when backslash-escaped: URLs, www. hosts, #123,
# GH-123; a zero-width space before the last character of the match defuses it
_AUTOLINK = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*:/|www\.|#\d|\bGH-)")


def _line(text: object, limit: int) -> str:
    """Text on one line (whitespace, line breaks included, folded to single spaces), cut to `limit` characters, then
    made visible (after the cut, so that a code point is never cut in half)."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return visible(value)


def escape(text: object, limit: int = 300) -> str:
    """Plain text for a Markdown paragraph or table cell: markup characters escaped, HTML as entities, @mentions and
    #references broken, line breaks folded, hidden and bidi characters shown, long text cut."""
    value = _line(text, limit)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _SPECIAL.sub(r"\\\1", value)
    value = _AUTOLINK.sub(lambda found: found.group(0)[:-1] + "\u200b" + found.group(0)[-1], value)
    return value.replace("@", "@\u200b")  # a zero-width space after @ keeps GitHub from notifying anyone


def code(text: object, limit: int = 120, cell: bool = False) -> str:
    """Text as an inline code span: it cannot close the span, cannot mention anyone, and shows hidden and bidi
    characters. In a table `cell`, a pipe is escaped so that it does not end the cell (elsewhere the backslash would
    show)."""
    value = _line(text, limit).replace("`", "ˋ").replace("@", "@\u200b")
    return f"`{value.replace('|', chr(92) + '|') if cell else value}`"


def money(amount: float, currency: str, signed: bool = False) -> str:
    sign = "+" if signed and amount > 0 else ""
    return f"{sign}{amount:,.2f} {currency}"


def neutralise_markers(text: str) -> str:
    """Text that imitates the hidden marker of our pull-request comment must not make a comment look like ours."""
    return text.replace("<!-- dativo-check", "<!-- (quoted) dativo-check")
