"""Columns in: a pandas or polars integer column with missing cells, read exactly.

numpy reads such a column (pandas ``Int64``, polars ``Int64`` with nulls) as floats, which
rounds integers beyond ``2**53`` (an id ``9007199254740993`` becomes ``...992``) and turns a
missing cell into NaN. Its cells are read instead: Python integers exactly, and None where a
cell is missing, for the checks to name. Neither library is imported here: a column is
recognised by its type's module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["integer_cells"]


def integer_cells(value: object) -> npt.NDArray[np.object_] | None:
    """The cells of a pandas or polars integer column with missing cells; else None.

    Integers as Python ints, a missing cell as None. A column without a missing cell, or of
    another type, is None: numpy reads it faithfully.
    """
    module = type(value).__module__
    column: Any = value
    dtype: Any = getattr(value, "dtype", None)
    if module.startswith("pandas") and dtype is not None and not isinstance(dtype, np.dtype):
        if getattr(dtype, "kind", "") in ("i", "u") and bool(np.asarray(column.isna()).any()):
            cells: npt.NDArray[np.object_] = column.to_numpy(dtype=object, na_value=None)
            return cells
    elif (module.startswith("polars") and callable(getattr(dtype, "is_integer", None))
          and dtype.is_integer() and column.null_count() > 0):  # fmt: skip
        return np.array(column.to_list(), dtype=object)
    return None
