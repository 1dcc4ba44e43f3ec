"""Markdown from untrusted text: contract text must not become markup, HTML, links, mentions or workflow commands."""

from __future__ import annotations

import re

# what means something inside a line of Markdown on GitHub: emphasis, code, links and images, tables, strike,
# issue references (#12); HTML is turned into entities separately
_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def escape(text: object, limit: int = 300) -> str:
    """Plain text for a Markdown paragraph or table cell: markup characters escaped, HTML as entities, @mentions and
    #references broken, line breaks folded, long text cut."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _SPECIAL.sub(r"\\\1", value)
    return value.replace("@", "@\u200b")  # a zero-width space after @ keeps GitHub from notifying anyone


def code(text: object, limit: int = 120) -> str:
    """Text as an inline code span: it cannot close the span, and cannot mention anyone."""
    value = " ".join(str(text).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = value.replace("`", "ˋ").replace("@", "@\u200b").replace("|", "\\|")  # \| keeps table cells whole
    return f"`{value}`"


def money(amount: float, currency: str, signed: bool = False) -> str:
    sign = "+" if signed and amount > 0 else ""
    return f"{sign}{amount:,.2f} {currency}"


def neutralise_markers(text: str) -> str:
    """Text that imitates the hidden marker of our pull-request comment must not make a comment look like ours."""
    return text.replace("<!-- dativo-check", "<!-- (quoted) dativo-check")
