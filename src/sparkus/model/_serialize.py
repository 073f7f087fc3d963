"""JSON in and out, through one private, configured cattrs converter.

Reading collects every problem of a document into one :class:`~sparkus.SchemaError` whose paths
point into the document (``participants[17].level``). The field checks that guard records built in
Python are the same ones that guard records read from JSON.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import gc
import json
import typing
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, cast

import attrs
import cattrs

from sparkus._checks import check_number, describe
from sparkus._datetime_text import RFC_3339
from sparkus._errors import PathSegment, Problem, SchemaError, key_text
from sparkus._fields import FrozenMapping, ItemsCheck, field_check, parse_time
from sparkus._json import JSONTextError, half_pairs, parse_json
from sparkus.model._columns import Column, read_columns, record_columns
from sparkus.model._document import ProgramDocument
from sparkus.model._enums import unknown_label
from sparkus.model._fast_json import fast_document
from sparkus.model._records import Participant
from sparkus.model._stream_json import stream_population

__all__ = ["from_json", "json_text", "population_columns", "structure", "to_json", "unstructure"]

T = TypeVar("T")
_Hook = Callable[[Any, Any], Any]
_FAILED: Final = object()  # marks a list item that did not read


def _fail(message: str, path: tuple[PathSegment, ...] = ()) -> SchemaError:
    return SchemaError([Problem(path, message)])


def _structure_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise _fail(f"expected a string, got {describe(value)}")
    return value


def _structure_float(value: object, _: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"expected a number, got {describe(value)}")
    try:
        return float(value)
    except OverflowError:
        raise _fail(f"{describe(value)} is too large for a number") from None


def _structure_int(value: object, _: object) -> int:
    # JSON has one kind of number: 2.0 is the integer 2 there (and in JSON Schema), as a
    # program that computed a capacity in floating point writes it.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"expected an integer, got {describe(value)}")
    return value


def _structure_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"expected true or false, got {describe(value)}")
    return value


def _structure_datetime(value: object, _: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value  # checked for an offset by the record
    if not isinstance(value, str):
        raise _fail(f"expected an ISO 8601 date and time with offset, got {describe(value)}")
    try:
        moment = parse_time(value)
    except ValueError:
        msg = f"{value!r} is not an ISO 8601 date and time, e.g. '2026-03-02T09:30:00+01:00'"
        raise _fail(msg) from None
    if moment.utcoffset() is not None and RFC_3339.match(value) is None:
        # ISO 8601 that JSON's date-time (RFC 3339, the schema's pattern) is not: "20260302T0930Z",
        # a week date, "+0100", a space for the "T"; a time without offset is the record's to refuse
        msg = (f"{value!r} is not written as JSON date-times are (RFC 3339: date, 'T', time "
               "with seconds, offset), e.g. '2026-03-02T09:30:00+01:00'")  # fmt: skip
        raise _fail(msg)
    return moment


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        raise _fail(unknown_label(value, cls)) from None


def _hook(cls: Any) -> _Hook:
    return _CONVERTER.get_structure_hook(cls)


def _at(hook: _Hook, value: object, cls: Any, path: tuple[PathSegment, ...]) -> Any:
    """Structure one value with `hook`, re-raising any problem at `path`."""
    try:
        return hook(value, cls)
    except SchemaError as error:
        raise error.prefixed(path) from None


def _make_tuple_hook(cls: Any) -> _Hook:
    args = typing.get_args(cls)
    homogeneous = len(args) == 2 and args[1] is Ellipsis
    types = [args[0]] if homogeneous else list(args)
    hooks = [_hook(t) for t in types]

    def hook(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise _fail(f"expected a list, got {describe(value)}")
        if not homogeneous and len(value) != len(args):
            raise _fail(f"expected a list of {len(args)} items, got {len(value)}")
        out: list[Any] = []
        done: list[Any] = []
        problems: list[Problem] = []
        for i, item in enumerate(value):
            k = 0 if homogeneous else i
            try:
                out.append(_at(hooks[k], item, types[k], (i,)))
                done.append(out[-1])
            except SchemaError as error:
                problems.extend(error.problems)
                done.append(_FAILED)
        if problems:
            failure = SchemaError(problems)
            failure._partial = {i: v for i, v in enumerate(done) if v is not _FAILED}
            raise failure
        return tuple(out)

    return hook


def _make_list_hook(cls: Any) -> _Hook:
    tuple_hook = _make_tuple_hook(tuple[(*typing.get_args(cls), ...)])  # type: ignore[misc]

    def hook(value: object, _: object) -> list[Any]:
        return list(tuple_hook(value, cls))

    return hook


def _is_list(cls: Any) -> bool:
    return typing.get_origin(cls) is list and len(typing.get_args(cls)) == 1


def _make_mapping_hook(cls: Any) -> _Hook:
    key_type, value_type = typing.get_args(cls) or (str, Any)
    key_hook, value_hook = _hook(key_type), _hook(value_type)

    def hook(value: object, _: object) -> FrozenMapping[Any, Any]:
        if not isinstance(value, Mapping):
            raise _fail(f"expected an object, got {describe(value)}")
        out: dict[Any, Any] = {}
        problems: list[Problem] = []
        for k, v in value.items():
            try:
                key = _at(key_hook, k, key_type, (str(k),))
                out[key] = _at(value_hook, v, value_type, (str(k),))
            except SchemaError as error:
                problems.extend(error.problems)
        if problems:
            failure = SchemaError(problems)
            failure._partial = {str(k): v for k, v in out.items()}
            raise failure
        return FrozenMapping(out)

    return hook


def _structure_attribute(value: object, _: object) -> object:
    if isinstance(value, str | bool | int | float):
        return value
    raise _fail(f"expected a string, number or bool, got {describe(value)}")


def _make_record_hook(cls: type[Any]) -> _Hook:
    fields = attrs.fields(attrs.resolve_types(cls))
    names = frozenset(f.name for f in fields)
    plan = [
        (f.name, f.type, _hook(f.type), f.default is attrs.NOTHING, field_check(f)) for f in fields
    ]

    def hook(value: object, _: object) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise _fail(f"expected an object for {cls.__name__}, got {describe(value)}")
        kwargs: dict[str, Any] = {}
        problems: list[Problem] = []
        partial: dict[str, Mapping[PathSegment, object]] = {}
        for name, type_, structure_field, required, _check in plan:
            if name not in value:
                if required:
                    problems.append(Problem((name,), "required field is missing"))
                continue
            try:
                kwargs[name] = _at(structure_field, value[name], type_, (name,))
            except SchemaError as error:
                problems.extend(error.problems)
                if error._partial is not None:
                    partial[name] = error._partial
        problems.extend(
            Problem(
                (key_text(key),), f"unknown field; {cls.__name__} has: {', '.join(sorted(names))}"
            )
            for key in value
            if key not in names
        )
        if problems:
            # Check the fields that did read, so that one error lists everything wrong.
            for name, _type, _structure, _required, check in plan:
                if check is not None and name in kwargs:
                    problems.extend(p.prefixed((name,)) for p in check(kwargs[name]))
                elif isinstance(check, ItemsCheck) and name in partial:
                    problems.extend(
                        p.prefixed((name, key))
                        for key, item in partial[name].items()
                        for p in check.item(item)
                    )
            check_partial = getattr(cls, "_check_partial", None)
            if check_partial is not None:
                problems.extend(check_partial({**kwargs, **partial}, value))
            order = {name: i for i, name in enumerate(f.name for f in fields)}
            problems.sort(key=lambda p: order.get(str(p.path[0]), len(order)) if p.path else -1)
            raise SchemaError(problems)
        return cls(**kwargs)  # runs every field check and the record's cross-checks once

    return hook


def _unstructure_mapping(value: Mapping[Any, Any]) -> dict[Any, Any]:
    return {_CONVERTER.unstructure(k): _CONVERTER.unstructure(v) for k, v in value.items()}


def _is_tuple(cls: Any) -> bool:
    return cls is tuple or typing.get_origin(cls) is tuple


def _unstructure_tuple(value: tuple[Any, ...]) -> list[Any]:
    kinds = set(map(type, value))
    if len(kinds) == 1:  # the usual tuple, of one kind: its hook looked up once, not per item
        return list(map(_unstructure_hook(kinds.pop()), value))
    return [_CONVERTER.unstructure(v) for v in value]


def _unstructure_hook(cls: type[Any]) -> Callable[[Any], Any]:
    """The converter's unstructure function for `cls` (cattrs 24.1 has a name for it)."""
    found: Callable[[Any], Any] | None = getattr(_CONVERTER, "get_unstructure_hook", None)
    if found is None:  # pragma: no cover - cattrs before 24.1
        return functools.partial(_CONVERTER.unstructure, unstructure_as=cls)
    return cast(Callable[[Any], Any], found(cls))


def _is_mapping(cls: Any) -> bool:
    return typing.get_origin(cls) in (Mapping, dict, FrozenMapping)


def _is_enum(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, enum.Enum)


def _unstructure_participant(p: Participant) -> dict[str, Any]:
    """A participant as plain data: what the generic hooks give, in one expression.

    Enum values are read from ``_value_`` (the documented attribute behind ``Enum.value``,
    which is a Python-level property: a call per read).
    """
    return {
        "id": p.id,
        "level": p.level._value_,
        "department": p.department,
        "tenure_years": p.tenure_years,
        "manager_id": p.manager_id,
        "team": p.team,
        "utc_offset": p.utc_offset,
        "languages": list(p.languages),
        "focus_goals": [goal._value_ for goal in p.focus_goals],
        "attributes": dict(p.attributes.items()),
    }


def _new_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(dt.datetime, _structure_datetime)
    converter.register_structure_hook(str | int | float | bool, _structure_attribute)
    converter.register_structure_hook_func(_is_enum, _structure_enum)
    converter.register_structure_hook_factory(_is_tuple, _make_tuple_hook)
    converter.register_structure_hook_factory(_is_list, _make_list_hook)
    converter.register_structure_hook_factory(_is_mapping, _make_mapping_hook)
    converter.register_structure_hook_factory(attrs.has, _make_record_hook)
    converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    converter.register_unstructure_hook(FrozenMapping, _unstructure_mapping)
    converter.register_unstructure_hook_func(_is_tuple, _unstructure_tuple)
    converter.register_unstructure_hook(Participant, _unstructure_participant)
    return converter


_CONVERTER: Final = _new_converter()


def unstructure(obj: object) -> Any:
    """A record as plain JSON-ready data: dicts, lists, strings, numbers, bools and None.

    .. versionadded:: 0.1

    Raises
    ------
    SchemaError
        If `obj` is not a sparkus record.

    Examples
    --------
    >>> from sparkus.model import Level, Participant, unstructure
    >>> unstructure(Participant("e1", Level.MANAGER, "Sales", 2.0))["level"]
    'manager'
    """
    _obj_iv(obj)
    return _CONVERTER.unstructure(obj)


def structure(data: object, cls: type[T]) -> T:
    """Build a `cls` record from plain data, reporting every problem at once.

    .. versionadded:: 0.1

    `cls` is a sparkus record class, or ``tuple[Record, ...]`` / ``list[Record]`` of one to
    read a list of records (each item's problems at its index, ``[3].level``).

    Raises
    ------
    SchemaError
        With one :class:`~sparkus.Problem` per offending value, each with its path; or at
        ``cls`` if it is not a record class (nor a tuple or list of one).

    Examples
    --------
    >>> from sparkus.model import Participant, structure
    >>> structure({"id": "e1", "level": "boss", "department": "Sales"}, Participant)
    Traceback (most recent call last):
      ...
    sparkus.SchemaError: 2 problems in the input:
      level: 'boss' is not one of executive, senior_leader, manager, individual_contributor
      tenure_years: required field is missing
    >>> people = [{"id": "e1", "level": "manager", "department": "Sales", "tenure_years": 2}]
    >>> structure(people, tuple[Participant, ...])[0].id
    'e1'
    """
    _record_class_iv(cls)
    return _structure(data, cls)


def _is_record_class(cls: object) -> bool:
    return isinstance(cls, type) and attrs.has(cls)


def _record_class_iv(cls: object) -> None:
    if _is_record_class(cls):
        return
    origin, args = typing.get_origin(cls), typing.get_args(cls)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis and _is_record_class(args[0]):
        return
    if origin is list and len(args) == 1 and _is_record_class(args[0]):
        return
    msg = (
        "expected a sparkus record class (or tuple[Record, ...] or list[Record]), got "
        f"{describe(cls)}"
    )
    raise _fail(msg, ("cls",))


def _structure(data: object, cls: type[T]) -> T:
    result: T = _CONVERTER.structure(data, cls)
    return result


def _obj_iv(obj: object) -> None:
    if not attrs.has(type(obj)):
        raise _fail(f"expected a sparkus record, got {describe(obj)}", ("obj",))


def to_json(obj: object, *, indent: int | None = None) -> str:
    """Serialise a record or a :class:`ProgramDocument` to JSON.

    .. versionadded:: 0.1

    Enums are written by value and times in ISO 8601 with their UTC offset. NaN and infinity are
    never written (records cannot hold them).

    Raises
    ------
    SchemaError
        If `obj` is not a sparkus record, or `indent` is not None or an integer from 0 to 16;
        or if a text of the record holds half of a UTF-16 surrogate pair (a lone U+D800),
        which UTF-8 cannot carry nor :func:`from_json` read back (at its path).

    Examples
    --------
    >>> from sparkus.model import Level, Participant, to_json
    >>> to_json(Participant("e1", Level.MANAGER, "Sales", 2.0))[:48]
    '{"id": "e1", "level": "manager", "department": "'
    """
    _obj_iv(obj)
    if indent is not None:
        check_number(indent, "indent", low=0, high=16, integer=True)
    text = json_text(obj, None if indent is None else int(indent))
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # text JSON cannot carry, nor from_json read back
            raise SchemaError(half_pairs(_CONVERTER.unstructure(obj))) from None
    return text


def json_text(obj: object, indent: int | None = None) -> str:
    """The JSON of a record already known to be one: what :func:`~sparkus.model.to_json` writes past its door."""
    paused = gc.isenabled()  # the plain copy frees nothing while it is built: no collections
    gc.disable()
    try:
        data = _CONVERTER.unstructure(obj)
    finally:
        if paused:
            gc.enable()
    return json.dumps(data, indent=indent, allow_nan=False, ensure_ascii=False)


def from_json(text: str | bytes, cls: type[T]) -> T:
    """Read a `cls` record (or a :class:`ProgramDocument`) from JSON.

    .. versionadded:: 0.1

    The text is checked against limits before it is parsed: at most 64 levels of nesting,
    numbers of at most 1,000 characters, bytes in UTF-8 (one byte-order mark at the start of
    bytes or text is dropped), and no key twice in one object (Python's ``json`` would keep
    the last silently).

    Parameters
    ----------
    text : str or bytes
        The JSON document.
    cls : type
        The record class to build (or ``tuple[Record, ...]`` / ``list[Record]``, as for
        :func:`structure`).

    Raises
    ------
    SchemaError
        If the text is not JSON or breaks a limit (with line and column, the one problem
        then); else with every problem of the document, each at its JSON path: a repeated key
        or half a surrogate pair is listed together with the values that do not fit `cls`.

    Examples
    --------
    >>> from sparkus.model import Participant, from_json
    >>> from_json('{"id": "e1", "level": "manager", "department": "Sales",'
    ...           ' "tenure_years": 2}', Participant).tenure_years
    2.0
    >>> from_json('{"id": "e1", "id": "e2", "level": "boss"}', Participant)
    Traceback (most recent call last):
      ...
    sparkus.SchemaError: 4 problems in the input:
      id: repeats a key of its object; give each key once
      level: 'boss' is not one of executive, senior_leader, manager, individual_contributor
      department: required field is missing
      tenure_years: required field is missing
    """
    _record_class_iv(cls)
    if cls is ProgramDocument:
        document = fast_document(text, _structure)
        if document is not None:
            return typing.cast(T, document)
    return _read(text, cls)


def _read(text: object, cls: type[T]) -> T:
    """The detailed pass: `text` parsed, then structured as `cls`, every problem reported.

    A repeated key or half a surrogate pair does not stop the reading: the data is structured
    all the same (a repeated key's last value), and its problems are reported with the text's,
    each once (a record's own check of half a pair says what the reader says).
    """
    try:
        data, found = parse_json(text)
    except JSONTextError as error:  # the same problem, as the plain SchemaError it is here
        raise SchemaError(error.problems) from None
    try:
        read = _structure(data, cls)
    except SchemaError as error:
        seen = set(found)
        raise SchemaError(found + [p for p in error.problems if p not in seen]) from None
    if found:
        raise SchemaError(found)
    return read


def population_columns(
    text: object, scales: dict[str, tuple[float, float]]
) -> tuple[dict[str, Any], dict[str, Column]]:
    """The arrays and schema of the participants of the program document in JSON `text`.

    The streaming fast path reads the participants, chunk by chunk, without a record per person; whenever
    it cannot prove the document valid, the detailed pass reads it as :func:`from_json` does
    (every problem with its JSON path), then its participants' columns are read with `scales`.
    """
    found = stream_population(text, _structure, scales)
    if found is not None:
        return found
    document = _read(text, ProgramDocument)
    return read_columns(record_columns(document.participants), scales)
