"""Safe, bounded YAML loading: text in, JSON-compatible data plus a lazy position map out.

Scalars resolve by the YAML 1.2 core schema (the schema JavaScript tooling such as the standard's own validator
uses), so `yes`, `no`, `on` and `NO` stay strings, and dates and timestamps stay strings exactly as written.
Merge keys (`<<`) are honoured. Every problem becomes a `Finding`; nothing here raises on bad input.

The same loader reads contracts, policies, policy tests and the configuration, so messages about a file that holds
no usable mapping name what it should hold (`noun`: "put one policy per file") and, for an empty file, the keys it
needs (`keys`).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any, Sequence

from dativo_check.yamlio import problems
from dativo_check.core.fsutil import read_regular
from dativo_check.core.model import Finding
from dativo_check.core.pointer import split_pointer

@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile input from exhausting memory or time (the `limits:` section of the configuration)."""

    max_file_size: int = 1024 * 1024
    max_depth: int = 64
    max_alias_nodes: int = 10_000


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_KNOWN_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE, _MAP, _SEQ, "tag:yaml.org,2002:timestamp"}

INT_PATTERN = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
FLOAT_PATTERN = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class Document:
    """A loaded YAML file: its data, and its text to answer "where is this JSON pointer?".

    The node tree that knows positions is several times the size of the data, and most files never need a position,
    so it is dropped after loading and composed again the first time a finding asks for a line.
    """

    __slots__ = ("file", "data", "text", "_root")

    def __init__(self, file: str, data: Any, text: str) -> None:
        self.file = file
        self.data = data
        self.text = text
        self._root: Any = None

    @property
    def root(self) -> Any:
        if self._root is None:
            composer = _composer_class()(self.text)
            try:
                self._root = composer.get_node() if composer.check_node() else None
            finally:
                composer.dispose()
        return self._root

    def forget_positions(self) -> None:
        """Drop the node tree once every finding of this file has its line (it is composed again if needed)."""
        self._root = None

    def locate(self, pointer: str, at_key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `pointer`, or of its nearest existing ancestor.

        With `at_key`, a mapping member is located at its key (for "unknown key" findings); otherwise at its value,
        except that a block collection value is located at its key, the line a reader looks for.
        """
        node = self.root
        position = (1, 1)
        if node is None:
            return position
        position = _mark(node)
        tokens = split_pointer(pointer)
        for index, token in enumerate(tokens):
            found = _child(node, token)
            if found is None:
                break
            key_node, value_node = found
            last = index == len(tokens) - 1
            if key_node is not None and (at_key and last or _is_block_collection(value_node)):
                position = _mark(key_node)
            else:
                position = _mark(value_node)
            node = value_node
        return position


    def source_text(self, pointer: str) -> str | None:
        """The scalar at `pointer` exactly as written in the file (`1.10` stays `1.10`), or None."""
        node = self.root
        for token in split_pointer(pointer):
            found = _child(node, token) if node is not None else None
            if found is None:
                return None
            node = found[1]
        value = getattr(node, "value", None)
        return value if isinstance(value, str) else None


# Aliases need anchors; a document without `&name` cannot expand (a false alarm only costs the careful path).
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]")


@dataclass(frozen=True)
class LoadResult:
    document: Document | None
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return self.document is not None


def load_path(path: str | os.PathLike, display: str | None = None, limits: Limits = Limits(), noun: str = "contract",
              keys: Sequence[str] = ()) -> LoadResult:
    """Read and load one file; size, encoding and YAML problems come back as findings."""
    file = display if display is not None else os.fspath(path)
    try:
        size = os.path.getsize(path)
        if size > limits.max_file_size:
            return _fail(problems.TOO_LARGE, file,
                         f"file is {size:,} bytes, over the limit of {limits.max_file_size:,}")
        raw = read_regular(path, limits.max_file_size + 1)
    except OSError as error:
        return _fail(problems.UNREADABLE, file, f"cannot read file: {error.strerror or error}")
    return load_bytes(raw, file, limits, noun, keys)


def load_bytes(raw: bytes, file: str, limits: Limits = Limits(), noun: str = "contract",
               keys: Sequence[str] = ()) -> LoadResult:
    if len(raw) > limits.max_file_size:
        return _fail(problems.TOO_LARGE, file, f"file is over the limit of {limits.max_file_size:,} bytes")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _fail(problems.ENCODING, file, "file is UTF-16; save it as UTF-8")
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        return _fail(problems.ENCODING, file, "file contains NUL bytes: it is binary, not YAML text", line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return _fail(problems.ENCODING, file, f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x})", line)
    return load_text(text, file, limits, noun, keys)


def load_text(text: str, file: str, limits: Limits = Limits(), noun: str = "contract",
              keys: Sequence[str] = ()) -> LoadResult:
    import yaml

    composer = _composer_class()(text)
    try:
        root = composer.get_node() if composer.check_node() else None
        if root is not None and composer.check_node():
            extra = composer.get_node()
            line = extra.start_mark.line + 1 if extra is not None else 1
            return _fail(problems.MULTIPLE_DOCUMENTS, file,
                         f"file holds several YAML documents; put one {noun} per file", line)
    except yaml.MarkedYAMLError as error:
        return _fail(problems.SYNTAX, file, _syntax_message(error), *_error_position(error))
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        return _fail(problems.SYNTAX, file, f"could not parse YAML: character #x{error.character:04x} is not allowed "
                                            "(control characters must be escaped in a double-quoted string)",
                     line, column)
    except yaml.YAMLError as error:
        return _fail(problems.SYNTAX, file, f"could not parse YAML: {error}")
    finally:
        composer.dispose()
    if root is None or (root.tag == _NULL and isinstance(root, yaml.ScalarNode)):
        return _fail(problems.EMPTY, file, f"the {noun} file is empty: expected a mapping" + _with_keys(keys))
    builder = _Builder(file, limits, noun, anchors=_ANCHOR.search(text) is not None)
    data = builder.build(root)
    if builder.fatal:
        return LoadResult(None, tuple(builder.findings))
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({_describe_scalar(data)})"
        line, column = _mark(root)
        return LoadResult(None, tuple(builder.findings) + (
            problems.ROOT_TYPE.finding(file, f"the document root is not a mapping: a {noun} is a mapping of keys, "
                                             f"not {kind}", line, column),))
    return LoadResult(Document(file, data, text), tuple(builder.findings))


def _with_keys(keys: Sequence[str]) -> str:
    """The end of the "file is empty" message: " with a, b and c", or nothing without keys."""
    if not keys:
        return ""
    *rest, last = keys
    return f" with {', '.join(rest)} and {last}" if rest else f" with {last}"


def _fail(rule: problems.Problem, file: str, message: str, line: int | None = 1,
          column: int | None = 1) -> LoadResult:
    return LoadResult(None, (rule.finding(file, message, line or 1, column or 1),))


def _syntax_message(error: Any) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    return "could not parse YAML: " + ", ".join(parts) if parts else "could not parse YAML"


def _error_position(error: Any) -> tuple[int | None, int | None]:
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _describe_scalar(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def _mark(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _is_block_collection(node: Any) -> bool:
    import yaml

    return isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style


def _child(node: Any, token: str) -> tuple[Any, Any] | None:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        if token.isdigit() and int(token) < len(node.value):
            return None, node.value[int(token)]
        return None
    if isinstance(node, yaml.MappingNode):
        merged = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
            elif isinstance(key_node, yaml.ScalarNode) and key_node.value == token:
                return key_node, value_node
        for source in merged:
            found = _child(source, token)
            if found is not None:
                return found
    return None


_COMPOSER: type | None = None


def _composer_class() -> type:
    """libyaml's C parser and composer with YAML 1.2 core-schema resolution (built once, on first use)."""
    global _COMPOSER
    if _COMPOSER is None:
        import yaml
        from yaml.resolver import BaseResolver

        implicit: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for tag, pattern, first in (
            (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
            (_INT, INT_PATTERN, "-+0123456789"),
            (_FLOAT, FLOAT_PATTERN, "-+0123456789."),
            (_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ("~", "n", "N", "")),
            (_MERGE, re.compile(r"^<<$"), "<"),
        ):
            for char in first:
                implicit.setdefault(char, []).append((tag, pattern))

        class CoreResolver(BaseResolver):
            """YAML 1.2 core-schema tags, looked up by first character (the composer asks once per scalar)."""

            def resolve(self, kind: Any, value: Any, implicit_flags: Any) -> str:
                if kind is yaml.ScalarNode:
                    if implicit_flags[0]:
                        for tag, pattern in implicit.get(value[:1], ()):
                            if pattern.match(value):
                                return tag
                    return _STR
                return _SEQ if kind is yaml.SequenceNode else _MAP

        try:
            from yaml.cyaml import CParser as Parser
        except ImportError:  # PyYAML built without libyaml: the pure-Python parser gives the same nodes, slower
            from yaml.composer import Composer as PurePythonComposer
            from yaml.parser import Parser as PurePythonParser
            from yaml.reader import Reader
            from yaml.scanner import Scanner

            class Parser(Reader, Scanner, PurePythonParser, PurePythonComposer):  # type: ignore[no-redef]
                def __init__(self, stream: str) -> None:
                    Reader.__init__(self, stream)
                    Scanner.__init__(self)
                    PurePythonParser.__init__(self)
                    PurePythonComposer.__init__(self)

        class Composer(Parser, CoreResolver):  # type: ignore[valid-type,misc]
            def __init__(self, stream: str) -> None:
                Parser.__init__(self, stream)
                CoreResolver.__init__(self)

        _COMPOSER = Composer
    return _COMPOSER


class _Builder:
    """Turns a node tree into JSON-compatible data, reporting unsafe or ambiguous YAML on the way.

    Alias bookkeeping (how far aliases expand, recursion) is needed only in documents that define anchors; the
    others take a path without it.
    """

    def __init__(self, file: str, limits: Limits, noun: str, anchors: bool = True) -> None:
        import yaml

        self.file = file
        self.limits = limits
        self.noun = noun
        self.findings: list[Finding] = []
        self.fatal = False
        self._anchors = anchors
        self._built: dict[int, Any] = {}
        self._sizes: dict[int, int] = {}
        self._in_progress: set[int] = set()
        self._expanded = 0
        self._unique = 0
        self._mapping_node, self._sequence_node = yaml.MappingNode, yaml.SequenceNode

    def build(self, root: Any) -> Any:
        try:
            return self._node(root, 0)
        except _Abort:
            self.fatal = True
            return None

    def _report(self, rule: problems.Problem, message: str, node: Any) -> None:
        line, column = _mark(node)
        self.findings.append(rule.finding(self.file, message, line, column))
        if rule.fatal:
            raise _Abort

    def _node(self, node: Any, depth: int) -> Any:
        if not self._anchors:
            return self._value(node, depth)
        key = id(node)
        if key in self._in_progress:
            self._report(problems.ALIAS_LIMIT, "recursive alias: a node refers to itself", node)
        if key in self._built:
            self._expanded += self._sizes[key]
            if self._expanded - self._unique > self.limits.max_alias_nodes:
                self._report(problems.ALIAS_LIMIT, f"aliases expand to more than {self.limits.max_alias_nodes:,} "
                                                   "extra nodes (a \"billion laughs\" document?)", node)
            return self._built[key]
        self._in_progress.add(key)
        before = self._expanded
        value = self._value(node, depth)
        self._in_progress.discard(key)
        self._expanded += 1
        self._unique += 1
        self._built[key] = value
        self._sizes[key] = self._expanded - before
        return value

    def _value(self, node: Any, depth: int) -> Any:
        if depth > self.limits.max_depth:
            self._report(problems.TOO_DEEP, f"nesting is deeper than {self.limits.max_depth} levels", node)
        self._check_tag(node)
        kind = type(node)
        if kind is self._mapping_node:
            return self._mapping(node, depth)
        if kind is self._sequence_node:
            return [self._node(item, depth + 1) for item in node.value]
        return self._scalar(node)

    def _check_tag(self, node: Any) -> None:
        tag = node.tag or ""
        if tag not in _KNOWN_TAGS and not tag.startswith("tag:yaml.org,2002:") or "python" in tag:
            self._report(problems.UNSUPPORTED_TAG, f"tag {tag!r} is not allowed; a {self.noun} is plain YAML data",
                         node)

    def _mapping(self, node: Any, depth: int) -> dict[str, Any]:
        import yaml

        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._report(problems.KEY_TYPE, "a mapping key must be a plain string, not a collection", key_node)
                continue
            key = self._key(key_node)
            if key in first_seen:
                line = first_seen[key].start_mark.line + 1
                self._report(problems.DUPLICATE_KEY, f"duplicate key {key!r} (first defined on line {line}); "
                                                     "the later value wins", key_node)
            first_seen[key] = key_node
            result[key] = self._node(value_node, depth + 1)
        for source in merges:
            self._merge(result, source, depth)
        return result

    def _merge(self, result: dict[str, Any], source: Any, depth: int) -> None:
        sources = source.value if source.tag == _SEQ and isinstance(source.value, list) else [source]
        for item in sources:
            merged = self._node(item, depth + 1)
            if not isinstance(merged, dict):
                self._report(problems.SYNTAX, "a merge key (<<) must refer to a mapping or a list of mappings", item)
                continue
            for key, value in merged.items():
                result.setdefault(key, value)

    def _key(self, node: Any) -> str:
        value = self._scalar(node)
        if isinstance(value, str):
            return value
        text = node.value
        kind = type(value).__name__ if value is not None else "null"
        self._report(problems.KEY_TYPE, f"key {text!r} is read as {kind}, not a string; quote it: \"{text}\"", node)
        return text

    def _scalar(self, node: Any) -> Any:
        tag, text = node.tag, node.value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true" if text.lower() in ("true", "false") else text
        if tag == _INT:
            try:
                if text.startswith("0o"):
                    return int(text[2:], 8)
                if text.startswith("0x"):
                    return int(text[2:], 16)
                return int(text)
            except ValueError:
                return text
        if tag == _FLOAT:
            try:
                number = float(text)
            except ValueError:
                return text
            # JSON has no infinity or NaN: keep such values as the text that was written
            return number if math.isfinite(number) else text
        return text


class _Abort(Exception):
    """Stops building a document after a fatal problem."""
