r"""JSON text in, plain data out: the one reader of JSON that a caller or a file hands sparkus.

Both :func:`sparkus.model.from_json` and the command line's files read through it, so a
document is refused the same way wherever it comes from.

Python's :func:`json.loads` recurses once per level of nesting, converts a number of any
length, decodes bytes by guessing their encoding and keeps the last of two repeated keys. This
reader puts limits in front of it, checked on the raw text before any parsing, and refuses
with a :class:`~sparkus.SchemaError` that says where:

- bytes must be UTF-8; others are refused at their line and column. One byte-order mark at
  the start is dropped, from bytes and from text alike (text read with ``encoding="utf-8"``
  starts with it);
- nesting deeper than :data:`MAX_JSON_DEPTH` is refused at the line and column where it
  passes the limit;
- a number longer than :data:`MAX_NUMBER_LENGTH` characters is refused at its line and column;
- a key repeated in one object is refused at its JSON path (``participants[3].id``);
- a string or key holding half of a UTF-16 surrogate pair (a lone ``\\uD800`` escape) is
  refused at its path: it is not text;
- text that is not JSON at all is refused at the line and column the parser stopped at.

``NaN`` and ``Infinity`` (and ``1e999``, read as infinity), which JSON does not have but
Python's ``json`` reads, parse; the checks of the records they land in then refuse them at their
paths, together with every other problem of the document.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

import numpy as np

from sparkus._checks import describe
from sparkus._errors import PathSegment, Problem, SchemaError

__all__ = [
    "HALF_PAIR",
    "MAX_JSON_DEPTH",
    "MAX_NUMBER_LENGTH",
    "JSONTextError",
    "countable_text",
    "entries_and_colons",
    "fast_loads",
    "half_pairs",
    "has_half_pair",
    "is_plain",
    "optional_msgspec",
    "parse_counting_keys",
    "parse_json",
]

MAX_JSON_DEPTH: Final = 64
"""The deepest nesting of lists and objects a JSON document may have (a program document
needs six levels)."""
MAX_NUMBER_LENGTH: Final = 1_000
"""The most characters a JSON number may have (a float needs at most 25, the largest one
written out in full 309 digits)."""

# A string (closed or not, escapes skipped in one pass) or a number.
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_TOKEN: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_LONG_NUMBER: Final = re.compile(rf"[0-9.eE+-]{{{MAX_NUMBER_LENGTH + 1},}}")
_NUMBER_OR_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[0-9.eE+-]+', re.DOTALL)


def _fail(message: str, path: tuple[PathSegment, ...] = ()) -> SchemaError:
    return SchemaError([Problem(path, message)])


class JSONTextError(SchemaError):
    """Text that cannot be read as a JSON document: what is wrong, and the line and column.

    One problem at the root, ``"<what> at line L, column C"``; a reader of files shows the
    line and column beside the file's name instead (``program.json, line 3, column 12: ...``).
    """

    def __init__(self, what: str, line: int, column: int) -> None:
        self.what, self.line, self.column = what, line, column
        super().__init__([Problem((), f"{what} at line {line}, column {column}")])

    def __reduce__(self) -> Any:
        return (type(self), (self.what, self.line, self.column))


def _at(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column


def _text(text: str | bytes | bytearray | memoryview) -> str:
    """`text` as str, without one byte-order mark at its start; else UnicodeDecodeError.

    The one place a BOM is dropped: the same document reads alike as bytes and as the text
    ``bytes.decode("utf-8")`` makes of them (``json.loads`` refuses a BOM in text).
    """
    if isinstance(text, str):
        return text.removeprefix("\ufeff")
    return bytes(text).decode("utf-8-sig")


def _decode(data: bytes) -> str:
    try:
        return _text(data)
    except UnicodeDecodeError as error:
        start = error.start
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        what = f"is not UTF-8 text: byte 0x{data[start]:02x} cannot be decoded (save as UTF-8)"
        raise JSONTextError(what, line, column) from None


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
                what = (f"has a number of {len(token):,} characters (numbers may have at most "
                        f"{MAX_NUMBER_LENGTH:,} characters)")  # fmt: skip
                raise JSONTextError(what, *_at(text, match.start()))
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
                what = f"is nested more than {MAX_JSON_DEPTH} deep (a document needs far fewer)"
                raise JSONTextError(what, *_at(text, match.start()))
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


HALF_PAIR: Final = (
    "holds half of a UTF-16 surrogate pair (a lone \\uD800 to \\uDFFF escape): not text"
)
"""Why a string holding half a surrogate pair is refused: by JSON readers, writers and records."""


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def has_half_pair(value: str) -> bool:
    """Whether `value` holds half a UTF-16 surrogate pair (ASCII text, the usual, costs nothing)."""
    return not value.isascii() and not _is_text(value)


def _refusals(value: Any, path: tuple[PathSegment, ...], found: list[Problem]) -> Any:
    """The document with plain dicts; every repeated key and half surrogate put in `found`."""
    if isinstance(value, str):
        if not _is_text(value):
            found.append(Problem(path, HALF_PAIR))
        return value
    if isinstance(value, dict):
        found += [Problem((*path, k), "repeats a key of its object; give each key once")
                  for k in getattr(value, "repeated", ())]  # fmt: skip
        out = {}
        for k, v in value.items():
            shown = k
            if not _is_text(k):  # shown escaped, in this path and those below it
                shown = k.encode("utf-8", "backslashreplace").decode("utf-8")
                found.append(Problem((*path, shown), f"the key {HALF_PAIR}"))
            out[k] = _refusals(v, (*path, shown), found)
        return out
    if isinstance(value, list):
        return [_refusals(v, (*path, i), found) for i, v in enumerate(value)]
    return value


def half_pairs(value: Any) -> list[Problem]:
    """Every string and key of plain data `value` holding half a surrogate pair, at its path.

    Such text cannot be written as UTF-8, nor read back from JSON: a writer refuses it with
    the problems :func:`parse_json` would give.
    """
    found: list[Problem] = []
    _refusals(value, (), found)
    return found


def parse_json(text: object, name: str = "text") -> tuple[Any, list[Problem]]:
    """Plain data from JSON `text` (str or UTF-8 bytes), within the limits, and its problems.

    A problem of the text (encoding, nesting, a long number, syntax) raises a
    :class:`JSONTextError`, with its line and column. A repeated key (its last value kept, as
    :func:`json.loads` keeps it) and text holding half a surrogate pair are problems of values
    that did parse, returned: a reader that checks the data further reports them together
    with its own.
    """
    if isinstance(text, bytes | bytearray | memoryview):
        text = _decode(bytes(text))
    elif isinstance(text, str):
        text = _text(text)
    if not isinstance(text, str):
        raise _fail(f"expected JSON text (str or UTF-8 bytes), got {describe(text)}", (name,))
    _check_limits(text)
    try:
        data = json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as error:
        # some of json's messages end in "at" ("Unterminated string starting at"): the line
        # and column follow as "at line L, column C" once
        what = error.msg.removesuffix(" at")
        raise JSONTextError(f"not valid JSON: {what}", error.lineno, error.colno) from None
    except RecursionError:  # the depth is checked above; a smaller interpreter stack is not
        raise _fail(f"is nested too deeply to read (limit {MAX_JSON_DEPTH})") from None
    found: list[Problem] = []
    plain = _refusals(data, (), found)
    return plain, found


# -- the fast path: the same refusals, proven absent by cheap checks ---------------------------

_HALF: Final = MAX_NUMBER_LENGTH // 2
_WINDOW: Final = re.compile(rf"[0-9.eE+-]{{{_HALF + 1}}}")
_PAIR_IN_SAMPLE: Final = re.compile(r"(?=[0-9.eE+-]{2})")
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")


def _may_have_long_number(text: str) -> bool:
    """False only if no run of number characters in `text` passes :data:`MAX_NUMBER_LENGTH`.

    A run of ``2h + 1`` such characters (``h`` half the limit) holds a whole window
    ``text[k*h : k*h + h + 1]``, whose two ends are neighbours in ``text[::h]``: only the
    windows starting where the sample holds two number characters in a row are looked at.
    """
    sample = text[::_HALF]
    return any(
        _WINDOW.match(text, match.start() * _HALF) is not None
        for match in _PAIR_IN_SAMPLE.finditer(sample)
    )


_ESCAPED_COLON: Final = re.compile(r"\\u003[aA]")


def _has_u_escape(text: str) -> bool:
    r"""Whether `text` holds a \u escape (a search for one character first: far faster)."""
    return "\\" in text and "\\u" in text


def _plain_text(text: object) -> str | None:
    """`text` as str if it is text within the limits of numbers and surrogates, else None."""
    if isinstance(text, str | bytes | bytearray | memoryview):
        try:
            text = _text(text)
        except UnicodeDecodeError:
            return None
    if not isinstance(text, str) or _may_have_long_number(text):
        return None
    if _has_u_escape(text) and _SURROGATE_ESCAPE.search(text) is not None:
        return None
    if not text.isascii() and not _is_text(text):
        return None
    return text


def parse_counting_keys(text: object) -> tuple[Any, int] | None:
    """The data of JSON `text` and a bound on its keys, or None if it may break a limit.

    None (the limits :func:`parse_json` checks) when the text is not str or UTF-8 bytes, may
    hold a number longer than the limit or half a surrogate pair (:func:`countable_text`), is
    not JSON or is nested too deep for the parser; the data has plain dicts throughout.

    The bound is the number of colons in the text: every key of every object is followed by
    exactly one colon outside strings, and a colon inside a string only raises the count. So
    when the entries of every dict of the data, plus the colons inside its strings that the
    caller counts, add up to the bound, no key was repeated (a repeated key leaves one entry
    fewer than the keys written). Nesting is not checked: a caller that accepts the data
    checks it (:func:`is_plain`, :func:`entries_and_colons`).
    """
    plain = countable_text(text)
    if plain is None:
        return None
    try:
        return fast_loads(plain), plain.count(":")
    except (json.JSONDecodeError, RecursionError):
        return None


def countable_text(text: object) -> str | None:
    r"""`text` as str if :func:`parse_counting_keys` may read it, else None.

    Text within the limits of numbers and surrogates (as :func:`parse_json` reads it), and
    without an escaped colon (\u003a): a colon in the data but not in the text, it would
    pay for one repeated key.
    """
    plain = _plain_text(text)
    if plain is None or (_has_u_escape(plain) and _ESCAPED_COLON.search(plain) is not None):
        return None
    return plain


_MSGSPEC: list[Any] = []  # [msgspec, decode, its errors] once looked up; None each if missing


def optional_msgspec() -> Any:
    """The msgspec module if it is installed (the optional ``json`` extra), else None."""
    if not _MSGSPEC:
        try:
            import msgspec  # type: ignore[import-not-found, unused-ignore]  # optional extra
        except ImportError:
            _MSGSPEC.extend((None, None, None))
        else:
            errors = (msgspec.MsgspecError, RecursionError, UnicodeError)
            _MSGSPEC.extend((msgspec, msgspec.json.Decoder().decode, errors))
    return _MSGSPEC[0]


def fast_loads(plain: str) -> Any:
    """``json.loads(plain)``, through msgspec's decoder when it is installed (speed only).

    msgspec (the optional ``json`` extra) parses about 1.7 times as fast as the standard
    library and gives the same values for every text it accepts: the same types, keys, strings
    and correctly rounded floats (``tests/core/test_fast_loads.py`` compares the two). It
    refuses a few texts ``json.loads`` reads (``NaN``, ``1e999``, nesting deeper than its own
    limit); those, and everything else it refuses, go to ``json.loads``, so the outcome is
    always that of ``json.loads``.
    """
    if optional_msgspec() is not None:
        _, decode, errors = _MSGSPEC
        try:
            return decode(plain)
        except errors:
            pass
    return json.loads(plain)


def entries_and_colons(value: Any, depth: int = 0) -> tuple[int, int] | None:
    """Entries of every dict in `value` and colons in every string (keys too); None if too deep."""
    kind = type(value)
    if kind is str:
        return 0, value.count(":")
    if kind is dict or kind is list:
        if depth >= MAX_JSON_DEPTH:
            return None
        entries, colons = (len(value), sum(k.count(":") for k in value)) if kind is dict else (0, 0)
        for item in value.values() if kind is dict else value:
            found = entries_and_colons(item, depth + 1)
            if found is None:
                return None
            entries, colons = entries + found[0], colons + found[1]
        return entries, colons
    return 0, 0


def is_plain(value: Any, depth: int = 0) -> bool:
    """Whether plain data `value` fits the nesting limit, without a repeated key marked."""
    kind = type(value)
    if kind is dict:
        return depth < MAX_JSON_DEPTH and all(is_plain(v, depth + 1) for v in value.values())
    if kind is list:
        return depth < MAX_JSON_DEPTH and all(is_plain(v, depth + 1) for v in value)
    return kind is not _Repeated
