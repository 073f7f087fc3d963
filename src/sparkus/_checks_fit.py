"""The input checks of fitted classifiers: X, y, sample weights and the fitted feature count.

Apart from :mod:`sparkus._checks` (the rules every door shares, which these build on) because
they speak scikit-learn's language: a fitted model's inputs are refused in the words its
estimator checks look for, while sparkus' typed errors name the cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sparkus._checks import (
    MAX_LISTED,
    BoolArray,
    FloatArray,
    IntArray,
    as_array,
    is_missing,
    schema_error,
)
from sparkus._errors import Problem, SchemaError
from sparkus._labels import bools_beside_numbers

__all__ = [
    "cell_problems",
    "check_labels",
    "check_matrix",
    "check_n_features",
    "check_sample_weight",
    "is_missing_label",
    "object_floats",
]


def _shape_text(value: object) -> str:
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        return f"{type(value).__name__} of shape {tuple(shape)} and dtype {dtype}"
    return type(value).__name__


def cell_problems(
    name: str, rows: IntArray, cols: IntArray | None, what: str, fix: str
) -> list[Problem]:
    """One problem per offending cell (or row, if `cols` is None), then a count of the rest."""
    listed = min(len(rows), MAX_LISTED)
    problems: list[Problem] = []
    for k in range(listed):
        path: tuple[str | int, ...] = (
            (name, int(rows[k])) if cols is None else (name, int(rows[k]), int(cols[k]))
        )
        problems.append(Problem(path, what))
    rest = len(rows) - listed
    if rest:
        problems.append(Problem((name,), f"... and {rest} more {what} values not listed"))
    problems.append(Problem((name,), fix))
    return problems


def object_floats(array: npt.NDArray[Any], name: str) -> FloatArray:
    """A 2-D object array of real numbers as float64, every cell checked one by one.

    Text, bytes, complex numbers and other non-numbers (None and pandas' ``NA`` among them) are
    a SchemaError naming each cell ``name[row][column]``, and so are Python ints too large for
    a float (``10**400``), which ``float()`` would refuse with a bare OverflowError. Booleans
    count as 0 and 1; float NaN and infinities pass through, for the caller to judge.

    Examples
    --------
    >>> object_floats(np.array([[1, 2.5], [True, 4]], dtype=object), "X")
    array([[1. , 2.5],
           [1. , 4. ]])
    >>> try:
    ...     object_floats(np.array([["0.5", 10**400]], dtype=object), "X")
    ... except SchemaError as err:
    ...     print(err)
    3 problems in the input:
      X[0][0]: not a real number
      X[0][1]: beyond the float range (about ±1.8e308)
      X: every value must be a real number within the float range; encode text as numbers and rescale huge values first
    """
    flat = array.reshape(-1).tolist()
    out = np.empty(len(flat), dtype=np.float64)
    kinds = np.zeros(len(flat), dtype=np.int8)  # 0 a number, 1 not a number, 2 too large
    for k, value in enumerate(flat):
        if isinstance(value, str | bytes | complex | np.complexfloating):
            kinds[k] = 1
            continue
        try:
            out[k] = float(value)
        except OverflowError:
            kinds[k] = 2
        except (TypeError, ValueError):
            kinds[k] = 1
    if kinds.any():
        rows, cols = np.nonzero(kinds.reshape(array.shape))
        what = kinds.reshape(array.shape)[rows, cols]
        listed = min(len(rows), MAX_LISTED)
        problems = [
            Problem(
                (name, int(rows[k]), int(cols[k])),
                "not a real number" if what[k] == 1 else "beyond the float range (about ±1.8e308)",
            )
            for k in range(listed)
        ]
        if len(rows) > listed:
            problems.append(
                Problem((name,), f"... and {len(rows) - listed} more such values not listed")
            )
        fix = (
            "every value must be a real number within the float range; encode text as numbers "
            "and rescale huge values first"
        )
        problems.append(Problem((name,), fix))
        raise SchemaError(problems)
    return out.reshape(array.shape)


def is_missing_label(value: object) -> bool:
    """A label that marks a missing value: None, NaN, an infinity, pandas' NA or NaT, numpy's NaT.

    Examples
    --------
    >>> [is_missing_label(v) for v in (None, float("nan"), float("inf"), np.datetime64("NaT"), "a")]
    [True, True, True, True, False]
    """
    if is_missing(value):
        return True
    if isinstance(value, float | np.floating):
        return not bool(np.isfinite(value))
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return False


def check_matrix(X: object, name: str = "X", *, copy: bool = True) -> FloatArray:
    """A feature matrix as a C-contiguous float64 array, every value finite.

    `X` is an array-like of shape (n_samples, n_features) with at least one row and one column;
    booleans count as 0 and 1. With ``copy=False`` an array that is already C-contiguous
    float64 is returned as it is (callers that never write into it save memory).

    A SchemaError names offending cells as ``X[row][column]``: the first 20 one by one, then a
    count of the rest.

    Examples
    --------
    >>> import numpy as np
    >>> check_matrix([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> try:
    ...     check_matrix(np.array([[1.0, np.nan], [np.inf, 4.0]]))
    ... except SchemaError as err:
    ...     print(err)
    3 problems in the input:
      X[0][1]: NaN or infinite
      X[1][0]: NaN or infinite
      X: every value must be finite; drop or impute the rows named above
    """
    array = as_array(X, name)
    if array.ndim != 2:
        hint = " (reshape a single feature with X.reshape(-1, 1))" if array.ndim == 1 else ""
        msg = f"expected a 2-D array (n_samples, n_features), got {array.ndim}-D{hint}"
        raise schema_error(name, msg)
    if array.shape[0] == 0 or array.shape[1] == 0:
        msg = (
            f"expected at least one row and one column, got shape {array.shape}; "
            "pass a non-empty matrix"
        )
        raise schema_error(name, msg)
    kind = array.dtype.kind
    if kind == "O":
        out = object_floats(array, name)
    elif kind not in "biuf":
        msg = (
            f"expected real numbers, got dtype {array.dtype}; "
            "encode text, dates or complex values as real numbers first"
        )
        raise schema_error(name, msg)
    else:
        out = np.array(array, dtype=np.float64, order="C", copy=copy or None)
    # NaN and infinities make the sum non-finite; only then (or on overflow) look cell by cell,
    # so that the common case needs no (n, p) temporary.
    with np.errstate(over="ignore", invalid="ignore"):
        total = out.sum()
    if not np.isfinite(total):
        finite = np.isfinite(out)
        if not finite.all():
            rows, cols = np.nonzero(~finite)
            fix = "every value must be finite; drop or impute the rows named above"
            raise SchemaError(cell_problems(name, rows, cols, "NaN or infinite", fix))
    return out


def check_n_features(
    X: FloatArray, n_features_in: int, name: str = "X", *, owner: str = "the model"
) -> None:
    """A SchemaError unless `X` has the `n_features_in` columns `owner` was fitted on.

    The message keeps scikit-learn's words ("X has 3 features, but LogisticReadinessModel is
    expecting 2 features as input"), which its estimator checks look for.
    """
    if X.shape[1] != n_features_in:
        msg = (
            f"{name} has {X.shape[1]} features, but {owner} is expecting {n_features_in} "
            "features as input; pass the same columns, in the same order, as in fit"
        )
        raise schema_error(name, msg)


def check_labels(y: object, n_rows: int, name: str = "y") -> npt.NDArray[Any]:
    """One label per row (numbers, strings or enum members, none missing) as a 1-D array.

    The result is a view of `y` where numpy allows; callers must not write into it.

    Examples
    --------
    >>> check_labels(["a", "b", "a"], 3)
    array(['a', 'b', 'a'], dtype='<U1')
    >>> try:
    ...     check_labels([0, 1], 3)
    ... except SchemaError as err:
    ...     print(err)
    1 problem in the input:
      y: has 2 labels but X has 3 rows; pass one label per row
    """
    array = as_array(y, name)
    if array.ndim == 2 and array.shape[1] == 1:
        msg = f"expected a 1-D array of labels, got shape {array.shape}; pass y.ravel()"
        raise schema_error(name, msg)
    if array.ndim != 1:
        raise schema_error(name, f"expected a 1-D array of labels, got {_shape_text(array)}")
    if array.shape[0] != n_rows:
        msg = f"has {array.shape[0]} labels but X has {n_rows} rows; pass one label per row"
        raise schema_error(name, msg)
    kind = array.dtype.kind
    missing: BoolArray | None = None
    if kind in "fc":
        missing = ~np.isfinite(array)
    elif kind == "O":
        missing = np.fromiter(
            (is_missing_label(v) for v in array),
            dtype=bool,
            count=array.shape[0],
        )
    elif kind not in "biuSU":
        msg = f"expected labels as numbers, strings or enum members, got dtype {array.dtype}"
        raise schema_error(name, msg)
    if missing is not None and missing.any():
        (rows,) = np.nonzero(missing)
        fix = "every row needs a label; drop the rows named above"
        raise SchemaError(cell_problems(name, rows, None, "missing or infinite label", fix))
    if kind == "O" and (wrong := bools_beside_numbers(array.tolist())) is not None:
        raise schema_error(name, wrong)  # True is 1: one class under two names
    return array


def check_sample_weight(
    sample_weight: object, n_rows: int, name: str = "sample_weight"
) -> FloatArray:
    """Per-row weights as a fresh float64 array; None means every row weighs 1.

    Weights are finite and non-negative with a positive sum, one per row.

    Examples
    --------
    >>> check_sample_weight(None, 3)
    array([1., 1., 1.])
    """
    if sample_weight is None:
        return np.ones(n_rows)
    array = as_array(sample_weight, name)
    if array.ndim != 1:
        raise schema_error(name, f"expected a 1-D array of weights, got {_shape_text(array)}")
    if array.shape[0] != n_rows:
        msg = f"has {array.shape[0]} weights but X has {n_rows} rows; pass one weight per row"
        raise schema_error(name, msg)
    if array.dtype.kind not in "biuf":
        raise schema_error(name, f"expected real numbers, got dtype {array.dtype}")
    out = np.array(array, dtype=np.float64, copy=True)
    bad = ~(np.isfinite(out) & (out >= 0))
    if bad.any():
        (rows,) = np.nonzero(bad)
        fix = "weights must be finite and non-negative"
        raise SchemaError(cell_problems(name, rows, None, "negative, NaN or infinite", fix))
    if not out.max(initial=0.0) > 0:  # not the sum: weights near 1e308 would overflow it
        raise schema_error(name, "all weights are zero; at least one row must carry weight")
    return out
