"""How columns become a population: the declared schema, and the checks that read each column.

A population's columns arrive as lists, numpy arrays, pandas or polars columns, or records;
:func:`read_columns` reads each core column by its kind (ids, categories, tuples, numbers,
references to managers), reads any other column as a free attribute, checks the manager tree
for cycles, and reports every problem with its row (``participants[17].level``) in one
:class:`~sparkus.SchemaError`. Categorical values are stored as integer codes into sorted
categories, so that only the distinct values are parsed and checked.
"""

from __future__ import annotations

import enum
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_missing
from sparkus._errors import Problem, SchemaError, name_text, shown
from sparkus._fields import language, text
from sparkus._fields import scale as scale_check
from sparkus._json import HALF_PAIR, has_half_pair
from sparkus._text_rules import nfc_repeats, nul_message
from sparkus.model._enums import Goal, Level, unknown_label
from sparkus.model._id_columns import ROOT, Collector, check_tree, hashable, read_ids, references
from sparkus.model._number_cells import is_number_like, not_numbers, numeric
from sparkus.model._records import MAX_TENURE_YEARS, Participant

__all__ = [
    "CORE", "INVISIBLE", "Column", "ColumnKind", "field_lookalike", "lookalike_message",
    "read_columns", "record_columns",
]  # fmt: skip

ColumnKind: TypeAlias = Literal["id", "reference", "category", "tuple", "float", "int", "bool"]
Category: TypeAlias = str | tuple[str, ...]
Scale: TypeAlias = tuple[float, float]

_ROOT: Final = ROOT
_LEVELS: Final = tuple(level.value for level in Level)
_GOALS: Final = tuple(goal.value for goal in Goal)


@attrs.frozen
class Column:
    """The declared schema of one population column.

    .. versionadded:: 0.1

    Parameters
    ----------
    name : str
        Column name.
    kind : {"id", "reference", "category", "tuple", "float", "int", "bool"}
        How it is stored: ``id`` as strings; ``reference`` as row indices (-1: none);
        ``category`` and ``tuple`` as int32 codes into `categories` (-1: none); the rest as
        float64, int64 or bool arrays.
    categories : tuple
        The sorted categories of a ``category`` (strings) or ``tuple`` (tuples of strings)
        column; for ``level`` the fixed order of :class:`Level`.
    scale : tuple of (float, float) or None
        For scores: the lowest and highest possible value.
    required : bool
        Whether a caller must supply the column.

    Examples
    --------
    >>> from sparkus.model import Population
    >>> pop = Population.from_columns({
    ...     "id": ["a", "b"], "level": ["manager", "manager"], "department": ["Sales", "Sales"],
    ...     "tenure_years": [1.0, 2.0], "motivation": [4.0, 3.0]}, scales={"motivation": (1, 5)})
    >>> pop.schema["motivation"]
    Column(name='motivation', kind='float', categories=(), scale=(1.0, 5.0), required=False)
    >>> pop.schema["level"].categories
    ('executive', 'senior_leader', 'manager', 'individual_contributor')
    """

    name: str
    kind: ColumnKind
    categories: tuple[Category, ...] = ()
    scale: Scale | None = None
    required: bool = False

    def __attrs_post_init__(self) -> None:
        given: dict[str, object] = attrs.asdict(self, recurse=False)
        problems = []
        if not isinstance(given["name"], str):
            problems.append(Problem(("name",), f"expected a string, got {describe(given['name'])}"))
        if not isinstance(given["kind"], str) or given["kind"] not in _KINDS:
            allowed = ", ".join(repr(k) for k in _KINDS)
            problems.append(
                Problem(("kind",), f"expected one of {allowed}, got {shown(given['kind'])}")
            )
        if not isinstance(given["categories"], tuple):
            problems.append(Problem(("categories",), f"expected a tuple, got "
                                                     f"{describe(given['categories'])}"))  # fmt: skip
        if given["scale"] is not None and scale_check(given["scale"]):
            problems.append(Problem(("scale",), f"expected None or (lowest, highest) with "
                                                f"lowest < highest, got {describe(given['scale'])}"))  # fmt: skip
        if not isinstance(given["required"], bool):
            problems.append(Problem(("required",), f"expected True or False, got "
                                                   f"{describe(given['required'])}"))  # fmt: skip
        if problems:
            raise SchemaError(problems)


_KINDS: Final = ("id", "reference", "category", "tuple", "float", "int", "bool")
CORE: Final = ("id", "level", "department", "tenure_years", "manager_id", "team",
                "utc_offset", "languages", "focus_goals")  # fmt: skip
_REQUIRED: Final = frozenset({"id", "level", "department", "tenure_years"})
# a byte-order mark (a CSV saved by Excel, read without utf-8-sig) and zero-width characters
INVISIBLE: Final = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
_NAME_SEPARATORS: Final = re.compile(r"[\s_\-./]+")


def _name_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name.translate(INVISIBLE))
    return " ".join(_NAME_SEPARATORS.sub(" ", text).casefold().split())


_FIELD_KEYS: Final = {_name_key(field): field for field in CORE}


def field_lookalike(name: str) -> str | None:
    """The core field `name` spells otherwise (``"Manager ID"``: ``manager_id``), or None.

    Two names are alike when they differ only in case, white space, separators (``-``,
    ``_``, ``.``, ``/``) or invisible characters (a byte-order mark, zero-width spaces). Such
    a column would otherwise be read as a free attribute, and its field left empty.
    """
    return None if name in CORE else _FIELD_KEYS.get(_name_key(name))


def lookalike_message(name: str, field: str, fix: str) -> str:
    """Why the column `name`, named like the core `field`, is refused; `fix`: how to read it."""
    return (f"the column {shown(name)} differs from the field {shown(field)} only in case, spaces, "
            f"separators or invisible characters (a byte-order mark?), so it would be read as "
            f"a free attribute and {shown(field)} left out; {fix}, or give a free attribute a name "
            f"unlike a field's")  # fmt: skip


def _is_missing(value: object) -> bool:
    return is_missing(value)


def _as_array(name: str, values: object) -> np.ndarray[Any, Any]:
    """A column as a 1-d array, each row kept as given.

    numpy arrays pass as they are; other sequences become object arrays, so that numpy never
    coerces a mixed list (``[1, "x"]``, ``[True, 2.0]``) into something the caller did not write.
    """
    if isinstance(values, np.ndarray):
        if values.ndim == 1:
            return values
        if values.ndim == 2:  # e.g. languages as a 2-d array: one row per person
            return np.fromiter(iter(values), dtype=object, count=values.shape[0])
    elif not isinstance(values, str | bytes | Mapping) and isinstance(values, Iterable):
        if hasattr(values, "__array__") and not isinstance(values, list | tuple):
            return _as_array(name, np.asarray(values))  # a pandas or polars Series
        rows = list(values)
        return np.fromiter(rows, dtype=object, count=len(rows))
    msg = f"expected a column (a sequence with one value per participant), got {describe(values)}"
    raise SchemaError([Problem((name,), msg)])


def _as_list(values: np.ndarray[Any, Any]) -> list[Any]:
    return cast(list[Any], values.tolist())


Parsed: TypeAlias = tuple[Category | None, str | None]
"""A raw value parsed: (category, None) if valid, (None, None) if missing, (None, why) if bad."""


def _distinct(values: list[Any]) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """Codes into the distinct values, in order of first appearance.

    Only the distinct values are then parsed and checked, so a million rows with a handful of
    departments cost one hashing pass in C, not a million checks in Python.
    """
    try:
        distinct = list(dict.fromkeys(values))
    except TypeError:  # unhashable rows (lists): key them by a hashable stand-in
        keys = [hashable(v) for v in values]
        first = dict(zip(reversed(keys), reversed(values), strict=True))
        distinct_keys = list(dict.fromkeys(keys))
        code = {k: i for i, k in enumerate(distinct_keys)}
        codes = np.fromiter(map(code.__getitem__, keys), dtype=np.int64, count=len(keys))
        return codes, [first[k] for k in distinct_keys]
    code = {v: i for i, v in enumerate(distinct)}
    return np.fromiter(map(code.__getitem__, values), dtype=np.int64, count=len(values)), distinct


def _encode(
    name: str,
    values: list[Any],
    parse: Callable[[Any], Parsed],
    collector: Collector,
    fixed: tuple[Category, ...] | None = None,
) -> tuple[npt.NDArray[np.int32], tuple[Category, ...]]:
    """Integer codes (-1: missing) into sorted (or `fixed`) categories; bad rows reported."""
    distinct_codes, distinct = _distinct(values)
    parsed = [parse(v) for v in distinct]
    if fixed is None:
        found = {c for c, why in parsed if why is None and c is not None}
        categories: tuple[Category, ...] = tuple(sorted(found))
    else:
        categories = fixed
    position = {c: i for i, c in enumerate(categories)}
    remap = np.array(
        [-2 if why is not None else -1 if c is None else position[c] for c, why in parsed] + [-1],
        dtype=np.int32,
    )
    codes = remap[distinct_codes]
    collector.rows(name, codes == -2, lambda i: parse(values[i])[1] or "")
    return codes, categories


def _enum_value(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


def _text_key(value: object) -> str | None:
    """A valid text value, or None if it is not one (reported by the caller)."""
    return value if isinstance(value, str) and not text(value) else None


def _object_array(values: Sequence[Any]) -> np.ndarray[Any, Any]:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def record_columns(records: Iterable[Participant]) -> dict[str, np.ndarray[Any, Any]]:
    """The columns of :class:`~sparkus.model.Participant` records, as object arrays.

    Each record must be a Participant and carry the same attribute names as the first; every
    problem is reported at once, each with its record's row.
    """
    records = list(records)
    collector = Collector()
    given: list[object] = list(records)
    for i, record in enumerate(given):
        if not isinstance(record, Participant):
            collector.problems.append(
                Problem((_ROOT, i), f"expected a Participant, got {describe(record)}")
            )
    collector.raise_if_any()
    columns: dict[str, list[Any]] = {name: [getattr(r, name) for r in records] for name in CORE}
    keys = dict.fromkeys(k for r in records[:1] for k in r.attributes)
    for i, record in enumerate(records):
        if record.attributes.keys() != keys.keys():
            missing = sorted(set(keys) - set(record.attributes))
            extra = sorted(set(record.attributes) - set(keys))
            msg = "every participant needs the same attributes as participants[0]"
            detail = f"; missing {missing}" if missing else ""
            detail += f"; unexpected {extra}" if extra else ""
            collector.problems.append(Problem((_ROOT, i, "attributes"), msg + detail))
    collector.raise_if_any()
    for key in keys:
        columns[key] = [r.attributes[key] for r in records]
    return {k: _object_array(v) for k, v in columns.items()}


def read_columns(
    columns: Mapping[str, object],
    scales: dict[str, tuple[float, float]],
    carried: frozenset[str] = frozenset(),
) -> tuple[dict[str, np.ndarray[Any, Any]], dict[str, Column]]:
    """The stored arrays and the schema of a population, every column read and checked.

    Free-attribute columns named in `carried` may hold missing values (NaN in a number
    column, None in a text column), kept as missing. Every problem is gathered, with its row
    and column, into one SchemaError.
    """
    collector = Collector()
    if not isinstance(columns, Mapping):
        raise SchemaError([Problem((), f"expected a mapping of columns, got {describe(columns)}")])
    arrays: dict[str, np.ndarray[Any, Any]] = {}
    for key, values in columns.items():
        try:
            column = name_text(key, "columns")
            arrays[column] = _as_array(column, values)
        except SchemaError as error:
            collector.problems.extend(error.problems)
    for name in [name for name in arrays if has_half_pair(name)]:  # as a record's attribute
        collector.column(name.encode("utf-8", "backslashreplace").decode(), f"the key {HALF_PAIR}")
    collector.raise_if_any()
    alike = {name: field for name in arrays if (field := field_lookalike(name)) is not None}
    for name, field in alike.items():
        collector.column(name, lookalike_message(name, field, f"name the column {shown(field)}"))
    for name in sorted(_REQUIRED - arrays.keys() - set(alike.values())):
        collector.column(name, "required column is missing")
    for name in sorted(scales.keys() - arrays.keys()):
        collector.column(name, "has a declared scale but no such column")
    lengths = {name: values.shape[0] for name, values in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{k}={v}" for k, v in lengths.items())
        collector.column("columns", f"columns must have equal lengths, got {listed}")
    collector.raise_if_any()
    n = next(iter(lengths.values()), 0)

    stored: dict[str, np.ndarray[Any, Any]] = {}
    schema: dict[str, Column] = {}

    ids, written = read_ids(arrays["id"], collector)
    _half_pairs("id", written, collector)
    stored["id"], schema["id"] = ids, Column("id", "id", required=True)
    stored["level"], schema["level"] = _category(
        "level", _as_list(arrays["level"]), collector, fixed=_LEVELS, required=True
    )
    for name, required in (("department", True), ("team", False)):
        values = _as_list(arrays[name]) if name in arrays else [None] * n
        stored[name], schema[name] = _category(name, values, collector, required=required)
    stored["tenure_years"], schema["tenure_years"] = _floats(
        "tenure_years",
        arrays["tenure_years"],
        collector,
        low=0.0,
        high=MAX_TENURE_YEARS,
        required=True,
    )
    offsets = arrays.get("utc_offset", np.zeros(n))
    stored["utc_offset"], schema["utc_offset"] = _floats(
        "utc_offset", offsets, collector, low=-12.0, high=14.0
    )
    managers = _as_list(arrays["manager_id"]) if "manager_id" in arrays else [None] * n
    stored["manager_id"] = references(written, managers, collector)
    _half_pairs("manager_id", managers, collector)
    schema["manager_id"] = Column("manager_id", "reference")
    for name, fixed in (("languages", None), ("focus_goals", _GOALS)):
        values = _as_list(arrays[name]) if name in arrays else [()] * n
        stored[name], schema[name] = _tuples(name, values, collector, fixed)
    for name, array in arrays.items():
        if name not in CORE:
            stored[name], schema[name] = _attribute(
                name, array, scales.get(name), collector, carried=name in carried
            )
    collector.raise_if_any()
    check_tree(ids, stored["manager_id"], collector)
    collector.raise_if_any()
    return stored, schema


def _half_pairs(name: str, values: list[Any], collector: Collector) -> None:
    """Refuse the rows of `values` holding half a surrogate pair, as records do, for that alone."""
    try:
        if not has_half_pair("".join(values)):  # (a lone surrogate stays one when joined)
            return
    except TypeError:  # not all text
        pass
    rows = [i for i, v in enumerate(values) if isinstance(v, str) and has_half_pair(v)]
    at = {(ROOT, i, name) for i in rows}  # any other reason given (white space, no one) is not it
    collector.problems[:] = [p for p in collector.problems if p.path not in at]
    collector.rows(name, rows, lambda _: HALF_PAIR)


def _category(
    name: str,
    values: list[Any],
    collector: Collector,
    *,
    fixed: tuple[str, ...] | None = None,
    required: bool = False,
    any_text: bool = False,
) -> tuple[npt.NDArray[np.int32], Column]:
    def parse(value: object) -> Parsed:
        if isinstance(value, str) and has_half_pair(value):
            return None, HALF_PAIR
        if not required and _is_missing(value):
            return None, None
        if any_text and isinstance(value, str):
            return value, None
        value = _enum_value(value)
        if fixed is not None:
            if isinstance(value, str) and value in fixed:
                return value, None
            if fixed == _LEVELS:
                return None, unknown_label(value, Level)
            return None, f"{shown(value)} is not one of {', '.join(fixed)}"
        if _text_key(value) is None:
            return None, f"expected a non-empty string, got {describe(value)}"
        if "\x00" in cast(str, value):
            return None, nul_message(cast(str, value))
        return cast(str, value), None

    codes, categories = _encode(name, values, parse, collector, fixed)
    if fixed is None:  # one label in two Unicode forms would show as two groups alike
        labels = cast(list[str], list(categories))
        for later, earlier in nfc_repeats(labels):
            collector.rows(name, codes == later, functools.partial(_two_forms, values,
                                                                   labels[earlier]))  # fmt: skip
    return codes, Column(name, "category", categories=categories, required=required)


def _two_forms(values: list[Any], other: str, row: int) -> str:
    """Why row `row`'s label is refused: `other` is the same label in another Unicode form."""
    return (f"{shown(values[row])} and {shown(other)} are one label in two Unicode forms "
            f"({values[row]!a} and {other!a}); write both the same way")  # fmt: skip


def _split(value: object) -> tuple[Any, ...] | None:
    """A row of a tuple column as a tuple (None if it is neither a string nor a sequence)."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    if isinstance(value, list | tuple | np.ndarray):
        return tuple(_enum_value(v) for v in value)
    return None


def _tuples(
    name: str, values: list[Any], collector: Collector, fixed: tuple[str, ...] | None
) -> tuple[npt.NDArray[np.int32], Column]:
    def parse(value: object) -> Parsed:
        items = _split(value)
        if items is None:
            return None, f"expected a list of strings, got {describe(value)}"
        for item in items:
            if fixed is not None and item not in fixed:
                return None, unknown_label(item, Goal)
            if fixed is None and (found := language(item)):
                return None, found[0].message
        if len(set(items)) != len(items):
            return None, f"{shown(items)} has repeated items"
        return items, None

    codes, categories = _encode(name, values, parse, collector)
    return codes, Column(name, "tuple", categories=categories)


def _floats(
    name: str,
    values: npt.ArrayLike,
    collector: Collector,
    *,
    low: float | None = None,
    high: float | None = None,
    required: bool = False,
    carried: bool = False,
) -> tuple[npt.NDArray[np.float64], Column]:
    array, not_numbers = numeric(name, values, collector)
    array += 0.0  # -0.0 stored as 0.0 (IEEE: -0.0 + 0.0 is 0.0): equal values, equal JSON
    finite = np.isfinite(array)
    refused = ~finite & ~not_numbers & ~(np.isnan(array) & carried)
    collector.rows(name, refused, lambda i: f"{shown(float(array[i]))} is not a finite number")
    outside = finite & (
        ((array < low) if low is not None else False)
        | ((array > high) if high is not None else False)
    )
    if np.any(outside):
        bounds = (
            f"from {low:g} to {high:g}" if low is not None and high is not None else f">= {low:g}"
        )
        collector.rows(
            name, outside, lambda i: f"{shown(float(array[i]))} is out of range; expected {bounds}"
        )
    return array, Column(name, "float", required=required)


def _attribute(
    name: str,
    values: npt.ArrayLike,
    scale: tuple[float, float] | None,
    collector: Collector,
    *,
    carried: bool = False,
) -> tuple[np.ndarray[Any, Any], Column]:
    raw = np.asarray(values)
    if (
        scale is not None
        and raw.dtype.kind not in "iuf"
        and not_numbers(name, raw, scale, collector)
    ):
        return np.zeros(raw.shape[0]), Column(name, "float")
    if raw.dtype.kind == "U":
        return _category(name, _as_list(raw), collector, required=True, any_text=True)
    present = [v for v in _as_list(raw) if not _is_missing(v)] if carried else []
    if present and raw.dtype.kind == "O" and all(isinstance(v, str) for v in present):
        # text carried with missing cells (None, NaN): code -1
        return _category(name, _as_list(raw), collector, required=False, any_text=True)
    if raw.dtype.kind == "b":
        return raw.copy(), Column(name, "bool")
    if raw.dtype.kind in "iu" and scale is None:
        if raw.dtype.kind == "u" and raw.size and raw.max() > np.iinfo(np.int64).max:
            collector.column(name, "holds integers too large for a 64-bit integer column")
        return raw.astype(np.int64), Column(name, "int")
    if raw.dtype.kind in "iuf":
        return _scored(name, raw, scale, collector, carried=carried)
    items = _as_list(raw)
    types = set(map(type, items))  # one C pass decides the usual columns of one plain type
    if items and types == {float}:
        return _scored(name, np.array(items, dtype=np.float64), scale, collector, carried=carried)
    if items and types <= {bool, np.bool_}:
        return np.array(items, dtype=bool), Column(name, "bool")
    if items and all(is_number_like(v) for v in items):
        try:
            if all(isinstance(v, int | np.integer) for v in items) and scale is None:
                return np.array(items, dtype=np.int64), Column(name, "int")
            return _scored(
                name, np.array(items, dtype=np.float64), scale, collector, carried=carried
            )
        except OverflowError:
            collector.column(name, "holds numbers too large for a 64-bit column")
            return np.zeros(len(items)), Column(name, "float")
    if all(isinstance(v, str) for v in items):
        codes, column = _category(name, items, collector, required=True, any_text=True)
        return codes, column
    _mixed(name, items, collector, carried=carried)
    return np.zeros(len(items)), Column(name, "float")


def _mixed(name: str, items: list[Any], collector: Collector, *, carried: bool) -> None:
    """Report a column of several types; missing cells are named as such, not as a type."""
    blank = np.fromiter(map(_is_missing, items), dtype=bool, count=len(items))
    present = [v for v, b in zip(items, blank, strict=True) if not b]
    kinds = sorted({type(v).__name__ for v in present})  # ints beside floats: numbers, one type
    if (len(kinds) > 1 and not all(map(is_number_like, present))) or not blank.any():
        collector.column(name, f"an attribute column must hold one type (numbers, bools or "
                               f"strings), got {', '.join(kinds)}")  # fmt: skip
    elif carried:  # only bools (numbers and text carry their blanks)
        collector.column(name, "holds bools and missing values, but a bool column has no "
                               "missing value; fill in the blanks, or give the column as the "
                               "numbers 1 and 0 (a blank is then kept as NaN)")  # fmt: skip
    else:
        msg = (f"is missing; every row of a free attribute needs a value (from_frame keeps "
               f"blanks as missing with missing={{{shown(name)}: 'carry'}})")  # fmt: skip
        collector.rows(name, blank, lambda _: msg)


def _scored(
    name: str,
    array: npt.NDArray[Any],
    scale: tuple[float, float] | None,
    collector: Collector,
    *,
    carried: bool = False,
) -> tuple[npt.NDArray[np.float64], Column]:
    if scale is None:
        values, column = _floats(name, array, collector, carried=carried)
        return values, column
    low, high = float(scale[0]), float(scale[1])
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        collector.column(
            name, f"scale must be (lowest, highest) with lowest < highest, got {shown(scale)}"
        )
        return array.astype(np.float64), Column(name, "float")
    values, _ = _floats(name, array, collector, carried=carried)
    outside = np.isfinite(values) & ((values < low) | (values > high))
    collector.rows(
        name,
        outside,
        lambda i: f"{shown(float(values[i]))} is outside the scale {low:g} to {high:g}",
    )
    return values, Column(name, "float", scale=(low, high))
