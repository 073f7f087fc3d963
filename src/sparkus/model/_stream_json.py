"""The streaming fast path of :meth:`~sparkus.model.Population.from_json`.

A large program document is mostly its ``"participants"`` array. Parsing the whole text into
one dict per participant first, as the fast path of :func:`~sparkus.model.from_json` does,
holds every participant's dict at once: for a million participants several times the text's
size. This reader scans the document's top-level object itself (white space, each key with
:func:`json.decoder.scanstring`, each other value with :meth:`json.JSONDecoder.raw_decode`)
and reads the participants array in chunks of about :data:`CHUNK_CHARS` characters: each
chunk is parsed, checked with the fast path's own checks and turned into column pieces, and
its dicts are freed before the next chunk is parsed. The pieces are joined into the columns
:func:`~sparkus.model._columns.read_columns` takes.

A chunk ends at a ``}`` followed by a comma, found by a search from the chunk's target size;
``"[" + piece + "]"`` parses only when the cut falls between two elements (a cut inside a
string leaves it open; a cut inside an element leaves its brackets open), so a failed parse
means "cut elsewhere": that chunk is then read element by element.

That no key was repeated is proven by counting, as the fast path does, but span by span: the
entries of every dict of a chunk (or of another top-level value), plus the colons inside its
strings, must equal ``text.count(":", start, end)`` over its span (no copy of the text).
Top-level keys are seen one by one, so a repeated one is seen directly.

Like the fast path it refuses nothing: whenever it cannot prove the document valid it returns
None and the caller runs the detailed pass, which reports every problem with its path.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any, Final, cast

import numpy as np

from sparkus._json import countable_text, entries_and_colons, optional_msgspec
from sparkus.model._columns import Column, read_columns
from sparkus.model._fast_json import (
    DOCUMENT_FIELDS,
    FAST_ERRORS,
    colons_inside,
    columns_by_name,
    other_records,
    participant_columns,
    require,
)

__all__ = ["CHUNK_CHARS", "stream_population"]

CHUNK_CHARS: Final = 10_000_000
"""About how many characters of the participants array are parsed at once (some 17,000
participants as :func:`~sparkus.model.to_json` writes them)."""

_WHITE: Final = re.compile(r"[ \t\n\r]*")
_CUT: Final = re.compile(r"\}[ \t\n\r]*[,\]]")
_END: Final = re.compile(r"\}[ \t\n\r]*\]")
_DECODER: Final = json.JSONDecoder()
_raw_decode: Final = _DECODER.raw_decode
_scanstring: Final = json.decoder.scanstring  # type: ignore[attr-defined]
_PARSE_ERRORS: Final = (*FAST_ERRORS, json.JSONDecodeError, RecursionError)
# The types of the core columns, as the fast path's checks have left them.
_FLOATS: Final = frozenset(("tenure_years", "utc_offset"))
_CHECKED: Final[dict[str, set[type]]] = {
    "level": {str},
    "department": {str},
    "manager_id": {str},  # or None
    "team": {str},  # or None
    "languages": {tuple},
    "focus_goals": {tuple},
}
_Columns = tuple[dict[str, np.ndarray[Any, Any]], dict[str, Column]]


def stream_population(
    text: object,
    structure: Callable[[Any, Any], Any],
    scales: dict[str, tuple[float, float]],
    chunk_chars: int = CHUNK_CHARS,
) -> _Columns | None:
    """The population columns of the document in `text`, or None (run the detailed pass).

    The same checks as :func:`~sparkus.model._fast_json.fast_document`, without a record per
    participant, the participants read `chunk_chars` characters at a time; the columns go to
    :func:`read_columns` (with `scales`), whose arrays and schema are returned.
    """
    paused = gc.isenabled()
    gc.disable()  # reading builds objects and frees none: a collection would scan for nothing
    try:
        return _stream(text, structure, scales, chunk_chars)
    except _PARSE_ERRORS:
        return None
    finally:
        if paused:
            gc.enable()


def _white(text: str, position: int) -> int:
    return _WHITE.match(text, position).end()  # type: ignore[union-attr]  # matches always


def _stream(
    text: object,
    structure: Callable[[Any, Any], Any],
    scales: dict[str, tuple[float, float]],
    chunk_chars: int,
) -> _Columns:
    plain = countable_text(text)
    require(plain is not None)
    text = str(plain)
    rest: dict[str, Any] = {}
    found: dict[str, Any] | None = None
    position = _white(text, 0)
    require(text.startswith("{", position))
    position = _white(text, position + 1)
    closed = text.startswith("}", position)
    while not closed:
        require(text.startswith('"', position))
        key, position = _scanstring(text, position + 1)
        require(
            key in DOCUMENT_FIELDS and key not in rest and (key != "participants" or found is None)
        )
        position = _white(text, position)
        require(text.startswith(":", position))
        position = _white(text, position + 1)
        if key == "participants":
            found, position = _participants(text, position, chunk_chars)
        else:
            value, end = _raw_decode(text, position)
            counted = entries_and_colons(value)  # None if nested too deep
            require(counted is not None)
            entries, inside = cast(tuple[int, int], counted)
            require(entries + inside == text.count(":", position, end))
            rest[key], position = value, end
        position = _white(text, position)
        closed = text.startswith("}", position)
        require(closed or text.startswith(",", position))
        position = _white(text, position + 1)
    require(position == len(text) and "program" in rest)
    if found is None:
        found, _ = _chunk_columns([], text, 0, 0)
    ids = np.array(found["id"], dtype=np.str_)  # read by read_columns in C
    # The ids are needed (as a list) only to check the assessments' participants.
    other_records(rest, structure, ids.tolist() if rest.get("assessments") else [])
    del rest
    found["id"] = ids
    found["tenure_years"] = np.array(found["tenure_years"], dtype=np.float64)
    found["utc_offset"] = np.array(found["utc_offset"], dtype=np.float64)
    return read_columns(found, scales)


def _participants(text: str, position: int, chunk_chars: int) -> tuple[dict[str, Any], int]:
    """The participants' columns, read chunk by chunk from the array at `position`; its end."""
    require(text.startswith("[", position))
    first = _white(text, position + 1)
    if text.startswith("]", first):  # no participants
        return _chunk_columns([], text, 0, 0)[0], first + 1
    pieces: dict[str, list[Any]] = {}
    names: set[str] = set()
    stop = first
    for items, start, stop in _chunks(text, first, chunk_chars):
        piece, piece_names = _chunk_columns(items, text, start, stop)
        del items
        if not pieces:
            pieces, names = {name: [] for name in piece}, piece_names
        require(piece_names == names)  # every participant carries the first one's names
        for name, values in piece.items():
            pieces[name].append(_compact(name, values))
        del piece
    end = _white(text, stop)
    require(text.startswith("]", end))
    return {name: _joined(segments) for name, segments in pieces.items()}, end + 1


def _compact(name: str, values: Any) -> list[Any] | np.ndarray[Any, Any]:
    """A chunk's column in less memory, read by :func:`read_columns` as the list would be.

    The ids become a text array (as the caller makes of them), floats a float64 array
    (read_columns makes one of a list of floats); text and tuples (with or without None)
    become one shared object per distinct value, so that the chunk's copies are freed. Other
    columns (mixed types, ints, bools) stay as they are.
    """
    if name == "id":
        return np.array(values, dtype=np.str_)
    if name in _FLOATS:
        return np.array(values, dtype=np.float64)
    types = _CHECKED.get(name) or set(map(type, values))
    if types == {float}:
        return np.array(values, dtype=np.float64)
    if types == {tuple} or types <= {str, type(None)}:
        shared = {value: value for value in set(values)}  # one type: no 1 == True == 1.0
        return list(map(shared.__getitem__, values))
    return list(values)


def _joined(segments: list[Any]) -> Any:
    """A column's chunks joined: one array if every chunk is an array, else one list."""
    if all(isinstance(segment, np.ndarray) for segment in segments):
        return np.concatenate(segments)
    return list(
        chain.from_iterable(s.tolist() if isinstance(s, np.ndarray) else s for s in segments)
    )


def _chunk_columns(
    items: list[Any], text: str, start: int, end: int
) -> tuple[dict[str, Any], set[str]]:
    """A chunk's columns, checked, and its attribute names; its colons counted over its span."""
    columns, dicts = participant_columns(items)
    entries = sum(map(len, items)) + sum(map(len, dicts))
    colons = text.count(":", start, end)
    if entries != colons:  # colons inside the participants' strings, or a repeated key
        require(entries + colons_inside(columns, dicts) == colons)
    # Every participant has the same attribute names (participant_columns checked it).
    return columns_by_name(columns, dicts), set(columns[-1])


def _chunks(text: str, position: int, chunk_chars: int) -> Iterator[tuple[list[Any], int, int]]:
    """The elements of a non-empty array from `position` (its first), a chunk at a time.

    Each chunk with the start and end of its span; the last one is followed by the ``]``
    (after white space).
    """
    while True:
        cut = _CUT.search(text, position + chunk_chars) or _END.search(text, position)
        if cut is not None:
            piece = "[" + text[position : cut.start() + 1] + "]"
            try:
                items, length = _parse(piece)
            except json.JSONDecodeError:
                pass  # the cut is inside a string or an element: read this chunk one by one
            else:
                if length < len(piece):  # the cut was found after the array's own "]"
                    yield items, position, position + length - 2
                    return
                del piece
                yield items, position, cut.start() + 1
                if cut.group().endswith("]"):
                    return
                position = _white(text, cut.end())
                continue
        items, end, last = _one_by_one(text, position, position + chunk_chars)
        yield items, position, end
        if last:
            return
        position = end


def _parse(piece: str) -> tuple[Any, int]:
    """The first JSON value in `piece` and where it ends, as :meth:`json.JSONDecoder.raw_decode`.

    With msgspec installed (an optional extra, for speed only), a piece that is one JSON value
    is decoded by it: it reads a subset of what :mod:`json` reads (no ``NaN``, no number out
    of the float range, nothing after the value) to the same values. Anything else it refuses
    is read by :mod:`json`, so the result never depends on msgspec.
    """
    msgspec = optional_msgspec()
    if msgspec is not None:
        try:
            return msgspec.json.decode(piece), len(piece)
        except (msgspec.MsgspecError, RecursionError, UnicodeError):
            pass  # let json read it, or say why not
    return _raw_decode(piece)


def _one_by_one(text: str, position: int, target: int) -> tuple[list[Any], int, bool]:
    """Elements from `position` until one ends past `target` or the array ends.

    The elements, where the next one starts (or where the ``]`` is), and whether the array
    ended.
    """
    items: list[Any] = []
    while True:
        item, position = _raw_decode(text, position)
        items.append(item)
        position = _white(text, position)
        if text.startswith("]", position):
            return items, position, True
        require(text.startswith(",", position))
        position = _white(text, position + 1)
        if position > target:
            return items, position, False
