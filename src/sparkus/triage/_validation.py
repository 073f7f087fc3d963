"""Input validation shared by the triage estimators.

Each helper checks one argument at the boundary and either returns a clean numpy array or raises
:class:`~sparkus.SchemaError` naming every offending value (up to a limit, with a count of the
rest), so an estimator's ``fit`` and ``predict`` can trust what they compute on.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from sparkus._errors import Problem, SchemaError

__all__ = ["check_labels", "check_matrix", "check_n_features", "check_sample_weight"]

MAX_LISTED: Final = 20
"""How many offending cells or rows an error lists one by one before it only counts the rest."""


def _describe_array(value: object) -> str:
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        return f"{type(value).__name__} of shape {tuple(shape)} and dtype {dtype}"
    return type(value).__name__


def _as_array(value: object, name: str) -> NDArray[Any]:
    """``np.asarray(value)``, with a SchemaError instead of numpy's errors for ragged input."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        msg = f"`{name}` could not be read as an array ({exc}); pass a rectangular array-like"
        raise SchemaError([Problem((name,), msg)]) from None


def _cell_problems(
    name: str, rows: NDArray[np.intp], cols: NDArray[np.intp] | None, what: str, fix: str
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


def _non_numeric_cells(array: NDArray[Any]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Row and column indices of the cells of an object array that are not real numbers."""
    flat = array.reshape(-1)
    bad = np.fromiter((not _is_real(v) for v in flat), dtype=bool, count=flat.size).reshape(
        array.shape
    )
    rows, cols = np.nonzero(bad)
    return rows.astype(np.intp), cols.astype(np.intp)


def _is_real(value: object) -> bool:
    if isinstance(value, str | bytes | complex | np.complexfloating):
        return False
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def check_matrix(X: object, name: str = "X", *, copy: bool = True) -> NDArray[np.float64]:
    """Check a feature matrix and return it as a C-contiguous float64 array.

    .. versionadded:: 0.1

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Real numbers (booleans count as 0 and 1), every one finite; at least one row and one
        column.
    name : str, default "X"
        The argument's name, used in the paths of problems.
    copy : bool, default True
        Return a fresh array even when `X` is already a C-contiguous float64 array. Callers that
        never write into the result may pass False to save memory.

    Returns
    -------
    ndarray of float64, shape (n_samples, n_features)
        The checked matrix.

    Raises
    ------
    SchemaError
        If `X` is not two-dimensional, is empty, holds values that are not real numbers, or holds
        NaN or infinite values. Offending cells are named as ``X[row][column]``: the first 20
        one by one, then a count of the rest.

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
    array = _as_array(X, name)
    if array.ndim != 2:
        hint = " (reshape a single feature with X.reshape(-1, 1))" if array.ndim == 1 else ""
        msg = f"expected a 2-D array (n_samples, n_features), got {array.ndim}-D{hint}"
        raise SchemaError([Problem((name,), msg)])
    if array.shape[0] == 0 or array.shape[1] == 0:
        msg = (
            f"expected at least one row and one column, got shape {array.shape}; "
            "pass a non-empty matrix"
        )
        raise SchemaError([Problem((name,), msg)])
    kind = array.dtype.kind
    if kind == "O":
        rows, cols = _non_numeric_cells(array)
        if len(rows):
            fix = "every value must be a real number; encode categories as numbers first"
            raise SchemaError(_cell_problems(name, rows, cols, "not a real number", fix))
    elif kind not in "biuf":
        msg = (
            f"expected real numbers, got dtype {array.dtype}; "
            "encode text, dates or complex values as real numbers first"
        )
        raise SchemaError([Problem((name,), msg)])
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
            raise SchemaError(_cell_problems(name, rows, cols, "NaN or infinite", fix))
    return out


def check_n_features(X: NDArray[np.float64], n_features_in: int, name: str = "X") -> None:
    """Raise SchemaError unless `X` has the `n_features_in` columns the estimator was fitted on.

    .. versionadded:: 0.1

    Examples
    --------
    >>> import numpy as np
    >>> check_n_features(np.zeros((2, 3)), 3)
    """
    if X.shape[1] != n_features_in:
        msg = (
            f"has {X.shape[1]} features, but the model was fitted on {n_features_in}; "
            "pass the same columns, in the same order, as in fit"
        )
        raise SchemaError([Problem((name,), msg)])


def check_labels(y: object, n_rows: int, name: str = "y") -> NDArray[Any]:
    """Check the labels of `n_rows` rows and return them as a 1-D array.

    .. versionadded:: 0.1

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        One label per row: numbers, strings or enum members; none missing (None or NaN).
    n_rows : int
        The number of rows of the matrix the labels belong to.
    name : str, default "y"
        The argument's name, used in the paths of problems.

    Returns
    -------
    ndarray of shape (n_samples,)
        The labels (a view of `y` where numpy allows; callers must not write into it).

    Raises
    ------
    SchemaError
        If `y` is not one-dimensional, its length is not `n_rows`, or a label is missing.

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
    array = _as_array(y, name)
    if array.ndim == 2 and array.shape[1] == 1:
        msg = f"expected a 1-D array of labels, got shape {array.shape}; pass y.ravel()"
        raise SchemaError([Problem((name,), msg)])
    if array.ndim != 1:
        msg = f"expected a 1-D array of labels, got {_describe_array(array)}"
        raise SchemaError([Problem((name,), msg)])
    if array.shape[0] != n_rows:
        msg = f"has {array.shape[0]} labels but X has {n_rows} rows; pass one label per row"
        raise SchemaError([Problem((name,), msg)])
    kind = array.dtype.kind
    missing: NDArray[np.bool_] | None = None
    if kind in "fc":
        missing = ~np.isfinite(array)
    elif kind == "O":
        missing = np.fromiter(
            (v is None or (isinstance(v, float) and not np.isfinite(v)) for v in array),
            dtype=bool,
            count=array.shape[0],
        )
    elif kind not in "biuSU":
        msg = f"expected labels as numbers, strings or enum members, got dtype {array.dtype}"
        raise SchemaError([Problem((name,), msg)])
    if missing is not None and missing.any():
        (rows,) = np.nonzero(missing)
        fix = "every row needs a label; drop the rows named above"
        raise SchemaError(_cell_problems(name, rows, None, "missing or infinite label", fix))
    return array


def check_sample_weight(
    sample_weight: object, n_rows: int, name: str = "sample_weight"
) -> NDArray[np.float64]:
    """Check per-row weights and return them as float64; None means every row weighs 1.

    .. versionadded:: 0.1

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Finite, non-negative weights with a positive sum.
    n_rows : int
        The number of rows the weights belong to.
    name : str, default "sample_weight"
        The argument's name, used in the paths of problems.

    Returns
    -------
    ndarray of float64, shape (n_samples,)
        A fresh array of the weights.

    Raises
    ------
    SchemaError
        If the weights are not a 1-D array of `n_rows` real numbers, or some are negative, NaN
        or infinite, or all are zero.

    Examples
    --------
    >>> check_sample_weight(None, 3)
    array([1., 1., 1.])
    """
    if sample_weight is None:
        return np.ones(n_rows)
    array = _as_array(sample_weight, name)
    if array.ndim != 1:
        msg = f"expected a 1-D array of weights, got {_describe_array(array)}"
        raise SchemaError([Problem((name,), msg)])
    if array.shape[0] != n_rows:
        msg = f"has {array.shape[0]} weights but X has {n_rows} rows; pass one weight per row"
        raise SchemaError([Problem((name,), msg)])
    if array.dtype.kind not in "biuf":
        msg = f"expected real numbers, got dtype {array.dtype}"
        raise SchemaError([Problem((name,), msg)])
    out = np.array(array, dtype=np.float64, copy=True)
    bad = ~(np.isfinite(out) & (out >= 0))
    if bad.any():
        (rows,) = np.nonzero(bad)
        fix = "weights must be finite and non-negative"
        raise SchemaError(_cell_problems(name, rows, None, "negative, NaN or infinite", fix))
    if not out.sum() > 0:
        msg = "all weights are zero; at least one row must carry weight"
        raise SchemaError([Problem((name,), msg)])
    return out
