"""Safe reading of a model file's bytes into plain Python data.

The result is made only of ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``
and (YAML only) ``datetime.date``/``datetime.datetime``; :func:`standby.modelfile.schema.validate`
decides whether it is a model.

Hostile input is refused before it can cost much:

* the size limit is checked before anything is decoded or parsed;
* the text must be UTF-8 (a byte-order mark is stripped) without NUL bytes;
* YAML anchors, aliases and explicit tags (``!!python/object``...) are refused as soon as the
  parser meets them, so an alias bomb is never expanded and no constructor ever runs;
* every string is at most ``max_string_length`` characters — except the free text at
  :data:`TEXT_PATHS` (Markdown the database keeps in a ``TextField``), at most
  ``max_text_length`` — and collections nest at most ``max_depth`` deep;
* a key repeated in one mapping is an error (YAML and JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import Any, Final, Literal

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from standby.modelfile.errors import ModelFileError, Problem, format_path

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_STRING_LENGTH",
    "DEFAULT_MAX_TEXT_LENGTH",
    "TEXT_PATHS",
    "detect_format",
    "load_bytes",
]

#: Largest file accepted, in bytes (50 MB).
DEFAULT_MAX_BYTES: Final = 50 * 1024 * 1024
#: Longest string accepted (keys and values), in characters, but for the text at TEXT_PATHS.
DEFAULT_MAX_STRING_LENGTH: Final = 10_000
#: Longest string accepted at :data:`TEXT_PATHS`, in characters.
DEFAULT_MAX_TEXT_LENGTH: Final = 100_000
#: Deepest nesting of mappings and lists accepted (the format itself needs 5).
DEFAULT_MAX_DEPTH: Final = 32


def _pattern(spelled: str) -> tuple[str, ...]:
    """``"plans[*].steps[*].procedure"`` → ``("plans", "*", "steps", "*", "procedure")``."""
    return tuple(spelled.replace("[*]", ".*").split("."))


_NODE_SECTIONS: Final = ("processes", "services", "assets", "locations", "suppliers")
_PLAN_TEXTS: Final = (
    "purpose",
    "invocation_triggers",
    "invocation_authority",
    "invocation_procedure",
    "return_to_normal",
    "steps[*].procedure",
    "steps[*].verification",
    "communications[*].message",
)
_BIA_TEXTS: Final = ("rto_override", "reasons.rto", "reasons.rpo", "reasons.wrt", "reasons.mbco")
#: Where a string value may be up to ``max_text_length`` long (``"*"``: any list item): the
#: model file's free-text fields, each a ``TextField`` in the database — node descriptions,
#: contract guarantees, BIA reasons, and a plan's texts, step procedures and messages.
TEXT_PATHS: Final = frozenset(
    _pattern(spelled)
    for spelled in (
        *(f"{section}[*].description" for section in _NODE_SECTIONS),
        "suppliers[*].contracts[*].guarantees",
        *(f"{section}[*].{key}" for section in ("processes", "services") for key in _BIA_TEXTS),
        *(f"plans[*].{key}" for key in _PLAN_TEXTS),
    )
)


def _is_text_path(parts: Sequence[str | int], text_paths: Collection[tuple[str, ...]]) -> bool:
    """Whether ``parts`` (a value's path) matches one of ``text_paths``.

    >>> _is_text_path(["plans", 3, "steps", 0, "procedure"], TEXT_PATHS)
    True
    >>> _is_text_path(["plans", 3, "title"], TEXT_PATHS)
    False
    """
    return tuple("*" if isinstance(part, int) else part for part in parts) in text_paths


def _too_long(length: int, limit: int) -> str:
    return f"a string of {length} characters is longer than the limit of {limit}"


_BOM: Final = b"\xef\xbb\xbf"
_MAX_PROBLEMS: Final = 200
_STR_TAG: Final = "tag:yaml.org,2002:str"
_NUMBER_TAGS: Final = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_VALUE_TAGS: Final = frozenset(
    {
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
)

# libyaml's parser when PyYAML was built with it (about ten times faster), else pure Python.
_BaseLoader: type[yaml.SafeLoader] | type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_NO_KEY: Final = object()


class _StopError(Exception):
    """Internal: a fatal problem; the problems collected so far are in the loader."""


class StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe YAML loader that builds plain data straight from parser events.

    Unlike ``yaml.SafeLoader`` it never composes a node graph, so anchors, aliases and tags are
    refused at the event that introduces them, before any expansion or construction. Mapping keys
    must be plain values and may not repeat.

    Parameters
    ----------
    text
        The document.
    max_string_length, max_depth, max_text_length, text_paths
        Limits, see :func:`load_bytes`.

    Examples
    --------
    >>> StrictLoader("a: [1, x]", max_string_length=100, max_depth=8).build()
    {'a': [1, 'x']}
    """

    def __init__(
        self,
        text: str,
        *,
        max_string_length: int,
        max_depth: int,
        max_text_length: int = DEFAULT_MAX_TEXT_LENGTH,
        text_paths: Collection[tuple[str, ...]] = TEXT_PATHS,
    ) -> None:
        super().__init__(text)
        self.max_string_length = max_string_length
        self.max_text_length = max(max_text_length, max_string_length)
        self.text_paths = text_paths
        self.max_depth = max_depth
        self.problems: list[Problem] = []

    # -- helpers ---------------------------------------------------------------------------

    def _where(self, event: Event) -> str:
        mark = event.start_mark
        return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"

    def _problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))
        if len(self.problems) >= _MAX_PROBLEMS:
            raise _StopError

    def _fatal(self, path: str, message: str) -> _StopError:
        self.problems.append(Problem(path, message))
        return _StopError()

    def _scalar(self, event: ScalarEvent) -> object:
        value: str = event.value
        if not event.implicit[0]:  # quoted (or block) scalar: always a string
            return value
        tag = self.resolve(ScalarNode, value, event.implicit)
        if tag == _STR_TAG:
            return value
        if tag in _NUMBER_TAGS and ":" in value:
            # YAML 1.1 sexagesimal ("1:30" is 90): surprising, so keep it a string.
            return value
        if tag not in _VALUE_TAGS:  # e.g. "<<" (merge) or "=" (value)
            return value
        constructor: Callable[[Any, ScalarNode], object] = self.yaml_constructors[tag]
        return constructor(self, ScalarNode(tag, value))

    # -- the builder -----------------------------------------------------------------------

    def build(self) -> object:
        """Parse the single document and return it as plain data.

        Raises
        ------
        ModelFileError
            On syntax errors, anchors, aliases, tags, limits, repeated keys or several documents.
        """
        try:
            return self._build()
        except _StopError:
            pass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            self.problems.append(Problem("", f"not valid YAML: {exc.problem or exc}{where}"))
        except yaml.YAMLError as exc:
            self.problems.append(Problem("", f"not valid YAML: {exc}"))
        finally:
            self.dispose()
        raise ModelFileError(self.problems)

    def _build(self) -> object:
        # Each open collection is [container, pending key or _NO_KEY, key is a repeat?].
        stack: list[list[Any]] = []
        root: object = None
        documents = 0
        no_key = _NO_KEY

        def parts() -> list[str | int]:
            out: list[str | int] = []
            for container, key, _dup in stack:
                if isinstance(container, list):
                    out.append(len(container))
                elif key is not no_key:
                    out.append(str(key))
            return out

        def path() -> str:
            return format_path(parts())

        def limit_here() -> int:
            """The limit of the scalar about to be added: a value at a text path has more."""
            if not stack or (isinstance(stack[-1][0], dict) and stack[-1][1] is no_key):
                return max_len  # the document itself, or a mapping key
            return self.max_text_length if _is_text_path(parts(), self.text_paths) else max_len

        def add(value: object, event: Event) -> None:
            nonlocal root
            if not stack:
                root = value
                return
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, list):
                container.append(value)
            elif frame[1] is no_key:
                if isinstance(value, dict | list):
                    raise self._fatal(
                        path(), f"a mapping key must be a plain value ({self._where(event)})"
                    )
                if value in container:
                    frame[2] = True
                    frame[1] = value
                    self._problem(path(), f"duplicate key {value!r} ({self._where(event)})")
                    return
                frame[1] = value
            else:
                if not frame[2]:
                    container[frame[1]] = value
                frame[1] = no_key
                frame[2] = False

        get_event = self.get_event
        max_len = self.max_string_length
        while True:
            event = get_event()
            cls = type(event)
            if cls is ScalarEvent:
                if event.anchor is not None:
                    raise self._fatal(path(), f"anchors (&) are not allowed ({self._where(event)})")
                if event.tag is not None:
                    raise self._fatal(
                        path(), f"tags such as {event.tag!r} are not allowed ({self._where(event)})"
                    )
                if len(event.value) > max_len:
                    limit = limit_here()
                    if len(event.value) > limit:
                        self._problem(
                            path(), f"{_too_long(len(event.value), limit)} ({self._where(event)})"
                        )
                add(self._scalar(event), event)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None:
                    raise self._fatal(path(), f"anchors (&) are not allowed ({self._where(event)})")
                if event.tag is not None:
                    raise self._fatal(
                        path(), f"tags such as {event.tag!r} are not allowed ({self._where(event)})"
                    )
                if stack and stack[-1][1] is no_key and isinstance(stack[-1][0], dict):
                    raise self._fatal(
                        path(), f"a mapping key must be a plain value ({self._where(event)})"
                    )
                if len(stack) >= self.max_depth:
                    raise self._fatal(
                        path(),
                        f"nested deeper than the limit of {self.max_depth} ({self._where(event)})",
                    )
                stack.append([{} if cls is MappingStartEvent else [], no_key, False])
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                add(stack.pop()[0], event)
            elif cls is AliasEvent:
                raise self._fatal(path(), f"aliases (*) are not allowed ({self._where(event)})")
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self._fatal(
                        "",
                        f"only one YAML document is allowed, found another ({self._where(event)})",
                    )
            elif cls is StreamEndEvent:
                break
            elif cls is not DocumentEndEvent and cls is not StreamStartEvent:  # pragma: no cover
                raise self._fatal(path(), f"unexpected YAML event {cls.__name__}")
        if self.problems:
            raise _StopError
        return root


class _DuplicateKeys(dict[str, Any]):
    """A JSON object that had repeated keys (only ever seen inside a failing load)."""

    repeated: list[str]


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = _DuplicateKeys(result)
    seen: set[str] = set()
    marked.repeated = [k for k, _ in pairs if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
    return marked


def _json_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a model file may hold")


_Entry = tuple[object, int, Any, str | int | None]


def _check_json(
    data: object,
    max_string_length: int,
    max_depth: int,
    max_text_length: int = DEFAULT_MAX_TEXT_LENGTH,
    text_paths: Collection[tuple[str, ...]] = TEXT_PATHS,
) -> list[Problem]:
    """Walk parsed JSON for repeated keys, long strings and deep nesting (iteratively)."""
    problems: list[Problem] = []
    max_text_length = max(max_text_length, max_string_length)
    # Each entry: (value, depth, parent entry, key in parent): paths are spelled only on error.
    todo: list[_Entry] = [(data, 0, None, None)]

    def parts(entry: _Entry | None) -> list[str | int]:
        out: list[str | int] = []
        while entry is not None and entry[3] is not None:
            out.append(entry[3])
            entry = entry[2]
        return out[::-1]

    def path(entry: _Entry | None) -> str:
        return format_path(parts(entry))

    while todo and len(problems) < _MAX_PROBLEMS:
        entry = todo.pop()
        value, depth = entry[0], entry[1]
        if isinstance(value, str):
            if len(value) > max_string_length:
                limit = (
                    max_text_length
                    if _is_text_path(parts(entry), text_paths)
                    else max_string_length
                )
                if len(value) > limit:
                    problems.append(Problem(path(entry), _too_long(len(value), limit)))
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= max_depth:
            problems.append(Problem(path(entry), f"nested deeper than the limit of {max_depth}"))
            break
        if isinstance(value, dict):
            if isinstance(value, _DuplicateKeys):
                problems.extend(
                    Problem(path(entry), f"duplicate key {k!r}") for k in value.repeated
                )
            for key, item in value.items():
                if len(key) > max_string_length:
                    problems.append(
                        Problem(
                            path(entry), f"a key of {len(key)} characters is longer than the limit"
                        )
                    )
                todo.append((item, depth + 1, entry, key))
        else:
            todo.extend((item, depth + 1, entry, i) for i, item in enumerate(value))
    return problems


def detect_format(data: bytes | str, filename: str) -> Literal["yaml", "json"]:
    """Decide whether a file is YAML or JSON.

    The extension decides (``.json``; ``.yaml``/``.yml``); otherwise a document whose first
    non-blank character is ``{`` or ``[`` is JSON and anything else YAML.

    Examples
    --------
    >>> detect_format(b"{}", "model.yaml"), detect_format(b"a: 1", "x.json")
    ('yaml', 'json')
    >>> detect_format(b'  {"standby": 1}', "upload"), detect_format(b"standby: 1", "upload")
    ('json', 'yaml')
    """
    name = filename.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    head = data[:1024].lstrip()
    if isinstance(head, bytes):
        head = head.removeprefix(_BOM).lstrip()
        return "json" if head[:1] in (b"{", b"[") else "yaml"
    return "json" if head[:1] in ("{", "[", "\ufeff") else "yaml"


def _decode(data: bytes) -> str:
    newline = b"\n"
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ModelFileError.single(
            "",
            f"NUL byte at offset {nul} (line {data.count(newline, 0, nul) + 1}): a model file "
            "must be UTF-8 text",
        )
    skip = len(_BOM) if data.startswith(_BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + skip
        raise ModelFileError.single(
            "",
            f"not UTF-8: invalid byte 0x{data[offset]:02x} at offset {offset} "
            f"(line {data.count(newline, 0, offset) + 1}); save the file as UTF-8",
        ) from None


def load_bytes(
    data: bytes,
    *,
    filename: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_string_length: int = DEFAULT_MAX_STRING_LENGTH,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_text_length: int = DEFAULT_MAX_TEXT_LENGTH,
    text_paths: Collection[tuple[str, ...]] = TEXT_PATHS,
) -> object:
    """Read a model file's bytes (YAML or JSON) into plain data, safely.

    Parameters
    ----------
    data
        The file's content.
    filename
        Its name; the extension picks the format (see :func:`detect_format`) and nothing else.
    max_bytes
        Refuse larger files, before decoding or parsing them.
    max_string_length
        Refuse any key or string value longer than this many characters, but for text:
    max_text_length
        Refuse a string value at one of ``text_paths`` longer than this many characters.
    text_paths
        Where long text is allowed: paths as tuples of keys, ``"*"`` for any list index
        (default :data:`TEXT_PATHS`, the model file's free-text fields).
    max_depth
        Refuse mappings and lists nested deeper than this.

    Returns
    -------
    object
        Plain data, usually a ``dict``; hand it to :func:`standby.modelfile.schema.validate`.

    Raises
    ------
    ModelFileError
        With the problems found (size, encoding, syntax, anchors/aliases/tags, limits, repeated
        keys).

    Examples
    --------
    >>> load_bytes(b"standby: 1\\npeople: []\\n", filename="m.yaml")
    {'standby': 1, 'people': []}
    >>> load_bytes(b'{"standby": 1}', filename="m.json")
    {'standby': 1}
    >>> load_bytes(b"a: &x 1\\nb: *x\\n", filename="m.yaml")
    Traceback (most recent call last):
    ...
    standby.modelfile.errors.ModelFileError: a: anchors (&) are not allowed (line 1, column 4)
    """
    if len(data) > max_bytes:
        raise ModelFileError.single(
            "",
            f"the file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes",
        )
    fmt = detect_format(data, filename)
    text = _decode(data)
    if fmt == "json":
        return _load_json(
            text,
            max_string_length=max_string_length,
            max_depth=max_depth,
            max_text_length=max_text_length,
            text_paths=text_paths,
        )
    loader = StrictLoader(
        text,
        max_string_length=max_string_length,
        max_depth=max_depth,
        max_text_length=max_text_length,
        text_paths=text_paths,
    )
    return loader.build()


def _load_json(
    text: str,
    *,
    max_string_length: int,
    max_depth: int,
    max_text_length: int,
    text_paths: Collection[tuple[str, ...]],
) -> object:
    try:
        data = json.loads(text, object_pairs_hook=_json_object, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise ModelFileError.single(
            "", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise ModelFileError.single("", f"nested deeper than the limit of {max_depth}") from None
    except ValueError as exc:  # NaN/Infinity, or an integer with thousands of digits
        raise ModelFileError.single("", f"not valid JSON: {exc}") from None
    problems = _check_json(data, max_string_length, max_depth, max_text_length, text_paths)
    if problems:
        raise ModelFileError(problems)
    return data
