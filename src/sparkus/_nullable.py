"""Columns in: missing cells that numpy would not see, read as missing.

Two kinds of array hide their missing cells from a plain ``numpy.asarray``:

- a pandas or polars integer column with missing cells (pandas ``Int64``, polars ``Int64``
  with nulls) is read as floats, which rounds integers beyond ``2**53`` (an id
  ``9007199254740993`` becomes ``...992``) and turns a missing cell into NaN;
- a numpy masked array is read as its data, the values *under* the mask included, which the
  caller masked precisely because they are not to be used.

Such a column is read as its cells instead: Python integers exactly (or the data's values), and
None where a cell is missing or masked, for the checks to name. Neither pandas nor polars is
imported here: a column is recognised by its type's module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["missing_cells"]


def missing_cells(value: object) -> npt.NDArray[Any] | None:
    """The cells of a column that hides missing ones from numpy, else None (read it as is).

    A masked array gives its data, as an object array with None where masked (its plain data
    when nothing is masked); a pandas or polars integer column with missing cells gives its
    integers as Python ints and None where missing.
    """
    if isinstance(value, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(value)
        if not mask.any():
            return np.ma.getdata(value)
        cells: npt.NDArray[Any] = np.ma.getdata(value).astype(object)
        cells[mask] = None
        return cells
    module = type(value).__module__
    column: Any = value
    dtype: Any = getattr(value, "dtype", None)
    if module.startswith("pandas") and dtype is not None and not isinstance(dtype, np.dtype):
        if getattr(dtype, "kind", "") in ("i", "u") and bool(np.asarray(column.isna()).any()):
            exact: npt.NDArray[Any] = column.to_numpy(dtype=object, na_value=None)
            return exact
    elif (module.startswith("polars") and callable(getattr(dtype, "is_integer", None))
          and dtype.is_integer() and column.null_count() > 0):  # fmt: skip
        return np.array(column.to_list(), dtype=object)
    return None
