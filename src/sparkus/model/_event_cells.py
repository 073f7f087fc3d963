r"""The cells of an event column, read without numpy changing one on the way.

numpy reads a Python list by finding one dtype for all of its cells, and that loses what the
event check needs to see: ``["a", float("nan")]`` becomes the text ``"nan"``, ``[True, 9]`` the
numbers 1 and 9, ``[float("nan"), "9"]`` two texts, ``["a\x00"]`` the text ``"a"`` (the 'U'
dtype drops trailing NUL characters), and datetime64 cells of different units are converted to
the finest one, wrapping around when they do not fit. pandas and polars integer columns with
missing cells reach numpy as floats. :func:`event_cells` keeps such columns as their cells (an
object array), so that a column of a mapping reads like the same values in event dicts.
:func:`datetime_seconds` turns datetime64 values of any unit into seconds after checking, in
one vectorised pass, that they lie in the years 1 to 9999 (where aware datetimes and ISO 8601
text live too).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import describe, is_missing, rows_text
from sparkus._errors import Problem, SchemaError
from sparkus._nullable import missing_cells
from sparkus._text_rules import nul_rows
from sparkus.model._intake import INT64_MAX, INT64_MIN, column, id_column

__all__ = [
    "datetime_seconds",
    "event_cells",
    "id_cells",
    "is_one_value",
    "nul_problems",
    "participant_cells",
    "years_problems",
]

_FIRST_SECOND: Final = -62_135_596_800  # 0001-01-01T00:00:00 UTC, in seconds since 1970
_LAST_SECOND: Final = 253_402_300_799  # 9999-12-31T23:59:59 UTC
_FIRST_MONTH: Final = (1 - 1970) * 12  # January of year 1, in months since January 1970
_LAST_MONTH: Final = (9999 - 1970) * 12 + 11  # December 9999
_SECONDS: Final = {
    "W": Fraction(604_800), "D": Fraction(86_400), "h": Fraction(3_600), "m": Fraction(60),
    "s": Fraction(1), "ms": Fraction(1, 10**3), "us": Fraction(1, 10**6),
    "ns": Fraction(1, 10**9), "ps": Fraction(1, 10**12), "fs": Fraction(1, 10**15),
    "as": Fraction(1, 10**18),
}  # fmt: skip
_NESTED: Final = (list, tuple, set, frozenset, dict, Mapping, np.ndarray)
_NA_TYPES: Final = {"NAType", "NaTType"}  # pandas' missing values, known without pandas


def is_one_value(value: object) -> bool:
    """Whether `value` is a single cell (text, a number, a datetime...), not a column.

    Parameters
    ----------
    value : object
        A cell of a column or the value of an event dict's field.

    Returns
    -------
    bool
        False for lists, tuples, mappings, iterables and arrays of one or more dimensions
        (and for None); True for text, bytes, numbers, datetimes and numpy scalars.
    """
    if isinstance(value, str | bytes):
        return True
    if isinstance(value, Mapping | Iterable) or hasattr(value, "__array__"):
        return bool(np.ndim(value) == 0) if hasattr(value, "__array__") else False
    return value is not None


def event_cells(values: object, name: str) -> object:
    """Column `name` of an event batch, as its cells where numpy would change one.

    A list or a tuple becomes a 1-D object array of its cells as given (numpy's own reading
    turns a float NaN among text into the text ``"nan"``, a bool among numbers into 1, text
    among numbers into text, drops trailing NUL characters and converts datetime64 cells of
    different units to one, wrapping the far ones around); a list of one type numpy reads
    faithfully (text without NULs, integers within int64, floats in `value`) becomes numpy's
    array, at numpy's speed. A pandas or polars integer column
    with missing cells (which numpy would read as floats) becomes its cells, integers and
    None. Anything else is returned as it is: numpy arrays and other columns keep the fast
    path.

    Parameters
    ----------
    values : object
        The column as the caller gave it.
    name : str
        The column's name, for messages.

    Returns
    -------
    object
        An object array of the cells, or `values` itself.

    Raises
    ------
    SchemaError
        If a list holds a list, a tuple, a mapping or an array where one value belongs,
        naming the column and the rows.
    """
    if isinstance(values, list | tuple):
        types = set(map(type, values))
        plain = _plain_array(values, types, name)
        if plain is not None:
            return plain
        cells = np.array(values, dtype=object)
        if cells.ndim != 1:  # rectangular nesting: refused as not 1-D where it is read
            return values
        if any(issubclass(t, _NESTED) for t in types):
            nested = [i for i, v in enumerate(values) if not (is_missing(v) or is_one_value(v))]
            if nested:
                msg = (f"expected one value per row, got {describe(values[nested[0]])} in "
                       f"{rows_text(np.array(nested, np.int64))}")  # fmt: skip
                raise SchemaError([Problem((name,), msg)])
        return cells
    exact = missing_cells(values)  # pandas or polars integers with missing cells, exactly
    return values if exact is None else exact


def _plain_array(values: list[Any] | tuple[Any, ...], types: set[type], name: str) -> Any:
    """The numpy array of a list of one plain type numpy reads faithfully, else None.

    Text without NUL characters, integers within the int64 range and values that are all
    floats: the common lists, read at numpy's speed (floats elsewhere are read as cells, to
    be refused in the words used for the same cells of event dicts).
    """
    if types == {str}:
        return None if "\x00" in "".join(values) else np.array(values, dtype=str)
    if types == {float} and name == "value":
        return np.array(values, dtype=np.float64)
    if types == {int}:
        array = np.asarray(values)
        return array if array.dtype == np.int64 else None
    return None


def nul_problems(array: npt.NDArray[Any], name: str) -> list[Problem]:
    r"""The problem of text cells of an object column holding a NUL character (``"\x00"``).

    A numpy 'U' array drops trailing NULs, so ``"a\x00"`` would read as ``"a"``: a
    participant ``"e00\x00"`` as ``"e00"``, two event ids as one. Arrays of another dtype
    have none to report (a 'U' array has lost its trailing NULs before it arrives).

    Parameters
    ----------
    array : ndarray
        The column, as read.
    name : str
        The column's name, for the message.

    Returns
    -------
    list of Problem
        One problem naming the column and the rows whose text holds a NUL, or none.
    """
    if array.dtype.kind != "O":
        return []
    bad = nul_rows(array.tolist())  # the rule of participants' ids and names too
    if not bad:
        return []
    msg = (f"text with a NUL character ('\\x00') in {rows_text(np.array(bad, np.int64))}, "
           f"e.g. {array[bad[0]]!r}; remove it (it is not kept: 'a\\x00' would read as 'a')")  # fmt: skip
    return [Problem((name,), msg)]


def _tick_bounds(dtype: np.dtype[Any]) -> tuple[int, int]:
    """The first and last tick of a datetime64 dtype within the years 1 to 9999."""
    unit, count = np.datetime_data(dtype)
    if unit == "Y":
        low, high = Fraction(1 - 1970, count), Fraction(9999 - 1970, count)
    elif unit == "M":
        low, high = Fraction(_FIRST_MONTH, count), Fraction(_LAST_MONTH, count)
    elif unit in _SECONDS:  # a tick is in range if it starts within the last second's end
        tick = _SECONDS[unit] * count
        low, high = _FIRST_SECOND / tick, (_LAST_SECOND + 1) / tick - Fraction(1, 2**64)
    else:  # generic: no unit, only NaT
        return INT64_MIN + 1, INT64_MAX
    return max(math.ceil(low), INT64_MIN + 1), min(math.floor(high), INT64_MAX)


def years_problems(
    array: npt.NDArray[np.datetime64], name: str, rows: npt.NDArray[np.int64] | None = None
) -> list[Problem]:
    """The problem of datetime64 values outside the years 1 to 9999, checked in their unit.

    numpy converts units without a word when a value does not fit (a day in the year
    263,633,876,215,515 became one in 2027): check before converting. Two reductions when
    every value is in range; NaT is never outside.

    Parameters
    ----------
    array : ndarray of datetime64
        The times, in any unit.
    name : str
        The column's name, for the message.
    rows : ndarray of int64, optional
        The row of each value in the column (default: its position), for the message.

    Returns
    -------
    list of Problem
        One problem naming the column, the first such value and the rows, or none.
    """
    ticks = array.view(np.int64)
    if not len(ticks):
        return []
    low, high = _tick_bounds(array.dtype)
    if int(ticks.max()) <= high and int(ticks.min()) >= low:  # (NaT is below every low)
        return []
    outside = np.flatnonzero(~np.isnat(array) & ((ticks < low) | (ticks > high)))
    if not len(outside):
        return []
    at = outside if rows is None else rows[outside]
    msg = (f"expected times within the years 1 to 9999, got {array.dtype} "
           f"{str(array[outside[0]])!r} in {rows_text(at)}")  # fmt: skip
    return [Problem((name,), msg)]


def datetime_seconds(
    array: npt.NDArray[np.datetime64], name: str, rows: npt.NDArray[np.int64] | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Seconds since 1970 UTC of datetime64 values of any unit, and where they are NaT.

    The values are checked against the years 1 to 9999 in their own unit before the unit is
    converted (numpy's conversion wraps around without a word: a day in the year
    263,633,876,215,515 became one in 2027): two reductions when every value is in range.

    Parameters
    ----------
    array : ndarray of datetime64
        The times, in any unit (read as UTC).
    name : str
        The column's name, for the message.
    rows : ndarray of int64, optional
        The row of each value in the column (default: its position), for the message.

    Returns
    -------
    seconds : ndarray of int64
        Seconds since 1970-01-01 UTC, rounded down; 0 where the value is NaT.
    missing : ndarray of bool
        Where the value is NaT.

    Raises
    ------
    SchemaError
        Naming the column and the rows of the values outside the years 1 to 9999.
    """
    problems = years_problems(array, name, rows)
    if problems:
        raise SchemaError(problems)
    ticks = array.view(np.int64)
    missing = np.isnat(array)
    unit, count = np.datetime_data(array.dtype)
    per_second = 1 / (_SECONDS[unit] * count) if unit in _SECONDS else Fraction(0)
    if per_second > 1 and per_second.denominator == 1:  # (numpy cannot convert 'as' to 's')
        seconds = np.floor_divide(ticks, int(per_second))
    else:
        seconds = array.astype("datetime64[s]").view(np.int64).copy()
    seconds[missing] = 0
    return seconds, missing


def _int_like(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _integers_and_missing(array: npt.NDArray[Any]) -> bool:
    """Whether an object column holds integer cells and cells of a type that can be missing."""
    types = set(map(type, array.tolist()))
    integers = any(issubclass(t, int | np.integer) and not issubclass(t, bool | np.bool_)
                   for t in types)  # fmt: skip
    return integers and any(
        t is type(None) or issubclass(t, float | np.floating) or t.__name__ in _NA_TYPES
        for t in types
    )


def id_cells(values: object, name: str, *, what: str) -> npt.NDArray[Any]:
    """A column of ids (event ids, participants or steps): text, or int64 with -1 for none.

    Read by :func:`~sparkus.model._intake.id_column`, except that an object column of
    integers with missing cells stays integers, missing cells becoming -1 (no step; refused by
    the check as a participant or an event id) instead of all cells becoming text (which made
    the row 2 the participant id ``"2"`` when another row was missing).

    Parameters
    ----------
    values : object
        The column, as :func:`event_cells` gives it.
    name : str
        The column's name, for messages.
    what : str
        What the column holds, for messages (``"event ids"``).

    Returns
    -------
    ndarray of str or int64

    Raises
    ------
    SchemaError
        As :func:`~sparkus.model._intake.id_column` does.
    """
    array = column(values, name)
    if array.dtype.kind == "O" and _integers_and_missing(array):
        items = array.tolist()
        missing = [is_missing(v) for v in items]
        if (any(missing) and not all(missing)
                and all(m or _int_like(v) for v, m in zip(items, missing, strict=True))):  # fmt: skip
            array = np.array([-1 if m else v for v, m in zip(items, missing, strict=True)],
                             dtype=object)  # fmt: skip
    return id_column(array, name, what=what)


def participant_cells(values: object, name: str) -> npt.NDArray[Any]:
    """Participant ids as text, or schedule rows as int64; never integers read as ids.

    A column mixing text and integers is refused naming the integer rows: an integer is a
    schedule row (the fast path, a column of integers only) or, in an export, an employee
    number, and read as the text of an id it could name another participant (the schedule
    ids ``"123"`` and ``"00123"``), as it would in an event dict.

    Parameters
    ----------
    values : object
        The column, as :func:`event_cells` gives it.
    name : str
        The column's name, for messages.

    Returns
    -------
    ndarray of str or int64

    Raises
    ------
    SchemaError
        For integers among text, and as :func:`id_cells` does.
    """
    array = column(values, name)
    if array.dtype.kind == "O":
        cells = array.tolist()
        types = set(map(type, cells))  # one pass in C: the usual column is text only
        if any(issubclass(t, str) for t in types) and any(
            issubclass(t, int | np.integer) for t in types
        ):
            ints = np.array([i for i, v in enumerate(cells) if _int_like(v)], dtype=np.int64)
            if len(ints):
                msg = (f"expected participant ids as text, got {describe(cells[ints[0]])} among "
                       f"text ids in {rows_text(ints)}; pass every id as text, or schedule "
                       "rows as a column of integers only")  # fmt: skip
                raise SchemaError([Problem((name,), msg)])
    return id_cells(array, name, what="participant ids or schedule rows")
