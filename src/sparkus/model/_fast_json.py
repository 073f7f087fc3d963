"""The fast path of :func:`~sparkus.model.from_json` for program documents.

A valid document is read column by column: each participant field is gathered into one list
and checked in one pass (a joined string against one regular expression, a set of types, a
numpy array of numbers), and the records are built without running their checks a second
time. The fast path refuses nothing: whenever it cannot prove a document valid it returns
None, and the caller runs the detailed pass, which reports every problem with its path. Its
checks are therefore sufficient conditions of the detailed ones, never different rules; the
document's own cross-checks (unique ids, managers, the manager tree) run as they always do,
when the document is built.
"""

from __future__ import annotations

import gc
import operator
import re
from collections.abc import Callable
from itertools import chain
from typing import Any, Final, TypeVar, cast

import numpy as np

from sparkus._errors import SchemaError
from sparkus._fields import frozen_plain, language
from sparkus._json import entries_and_colons, is_plain, parse_counting_keys
from sparkus.model._columns import Column, read_columns
from sparkus.model._document import SCHEMA_VERSION, ProgramDocument
from sparkus.model._enums import Goal, Level
from sparkus.model._records import Assessment, Participant, Program, Provider

__all__ = ["fast_document", "fast_population"]

_T = TypeVar("_T")

_FIELDS: Final = (
    "id",
    "level",
    "department",
    "tenure_years",
    "manager_id",
    "team",
    "utc_offset",
    "languages",
    "focus_goals",
    "attributes",
)
_NAMES: Final = frozenset(_FIELDS)
_LEVELS: Final = {member.value: member for member in Level}
_GOALS: Final = {member.value: member for member in Goal}
# Where a text value breaks the identifier rule in "\n".join(values): white space at either
# end of a value, or \r anywhere (a \n inside a value shows in the count of line breaks).
_EDGE: Final = re.compile(r"\A\s|\s\Z|\n\s|\s\n|\r")
_NUMBERS: Final = frozenset((int, float))
_ATTRIBUTE_TYPES: Final = frozenset((str, int, float, bool))
_DOCUMENT_FIELDS: Final = frozenset(
    ("program", "participants", "providers", "assessments", "schema_version")
)
_NO_ITEMS: Final[list[Any]] = []
_NO_ATTRIBUTES: Final[dict[str, Any]] = {}
_set = object.__setattr__


class _NotPlain(Exception):
    """The fast path cannot prove the document valid: run the detailed pass."""


def _require(condition: bool) -> None:
    if not condition:
        raise _NotPlain


def _texts(values: list[Any]) -> None:
    """Every value a non-empty one-line string without white space at either end."""
    if not values:
        return
    joined = "\n".join(values)  # TypeError if any is not a string
    _require(joined.count("\n") == len(values) - 1 and _EDGE.search(joined) is None)
    _require(len(values) > 1 or joined != "")


def _optional_texts(values: list[Any]) -> None:
    _texts([v for v in values if v is not None])


def _floats(values: list[Any], low: float, high: float) -> list[float]:
    _require(set(map(type, values)) <= _NUMBERS)  # bool is not int here: type, not isinstance
    floats = list(map(float, values))  # OverflowError for an integer too large
    array = np.array(floats, dtype=np.float64)
    _require(bool(np.all(np.isfinite(array) & (array >= low) & (array <= high))))
    return floats


def _item_tuples(lists: list[Any], convert: Callable[[Any], Any] | None) -> list[tuple[Any, ...]]:
    """Lists of distinct items, as tuples (items converted by `convert`)."""
    _require(set(map(type, lists)) <= {list})
    _require(sum(map(len, map(set, lists))) == sum(map(len, lists)))  # TypeError if unhashable
    if convert is None:
        return list(map(tuple, lists))
    return [tuple(map(convert, items)) for items in lists]


def _attributes(dicts: list[Any]) -> None:
    """Every attribute key a field-free identifier, every value a finite number, bool or text."""
    _require(set(map(type, dicts)) <= {dict})  # a dict with a repeated key is a subclass
    keys = list(set(chain.from_iterable(dicts)))
    _texts(keys)
    _require(_NAMES.isdisjoint(keys))
    values = list(chain.from_iterable(map(dict.values, dicts)))
    _require(set(map(type, values)) <= _ATTRIBUTE_TYPES)
    numbers = [v for v in values if v.__class__ is not str]
    _require(bool(np.all(np.isfinite(np.array(numbers, dtype=np.float64)))))


def _participant_columns(items: Any) -> tuple[list[list[Any]], list[Any]]:
    """The participants' fields, each gathered into one list and checked; their attribute dicts.

    Levels and goals stay as their values (checked against the enums); tenures and offsets
    are floats, languages and goals tuples.
    """
    _require(type(items) is list and set(map(type, items)) <= {dict})
    _require(all(map(_NAMES.issuperset, items)))  # a missing required field: KeyError below
    ids = [p["id"] for p in items]
    _texts(ids)
    levels = [p["level"] for p in items]
    _require(set(levels) <= _LEVELS.keys())  # TypeError if unhashable
    departments = [p["department"] for p in items]
    _texts(departments)
    tenures = _floats([p["tenure_years"] for p in items], 0.0, np.inf)
    managers = [p.get("manager_id") for p in items]
    _optional_texts(managers)
    _require(not any(map(operator.eq, ids, managers)))
    teams = [p.get("team") for p in items]
    _optional_texts(teams)
    offsets = _floats([p.get("utc_offset", 0.0) for p in items], -12.0, 14.0)
    languages = _item_tuples([p.get("languages", _NO_ITEMS) for p in items], None)
    distinct = set(chain.from_iterable(languages))
    _require(not any(map(language, distinct)))  # the field's own check, once per distinct code
    goals = _item_tuples([p.get("focus_goals", _NO_ITEMS) for p in items], None)
    _require(set(chain.from_iterable(goals)) <= _GOALS.keys())
    dicts = [p.get("attributes", _NO_ATTRIBUTES) for p in items]
    _attributes(dicts)
    columns = [ids, levels, departments, tenures, managers, teams, offsets, languages, goals]
    return columns, dicts


def _found(columns: list[list[Any]], dicts: list[Any]) -> dict[str, Any]:
    """The columns as :func:`record_columns` gives them, attributes by name."""
    found: dict[str, Any] = dict(zip(_FIELDS[:-1], columns, strict=True))
    # Every participant carries the names of the first, in any order (as record_columns asks).
    names = dicts[0].keys() if dicts else _NO_ATTRIBUTES.keys()
    _require(all(map(names.__eq__, map(dict.keys, dicts))))
    for name in names:
        found[name] = [d[name] for d in dicts]
    return found


def _participants(
    columns: list[list[Any]], dicts: list[Any]
) -> tuple[tuple[Participant, ...], dict[str, list[Any]]]:
    """The participants, and their columns as :func:`record_columns` gives them."""
    levels = list(map(_LEVELS.__getitem__, columns[1]))
    goals = [tuple(map(_GOALS.__getitem__, g)) for g in columns[8]]
    attributes = list(map(frozen_plain, dicts))
    out: list[Participant] = []
    new, put = Participant.__new__, _set
    for i, lv, dep, ten, man, team, off, lang, goal, attr in zip(
        columns[0], levels, *columns[2:8], goals, attributes, strict=True
    ):
        person = new(Participant)
        put(person, "id", i)
        put(person, "level", lv)
        put(person, "department", dep)
        put(person, "tenure_years", ten)
        put(person, "manager_id", man)
        put(person, "team", team)
        put(person, "utc_offset", off)
        put(person, "languages", lang)
        put(person, "focus_goals", goal)
        put(person, "attributes", attr)
        out.append(person)
    return tuple(out), _found(columns, dicts)


def _paused(read: Callable[[], _T]) -> _T:
    """`read()` with the garbage collector paused.

    Reading builds a few objects per value and frees none, so each collection the allocations
    trigger scans the whole document again for nothing.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return read()
    finally:
        if paused:
            gc.enable()


def fast_document(text: object, structure: Callable[[Any, Any], Any]) -> ProgramDocument | None:
    """The document in `text` if the fast path proves it valid, else None (run the detailed pass).

    `structure` is the detailed reader of one record, used for the few records that are not
    participants (the program, providers and assessments), each checked as always. The
    document is then built without its constructor, whose checks are run here: the columns of
    the participants read with :func:`read_columns`, as the document's cross-check does with
    the columns of its records, and the providers' and assessments' ids.
    """
    return _paused(lambda: _document(text, structure))


def fast_population(
    text: object, structure: Callable[[Any, Any], Any], scales: dict[str, tuple[float, float]]
) -> tuple[dict[str, np.ndarray[Any, Any]], dict[str, Column]] | None:
    """The population columns of the document in `text`, or None (run the detailed pass).

    The same checks as :func:`fast_document`, without building a record per participant: the
    columns go to :func:`read_columns` (with `scales`), whose arrays and schema are returned.
    """
    return _paused(lambda: _population(text, structure, scales))


_ERRORS: Final = (_NotPlain, SchemaError, KeyError, TypeError, ValueError, OverflowError)


def _rest(data: Any, structure: Callable[[Any, Any], Any], ids: list[str]) -> tuple[Any, ...]:
    """The document's other records, each read by `structure`, and their cross-checks."""
    rest = {k: v for k, v in data.items() if k != "participants"}
    _require(is_plain(rest))
    program = structure(rest["program"], Program)
    providers = structure(rest.get("providers", _NO_ITEMS), tuple[Provider, ...])
    assessments = structure(rest.get("assessments", _NO_ITEMS), tuple[Assessment, ...])
    version = structure(rest.get("schema_version", SCHEMA_VERSION), int)
    _require(version == SCHEMA_VERSION and type(version) is int)
    provider_ids = [p.id for p in providers]
    _require(len(set(provider_ids)) == len(provider_ids))
    known = set(ids)
    _require(all(a.participant_id in known for a in assessments))
    return program, providers, assessments, version


def _read(text: object) -> tuple[Any, list[list[Any]], list[Any]]:
    """The document's data, its participants' columns and attribute dicts, all checked.

    The text is parsed with plain dicts; that no key was repeated is then proven by counting
    (:func:`parse_counting_keys`): the entries of every dict, plus the colons inside strings,
    equal the colons of the text. Participants are counted column by column: once checked,
    their only dicts are the participants and their attributes.
    """
    parsed = parse_counting_keys(text)
    _require(parsed is not None)
    data, colons = cast(tuple[Any, int], parsed)
    _require(type(data) is dict and "program" in data and data.keys() <= _DOCUMENT_FIELDS)
    items = data.get("participants", _NO_ITEMS)
    columns, dicts = _participant_columns(items)
    found = entries_and_colons({k: v for k, v in data.items() if k != "participants"})
    _require(found is not None)
    entries, inside = cast(tuple[int, int], found)
    entries += ("participants" in data) + sum(map(len, items)) + sum(map(len, dicts))
    if entries + inside != colons:  # colons in the participants' text, or a repeated key
        texts = chain(*columns[0:3:2], *(filter(None, c) for c in columns[4:6]))
        values = chain.from_iterable(map(dict.values, dicts))
        inside += "".join(texts).count(":") + "".join(chain.from_iterable(dicts)).count(":")
        inside += "".join(v for v in values if v.__class__ is str).count(":")
        _require(entries + inside == colons)
    return data, columns, dicts


def _population(
    text: object, structure: Callable[[Any, Any], Any], scales: dict[str, tuple[float, float]]
) -> tuple[dict[str, np.ndarray[Any, Any]], dict[str, Column]] | None:
    try:
        data, columns, dicts = _read(text)
        _rest(data, structure, columns[0])
        found = _found(columns, dicts)
        del data, columns, dicts
        found["id"] = np.array(found["id"], dtype=np.str_)  # read by read_columns in C
        found["tenure_years"] = np.array(found["tenure_years"], dtype=np.float64)
        found["utc_offset"] = np.array(found["utc_offset"], dtype=np.float64)
        return read_columns(found, scales)
    except _ERRORS:
        return None


def _document(text: object, structure: Callable[[Any, Any], Any]) -> ProgramDocument | None:
    try:
        data, found, dicts = _read(text)
        participants, columns = _participants(found, dicts)
        program, providers, assessments, version = _rest(data, structure, columns["id"])
        read_columns(columns, {})
    except _ERRORS:
        return None
    document = ProgramDocument.__new__(ProgramDocument)
    for name, value in (
        ("program", program),
        ("participants", participants),
        ("providers", providers),
        ("assessments", assessments),
        ("schema_version", version),
    ):
        _set(document, name, value)
    return document


# -- shared with the streaming reader of populations (_stream_json) ----------------------------
# It reads the participants chunk by chunk and checks each chunk with these same functions.

NotPlain = _NotPlain
FAST_ERRORS: Final = _ERRORS
DOCUMENT_FIELDS: Final = _DOCUMENT_FIELDS
participant_columns = _participant_columns
columns_by_name = _found
other_records = _rest
