"""Input checks shared by the estimators of :mod:`sparkus.metrics`.

Malformed options and arrays of the wrong shape or kind are a :class:`~sparkus.SchemaError`
naming the parameter. Data that cannot support an estimate (missing or non-finite values,
mismatched lengths, too few rows, a single cluster) is an :class:`~sparkus.EstimationError`
whose message names the parameter, the offending rows and what to do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from sparkus._errors import EstimationError, Problem, SchemaError

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_MAX_LISTED: Final = 10
_S = TypeVar("_S", bound=str)


def schema_error(name: str, message: str) -> SchemaError:
    """A SchemaError with one problem at parameter `name`."""
    return SchemaError([Problem((name,), message)])


def rows_text(rows: IntArray) -> str:
    """``"rows 3, 17 and 52"``; past ten rows, the first ten and the count."""
    shown = [str(int(r)) for r in rows[:_MAX_LISTED]]
    if len(rows) == 1:
        return f"row {shown[0]}"
    if len(rows) > _MAX_LISTED:
        return f"rows {', '.join(shown)}, ... ({len(rows):,} rows in all)"
    return f"rows {', '.join(shown[:-1])} and {shown[-1]}"


def _not_finite(name: str, bad: BoolArray) -> EstimationError:
    rows = np.flatnonzero(bad)
    msg = (
        f"`{name}` is missing or not finite (NaN or infinite) in {rows_text(rows)}; drop or "
        "impute those rows first"
    )
    return EstimationError(msg)


def _numeric(value: object, name: str) -> npt.NDArray[Any]:
    """`value` as a float64 array (a view where possible); None in object arrays becomes NaN."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise schema_error(name, f"could not be read as an array ({exc})") from None
    kind = array.dtype.kind
    if kind in "biuf":
        return array.astype(np.float64, copy=False)
    if kind == "O":
        try:
            flat = [math.nan if v is None else float(v) for v in array.ravel().tolist()]
        except (TypeError, ValueError):
            msg = "holds values that are not numbers; pass numbers (or booleans)"
            raise schema_error(name, msg) from None
        return np.array(flat, dtype=np.float64).reshape(array.shape)
    msg = f"expected numbers, got an array of dtype {array.dtype}; pass numbers (or booleans)"
    raise schema_error(name, msg)


def vector(value: object, name: str, *, minimum: int = 1) -> FloatArray:
    """A 1-D float64 array of finite numbers with at least `minimum` entries."""
    array = _numeric(value, name)
    if array.ndim != 1:
        msg = f"expected a 1-D sequence of numbers, got an array of shape {array.shape}"
        raise schema_error(name, msg)
    bad = ~np.isfinite(array)
    if bad.any():
        raise _not_finite(name, bad)
    if array.shape[0] < minimum:
        msg = f"`{name}` has {array.shape[0]} values; at least {minimum} are needed"
        raise EstimationError(msg)
    return array


def matrix(
    value: object, name: str, *, names: Sequence[str] | None = None
) -> tuple[FloatArray, tuple[str, ...]]:
    """A 2-D float64 array of finite numbers and a name per column.

    `value` is a 1-D or 2-D array-like, or anything with ``keys()`` that yields columns by name
    (a mapping, a pandas or polars data frame). Array columns are named `names` or ``x1, x2, ...``.
    """
    keys = getattr(value, "keys", None)
    if callable(keys) and not isinstance(value, np.ndarray):
        if names is not None:
            msg = "is only for arrays; the columns of a mapping or data frame are named by it"
            raise schema_error("names", msg)
        labels = tuple(str(k) for k in keys())
        if not labels:
            raise schema_error(name, "has no columns")
        getter: Any = value
        columns = [_numeric(getter[k], f"{name}[{k!r}]") for k in keys()]
        for label, column in zip(labels, columns, strict=True):
            if column.ndim != 1:
                msg = f"expected a 1-D column, got shape {column.shape}"
                raise schema_error(f"{name}[{label!r}]", msg)
        lengths = {len(c) for c in columns}
        if len(lengths) != 1:
            counts = ", ".join(f"{lab!r}: {len(c)}" for lab, c in zip(labels, columns, strict=True))
            raise EstimationError(f"the columns of `{name}` differ in length ({counts})")
        array = np.column_stack(columns)
    else:
        array = _numeric(value, name)
        if array.ndim == 1:
            array = array[:, np.newaxis]
        if array.ndim != 2:
            msg = f"expected a 1-D or 2-D array of numbers, got shape {array.shape}"
            raise schema_error(name, msg)
        if array.shape[1] == 0:
            raise schema_error(name, "has no columns")
        if names is None:
            labels = tuple(f"x{j + 1}" for j in range(array.shape[1]))
        else:
            labels = _names_check(names, array.shape[1])
    bad = ~np.isfinite(array)
    if bad.any():
        raise _not_finite(name, bad.any(axis=1))
    return array, labels


def _names_check(names: object, k: int) -> tuple[str, ...]:
    if isinstance(names, str) or not isinstance(names, Sequence):
        msg = f"expected a sequence of {k} column names, got {type(names).__name__}"
        raise schema_error("names", msg)
    labels = tuple(str(n) for n in names)
    if len(labels) != k:
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


def same_length(*arrays: tuple[str, int]) -> None:
    """EstimationError naming every array whose length differs from the first's."""
    (first, n), *others = arrays
    wrong = [f"`{name}` has {m:,}" for name, m in others if m != n]
    if wrong:
        msg = (
            f"inputs differ in length: `{first}` has {n:,} rows but {', '.join(wrong)}; pass one "
            "value per row in each"
        )
        raise EstimationError(msg)


def cluster_codes(value: object, name: str) -> tuple[IntArray, int]:
    """Integer codes ``0 .. G-1``, one per row, and the number of clusters `G`."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise schema_error(name, f"could not be read as an array ({exc})") from None
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
    if kind == "f":
        bad = ~np.isfinite(array)
        if bad.any():
            raise _not_finite(name, bad)
    elif kind == "O":
        bad = np.fromiter(
            (v is None or (isinstance(v, float) and not math.isfinite(v)) for v in array.tolist()),
            dtype=bool,
            count=n,
        )
        if bad.any():
            raise _not_finite(name, bad)
        try:
            lookup: dict[Any, int] = {}
            codes_list = [lookup.setdefault(v, len(lookup)) for v in array.tolist()]
        except TypeError:
            msg = "holds a label that cannot be hashed (a list?); pass scalar labels"
            raise schema_error(name, msg) from None
        return np.array(codes_list, dtype=np.intp), len(lookup)
    elif kind not in "US":
        msg = f"expected cluster labels (numbers or strings), got dtype {array.dtype}"
        raise schema_error(name, msg)
    uniq, inverse = np.unique(array, return_inverse=True)
    return inverse.reshape(-1).astype(np.intp, copy=False), len(uniq)


def level_check(level: object, name: str = "level") -> float:
    """A confidence level strictly between 0 and 1."""
    if isinstance(level, bool) or not isinstance(level, int | float | np.integer | np.floating):
        raise schema_error(name, f"expected a number between 0 and 1, got {level!r}")
    value = float(level)
    if not 0.0 < value < 1.0:
        msg = f"expected a number strictly between 0 and 1 (e.g. 0.95), got {level!r}"
        raise schema_error(name, msg)
    return value


def choice_check(value: object, name: str, allowed: Sequence[_S]) -> _S:
    """`value` if it is one of `allowed`, else a SchemaError listing them."""
    for option in allowed:
        if value == option and isinstance(value, str):
            return option
    shown = ", ".join(repr(a) for a in allowed)
    raise schema_error(name, f"expected one of {shown}, got {value!r}")


def number_check(
    value: object,
    name: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    what: str = "a number",
) -> float:
    """A finite real number within ``[low, high]`` (ends open where asked)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise schema_error(name, f"expected {what}, got {value!r}")
    x = float(value)
    too_low = x <= low if low_open else x < low
    too_high = x >= high if high_open else x > high
    if not math.isfinite(x) or too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise schema_error(name, f"expected {what} in {left}{low:g}, {high:g}{right}, got {x!r}")
    return x
