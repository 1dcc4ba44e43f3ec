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

from dativo_check.core.pointer import join_pointer

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


@dataclass(frozen=True)
class _Reading:
    """What explaining one validation run needs besides the errors."""

    vocabulary: frozenset[str]
    root_hint: str | None
    # (object pointer, key) pairs that a failed subschema declares: not unknown, just not yet valid.
    declared: frozenset[tuple[str, str]]


def problems(errors: Iterable[Any], vocabulary: frozenset[str] = frozenset(),
             root_hint: str | None = CONTRACT_HINT, evaluation: Any = None) -> list[SchemaProblem]:
    """All problems of a validation run, deduplicated, in document order of their pointers.

    `root_hint` is the hint for an unknown top-level key that resembles no known one. `evaluation` is the validator's
    `evaluate()` of the same document: with it, a key that is "unevaluated" only because the subschema declaring it
    failed on another error is not reported as unknown.
    """
    errors = list(errors)
    reading = _Reading(vocabulary, root_hint, _keys_of_failed_subschemas(errors, evaluation))
    seen: dict[tuple[str, str], SchemaProblem] = {}
    for error in errors:
        for problem in _explain(error, reading):
            seen.setdefault((problem.pointer, problem.message), problem)
    found = list(seen.values())
    return [problem for problem in found if not (_is_unknown_key(problem) and _explained_inside(problem, found))]


def _is_unknown_key(problem: SchemaProblem) -> bool:
    return problem.at_key and problem.message.startswith("unknown key")


def _explained_inside(unknown: SchemaProblem, found: list[SchemaProblem]) -> bool:
    """An invalid value makes its key "unevaluated" for the enclosing object too; the problem with the value itself,
    or with anything inside it, is the real one."""
    return any(other.pointer.startswith(unknown.pointer + "/")
               or other.pointer == unknown.pointer and not _is_unknown_key(other) for other in found)


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


def _actual(value: Any) -> str:
    """A wrong value in "must be X, not ...": its kind, and the value itself where that says more."""
    if value is None or isinstance(value, bool):
        return show(value)
    if isinstance(value, (dict, list)):
        return _kind_of(value)
    return f"{_kind_of(value)} ({show(value)})"


def _subject(path: list[Any]) -> str:
    """What a reader calls the value at `path`: its key, or "item N of key" for list items."""
    if not path:
        return "the contract"
    last = path[-1]
    if isinstance(last, int):
        parent = next((str(token) for token in reversed(path[:-1]) if not isinstance(token, int)), "list")
        return f"item {last + 1} of {parent}"
    return str(last)


def _explain(error: Any, reading: _Reading) -> Iterator[SchemaProblem]:
    path = list(error.instance_path)
    pointer = join_pointer(*path)
    kind = error.kind
    name = type(kind).__name__
    subject = _subject(path)
    value = error.instance
    if name == "Required":
        yield SchemaProblem(pointer, f"missing required key {show(kind.property)}"
                                     + (f" in {subject}" if path else ""))
    elif name in _UNKNOWN_KEY_KINDS:
        for key in _unknown_keys(error, reading):
            yield _unknown_key(path, key, reading)
    elif name == "Type":
        wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in kind.types)
        yield SchemaProblem(pointer, f"{subject} must be {wanted}, not {_actual(value)}")
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
        yield from _alternatives(error, path, reading)
    elif name == "OneOfMultipleValid":
        yield SchemaProblem(pointer, f"{subject} matches more than one of the alternatives where exactly one is "
                                     "allowed; keep only one of the conflicting keys")
    else:
        yield SchemaProblem(pointer, f"{subject}: {_trim(error.message)}")


_UNKNOWN_KEY_KINDS = ("AdditionalProperties", "UnevaluatedProperties")
# The keywords whose annotations name the keys a subschema evaluated.
_DECLARING_KEYWORDS = ("properties", "patternProperties", "additionalProperties")
# Evaluation-path steps that are not themselves a schema (the schema is the next step: `allOf/0`).
_GROUPS = ("allOf", "anyOf", "oneOf", "dependentSchemas")


def _keys_of_failed_subschemas(errors: list[Any], evaluation: Any) -> frozenset[tuple[str, str]]:
    """(object pointer, key) pairs that `unevaluatedProperties` flags only because a subschema failed.

    JSON Schema drops the annotations of a failing subschema, so `unevaluatedProperties` then flags every key the
    subschema declares: a server whose `location` is not a URI would also get "unknown key location" and "unknown
    key format". Fixing the real error makes those keys known again.
    """
    if evaluation is None:
        return frozenset()
    everything = list(_with_branches(errors))
    failing = [join_pointer(*error.evaluation_path) for error in everything
               if type(error.kind).__name__ not in _UNKNOWN_KEY_KINDS]
    unevaluated = [error for error in everything if type(error.kind).__name__ == "UnevaluatedProperties"]
    if not failing or not unevaluated:
        return frozenset()
    declarations: dict[str, list[tuple[str, list[Any]]]] = {}
    for unit in evaluation.list()["details"]:
        owner, _, keyword = unit["evaluationPath"].rpartition("/")
        names = unit.get("annotations", unit.get("droppedAnnotations"))
        if keyword in _DECLARING_KEYWORDS and isinstance(names, list) and names:
            declarations.setdefault(unit["instanceLocation"], []).append((owner, names))
    declared: set[tuple[str, str]] = set()
    for error in unevaluated:
        pointer = join_pointer(*error.instance_path)
        scope = join_pointer(*list(error.evaluation_path)[:-1])  # the schema that has `unevaluatedProperties`
        for owner, names in declarations.get(pointer, ()):
            if owner.startswith(scope + "/") and _failed_on_the_way(scope, owner, failing):
                declared.update((pointer, str(name)) for name in names)
    return frozenset(declared)


def _failed_on_the_way(scope: str, owner: str, failing: list[str]) -> bool:
    """Whether a schema between `scope` (exclusive) and `owner` (inclusive) has an error inside it: a failed schema
    drops the annotations of everything below it, even of subschemas that passed."""
    path = scope
    for step in owner[len(scope) + 1:].split("/"):
        path += "/" + step
        if step not in _GROUPS and any(error.startswith(path + "/") for error in failing):
            return True
    return False


def _with_branches(errors: Iterable[Any]) -> Iterator[Any]:
    """Errors with the errors of every anyOf/oneOf branch inside them."""
    for error in errors:
        yield error
        for branch in getattr(error.kind, "context", None) or ():
            yield from _with_branches(branch)


def _unknown_keys(error: Any, reading: _Reading) -> list[str]:
    pointer = join_pointer(*error.instance_path)
    return [str(key) for key in error.kind.unexpected if (pointer, str(key)) not in reading.declared]


def _unknown_key(path: list[Any], key: str, reading: _Reading) -> SchemaProblem:
    vocabulary = reading.vocabulary
    close = difflib.get_close_matches(key, sorted(vocabulary - {key}), n=1, cutoff=0.75)
    if key in vocabulary:
        hint = f"{show(key)} is a key of another part of the schema, not of this one"
    elif close:
        hint = f"did you mean {show(close[0])}?"
    elif not path:
        hint = reading.root_hint
    else:
        hint = None
    where = f" in {_subject(path)}" if path else ""
    return SchemaProblem(join_pointer(*path, key), f"unknown key {show(key)}{where}", at_key=True, hint=hint)


def _alternatives(error: Any, path: list[Any], reading: _Reading) -> Iterator[SchemaProblem]:
    """For anyOf/oneOf, explain the alternative that came closest instead of "not valid under any"."""
    branches = [list(branch) for branch in (error.kind.context or [])]
    subject = _subject(path)
    if branches and all(len(b) == 1 and type(b[0].kind).__name__ == "Type" and list(b[0].instance_path) == path
                        for b in branches):
        wanted = sorted({_TYPE_NAMES.get(str(t), str(t)) for b in branches for t in b[0].kind.types})
        yield SchemaProblem(join_pointer(*path), f"{subject} must be {' or '.join(wanted)}, "
                                                 f"not {_kind_of(error.instance)}")
        return
    if branches and all(len(b) == 1 and type(b[0].kind).__name__ == "Required" and list(b[0].instance_path) == path
                        for b in branches):
        # Alternatives told apart by the key they require ("one of mustBe, mustNotBe, ..."): name them all.
        keys = [str(b[0].kind.property) for b in branches]
        listed = ", ".join(show(key) for key in keys[:3]) + (", ..." if len(keys) > 3 else "")
        where = f" in {subject}" if path else ""
        how_many = "exactly" if type(error.kind).__name__ == "OneOfNotValid" else "at least"
        yield SchemaProblem(join_pointer(*path), f"missing one of {listed}{where}",
                            hint=f"add {how_many} one of: {', '.join(keys)}")
        return
    shaped = [b for b in branches if b and not _is_shape_mismatch(b, path)]
    if not shaped:
        yield SchemaProblem(join_pointer(*path), f"{subject} does not match any of the allowed forms")
        return
    best = min(shaped, key=lambda branch: _misfit(branch, path, reading))
    for inner in best:
        yield from _explain(inner, reading)


def _misfit(branch: list[Any], path: list[Any], reading: _Reading) -> tuple[int, int, int, int]:
    """How far a branch is from what the author wrote; the smallest is the branch they meant.

    A branch whose discriminator does not match (a `const`, or a one-value `enum`, on a key of this value, such as a
    server's `type`) describes another shape; one that does not know the author's keys is a poorer fit than one that
    knows them and only rejects a value; among the rest, fewer errors and errors deeper inside the value win.
    """
    names = [type(error.kind).__name__ for error in branch]
    depths = [len(list(error.instance_path)) for error in branch]
    mismatched = sum(1 for error, depth in zip(branch, depths) if depth == len(path) + 1 and _is_discriminator(error))
    unknown = sum(len(_unknown_keys(error, reading)) for error, name in zip(branch, names)
                  if name in _UNKNOWN_KEY_KINDS)
    others = sum(1 for name in names if name not in _UNKNOWN_KEY_KINDS)
    return mismatched, unknown, others, -max(depths)


def _is_discriminator(error: Any) -> bool:
    """A key that must have one exact value names the shape; a wider `enum` is just a value that can be wrong."""
    name = type(error.kind).__name__
    return name == "Constant" or name == "Enum" and len(list(error.kind.options)) == 1


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
