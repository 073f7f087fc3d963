"""Tables out: named columns as a pandas or polars DataFrame, for every result that has rows.

A result declares its table once, as named columns (numpy arrays or lists, one value per row)
and the name of the column(s) that identify a row; :func:`build_frame` turns that into a
pandas DataFrame (the identifying columns as its index) or a polars DataFrame (which has no
index: they come first). Neither library is imported before a table is asked for.

Values are given as people read them: an enum member becomes its value (``"coaching"``, never
``'SupportType.COACHING'``), a tuple a list (polars) or stays a tuple (pandas), None stays
missing. The arrays are copied, so changing the frame never changes the result. Ids that may be
integers or text, or missing, are declared as :class:`Ids`, so that no library reads them as
numbers (pandas would make the integer ids ``1`` and None the floats ``1.0`` and NaN).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._checks import check_choice

__all__ = [
    "BACKENDS",
    "Backend",
    "FrameSpec",
    "Framed",
    "Ids",
    "build_frame",
    "check_backend",
    "decoded",
]

Backend: TypeAlias = Literal["pandas", "polars"]
BACKENDS: Final[tuple[Backend, ...]] = ("pandas", "polars")
_EXTRAS: Final = {"pandas": "pandas", "polars": "polars"}

FrameSpec: TypeAlias = tuple[Mapping[str, Any], Sequence[str]]
"""A table as a result declares it: its columns by name, and the names of its index columns."""


def check_backend(backend: object) -> Backend:
    """`backend` if it is ``"pandas"`` or ``"polars"``, else a SchemaError naming `backend`."""
    return check_choice(backend, "backend", BACKENDS)


def _library(backend: Backend) -> Any:
    """The backend's module, imported now; an ImportError naming the extra when it is missing."""
    try:
        if backend == "pandas":
            import pandas as pd

            return pd
        import polars as pl

        return pl
    except ImportError as exc:
        msg = (
            f"to_frame(backend={backend!r}) needs {backend}: install it with "
            f"`pip install 'sparkus[{_EXTRAS[backend]}]'`"
        )
        raise ImportError(msg) from exc


def _plain(value: Any, *, lists: bool) -> Any:
    """One cell as people read it: enums by value, numpy scalars as Python, tuples as lists."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        items = [_plain(v, lists=lists) for v in value]
        return items if lists else tuple(items)
    return value


def _column(values: Any, *, polars: bool) -> Any:
    """A fresh numpy array (numbers, bools, dates, text), else a list of plain cells.

    A list lets the library infer the column's type as it does for any Python list (a number
    column with None as float with NaN in pandas, as a number column with nulls in polars).
    """
    array = values if isinstance(values, np.ndarray) else None
    if array is not None and array.dtype.kind in "Mm" and polars:
        unit = np.datetime_data(array.dtype)[0]  # polars takes days, ms, us and ns
        return array.astype(f"{array.dtype.kind}8[{'ms' if unit in ('s', 'm', 'h') else unit}]")
    if array is not None and array.dtype.kind in "biufMmU":
        return array.copy()
    items = values.tolist() if array is not None else list(values)
    return [_plain(v, lists=polars) for v in items]


class Ids:
    """A column of ids as given (text or integers; None for none), never read as numbers.

    pandas keeps them as objects (the integer id ``1`` stays ``1`` beside None); polars, whose
    columns hold one type, gets integers, or text, or the text of each when a column mixes
    both (two ids of one kind never have one text: the readers of ids refuse that).
    """

    __slots__ = ("values",)

    def __init__(self, values: Sequence[Any]) -> None:
        self.values = [_plain(v, lists=False) for v in values]

    def column(self, *, polars: bool) -> Any:
        """The ids as `build_frame` passes them to the library."""
        if not polars:
            out = np.empty(len(self.values), dtype=object)
            out[:] = self.values
            return out
        kinds = {type(v) for v in self.values if v is not None}
        if len(kinds) > 1:
            return [None if v is None else str(v) for v in self.values]
        return list(self.values)


def decoded(codes: Any, labels: Sequence[str]) -> npt.NDArray[np.object_]:
    """Integer `codes` into `labels` as the labels, None where a code is negative."""
    table = np.empty(len(labels) + 1, dtype=object)
    table[:-1] = list(labels)
    table[-1] = None
    ints = np.asarray(codes, dtype=np.int64)
    return table[np.where(ints < 0, len(labels), ints)]


def build_frame(
    columns: Mapping[str, Any], index: Sequence[str], backend: object = "pandas"
) -> Any:
    """A DataFrame of `columns` (name to one value per row), identified by the `index` columns.

    pandas: the `index` columns become the index (a MultiIndex for several); polars: they come
    first. A SchemaError names `backend` when it is neither ``"pandas"`` nor ``"polars"``.
    """
    chosen = check_backend(backend)
    lib = _library(chosen)
    polars = chosen == "polars"
    data = {
        name: values.column(polars=polars)
        if isinstance(values, Ids)
        else _column(values, polars=polars)
        for name, values in columns.items()
    }
    if polars:
        order = [*index, *(name for name in data if name not in index)]
        return lib.DataFrame({name: lib.Series(name, data[name]) for name in order})
    ids = {name for name, values in columns.items() if isinstance(values, Ids)}
    body = {name: values for name, values in data.items() if name not in index}
    plain = {name: values for name, values in body.items() if name not in ids}
    if not index:
        rows = lib.RangeIndex(len(next(iter(data.values())))) if data else None
    elif len(index) == 1:
        kind = object if index[0] in ids else None
        rows = lib.Index(
            data[index[0]], name=index[0], tupleize_cols=False, dtype=kind
        )  # a tuple: one label
    else:
        rows = lib.MultiIndex.from_arrays([data[name] for name in index], names=list(index))
    frame = lib.DataFrame(plain, index=rows)
    for position, name in enumerate(body):  # as objects: pandas would read text ids as str
        if name in ids:
            frame.insert(position, name, lib.Series(body[name], index=frame.index, dtype=object))
    return frame


class Framed:
    """Mixin for results with rows: ``to_frame(backend=...)`` from the ``_frame()`` hook."""

    __slots__ = ()

    def _frame(self) -> FrameSpec:
        raise NotImplementedError

    def to_frame(self, *, backend: Backend = "pandas") -> Any:
        """The result's rows as a DataFrame: one row per person (or group).

        The class's docstring lists the columns. Enum values come as their text
        (``"coaching"``), levels as their labels, a missing value as None or NaN.

        Parameters
        ----------
        backend : {"pandas", "polars"}
            The library of the frame. pandas gets the ids (or group names) as its index;
            polars, which has no index, gets them as the first column(s). The library is
            imported only now.

        Returns
        -------
        pandas.DataFrame or polars.DataFrame
            A new frame: changing it never changes the result.

        Raises
        ------
        SchemaError
            If `backend` is neither ``"pandas"`` nor ``"polars"``.
        ImportError
            If the library is not installed (the message names the extra to install).

        .. versionadded:: 0.1
        """
        chosen = check_backend(backend)
        columns, index = self._frame()
        return build_frame(columns, index, chosen)
