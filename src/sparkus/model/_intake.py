"""How one column of a caller's table is read: the array, its ids, its missing cells.

Tables reach the model as mappings of lists or arrays, pandas or polars DataFrames, or pandas
Series; :func:`column` makes any of them a 1-D numpy array (through the shared intake,
:func:`sparkus._checks.as_array`), :func:`aligned` pairs pandas columns by their index (or
refuses them), and :func:`id_column` reads ids by one rule wherever ids are read: text, or
integers within the 64-bit range. A float, a bool, bytes, a date or an integer outside the
int64 range is never an id: it is refused naming the column and its rows, never rounded,
wrapped or turned into the text ``"1.5"``. :func:`wall_clock` reads a polars column of zoned
datetimes on its zone's clock, as pandas gives one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import align_rows, as_array, describe, is_missing, rows_text
from sparkus._errors import Problem, SchemaError, key_text, name_text

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "aligned",
    "column",
    "column_names",
    "finite_or_nan",
    "id_column",
    "text_column",
    "wall_clock",
]

INT64_MAX: Final = int(np.iinfo(np.int64).max)
INT64_MIN: Final = int(np.iinfo(np.int64).min)


def column(values: object, name: str) -> npt.NDArray[Any]:
    """`values` as a 1-D numpy array; anything else is a SchemaError naming the column."""
    array = as_array(values, name)
    if array.ndim != 1:
        msg = (
            f"expected a 1-D column (one value per row), got "
            f"{'a single value' if array.ndim == 0 else f'an array of shape {array.shape}'}"
        )
        raise SchemaError([Problem((name,), msg)])
    return array


def column_names(table: object, name: str = "columns") -> list[str]:
    """The column names of a mapping or a DataFrame (pandas and polars alike), as text."""
    names = getattr(table, "columns", None)
    if names is None and isinstance(table, Mapping):
        names = table.keys()
    if names is None:
        return []
    return [name_text(n, name) for n in list(names)]


def aligned(table: Any, names: list[str]) -> dict[str, object]:
    """The columns `names` of `table`, pandas columns aligned by index.

    pandas columns with different indexes are aligned, or refused naming both (never paired by
    position).
    """
    values = align_rows(*((key_text(name), table[name]) for name in names))
    return dict(zip(names, values, strict=True))


def _int_like(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _id_problem(name: str, what: str, rows: npt.NDArray[np.int64], example: object) -> Problem:
    return Problem(
        (name,),
        f"expected {what} (text, or integers within the 64-bit range), got "
        f"{describe(example)} in {rows_text(rows)}",
    )


def id_column(
    values: object, name: str, *, what: str = "ids", integers: bool = True
) -> npt.NDArray[Any]:
    """A column of ids: a numpy string array (missing cells as ``""``) or an int64 array.

    With `integers`, a column of integers (numpy ints of any width included) stays int64;
    otherwise, and in a column that mixes text and integers, integers become their decimal
    text. Floats (even 1.0), bools, bytes, dates and integers outside the int64 range are a
    SchemaError naming `name` and the rows; a float NaN in a float column is a missing cell.
    """
    array = column(values, name)
    kind = array.dtype.kind
    if kind == "U":
        return array
    if kind in "iu":
        if kind == "u" and len(array) and int(array.max()) > INT64_MAX:
            rows = np.flatnonzero(array > np.uint64(INT64_MAX)).astype(np.int64)
            raise SchemaError([_id_problem(name, what, rows, array[rows[0]].item())])
        ints = array.astype(np.int64)
        return ints if integers else ints.astype(str)
    if kind == "f":
        present = ~np.isnan(array)
        if present.any():
            rows = np.flatnonzero(present).astype(np.int64)
            problem = _id_problem(name, what, rows, array[rows[0]].item())
            hint = (
                "; a float column cannot hold ids (pandas turns integer ids with missing cells "
                "into floats: convert with .astype('Int64') or to text)"
            )
            raise SchemaError([Problem(problem.path, problem.message + hint)])
        return np.full(len(array), "", dtype=str)
    if kind != "O":
        rows = np.arange(len(array), dtype=np.int64)
        example = array[0].item() if len(array) else array.dtype
        raise SchemaError([_id_problem(name, what, rows, example)])
    items = array.tolist()
    bad = [
        i
        for i, v in enumerate(items)
        if not (
            isinstance(v, str)
            or is_missing(v)
            or (_int_like(v) and INT64_MIN <= int(v) <= INT64_MAX)
        )
    ]
    if bad:
        raise SchemaError([_id_problem(name, what, np.array(bad, np.int64), items[bad[0]])])
    if integers and items and all(_int_like(v) for v in items):
        return np.array([int(v) for v in items], dtype=np.int64)
    return np.array(
        ["" if is_missing(v) else v if isinstance(v, str) else str(int(v)) for v in items],
        dtype=str,
    )


def text_column(values: object, name: str, *, what: str = "ids") -> npt.NDArray[np.str_]:
    """A column of text as a numpy string array, missing cells as ``""``.

    Anything else (numbers, bools, bytes, dates) is a SchemaError naming `name` and its rows.
    """
    array = column(values, name)
    kind = array.dtype.kind
    if kind == "U":
        return array
    items = array.tolist()
    if kind == "O":
        bad = [i for i, v in enumerate(items) if not (isinstance(v, str) or is_missing(v))]
    else:
        bad = list(range(len(items)))
    if bad:
        msg = (f"expected {what} as text, got {describe(items[bad[0]])} in "
               f"{rows_text(np.array(bad, np.int64))}; convert them with str() first")  # fmt: skip
        raise SchemaError([Problem((name,), msg)])
    return np.array(["" if is_missing(v) else v for v in items], dtype=str)


def finite_or_nan(value: object) -> float:
    """A cell of a value column as a float: NaN for missing, inf for anything not a number.

    A Decimal (polars' decimal column) is a number; an integer beyond the float range is inf.
    """
    if is_missing(value):
        return math.nan
    if _int_like(value) or isinstance(value, float | np.floating | Decimal):
        try:
            return float(value)  # type: ignore[arg-type]
        except (OverflowError, ValueError):  # an int beyond floats; a signalling Decimal NaN
            return math.inf
    return math.inf  # not a number: refused by the check as "not a finite number"


def wall_clock(values: object) -> object:
    """A polars column of zoned datetimes as its times on the clock of their zone; else itself.

    pandas gives a zoned column's cells as Timestamps in their zone, whose day is the local
    day; polars gives the instants in UTC, whose day can be the one before or after (a hire
    at midnight in Tokyo is the previous day in UTC). Both are read on the local day.
    """
    dtype = getattr(values, "dtype", None)
    if type(values).__module__.startswith("polars") and getattr(dtype, "time_zone", None):
        series: Any = values  # (recognised without importing polars)
        return series.dt.replace_time_zone(None)
    return values
