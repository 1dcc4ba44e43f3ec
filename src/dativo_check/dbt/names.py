"""Names and text that come from contracts, made safe for dbt: identifiers, file names, Jinja, SQL."""

from __future__ import annotations

import re
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_JINJA_MARKERS = ("{{", "{%", "{#")


# PostgreSQL's identifier limit, the shortest of the warehouses dbt builds on; also keeps file names short
MAX_NAME = 63


def dbt_name(text: str | None, fallback: str = "unnamed") -> str:
    """A dbt resource name (lower-case letters, digits, underscores; no leading digit) that is also a safe file name;
    a longer one keeps its start and a short hash of the whole, so that it stays unique."""
    name = re.sub(r"[^a-z0-9_]+", "_", (text or "").lower()).strip("_")
    name = re.sub(r"_+", "_", name)
    if not name:
        name = fallback
    name = f"_{name}" if name[0].isdigit() else name
    if len(name) > MAX_NAME:
        import hashlib

        name = f"{name[:MAX_NAME - 9].rstrip('_')}_{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    return name


def is_identifier(text: str) -> bool:
    return bool(_IDENTIFIER.match(text))


def sql_column(name: str) -> str:
    """A column in generated SQL: plain when it is a simple identifier, else quoted by the adapter at run time."""
    if is_identifier(name):
        return name
    return "{{ adapter.quote(" + jinja_string(name) + ") }}"


def jinja_string(text: str) -> str:
    """A Jinja string literal that holds `text` exactly."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def inert(value: Any) -> Any:
    """Contract text with Jinja in it, wrapped so that dbt shows it instead of running it.

    dbt renders descriptions and configuration as Jinja; a description such as `{{ run_query(...) }}` would run
    while dbt parses the project.
    """
    if isinstance(value, str):
        if not any(marker in value for marker in _JINJA_MARKERS):
            return value
        return "{% raw %}" + value.replace("endraw", "end raw") + "{% endraw %}"
    if isinstance(value, list):
        return [inert(item) for item in value]
    if isinstance(value, dict):
        return {key: inert(item) for key, item in value.items()}
    return value
