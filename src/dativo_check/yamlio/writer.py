"""Deterministic, block-style YAML for JSON-compatible data, read back to the same data by YAML 1.1 readers (PyYAML,
dbt) and by our YAML 1.2 loader alike.

PyYAML's pure-Python emitter spends about 50 ms on a dbt source file of a few hundred columns; this writer handles
only what we emit (mappings with text keys, lists, text, numbers, booleans, null) and takes a fraction of that.
A scalar is written plain only when no reader could take it for anything but that text; otherwise it is
double-quoted with JSON escapes, which YAML shares. Multi-line text becomes a literal block where it can.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any

_INDENT = "  "
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n\t\r]*$")
_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
# what YAML readers refuse to see raw, or read as a line break, even inside quotes (JSON leaves these unescaped)
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\ufeff\u2028\u2029]")


def dump(data: Any) -> str:
    lines: list[str] = []
    _node(data, 0, lines)
    return "\n".join(lines) + "\n"


def _node(value: Any, level: int, lines: list[str]) -> None:
    """A top-level value, or the block under a key or a dash."""
    if isinstance(value, dict) and value:
        _mapping(value, level, lines)
    elif isinstance(value, list) and value:
        _sequence(value, level, lines)
    else:
        lines.append(_INDENT * level + _scalar(value, level))


def _mapping(value: dict, level: int, lines: list[str], first_prefix: str | None = None) -> None:
    indent = _INDENT * level
    prefix = first_prefix if first_prefix is not None else indent
    for key, item in value.items():
        head = f"{prefix}{_text(key, level, True) if type(key) is str else _scalar(key, level, True)}:"
        prefix = indent
        kind = type(item)
        if kind is str:
            lines.append(f"{head} {_text(item, level + 1, False)}")
        elif kind is dict and item:
            lines.append(head)
            _mapping(item, level + 1, lines)
        elif kind is list and item:
            lines.append(head)
            _sequence(item, level + 1, lines)
        else:
            lines.append(f"{head} {_scalar(item, level + 1)}")


def _sequence(value: list, level: int, lines: list[str]) -> None:
    indent = _INDENT * level
    for item in value:
        kind = type(item)
        if kind is str:
            lines.append(f"{indent}- {_text(item, level + 1, False)}")
        elif kind is dict and item:
            _mapping(item, level + 1, lines, first_prefix=f"{indent}- ")
        elif kind is list and item:
            lines.append(f"{indent}-")
            _sequence(item, level + 1, lines)
        else:
            lines.append(f"{indent}- {_scalar(item, level + 1)}")


def _scalar(value: Any, level: int, key: bool = False) -> str:
    if type(value) is str:
        return _text(value, level, key)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("YAML output holds JSON-compatible numbers only")
        text = repr(value)
        return text if "." in text or "e" not in text else text.replace("e", ".0e", 1)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _text(str(value), level, key)


@lru_cache(maxsize=65536)
def _text(text: str, level: int, key: bool) -> str:
    """Generated files repeat the same keys and values thousands of times; each is decided once."""
    if _plain_ok(text):
        return text
    if "\n" in text and not key and _block_ok(text):
        chomp = "" if text.endswith("\n") else "-"
        body = text[:-1] if chomp == "" else text
        inner = _INDENT * level
        return f"|{chomp}\n" + "\n".join(inner + line if line else "" for line in body.split("\n"))
    return _NON_PRINTABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", json.dumps(text, ensure_ascii=False))


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or not _PLAIN.match(text) or _SPECIAL.search(text):
        return False
    if ": " in text or " #" in text or text.endswith(":") or text.startswith("--"):
        return False
    return not _implicit(text)


def _block_ok(text: str) -> bool:
    lines = text.split("\n")
    if not text.strip() or text.endswith("\n\n"):
        return False  # chomping indicators cannot say "nothing but line breaks" or "keep several at the end"
    return (not _SPECIAL.search(text) and "\t" not in text and "\r" not in text and not lines[0].startswith(" ")
            and all(line == line.rstrip() for line in lines))


def _implicit(text: str) -> bool:
    """Whether a YAML 1.1 or 1.2 reader would take the plain text for a number, boolean, null, date or merge key."""
    for _, pattern in _resolvers().get(text[0], ()):
        if pattern.match(text):
            return True
    return False


@lru_cache(maxsize=None)
def _resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    from yaml.resolver import Resolver

    from dativo_check.yamlio.loader import FLOAT_PATTERN, INT_PATTERN

    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in Resolver.yaml_implicit_resolvers.items():
        for tag, pattern in entries:
            table.setdefault(first or "", []).append((tag, pattern))
    for pattern, firsts in ((INT_PATTERN, "-+0123456789"), (FLOAT_PATTERN, "-+0123456789.")):
        for first in firsts:
            table.setdefault(first, []).append(("core", pattern))
    return table
