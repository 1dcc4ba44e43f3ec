"""Turn JSON Schema validation errors into short messages that name the offending key or value.

Validators describe errors by dumping the instance (`{"owner": ...} is not valid under any of the given schemas`);
a contract author needs `team must be a list, not a mapping`. Every error becomes one or more `SchemaProblem`s with
the JSON pointer it is about; the caller turns pointers into lines.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from dativo_check.pointer import join_pointer

# Where an unknown top-level key of a contract belongs; other files pass their own hint (or none).
CONTRACT_HINT = "tool-specific metadata belongs in customProperties"

_TYPE_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "number": "a number",
    "integer": "an integer", "boolean": "true or false", "null": "null",
}


@dataclass(frozen=True)
class SchemaProblem:
    pointer: str
    message: str
    at_key: bool = False
    hint: str | None = None


def problems(errors: Iterable[Any], vocabulary: frozenset[str] = frozenset(),
             root_hint: str | None = CONTRACT_HINT) -> list[SchemaProblem]:
    """All problems of a validation run, deduplicated, in document order of their pointers.

    `root_hint` is the hint for an unknown top-level key that resembles no known one.
    """
    seen: dict[tuple[str, str], SchemaProblem] = {}
    for error in errors:
        for problem in _explain(error, vocabulary, root_hint):
            seen.setdefault((problem.pointer, problem.message), problem)
    found = list(seen.values())
    # An invalid child makes its key "unevaluated" for the parent too; the child's own problem is the real one.
    inner = [problem.pointer for problem in found]
    return [problem for problem in found if not (problem.at_key and problem.message.startswith("unknown key")
                                                 and any(other.startswith(problem.pointer + "/") for other in inner))]


def keys_hint(noun: str, schema: Any) -> str:
    """The root hint of a file whose schema lists every top-level key it may have."""
    return f"a {noun} has only the keys {', '.join(schema['properties'])}"


def vocabulary_of(schema: Any) -> frozenset[str]:
    """Every property name a schema defines anywhere, for "did you mean" hints on unknown keys."""
    names: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                names.update(properties)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(names)


def show(value: Any, limit: int = 40) -> str:
    """A value as a reader wants to see it in a message: short, quoted if text, never a whole structure."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    rendered = json.dumps(value, ensure_ascii=False)
    return rendered if len(rendered) <= limit else rendered[: limit - 4] + '..."'


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if value is None:
        return "null"
    return _TYPE_NAMES["object" if isinstance(value, dict) else "array" if isinstance(value, list) else "string"]


def _subject(path: list[Any]) -> str:
    """What a reader calls the value at `path`: its key, or "item N of key" for list items."""
    if not path:
        return "the contract"
    last = path[-1]
    if isinstance(last, int):
        parent = next((str(token) for token in reversed(path[:-1]) if not isinstance(token, int)), "list")
        return f"item {last + 1} of {parent}"
    return str(last)


def _explain(error: Any, vocabulary: frozenset[str], root_hint: str | None) -> Iterator[SchemaProblem]:
    path = list(error.instance_path)
    pointer = join_pointer(*path)
    kind = error.kind
    name = type(kind).__name__
    subject = _subject(path)
    value = error.instance
    if name == "Required":
        yield SchemaProblem(pointer, f"missing required key {show(kind.property)}"
                                     + (f" in {subject}" if path else ""))
    elif name in ("AdditionalProperties", "UnevaluatedProperties"):
        for key in kind.unexpected:
            yield _unknown_key(path, str(key), vocabulary, root_hint)
    elif name == "Type":
        wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in kind.types)
        yield SchemaProblem(pointer, f"{subject} must be {wanted}, not {_kind_of(value)}"
                                     + (f" ({show(value)})" if not isinstance(value, (dict, list)) else ""))
    elif name == "Enum":
        options = [option for option in kind.options]
        listed = ", ".join(show(option) for option in options[:12]) + (", ..." if len(options) > 12 else "")
        close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1) if isinstance(value, str) else []
        yield SchemaProblem(pointer, f"{subject} {show(value)} is not one of {listed}",
                            hint=f"did you mean {show(close[0])}?" if close else None)
    elif name == "Constant":
        yield SchemaProblem(pointer, f"{subject} must be {show(kind.expected_value)}, not {show(value)}")
    elif name == "Format":
        yield SchemaProblem(pointer, f"{subject} {show(value)} is not a valid {kind.format}",
                            hint=_FORMAT_HINTS.get(kind.format))
    elif name == "Pattern":
        yield SchemaProblem(pointer, f"{subject} {show(value)} does not match the pattern {kind.pattern}")
    elif name in ("MinItems", "MaxItems"):
        bound = "at least" if name == "MinItems" else "at most"
        yield SchemaProblem(pointer, f"{subject} must have {bound} {kind.limit} item(s), it has {len(value)}")
    elif name == "UniqueItems":
        yield SchemaProblem(pointer, f"{subject} must not repeat items")
    elif name in ("MinLength", "MaxLength"):
        bound = "at least" if name == "MinLength" else "at most"
        yield SchemaProblem(pointer, f"{subject} must be {bound} {kind.limit} character(s) long")
    elif name in ("Minimum", "Maximum", "ExclusiveMinimum", "ExclusiveMaximum"):
        relation = {"Minimum": ">=", "Maximum": "<=", "ExclusiveMinimum": ">", "ExclusiveMaximum": "<"}[name]
        yield SchemaProblem(pointer, f"{subject} must be {relation} {kind.limit}, not {show(value)}")
    elif name == "FalseSchema":
        yield SchemaProblem(pointer, f"{subject} is not allowed here", at_key=True)
    elif name in ("AnyOf", "OneOfNotValid"):
        yield from _alternatives(error, path, vocabulary, root_hint)
    elif name == "OneOfMultipleValid":
        yield SchemaProblem(pointer, f"{subject} matches more than one of the alternatives where exactly one is "
                                     "allowed; keep only one of the conflicting keys")
    else:
        yield SchemaProblem(pointer, f"{subject}: {_trim(error.message)}")


def _unknown_key(path: list[Any], key: str, vocabulary: frozenset[str], root_hint: str | None) -> SchemaProblem:
    close = difflib.get_close_matches(key, sorted(vocabulary - {key}), n=1, cutoff=0.75)
    if key in vocabulary:
        hint = f"{show(key)} is a key of another part of the schema, not of this one"
    elif close:
        hint = f"did you mean {show(close[0])}?"
    elif not path:
        hint = root_hint
    else:
        hint = None
    where = f" in {_subject(path)}" if path else ""
    return SchemaProblem(join_pointer(*path, key), f"unknown key {show(key)}{where}", at_key=True, hint=hint)


def _alternatives(error: Any, path: list[Any], vocabulary: frozenset[str],
                  root_hint: str | None) -> Iterator[SchemaProblem]:
    """For anyOf/oneOf, explain the alternative that came closest instead of "not valid under any"."""
    branches = [list(branch) for branch in (error.kind.context or [])]
    subject = _subject(path)
    if branches and all(len(b) == 1 and type(b[0].kind).__name__ == "Type" and list(b[0].instance_path) == path
                        for b in branches):
        wanted = sorted({_TYPE_NAMES.get(str(t), str(t)) for b in branches for t in b[0].kind.types})
        yield SchemaProblem(join_pointer(*path), f"{subject} must be {' or '.join(wanted)}, "
                                                 f"not {_kind_of(error.instance)}")
        return
    shaped = [b for b in branches if b and not _is_shape_mismatch(b, path)]
    if not shaped:
        yield SchemaProblem(join_pointer(*path), f"{subject} does not match any of the allowed forms")
        return
    best = min(shaped, key=lambda b: (len(b), -max(len(list(e.instance_path)) for e in b)))
    for inner in best:
        yield from _explain(inner, vocabulary, root_hint)


def _is_shape_mismatch(branch: list[Any], path: list[Any]) -> bool:
    """A branch that failed only because the value has another type is a poor explanation."""
    return len(branch) == 1 and type(branch[0].kind).__name__ == "Type" and list(branch[0].instance_path) == path


def _trim(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


_FORMAT_HINTS = {
    "date-time": 'write an RFC 3339 timestamp with a time zone, such as "2024-01-15T10:30:00Z"',
    "date": 'write a full date, such as "2024-01-15"',
    "uri": "write an absolute URI with a scheme, such as https://example.com/page",
}
