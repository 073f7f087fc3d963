"""JSON text in, plain data out: the one reader of JSON that a caller (or a file) hands us.

Python's :func:`json.loads` recurses once per level of nesting, converts a number of any
length, decodes bytes by guessing their encoding and keeps the last of two repeated keys. This
reader puts limits in front of it, checked on the raw text before any parsing, and refuses
with a :class:`~sparkus.SchemaError` that says where:

- bytes must be UTF-8 (a byte-order mark is dropped); others are refused at their line and
  column;
- nesting deeper than :data:`MAX_JSON_DEPTH` is refused at the line and column where it
  passes the limit;
- a number longer than :data:`MAX_NUMBER_LENGTH` characters is refused at its line and column;
- a key repeated in one object is refused at its JSON path (``participants[3].id``);
- text that is not JSON at all is refused at the line and column the parser stopped at.

``NaN`` and ``Infinity`` parse (as Python's ``json`` does) and are then refused, with their
paths, by the checks of the records they land in.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

import numpy as np

from sparkus._checks import describe
from sparkus._errors import PathSegment, Problem, SchemaError

__all__ = ["MAX_JSON_DEPTH", "MAX_NUMBER_LENGTH", "load_json"]

MAX_JSON_DEPTH: Final = 64
"""The deepest nesting of lists and objects a JSON document may have (a program document
needs six levels)."""
MAX_NUMBER_LENGTH: Final = 1_000
"""The most characters a JSON number may have (a float needs at most 25)."""

# A string (closed or not, escapes skipped in one pass) or a number.
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_TOKEN: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_LONG_NUMBER: Final = re.compile(rf"[0-9.eE+-]{{{MAX_NUMBER_LENGTH + 1},}}")
_NUMBER_OR_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[0-9.eE+-]+', re.DOTALL)


def _fail(message: str, path: tuple[PathSegment, ...] = ()) -> SchemaError:
    return SchemaError([Problem(path, message)])


def _where(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        msg = (
            f"is not UTF-8 text: byte 0x{data[start]:02x} at line {line}, column {column} "
            "cannot be decoded; save the file as UTF-8"
        )
        raise _fail(msg) from None


def _check_limits(text: str) -> None:
    """Refuse nesting deeper than the limit, or a number longer than its limit.

    One C-level pass removes the strings; the depth is then a vectorised running sum over
    the brackets left, and a long number a regex search. Only when a limit is broken are the
    tokens of the original text walked, to say where.
    """
    bare = _STRING.sub("", text)
    if _LONG_NUMBER.search(bare) is not None:
        for match in _NUMBER_OR_STRING.finditer(text):
            token = match.group()
            if not token.startswith('"') and len(token) > MAX_NUMBER_LENGTH:
                msg = (f"has a number of {len(token):,} characters at "
                       f"{_where(text, match.start())}; numbers may have at most "
                       f"{MAX_NUMBER_LENGTH:,} characters")  # fmt: skip
                raise _fail(msg)
    codes = np.frombuffer(bare.encode("utf-8", "replace"), dtype=np.uint8)
    if len(codes) == 0:
        return
    step = (codes == ord("[")).astype(np.int32) + (codes == ord("{"))
    step -= (codes == ord("]")).astype(np.int32) + (codes == ord("}"))
    if int(np.cumsum(step).max(initial=0)) <= MAX_JSON_DEPTH:
        return
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                msg = (
                    f"is nested more than {MAX_JSON_DEPTH} deep at {_where(text, match.start())}; "
                    "sparkus documents need far fewer levels"
                )
                raise _fail(msg)
        elif token in "]}":
            depth -= 1


class _Repeated(dict[str, Any]):
    """An object in which a key was repeated: which keys (the last value is kept to report)."""

    repeated: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    marked = _Repeated(out)
    counts: dict[str, int] = {}
    for key, _ in pairs:
        counts[key] = counts.get(key, 0) + 1
    marked.repeated = tuple(k for k, c in counts.items() if c > 1)
    return marked


def _repeats(value: Any, path: tuple[PathSegment, ...], found: list[Problem]) -> None:
    if isinstance(value, dict):
        if isinstance(value, _Repeated):
            found += [Problem((*path, k), "repeats a key of its object; give each key once")
                      for k in value.repeated]  # fmt: skip
        for k, v in value.items():
            _repeats(v, (*path, k), found)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _repeats(v, (*path, i), found)


def load_json(text: object, name: str = "text") -> Any:
    """Plain data from JSON `text` (str or UTF-8 bytes), within the limits; else a SchemaError."""
    if isinstance(text, bytes | bytearray | memoryview):
        text = _decode(bytes(text))
    if not isinstance(text, str):
        raise _fail(f"expected JSON text (str or UTF-8 bytes), got {describe(text)}", (name,))
    _check_limits(text)
    repeated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        out = _pairs(items)
        repeated = repeated or isinstance(out, _Repeated)
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        msg = f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise _fail(msg) from None
    except RecursionError:  # the depth is checked above; a smaller interpreter stack is not
        raise _fail(f"is nested too deeply to read (limit {MAX_JSON_DEPTH})") from None
    if repeated:
        found: list[Problem] = []
        _repeats(data, (), found)
        raise SchemaError(found)
    return data
