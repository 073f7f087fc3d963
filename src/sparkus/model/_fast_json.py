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
import math
import operator
from collections import deque
from collections.abc import Callable
from itertools import chain, repeat
from math import copysign
from typing import Annotated, Any, Final, Literal, TypeVar, cast

import attrs
import numpy as np

from sparkus._errors import SchemaError
from sparkus._fields import FrozenMapping, Record, language
from sparkus._json import (
    countable_text,
    entries_and_colons,
    is_plain,
    optional_msgspec,
    parse_counting_keys,
)
from sparkus._text_rules import nfc_repeats
from sparkus.model._columns import field_lookalike
from sparkus.model._document import SCHEMA_VERSION, ProgramDocument
from sparkus.model._enums import Goal, Level, SupportType
from sparkus.model._records import (
    MAX_AMOUNT,
    MAX_CAPACITY,
    MAX_TENURE_YEARS,
    Assessment,
    Participant,
    Program,
    Provider,
)

__all__ = ["fast_document"]

_T = TypeVar("_T")
_R = TypeVar("_R", bound=Record)

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
_SUPPORTS: Final = {member.value: member for member in SupportType}
_NUMBERS: Final = frozenset((int, float))
_PLUS_ZERO: Final = (0.0).__radd__
"""``x + 0.0``: -0.0 becomes 0.0 (IEEE), every other float stays itself."""
_DOCUMENT_FIELDS: Final = frozenset(
    ("program", "participants", "providers", "assessments", "schema_version")
)
_NO_ITEMS: Final[list[Any]] = []
_NO_ATTRIBUTES: Final[dict[str, Any]] = {}
_set = object.__setattr__
_MAPPING_DATA: Final = FrozenMapping.__dict__["_data"]


class _NotPlain(Exception):
    """The fast path cannot prove the document valid: run the detailed pass."""


def _require(condition: bool) -> None:
    if not condition:
        raise _NotPlain


def _texts(values: list[Any]) -> None:
    r"""Every value a non-empty one-line string without white space at either end or a NUL.

    The rule of ids and names (:data:`~sparkus._text_rules.name_text`). White space is what ``str.strip`` drops (the ``\s`` of the field's rule), and ``strip``
    returns the very string when it drops nothing.
    """
    if not values:
        return
    _require(all(values) and all(map(operator.is_, map(str.strip, values), values)))
    joined = "\n".join(values)  # TypeError if any is not a string
    _require(joined.count("\n") == len(values) - 1 and "\r" not in joined and "\x00" not in joined)


def _optional_texts(values: list[Any]) -> None:
    _texts([v for v in values if v is not None])


def _floats(values: list[Any], low: float, high: float) -> list[float]:
    _require(set(map(type, values)) <= _NUMBERS)  # bool is not int here: type, not isinstance
    floats = list(map(float, values))  # OverflowError for an integer too large
    array = np.array(floats, dtype=np.float64)
    _require(bool(np.all(np.isfinite(array) & (array >= low) & (array <= high))))
    return floats


def _no_negative_zero(floats: list[float]) -> list[float]:
    """The floats with -0.0 as 0.0, as the records' converters store them (``x + 0.0``)."""
    return list(map(_PLUS_ZERO, floats))


def _item_tuples(lists: list[Any]) -> tuple[list[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Lists of distinct items, as tuples; and the distinct tuples (checked once each)."""
    _require(set(map(type, lists)) <= {list})
    tuples = list(map(tuple, lists))
    distinct = set(tuples)  # TypeError if an item is unhashable
    _require(all(len(set(items)) == len(items) for items in distinct))
    return tuples, distinct


def _attributes(dicts: list[Any]) -> dict[str, list[Any]]:
    """The attribute columns, by name, when every participant has the same names.

    Every key a field-free identifier, not a field's name in another spelling (the values
    are checked by :func:`_attribute_values`).
    """
    _require(set(map(type, dicts)) <= {dict})  # a dict with a repeated key is a subclass
    keys = list(set(chain.from_iterable(dicts)))
    _require(sum(map(len, dicts)) == len(keys) * len(dicts))  # so each has every name
    _texts(keys)
    _require(_NAMES.isdisjoint(keys) and not any(map(field_lookalike, keys)))
    return {key: list(map(operator.itemgetter(key), dicts)) for key in keys}


def _attribute_values(found: dict[str, list[Any]]) -> None:
    """Every attribute column texts, bools, or finite numbers.

    Each value as a record takes it (a text, a bool, or a finite number: an integer past the
    float range is refused), each column of one kind, as
    :func:`~sparkus.model._columns.read_columns` asks: a column of mixed kinds, which it
    refuses, is left to the detailed pass. (Whether an integer column fits 64 bits is a rule
    of the whole column, checked with the document's: :func:`_cross_checks`.)
    """
    for values in found.values():
        kinds = set(map(type, values))
        if kinds in ({str}, {bool}, {int}):  # integers alone: the 64-bit rule of the column
            continue
        _require(kinds <= _NUMBERS)
        # a finite sum has finite terms (a NaN or an infinity stays in it); float() of an
        # integer past the float range raises OverflowError; a sum past the range, of finite
        # terms, is settled term by term
        total = sum(map(float, values)) if int in kinds else sum(values)
        _require(math.isfinite(total) or bool(np.isfinite(np.array(values, np.float64)).all()))


def _participant_columns(items: Any) -> tuple[list[Any], list[Any]]:
    """The participants' fields, each gathered into one list and checked; their attribute dicts.

    Levels and goals stay as their values (checked against the enums); tenures and offsets
    are floats, languages and goals tuples.
    """
    _require(type(items) is list and set(map(type, items)) <= {dict})
    _require(all(map(_NAMES.issuperset, items)))  # a missing required field: KeyError below
    levels = [p["level"] for p in items]
    _require(set(levels) <= _LEVELS.keys())  # TypeError if unhashable
    tenures = _floats([p["tenure_years"] for p in items], 0.0, MAX_TENURE_YEARS)
    offsets = _floats([p.get("utc_offset", 0.0) for p in items], -12.0, 14.0)
    dicts = [p.get("attributes", _NO_ATTRIBUTES) for p in items]
    columns = _checked_columns(
        [p["id"] for p in items], levels, [p["department"] for p in items], tenures,
        [p.get("manager_id") for p in items], [p.get("team") for p in items], offsets,
        [p.get("languages", _NO_ITEMS) for p in items],
        [p.get("focus_goals", _NO_ITEMS) for p in items], dicts,
    )  # fmt: skip
    return columns, dicts


def _checked_columns(
    ids: list[Any], levels: list[Any], departments: list[Any], tenures: list[float],
    managers: list[Any], teams: list[Any], offsets: list[float], languages: list[Any],
    goals: list[Any], dicts: list[Any],
) -> list[Any]:  # fmt: skip
    """The checks both parsers' columns need, and the columns as the fast path keeps them.

    Levels, tenures and offsets come checked (by the caller or by msgspec's types); the
    texts, the lists of distinct languages and goals, and the attribute names and values are
    checked here (msgspec's types take an integer of any size as an attribute, which a record
    refuses past the float range). The last column is the attributes by name
    (:func:`_attributes`).
    """
    tenures, offsets = _no_negative_zero(tenures), _no_negative_zero(offsets)
    _texts(ids)
    _texts(departments)
    _optional_texts(managers)
    _require(not any(map(operator.eq, ids, managers)))
    _optional_texts(teams)
    languages, distinct = _item_tuples(languages)
    codes = set(chain.from_iterable(distinct))
    _require(not any(map(language, codes)))  # the field's own check, once per distinct code
    goals, distinct = _item_tuples(goals)
    _require(set(chain.from_iterable(distinct)) <= _GOALS.keys())
    attributes = _attributes(dicts)
    _attribute_values(attributes)
    for values in attributes.values():  # -0.0, stored as 0.0 (rare): left to the detailed pass
        if 0.0 in values:  # (so are 0 and False: each is looked at)
            _require(not any(v == 0 and type(v) is float and copysign(1.0, v) < 0 for v in values))
    return [ids, levels, departments, tenures, managers, teams, offsets, languages, goals,
            attributes]  # fmt: skip


def _found(columns: list[Any], dicts: list[Any]) -> dict[str, Any]:
    """The columns as :func:`record_columns` gives them, attributes by name.

    Every participant carries the names of the first, in any order (as record_columns asks).
    """
    found: dict[str, Any] = dict(zip(_FIELDS[:-1], columns[:-1], strict=True))
    attributes = columns[-1]
    for name in dicts[0] if dicts else ():
        found[name] = attributes[name]
    return found


def _participants(
    columns: list[list[Any]], dicts: list[Any]
) -> tuple[tuple[Participant, ...], dict[str, list[Any]]]:
    """The participants, and their columns as :func:`record_columns` gives them."""
    levels = list(map(_LEVELS.__getitem__, columns[1]))
    distinct = {g: tuple(map(_GOALS.__getitem__, g)) for g in set(columns[8])}
    goals = list(map(distinct.__getitem__, columns[8]))
    values = [columns[0], levels, *columns[2:8], goals, _frozen(dicts)]
    return _records(Participant, values), _found(columns, dicts)


def _records(cls: type[_R], values: list[list[Any]]) -> tuple[_R, ...]:
    """Records of `cls` from one column per field (in field order), their checks already passed.

    Built a field at a time over all of them: each slot's descriptor is mapped over the
    records and the column, in C.
    """
    records = list(map(cls.__new__, repeat(cls, len(values[0]))))
    for field, column in zip(attrs.fields(cast(Any, cls)), values, strict=True):
        deque(map(cls.__dict__[field.name].__set__, records, column), maxlen=0)
    return tuple(records)


def _given(
    structs: list[Any], fields: tuple[tuple[str, Any], ...], unset: Any
) -> tuple[list[list[Any]], int]:
    """The columns of fields a record may leave out, defaults filled in; how many were written."""
    columns, written = [], 0
    for name, default in fields:
        values = list(map(operator.attrgetter(name), structs))
        left_out = values.count(unset)
        written += len(values) - left_out
        columns.append([default if v is unset else v for v in values] if left_out else values)
    return columns, written


def _frozen(dicts: list[dict[str, Any]]) -> list[FrozenMapping[str, Any]]:
    """Each participant's attribute dict in a :class:`FrozenMapping`.

    The dicts are the parser's own, referenced by nothing else, so each mapping keeps its dict
    (the shared empty one, for participants without attributes, is replaced by a fresh one).
    """
    owned = [d if d is not _NO_ATTRIBUTES else {} for d in dicts]
    mappings = list(map(FrozenMapping.__new__, repeat(FrozenMapping, len(dicts))))
    deque(map(_MAPPING_DATA.__set__, mappings, owned), maxlen=0)
    return mappings


def _cross_checks(columns: dict[str, list[Any]]) -> None:
    """The document's checks of its participants' columns, for columns read by this path.

    Unique ids, every manager a participant, no cycle in the manager tree (by pointer
    doubling) and integer attribute columns in 64 bits, as
    :func:`~sparkus.model._columns.read_columns` asks (the kinds of the attribute columns
    are checked with the participants' other columns: :func:`_attribute_values`).
    """
    ids = columns["id"]
    row: dict[object, int] = dict(zip(ids, range(len(ids)), strict=True))
    _require(len(row) == len(ids) and not nfc_repeats(ids))
    row[None] = -1
    parent = np.fromiter(map(row.__getitem__, columns["manager_id"]), np.int64, len(ids))
    jump = parent
    for _ in range(max(1, len(ids).bit_length() + 1)):
        alive = jump >= 0
        if not alive.any():
            break
        jump = np.where(alive, jump[np.maximum(jump, 0)], -1)
    _require(not bool((jump >= 0).any()))
    for name in columns.keys() - _NAMES:
        values = columns[name]  # the first value settles most columns (floats, texts) at once
        if values and type(values[0]) is int and set(map(type, values)) == {int}:
            np.array(values, dtype=np.int64)  # OverflowError if it does not fit


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
    document is then built without its constructor, whose checks are run here: the document's
    cross-checks of its participants' columns (:func:`_cross_checks`), and the providers' and
    assessments' ids.
    """
    return _paused(lambda: _document(text, structure))


_ERRORS: Final = (_NotPlain, SchemaError, KeyError, TypeError, ValueError, OverflowError)


def _rest(
    data: Any,
    structure: Callable[[Any, Any], Any],
    ids: list[str],
    providers: tuple[Provider, ...] | None = None,
) -> tuple[Any, ...]:
    """The document's other records, each read by `structure`, and their cross-checks.

    `providers` are those msgspec's path has already read and checked, if it did.
    """
    rest = {k: v for k, v in data.items() if k != "participants"}
    _require(is_plain(rest))
    program = structure(rest["program"], Program)
    if providers is None:
        providers = structure(rest.get("providers", _NO_ITEMS), tuple[Provider, ...])
    assessments = structure(rest.get("assessments", _NO_ITEMS), tuple[Assessment, ...])
    version = structure(rest.get("schema_version", SCHEMA_VERSION), int)
    _require(version == SCHEMA_VERSION and type(version) is int)
    provider_ids = [p.id for p in providers]
    _require(len(set(provider_ids)) == len(provider_ids))
    known = set(ids)
    _require(all(a.participant_id in known for a in assessments))
    return program, providers, assessments, version


def _read(text: object) -> tuple[Any, list[Any], list[Any], tuple[Provider, ...] | None]:
    """The document's data, its participants' columns and attribute dicts, all checked.

    Also the providers, when msgspec's path has read them (else they are in the data).

    The text is parsed with plain dicts (through msgspec's typed decoder first when it is
    installed: :func:`_read_structs`); that no key was repeated is then proven by counting
    (:func:`parse_counting_keys`): the entries of every dict, plus the colons inside strings,
    equal the colons of the text. Participants are counted column by column: once checked,
    their only dicts are the participants and their attributes.
    """
    msgspec = optional_msgspec()
    if msgspec is not None:
        read = _read_structs(text, msgspec)
        if read is not None:
            return read
    parsed = parse_counting_keys(text)
    _require(parsed is not None)
    data, colons = cast(tuple[Any, int], parsed)
    _require(type(data) is dict and "program" in data and data.keys() <= _DOCUMENT_FIELDS)
    items = data.get("participants", _NO_ITEMS)
    columns, dicts = _participant_columns(items)
    entries = ("participants" in data) + sum(map(len, items))
    _count_keys(data, columns, dicts, entries, colons)
    return data, columns, dicts, None


def _count_keys(data: Any, columns: list[Any], dicts: list[Any], entries: int, colons: int) -> None:
    """Prove that no key was repeated, by counting.

    `entries` (the participants' own) plus every other dict's, and the colons inside strings,
    equal the `colons` of the text.
    """
    found = entries_and_colons({k: v for k, v in data.items() if k != "participants"})
    _require(found is not None)
    others, inside = cast(tuple[int, int], found)
    entries += others + sum(map(len, dicts))
    if entries + inside != colons:  # colons in the participants' text, or a repeated key
        _require(entries + inside + _colons_inside(columns, dicts) == colons)


def _colons_inside(columns: list[Any], dicts: list[Any]) -> int:
    """The colons inside the participants' strings: the texts, attribute names and values."""
    texts = chain(*columns[0:3:2], *(filter(None, c) for c in columns[4:6]))
    values = chain.from_iterable(map(dict.values, dicts))
    inside = "".join(texts).count(":") + "".join(chain.from_iterable(dicts)).count(":")
    return inside + "".join(v for v in values if v.__class__ is str).count(":")


_DECODERS: dict[Any, tuple[Any, Any]] = {}  # msgspec module -> (its document decoder, UNSET)
# The participant fields a document may leave out, and what the record holds then.
_OPTIONAL: Final = (("manager_id", None), ("team", None), ("utc_offset", 0.0),
                    ("languages", _NO_ITEMS), ("focus_goals", _NO_ITEMS),
                    ("attributes", _NO_ATTRIBUTES))  # fmt: skip


_OPTIONAL_OF_PROVIDERS: Final = (("specialties", _NO_ITEMS), ("languages", _NO_ITEMS),
                                 ("utc_offset", 0.0), ("employee_id", None))  # fmt: skip


def _decoder(msgspec: Any) -> tuple[Any, Any]:
    """The msgspec decoder of a program document typed as the fast path reads it, and UNSET.

    The types hold the participant rules msgspec checks in C (types, levels and goals, the
    bounds of tenures and offsets, no unknown field); a field left out reads as UNSET, so the
    keys written can be counted. NaN and infinities are not JSON to msgspec.
    """
    found = _DECODERS.get(msgspec)
    if found is None:
        unset, meta, literal = msgspec.UNSET, msgspec.Meta, cast(Any, Literal)
        maybe: Any = msgspec.UnsetType
        listed: Any = list
        person = msgspec.defstruct(
            "Participant",
            [
                ("id", str),
                ("level", literal[tuple(_LEVELS)]),
                ("department", str),
                ("tenure_years", Annotated[float, meta(ge=0.0, le=MAX_TENURE_YEARS)]),
                ("manager_id", str | None | maybe, unset),
                ("team", str | None | maybe, unset),
                ("utc_offset", Annotated[float, meta(ge=-12.0, le=14.0)] | maybe, unset),
                ("languages", list[str] | maybe, unset),
                ("focus_goals", listed[literal[tuple(_GOALS)]] | maybe, unset),
                ("attributes", dict[str, str | int | float | bool] | maybe, unset),
            ],
            forbid_unknown_fields=True,
        )
        provider = msgspec.defstruct(
            "Provider",
            [
                ("id", str),
                ("support_type", literal[tuple(_SUPPORTS)]),
                ("capacity", Annotated[int, meta(ge=0, le=MAX_CAPACITY)]),
                ("cost_per_session", Annotated[float, meta(ge=0.0, le=MAX_AMOUNT)]),
                ("seniority", literal[tuple(_LEVELS)]),
                ("specialties", listed[literal[tuple(_GOALS)]] | maybe, unset),
                ("languages", list[str] | maybe, unset),
                ("utc_offset", Annotated[float, meta(ge=-12.0, le=14.0)] | maybe, unset),
                ("employee_id", str | None | maybe, unset),
            ],
            forbid_unknown_fields=True,
        )
        document = msgspec.defstruct(
            "ProgramDocument",
            [("program", Any), ("participants", listed[person] | maybe, unset),
             ("providers", listed[provider] | maybe, unset),
             *((name, Any, unset) for name in ("assessments", "schema_version"))],
            forbid_unknown_fields=True,
        )  # fmt: skip
        found = _DECODERS[msgspec] = (msgspec.json.Decoder(document).decode, unset)
    return found


def _read_structs(
    text: object, msgspec: Any
) -> tuple[Any, list[Any], list[Any], tuple[Provider, ...] | None] | None:
    """As :func:`_read`, the participants and providers decoded by msgspec into typed structs.

    None when msgspec refuses the text: the plain parse then decides.
    """
    plain = countable_text(text)
    _require(plain is not None)
    decode, unset = _decoder(msgspec)
    try:
        decoded = decode(plain)
    except (msgspec.MsgspecError, RecursionError, UnicodeError):
        return None
    data = {f: v for f in decoded.__struct_fields__ if (v := getattr(decoded, f)) is not unset}
    people = data.get("participants", _NO_ITEMS)
    required = [list(map(operator.attrgetter(name), people)) for name in _FIELDS[:4]]
    optional, written = _given(people, _OPTIONAL, unset)
    managers, teams, offsets, languages, goals, dicts = optional
    ids, levels, departments, tenures = required
    columns = _checked_columns(ids, levels, departments, tenures, managers, teams, offsets,
                               languages, goals, dicts)  # fmt: skip
    # The keys written: the participants' required fields and those given, their attributes
    # (counted with the other dicts), and the providers' (counted here, with the colons
    # inside their strings: they are no longer plain data).
    entries = ("participants" in data) + 4 * len(people) + written
    providers = None
    if "providers" in data:
        providers, written, inside = _providers(data.pop("providers"), unset)
        entries += 1 + written + inside
    _count_keys(data, columns, dicts, entries, cast(str, plain).count(":"))
    return data, columns, dicts, providers


def _providers(decoded: list[Any], unset: Any) -> tuple[tuple[Provider, ...], int, int]:
    """The providers decoded by msgspec, checked and built a field at a time, as records.

    Also the entries they wrote and the colons inside their strings (for the key count).
    """
    ids, supports, capacities, costs, levels = (
        list(map(operator.attrgetter(name), decoded))
        for name in ("id", "support_type", "capacity", "cost_per_session", "seniority")
    )
    (specialties, languages, offsets, employees), written = _given(
        decoded, _OPTIONAL_OF_PROVIDERS, unset
    )
    _texts(ids)
    _optional_texts(employees)
    specialties, distinct = _item_tuples(specialties)
    goals = {g: tuple(map(_GOALS.__getitem__, g)) for g in distinct}
    languages, distinct = _item_tuples(languages)
    _require(not any(map(language, set(chain.from_iterable(distinct)))))
    values = [ids, list(map(_SUPPORTS.__getitem__, supports)), capacities,
              _no_negative_zero(costs), list(map(_LEVELS.__getitem__, levels)),
              list(map(goals.__getitem__, specialties)), languages, _no_negative_zero(offsets),
              employees]  # fmt: skip
    inside = "".join(chain(ids, filter(None, employees))).count(":")
    return _records(Provider, values), 5 * len(decoded) + written, inside


def _document(text: object, structure: Callable[[Any, Any], Any]) -> ProgramDocument | None:
    try:
        data, found, dicts, read_providers = _read(text)
        participants, columns = _participants(found, dicts)
        program, providers, assessments, version = _rest(
            data, structure, columns["id"], read_providers
        )
        _cross_checks(columns)
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

require = _require
FAST_ERRORS: Final = _ERRORS
DOCUMENT_FIELDS: Final = _DOCUMENT_FIELDS
participant_columns = _participant_columns
columns_by_name = _found
other_records = _rest
colons_inside = _colons_inside
