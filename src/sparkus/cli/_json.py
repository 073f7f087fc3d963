"""Reading a JSON input file with guards: depth, number size, non-finite numbers, repeated keys.

Python's ``json`` module recurses once per level of nesting (a document nested 100,000 deep
raises ``RecursionError``), refuses integers over 4,300 digits with a bare ``ValueError``,
reads ``1e999`` as infinity, accepts ``NaN`` and ``Infinity``, and keeps the last of two equal
keys. Each of these is refused here instead, located by line and column (nesting) or by the
path of the value inside the document.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Final

from sparkus._errors import PathSegment, Problem
from sparkus.cli._exits import FileInputError
from sparkus.cli._text import read_text

__all__ = ["MAX_JSON_DEPTH", "MAX_MAGNITUDE", "MAX_NUMBER_CHARACTERS", "read_json"]

MAX_JSON_DEPTH: Final = 64
"""The deepest nesting of arrays and objects read; a program document needs about 6."""

MAX_NUMBER_CHARACTERS: Final = 400
"""The longest number read, in characters (a float has at most 309 integer digits)."""

MAX_MAGNITUDE: Final = 1e15
"""The largest number read, in absolute value: a quadrillion is more than any budget, fee,
capacity or count of a program, and keeps every product of them finite (a fee of 1e308 made
the planner's arithmetic overflow, and a capacity of 2**63 overflowed a 64-bit integer)."""

_TOKENS: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
"""Strings (skipped whole, so brackets inside them do not count) and brackets."""


class _Refused:
    """A value the parser read but sparkus refuses; reported with its path after parsing."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object(pairs)
    if len(result) < len(pairs):
        seen: set[str] = set()
        repeated = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        result.repeated = tuple(repeated)
    return result


def _integer(text: str) -> int | _Refused:
    if len(text) > MAX_NUMBER_CHARACTERS:
        digits = len(text.lstrip("-"))
        return _Refused(
            f"a number of {digits:,} digits; sparkus reads numbers of up to "
            f"{MAX_NUMBER_CHARACTERS} characters"
        )
    value = int(text)
    return _Refused(_too_large(text)) if abs(value) > MAX_MAGNITUDE else value


def _too_large(text: str) -> str:
    shown = text if len(text) <= 24 else f"{text[:12]}...({len(text):,} characters)"
    return f"{shown} is larger than {MAX_MAGNITUDE:.0e}, the largest number sparkus reads"


def _float(text: str) -> float | _Refused:
    if len(text) > MAX_NUMBER_CHARACTERS:
        return _Refused(
            f"a number written with {len(text):,} characters; sparkus reads numbers of up to "
            f"{MAX_NUMBER_CHARACTERS} characters"
        )
    value = float(text)
    if not math.isfinite(value):
        return _Refused(f"{text} is beyond the range of a number (about ±1.8e308)")
    return _Refused(_too_large(text)) if abs(value) > MAX_MAGNITUDE else value


def _constant(text: str) -> _Refused:
    return _Refused(f"{text} is not a finite number; JSON has no NaN or Infinity")


def _too_deep(text: str, name: str) -> None:
    """Refuse nesting deeper than :data:`MAX_JSON_DEPTH`, at the line and column it starts."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                start = match.start()
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                msg = (
                    f"{name}, line {line}, column {column}: arrays and objects nested deeper "
                    f"than {MAX_JSON_DEPTH} levels; a sparkus document needs far fewer"
                )
                raise FileInputError([msg])
        elif token in "]}":
            depth -= 1


_HALF_PAIR: Final = (
    "holds half of a UTF-16 surrogate pair (a lone \\uD800 to \\uDFFF escape): not text"
)


def _is_unicode(text: str) -> bool:
    """Whether `text` is Unicode text: a JSON escape can leave half a surrogate pair."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refusals(value: object, path: tuple[PathSegment, ...], out: list[Problem]) -> None:
    """Every refused value and repeated key in the parsed document, with its path."""
    if isinstance(value, _Refused):
        out.append(Problem(path, value.message))
    elif isinstance(value, str):
        if not _is_unicode(value):
            out.append(Problem(path, _HALF_PAIR))
    elif isinstance(value, dict):
        for key in getattr(value, "repeated", ()):
            out.append(Problem((*path, key), "the key appears twice in one object; keep one"))
        for key, item in value.items():
            if not _is_unicode(key):
                shown = key.encode("utf-8", "backslashreplace").decode("utf-8")
                out.append(Problem((*path, shown), f"the key {_HALF_PAIR}"))
            _refusals(item, (*path, key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refusals(item, (*path, index), out)


def read_json(path: str | Path) -> Any:
    """The parsed JSON document of `path`, with plain dicts, lists, strings and numbers.

    Raises
    ------
    FileInputError
        For text that is not JSON (line and column), nesting deeper than
        :data:`MAX_JSON_DEPTH`, and, at their path in the document: numbers longer than
        :data:`MAX_NUMBER_CHARACTERS` or larger than :data:`MAX_MAGNITUDE`, NaN and Infinity, keys
        given twice in one object, and strings holding half of a UTF-16 surrogate pair.
    """
    path = Path(path)
    text = read_text(path)
    _too_deep(text, path.name)
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_integer,
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as error:
        msg = (
            f"{path.name}, line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        )
        raise FileInputError([msg]) from None
    except RecursionError:  # pragma: no cover - the depth guard above comes first
        msg = f"{path.name}: arrays and objects nested too deep to read"
        raise FileInputError([msg]) from None
    problems: list[Problem] = []
    _refusals(data, (), problems)
    if problems:
        raise FileInputError([f"{path.name}, at {p.location}: {p.message}" for p in problems])
    return _plain(data)


def _plain(value: Any) -> Any:
    """The document with plain dicts (the reader's own class dropped)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
