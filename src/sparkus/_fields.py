"""Declared field checks and the :class:`Record` mixin, shared by every package's records.

A check takes a value and returns a list of :class:`~sparkus.Problem` whose paths are relative to
the value (the empty path is the value itself); it never raises. Records (in :mod:`sparkus.model`,
:mod:`sparkus.triage` and :mod:`sparkus.matching`) declare a check per field in the field's
metadata; the same declaration serves records built in Python and records read from JSON, so a
rule is written once. Checks of arguments at a function's door live in :mod:`sparkus._checks`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import math
import re
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, Final, Protocol, TypeVar, cast

import attrs
import numpy as np

from sparkus._checks import describe, is_finite_real, is_real
from sparkus._datetime_text import RFC_3339
from sparkus._errors import Problem, SchemaError, key_text, shown
from sparkus._json import HALF_PAIR, has_half_pair
from sparkus._labels import label_text
from sparkus._patterns import END, WHITE_SPACE

Check = Callable[[object], list[Problem]]
AttributeValue = str | int | float | bool
JSONSchema = dict[str, Any]

_CHECK: Final = "sparkus.check"
# The patterns are written once, for Python and for the JSON Schema, of pieces that mean the same
# in both regular-expression dialects (ECMA 262 and Python's ``re``): see sparkus._patterns.
_IDENT = re.compile(rf"^[^{WHITE_SPACE}](?:[^\n\r]*[^{WHITE_SPACE}])?{END}")
_LANGUAGE = re.compile(rf"^[a-z]{{2,3}}(?:-[A-Za-z0-9]{{2,8}})*{END}")
_CURRENCY = re.compile(rf"^[A-Z]{{3}}{END}")

E = TypeVar("E", bound=enum.Enum)
K = TypeVar("K")
V = TypeVar("V")


class Definitions(Protocol):
    """Where a JSON Schema keeps the definitions its parts refer to (records and enums)."""

    def ref(self, cls: type[Any]) -> JSONSchema:
        """A ``$ref`` to the definition of `cls`, added on first use."""


SchemaOf = Callable[[Definitions], JSONSchema]
"""The JSON Schema of the values a check accepts, given the definitions it may refer to."""


class Declared:
    """A check together with the JSON Schema of the values it accepts: one rule, two readers.

    The check guards records built in Python and records read from JSON; the schema says the
    same rule to any other JSON tool. Rules across several fields (a record's ``_cross_check``)
    are the record's, and not part of a field's schema.
    """

    __slots__ = ("check", "schema")

    def __init__(self, check: Check, schema: SchemaOf) -> None:
        self.check = check
        self.schema = schema

    def __call__(self, value: object) -> list[Problem]:
        return self.check(value)


def declared(check: Check, schema: JSONSchema | SchemaOf) -> Declared:
    """`check` declared with `schema` (a fixed schema, or one built from the definitions)."""
    if callable(schema):
        return Declared(check, schema)
    fixed = schema
    return Declared(check, lambda _: dict(fixed))


def schema_of(check: Check | None) -> SchemaOf | None:
    """The JSON Schema a check declares, if it declares one."""
    found: SchemaOf | None = getattr(check, "schema", None)
    return found


def checked(check: Check) -> dict[str, Check]:
    """Field metadata declaring `check` for the field."""
    return {_CHECK: check}


def field_check(field: attrs.Attribute[Any]) -> Check | None:
    """The check a field declares, if any."""
    found: Check | None = field.metadata.get(_CHECK)
    return found


def _one(message: str) -> list[Problem]:
    return [Problem((), message)]


def number(
    *, low: float | None = None, high: float | None = None, integer: bool = False
) -> Declared:
    """A finite number (an integer if `integer`) inside ``[low, high]``."""
    kind = "an integer" if integer else "a number"
    bounds = _describe_bounds(low, high)

    def check(value: object) -> list[Problem]:
        if integer and not (isinstance(value, int) and not isinstance(value, bool)):
            return _one(f"expected {kind}{bounds}, got {describe(value)}")
        if not is_real(value):
            return _one(f"expected {kind}{bounds}, got {describe(value)}")
        try:
            x = float(value)  # type: ignore[arg-type]
        except OverflowError:
            return _one(f"{describe(value)} is too large; expected {kind}{bounds}")
        if not math.isfinite(x):
            return _one(f"{shown(value)} is not finite; expected {kind}{bounds}")
        if (low is not None and x < low) or (high is not None and x > high):
            return _one(f"{shown(value)} is out of range; expected {kind}{bounds}")
        return []

    schema: JSONSchema = {"type": "integer" if integer else "number"}
    if low is not None:
        schema["minimum"] = int(low) if integer else float(low)
    if high is not None:
        schema["maximum"] = int(high) if integer else float(high)
    return declared(check, schema)


def _describe_bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" from {low:g} to {high:g}"
    if low is not None:
        return f" >= {low:g}"
    return f" <= {high:g}" if high is not None else ""


def _text(value: object) -> list[Problem]:
    if not isinstance(value, str):
        return _one(f"expected a string, got {describe(value)}")
    if has_half_pair(value):  # what to_json and from_json refuse, said at construction
        return _one(HALF_PAIR)
    if not _IDENT.match(value):
        return _one(
            f"{shown(value)} must be non-empty, on one line, without leading or trailing white space"
        )
    return []


text = declared(_text, {"type": "string", "pattern": _IDENT.pattern})
"""A non-empty string on one line, without white space at either end or half a surrogate pair."""


def pattern(regex: re.Pattern[str], what: str) -> Declared:
    """A string matching `regex`; `what` says what it is, e.g. ``'a currency code like EUR'``."""

    def check(value: object) -> list[Problem]:
        if not isinstance(value, str):
            return _one(f"expected {what}, got {describe(value)}")
        if not regex.match(value):
            return _one(f"{shown(value)} is not {what}")
        return []

    return declared(check, {"type": "string", "pattern": regex.pattern})


language = pattern(_LANGUAGE, "a lower-case ISO 639 language code like 'en' or 'pt-BR'")
currency = pattern(_CURRENCY, "an ISO 4217 currency code like 'EUR'")


def _scale(value: object) -> list[Problem]:
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and all(is_finite_real(v) for v in value)
        and value[0] < value[1]
    ):
        return []
    return _one(f"expected (lowest, highest) with lowest < highest, got {describe(value)}")


_PAIR: Final[JSONSchema] = {
    "type": "array",
    "prefixItems": [{"type": "number"}, {"type": "number"}],
    "minItems": 2,
    "maxItems": 2,
}
scale = declared(_scale, {**_PAIR, "description": "[lowest, highest], lowest < highest"})
"""A score scale: a pair ``(lowest, highest)`` of finite numbers with lowest < highest."""


def _boolean(value: object) -> list[Problem]:
    return [] if isinstance(value, bool) else _one(f"expected true or false, got {describe(value)}")


boolean = declared(_boolean, {"type": "boolean"})
"""A bool (not 0/1, not 'true')."""


def member(enum_cls: type[E]) -> Declared:
    """A member of `enum_cls`."""

    def check(value: object) -> list[Problem]:
        if isinstance(value, enum_cls):
            return []
        return _one(not_one_of(value, enum_cls))

    return declared(check, lambda definitions: definitions.ref(enum_cls))


def not_one_of(value: object, enum_cls: type[enum.Enum]) -> str:
    """The message for a value outside an enum, listing the allowed values.

    Text close to one of them (a typing slip, a word left out) names the one probably meant.
    """
    name = enum_cls.__name__
    if isinstance(value, str) and value in {m.value for m in enum_cls}:
        return f"expected a {name}, got the string {shown(value)}; pass {name}({shown(value)})"
    allowed = ", ".join(str(m.value) for m in enum_cls)
    given = value.value if isinstance(value, enum.Enum) else value
    return f"{shown(given)} is not one of {allowed}{probably_meant(value, enum_cls)}"


def probably_meant(value: object, enum_cls: type[enum.Enum]) -> str:
    """``"; did you mean 'mentoring'?"`` for text that spells a member or nearly does, else ""."""
    if not isinstance(value, str):
        return ""
    meant = read_member(value, enum_cls)
    if meant is None:
        keys = {spelling_key(str(m.value)): m for m in enum_cls}
        close = difflib.get_close_matches(spelling_key(value), keys, n=1, cutoff=0.6)
        meant = keys[close[0]] if close else None
    return "" if meant is None else f"; did you mean {shown(meant.value)}?"


_SEPARATORS: Final = re.compile(r"[\s_\-/.]+")


def spelling_key(text: str) -> str:
    """How enum labels are compared across spellings: case, separators and Unicode forms aside.

    :func:`~sparkus._labels.label_text`, the rule of group labels (case, white space, Unicode
    forms and invisible format characters aside), with separators as spaces:
    ``"Self-Guided Reflection"``, ``" self_guided_reflection "`` and ``"SELF GUIDED
    REFLECTION"`` all give ``"self guided reflection"``; ``&`` reads as ``and``.
    """
    return label_text(_SEPARATORS.sub(" ", text.replace("&", " and ")))


def read_member(value: object, enum_cls: type[E]) -> E | None:
    """The member `value` names, or None: a member, or its value, name or a spelling of it.

    The one reader of enum labels in function arguments and HR exports (records, which JSON
    and ``structure`` fill, take members only): ``"Coaching"``, ``"self-guided reflection"``,
    ``"SENIOR_LEADER"`` and :data:`SPELLINGS` (``"IC"``) name their members. Anything but text
    names none, nor does a spelling that would name two members.

    Examples
    --------
    >>> from sparkus.model import Level, SupportType
    >>> read_member("Self-Guided Reflection", SupportType)
    <SupportType.SELF_GUIDED_REFLECTION: 'self_guided_reflection'>
    >>> read_member("IC", Level).value, read_member("coach", SupportType)
    ('individual_contributor', None)
    """
    if isinstance(value, enum_cls):
        return value
    if not isinstance(value, str):
        return None
    return cast("E | None", _by_spelling(str(value), enum_cls))  # a column reads its labels


SPELLINGS: Final[dict[type[enum.Enum], Mapping[Any, tuple[str, ...]]]] = {}
"""Spellings of members beside their values and names, by enum (``"IC"`` for a level, as exports
write it): :func:`read_member` reads them; filled where each enum is defined."""


@functools.lru_cache(maxsize=4096)  # labels repeat: a column of them costs a lookup per row
def _by_spelling(text: str, enum_cls: type[enum.Enum]) -> enum.Enum | None:
    key = spelling_key(text)
    bare = " ".join(w for w in key.split() if w != "and")  # "Diversity & Inclusion"
    keys = _spellings(enum_cls)
    return keys.get(key, keys.get(bare))


@functools.lru_cache(maxsize=64)
def _spellings(enum_cls: type[enum.Enum]) -> dict[str, enum.Enum | None]:
    """Each member by the keys of its value, name and spellings; None for a key naming two."""
    keys: dict[str, enum.Enum | None] = {}
    for m in enum_cls:
        for spelling in (str(m.value), m.name, *SPELLINGS.get(enum_cls, {}).get(m, ())):
            key = spelling_key(spelling)
            keys[key] = m if keys.get(key, m) is m else None  # refused, never guessed
    return keys


def optional(inner: Check) -> Declared:
    """``None``, or a value passing `inner`."""

    def check(value: object) -> list[Problem]:
        return [] if value is None else inner(value)

    def schema(definitions: Definitions) -> JSONSchema:
        return {"anyOf": [_schema(inner, definitions), {"type": "null"}]}

    return declared(check, schema)


def _schema(check: Check, definitions: Definitions) -> JSONSchema:
    """The schema `check` declares; a check without one is a bug of sparkus, said at once."""
    found = schema_of(check)
    if found is None:
        msg = f"the check {check!r} declares no JSON Schema; declare one with `declared`"
        raise TypeError(msg)
    return found(definitions)


def _aware_datetime(value: object) -> list[Problem]:
    if not isinstance(value, dt.datetime):
        return _one(f"expected a date and time with a UTC offset, got {describe(value)}")
    offset = value.utcoffset()
    if offset is None:
        return _one(
            f"{value.isoformat()!r} has no UTC offset; give one, e.g. "
            f"{value.replace(tzinfo=dt.UTC).isoformat()!r}"
        )
    if offset % _MINUTE:  # JSON's date-time (RFC 3339) writes an offset in hours and minutes
        said = f"{value.isoformat()!r} has a UTC offset that is not whole minutes"
        return _one(f"{said}; JSON date-times hold hours and minutes: round the offset")
    return []


_MINUTE: Final = dt.timedelta(minutes=1)
_OFFSET: Final = re.compile(r"[+-]\d{2}(?::?(\d{2})(?::?(\d{2})(?:\.\d+)?)?)?$")


def parse_time(value: str) -> dt.datetime:
    """An ISO 8601 date and time, else ValueError: the one reader of times given as text.

    :meth:`datetime.fromisoformat`, reading RFC 3339's ``z``, refusing offsets past 59 minutes
    or seconds (Python 3.11 reads ``"+01:60"`` as ``+02:00``).
    """
    text = f"{value[:-1]}Z" if value.endswith("z") else value
    offset = _OFFSET.search(text)
    if offset is not None and any(int(part) > 59 for part in offset.groups("0")):
        msg = f"{shown(value)} has an offset past 59 minutes or seconds"
        raise ValueError(msg)
    return dt.datetime.fromisoformat(text)


DATE_TIME: Final[JSONSchema] = {
    "type": "string",
    "format": "date-time",
    "pattern": RFC_3339.pattern,
    "description": "RFC 3339 date and time with a UTC offset, e.g. 2026-03-02T09:30:00+01:00",
}
"""The schema of a date and time with its UTC offset, as sparkus writes them."""
aware_datetime = declared(_aware_datetime, DATE_TIME)
"""A timezone-aware :class:`datetime.datetime` whose UTC offset is whole minutes."""


class ItemsCheck:
    """A check of a whole container that also knows the check of each item.

    Reading JSON, a list whose items fail to read can still have its other items checked one
    by one, so one error lists every problem.
    """

    __slots__ = ("item", "schema", "whole")

    def __init__(self, whole: Check, item: Check, schema: SchemaOf) -> None:
        self.whole = whole
        self.item = item
        self.schema = schema

    def __call__(self, value: object) -> list[Problem]:
        return self.whole(value)


def tuple_of(inner: Check, *, unique: bool = False, nonempty: bool = False) -> ItemsCheck:
    """A tuple whose every element passes `inner` (and, if `unique`, without repeats)."""

    def check(value: object) -> list[Problem]:
        if not isinstance(value, tuple):
            return _one(f"expected a tuple, got {describe(value)}")
        if nonempty and not value:
            return _one("must not be empty")
        problems = [p.prefixed((i,)) for i, item in enumerate(value) for p in inner(item)]
        if unique and not problems:
            problems.extend(_repeats(value))
        return problems

    def schema(definitions: Definitions) -> JSONSchema:
        out: JSONSchema = {"type": "array", "items": _schema(inner, definitions)}
        if unique:
            out["uniqueItems"] = True
        if nonempty:
            out["minItems"] = 1
        return out

    return ItemsCheck(check, inner, schema)


def _repeats(items: tuple[object, ...]) -> Iterator[Problem]:
    seen: dict[object, int] = {}
    for i, item in enumerate(items):
        if item in seen:
            given = item.value if isinstance(item, enum.Enum) else item
            yield Problem((i,), f"{shown(given)} repeats item {seen[item]}")
        else:
            seen[item] = i


def mapping_of(key: Check, value: Check) -> ItemsCheck:
    """A mapping whose keys pass `key` and values pass `value`."""

    def check(obj: object) -> list[Problem]:
        if not isinstance(obj, Mapping):
            return _one(f"expected a mapping, got {describe(obj)}")
        problems: list[Problem] = []
        for k, v in obj.items():
            segment = k.value if isinstance(k, enum.Enum) else key_text(k)
            if has_half_pair(segment):  # shown escaped, and said as to_json says it
                segment = segment.encode("utf-8", "backslashreplace").decode("utf-8")
                problems.append(Problem((segment,), f"the key {HALF_PAIR}"))
            else:
                problems.extend(p.prefixed((segment,)) for p in key(k))
            problems.extend(p.prefixed((segment,)) for p in value(v))
        return problems

    def schema(definitions: Definitions) -> JSONSchema:
        return {
            "type": "object",
            "propertyNames": _schema(key, definitions),
            "additionalProperties": _schema(value, definitions),
        }

    return ItemsCheck(check, value, schema)


_finite = number()


def _attribute_value(value: object) -> list[Problem]:
    if isinstance(value, str):
        return _one(HALF_PAIR) if has_half_pair(value) else []
    if isinstance(value, bool):
        return []
    if is_real(value):
        return _finite(value)
    return _one(f"expected a string, number or bool, got {describe(value)}")


attribute_value = declared(_attribute_value, {"type": ["string", "number", "boolean"]})
"""A free attribute: a string, a bool, or a finite number."""


def instance_of(cls: type[Any], what: str) -> Declared:
    """An instance of `cls` (itself checked at its construction)."""

    def check(value: object) -> list[Problem]:
        return [] if isinstance(value, cls) else _one(f"expected {what}, got {describe(value)}")

    return declared(check, lambda definitions: definitions.ref(cls))


class FrozenMapping(Mapping[K, V]):
    """An immutable, hashable, picklable mapping: what records hold where a caller gave a dict.

    .. versionadded:: 0.1

    The caller's dict is copied, so changing it later leaves the record as it was.

    Examples
    --------
    >>> from sparkus.model import Level, Participant
    >>> site = {"site": "Oslo"}
    >>> person = Participant("a", Level.MANAGER, "Sales", 3.0, attributes=site)
    >>> site["site"] = "Lima"
    >>> person.attributes
    {'site': 'Oslo'}
    >>> type(person.attributes).__name__, person.attributes == {"site": "Oslo"}
    ('FrozenMapping', True)
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        given: object = data
        if given is not None and not isinstance(given, Mapping):
            msg = f"expected a mapping, got {describe(given)}"
            raise SchemaError([Problem(("data",), msg)])
        try:
            self._data: dict[K, V] = {builtin(k): builtin(v) for k, v in (data or {}).items()}
        except TypeError:
            msg = "holds a key or value that cannot be hashed; keys must be text or numbers"
            raise SchemaError([Problem(("data",), msg)]) from None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # The dict's own read-only views: the same contents as the Mapping defaults, compared and
    # iterated in C (a document compares the attribute names of every participant).
    def keys(self) -> KeysView[K]:
        return self._data.keys()

    def items(self) -> ItemsView[K, V]:
        return self._data.items()

    def values(self) -> ValuesView[V]:
        return self._data.values()

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMapping):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[FrozenMapping[K, V]], tuple[dict[K, V]]]:
        return (type(self), (self._data,))


def freeze(value: Any) -> Any:
    """Converter: copy a mapping into a :class:`FrozenMapping`; leave anything else to the check."""
    return FrozenMapping(value) if isinstance(value, Mapping) else value


_DECLARED: dict[type[Any], tuple[tuple[str, Check | None], ...]] = {}


def _declared_checks(cls: type[Any]) -> tuple[tuple[str, Check | None], ...]:
    """Each field's name and declared check, looked up once per class."""
    found = _DECLARED.get(cls)
    if found is None:
        found = _DECLARED[cls] = tuple((f.name, field_check(f)) for f in attrs.fields(cls))
    return found


def builtin(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (tuples element-wise), -0.0 as 0.0."""
    value = value.item() if isinstance(value, np.generic) else value
    if type(value) is float:  # (IEEE: -0.0 + 0.0 is 0.0)
        return value + 0.0
    if isinstance(value, tuple) and any(isinstance(v, np.generic) for v in value):
        return tuple(v.item() if isinstance(v, np.generic) else v for v in value)
    return value


def record_problems(record: object) -> list[Problem]:
    """Every problem of an attrs record: each field's check, then the record's own cross-check."""
    problems: list[Problem] = []
    for name, check in _declared_checks(type(record)):
        if check is not None:
            found = check(getattr(record, name))
            if found:
                problems.extend(p.prefixed((name,)) for p in found)
    if not problems:
        cross: Callable[[], list[Problem]] | None = getattr(record, "_cross_check", None)
        if cross is not None:
            problems.extend(cross())
    return problems


class Record:
    """Mixin for sparkus records: construction runs every check and raises all problems at once.

    Numpy scalars (``np.int64(3)``, as read from an array) are stored as the Python numbers they
    hold, so records compare, hash and serialise the same whichever was passed.
    """

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        for name, _ in _declared_checks(type(self)):
            value = getattr(self, name)
            plain = builtin(value)
            if plain is not value:
                object.__setattr__(self, name, plain)  # frozen: the one sanctioned write
        problems = record_problems(self)
        if problems:
            raise SchemaError(problems)
