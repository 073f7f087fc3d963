"""The input checks of estimators of effects: outcomes, designs, treatment flags and clusters.

Apart from :mod:`sparkus._checks` (the one intake every door shares, which these build on):
:func:`vector` (an outcome), :func:`named_matrix` (a design's columns by name),
:func:`indicator` (a 0/1 treatment), :func:`same_length`, :func:`cluster_codes` and
:func:`booleans_problem` (booleans where effect sizes or weights belong). Missing rows are
named by their pandas labels, or positions (:func:`~sparkus._checks.rows_where`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    BoolArray,
    FloatArray,
    IntArray,
    as_array,
    not_finite,
    real_array,
    rows_text,
    schema_error,
)
from sparkus._errors import EstimationError, SchemaError, name_text, shown
from sparkus._privacy import group_label_problems

__all__ = [
    "booleans_problem",
    "cluster_codes",
    "indicator",
    "named_matrix",
    "same_length",
    "vector",
]


def vector(
    value: object, name: str, *, minimum: int = 1, no_booleans: str | None = None
) -> FloatArray:
    """A 1-D float64 array of finite numbers with at least `minimum` entries.

    Missing or non-finite values and too few rows are an EstimationError (the data cannot
    support the estimate); anything that is not a 1-D array of numbers is a SchemaError, and
    so are booleans when `no_booleans` says what the numbers are (``"effect sizes"``: see
    :func:`booleans_problem`). Otherwise booleans are 0/1 outcomes.
    """
    if no_booleans is not None and (flags := booleans_problem(as_array(value, name), no_booleans)):
        raise schema_error(name, flags)
    array = real_array(value, name)
    if array.ndim != 1:
        msg = f"expected a 1-D sequence of numbers, got an array of shape {array.shape}"
        raise schema_error(name, msg)
    bad = ~np.isfinite(array)
    if bad.any():
        raise not_finite(name, bad, value)
    if array.shape[0] < minimum:
        msg = f"`{name}` has {array.shape[0]} values; at least {minimum} are needed"
        raise EstimationError(msg)
    return array


def named_matrix(
    value: object, name: str, *, names: Sequence[str] | None = None
) -> tuple[FloatArray, tuple[str, ...]]:
    """A 2-D float64 array of finite numbers and a name per column.

    `value` is a 1-D or 2-D array-like, or anything with ``keys()`` that yields columns by name
    (a mapping, a pandas or polars data frame). Array columns are named `names`, a named Series
    by its name, others ``x1, x2, ...``; two columns of one name (as text) are refused.
    """
    keys = getattr(value, "keys", None)  # a Series has keys() too, but is one column
    if callable(keys) and getattr(value, "ndim", 2) != 1 and not isinstance(value, np.ndarray):
        if names is not None:
            msg = "is only for arrays; the columns of a mapping or data frame are named by it"
            raise schema_error("names", msg)
        labels = tuple(name_text(k, name) for k in keys())
        if not labels:
            raise schema_error(name, "has no columns")
        getter: Any = value
        columns = [real_array(getter[k], f"{name}[{shown(k)}]") for k in keys()]
        for label, column in zip(labels, columns, strict=True):
            if column.ndim != 1:
                msg = f"expected a 1-D column, got shape {column.shape}"
                raise schema_error(f"{name}[{shown(label)}]", msg)
        if len({len(c) for c in columns}) != 1:
            counts = ", ".join(
                f"{shown(lab)}: {len(c)}" for lab, c in zip(labels, columns, strict=True)
            )
            raise EstimationError(f"the columns of `{name}` differ in length ({counts})")
        array = np.column_stack(columns)
    else:
        array = real_array(value, name)
        array = array[:, np.newaxis] if array.ndim == 1 else array
        if array.ndim != 2:
            msg = f"expected a 1-D or 2-D array of numbers, got shape {array.shape}"
            raise schema_error(name, msg)
        if array.shape[1] == 0:
            raise schema_error(name, "has no columns")
        title = getattr(value, "name", None) if getattr(value, "ndim", 0) == 1 else None
        labels = tuple(f"x{j + 1}" for j in range(array.shape[1]))
        if names is not None:
            labels = _column_names(names, array.shape[1])
        elif title is not None and title != "":  # a named pandas or polars Series
            labels = (str(title),)
    if len(set(labels)) < len(labels):
        twice = ", ".join(repr(k) for k in sorted({k for k in labels if labels.count(k) > 1}))
        msg = f"column names must differ, but {twice} names more than one column (as text)"
        raise schema_error("names" if names is not None else name, msg)
    bad = ~np.isfinite(array)
    if bad.any():
        raise not_finite(name, np.asarray(bad.any(axis=1)), value)
    return array, labels


def _column_names(names: object, k: int) -> tuple[str, ...]:
    if isinstance(names, str) or not isinstance(names, Sequence):
        msg = f"expected a sequence of {k} column names, got {type(names).__name__}"
        raise schema_error("names", msg)
    if len(labels := tuple(name_text(n, "names") for n in names)) != k:
        raise schema_error("names", f"expected {k} names, one per column, got {len(labels)}")
    return labels


def indicator(value: object, name: str) -> BoolArray:
    """A 1-D boolean array from booleans or the numbers 0 and 1."""
    array = vector(value, name)
    bad = (array != 0.0) & (array != 1.0)
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(f"{v:g}" for v in np.unique(array[bad])[:5])
        msg = f"expected 0/1 or True/False, got {shown} in {rows_text(rows)}"
        raise schema_error(name, msg)
    return np.asarray(array == 1.0, dtype=np.bool_)


def booleans_problem(array: npt.NDArray[Any], what: str) -> str | None:
    """Why `array` (as :func:`~sparkus._checks.as_array` gave it) cannot hold `what`, or None.

    Booleans are 0/1 outcomes and treatment flags, which :func:`vector` and :func:`indicator`
    read as 0 and 1. Where effect sizes or weights belong, True and False would be read as
    1.0 and 0.0: almost surely a mask given in the wrong argument, so they are refused, as a
    boolean dtype or as booleans among the numbers of an object array.
    """
    if array.dtype.kind == "O":
        found = any(isinstance(v, bool | np.bool_) for v in array.ravel().tolist())
    else:
        found = array.dtype.kind == "b"
    if not found:
        return None
    return (
        f"holds booleans (True/False), which would be read as {what} of 1.0 and 0.0 (a mask "
        f"given in the wrong argument?); pass {what} as numbers (astype(float) if 1 and 0 "
        "are meant)"
    )


def same_length(*arrays: tuple[str, int]) -> None:
    """EstimationError naming every array whose length differs from the first's."""
    (first, n), *others = arrays
    if wrong := [f"`{name}` has {m:,}" for name, m in others if m != n]:
        raise EstimationError(f"inputs differ in length: `{first}` has {n:,} rows but "
                              f"{', '.join(wrong)}; pass one value per row in each")  # fmt: skip


def cluster_codes(value: object, name: str) -> tuple[IntArray, int]:
    """Codes ``0 .. G-1`` per row and `G`, the labels checked as every door checks them.

    By :func:`~sparkus._privacy.group_label_problems` with numbers (cluster codes are matched,
    never published): a missing or blank label, text beside numbers, or one cluster written
    two ways (which would shrink the SEs) is a SchemaError naming its rows.
    """
    array = as_array(value, name)
    if array.ndim != 1:
        msg = f"expected a 1-D sequence of cluster labels, got an array of shape {array.shape}"
        raise schema_error(name, msg)
    n = array.shape[0]
    if n == 0:
        raise EstimationError(f"`{name}` is empty")
    kind = array.dtype.kind
    if kind in "iub":
        ints = array.astype(np.int64, copy=False)
        low, high = int(ints.min()), int(ints.max())
        if high - low <= 4 * n:  # labels in a compact range: count them instead of sorting
            codes = (ints - low).astype(np.intp, copy=False)
            present = np.bincount(codes) > 0
            count = int(np.count_nonzero(present))
            if count < len(present):  # renumber 0 .. count - 1, skipping absent labels
                codes = (np.cumsum(present) - 1)[codes]
            return codes, count
        uniq, inverse = np.unique(ints, return_inverse=True)
        return inverse.reshape(-1).astype(np.intp, copy=False), len(uniq)
    if problems := group_label_problems(array, name, value, numbers=True):
        raise SchemaError(problems)
    if kind == "O":  # labels of several kinds that numpy cannot sort together
        lookup: dict[Any, int] = {}
        codes_list = [lookup.setdefault(v, len(lookup)) for v in array.tolist()]
        return np.array(codes_list, dtype=np.intp), len(lookup)
    uniq, inverse = np.unique(array, return_inverse=True)
    return inverse.reshape(-1).astype(np.intp, copy=False), len(uniq)
