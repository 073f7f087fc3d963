"""The input checks every package uses: scalars, options, ``rng``, and arrays.

One module holds them so that a rule is written once and reads the same at every door:

- **messages**: :func:`describe` (what arrived), :func:`rows_text` (which rows),
  :func:`schema_error` (one problem at a parameter);
- **scalars and options**: :func:`is_real`, :func:`check_number`, :func:`check_choice`,
  :func:`check_level` (a confidence level) and :func:`check_rng` (the one ``rng=`` rule);
- **arrays**: :func:`as_array`, the one intake for array-likes (lists, numpy, pandas, polars),
  :func:`align_rows` (pandas inputs paired by index, never by position when their indexes
  disagree), :func:`real_array` (numbers as float64) and :func:`rows_where` (rows named by their
  pandas labels, or positions). Built on them, the checks of estimators of effects (an
  outcome, a design, a treatment flag, clusters) are in :mod:`sparkus._checks_effects`, and
  those of fitted classifiers in :mod:`sparkus._checks_fit`.

Every check raises :class:`~sparkus.SchemaError` naming the parameter (malformed input) or
:class:`~sparkus.EstimationError` (data that cannot support an estimate: missing values, lengths
that differ), never a bare numpy or Python exception. Scalar checks inside an ``_iv`` helper
take ``problems=``: they append to it instead of raising.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from sparkus._errors import EstimationError, Problem, SchemaError, shown
from sparkus._labels import bools_beside_numbers
from sparkus._nullable import missing_cells

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

MAX_LISTED: Final = 20
"""How many offending cells an error lists one by one before it only counts the rest."""

_MAX_ROWS_TEXT: Final = 10
_S = TypeVar("_S", bound=str)


# -- messages ----------------------------------------------------------------------------------


def describe(value: object) -> str:
    """Say what arrived, for a message: ``str 'five'``, ``int 3``, ``float64 1.5``, ``None``."""
    if value is None:
        return "None"
    text = shown(value)
    if text.startswith(("a ", "an ")):  # too long to write out: says what it is
        return text
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{type(value).__name__} {text}"


def rows_text(rows: npt.NDArray[np.integer[Any]]) -> str:
    """``"rows 3, 17 and 52"``; past ten rows, the first ten and the count."""
    listed = [str(int(r)) for r in rows[:_MAX_ROWS_TEXT]]
    if len(rows) == 1:
        return f"row {listed[0]}"
    if len(rows) > _MAX_ROWS_TEXT:
        return f"rows {', '.join(listed)}, ... ({len(rows):,} rows in all)"
    return f"rows {', '.join(listed[:-1])} and {listed[-1]}"


def schema_error(name: str, message: str) -> SchemaError:
    """A SchemaError with one problem at parameter `name`."""
    return SchemaError([Problem((name,), message)])


def _fail(name: str, message: str, problems: list[Problem] | None) -> None:
    """Append the problem to `problems`, or raise it when the caller collects none."""
    if problems is None:
        raise schema_error(name, message)
    problems.append(Problem((name,), message))


# -- scalars and options -----------------------------------------------------------------------


def is_real(value: object) -> bool:
    """True for Python and numpy ints and floats; False for bools (which mean something else)."""
    number = isinstance(value, int | float | np.integer | np.floating)
    return number and not isinstance(value, bool | np.bool_)


def is_finite_real(value: object) -> bool:
    """:func:`is_real` and finite as a float (an int too large for a float is not).

    Examples
    --------
    >>> is_finite_real(3), is_finite_real(10**400), is_finite_real(float("nan")), is_finite_real(True)
    (True, False, False, False)
    """
    return is_real(value) and math.isfinite(as_float(value))


def as_float(value: object) -> float:
    """A real number (see :func:`is_real`) as a float; an int beyond the floats as an infinity.

    Examples
    --------
    >>> as_float(3), as_float(-(10**400))
    (3.0, -inf)
    """
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:  # a Python int beyond the floats
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def check_number(
    value: object,
    name: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
    what: str | None = None,
    problems: list[Problem] | None = None,
) -> float:
    """A finite real number (an integer if `integer`) within ``[low, high]``, ends open if asked.

    Returns the number as a float; NaN when the problem was appended to `problems`.
    """
    kind = what or ("an integer" if integer else "a number")
    if integer:
        ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    else:
        ok = is_real(value)
    if not ok:
        _fail(name, f"expected {kind}{_bounds(low, high, low_open, high_open)}, got "
                    f"{describe(value)}", problems)  # fmt: skip
        return math.nan
    x = as_float(value)
    too_low = x <= low if low_open else x < low
    too_high = x >= high if high_open else x > high
    if not math.isfinite(x) or too_low or too_high:
        _fail(name, f"expected {kind}{_bounds(low, high, low_open, high_open)}, got {shown(value)}",
              problems)  # fmt: skip
        return math.nan
    return x


def _bounds(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if math.isinf(low) and math.isinf(high):
        return " (finite)"
    if math.isinf(high):
        return f" {'>' if low_open else '>='} {low:g}"
    if math.isinf(low):
        return f" {'<' if high_open else '<='} {high:g}"
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    return f" in {left}{low:g}, {high:g}{right}"


def check_choice(
    value: object, name: str, allowed: Sequence[_S], *, problems: list[Problem] | None = None
) -> _S:
    """`value` if it is one of `allowed`, else a SchemaError listing them."""
    for option in allowed:
        if isinstance(value, str) and value == option:
            return option
    choices = ", ".join(repr(a) for a in allowed)
    _fail(name, f"expected one of {choices}, got {shown(value)}", problems)
    return allowed[0]


def check_level(level: object, name: str = "level") -> float:
    """A confidence level strictly between 0 and 1."""
    if not is_real(level):
        raise schema_error(name, f"expected a number between 0 and 1, got {shown(level)}")
    value = as_float(level)
    if not 0.0 < value < 1.0:
        msg = f"expected a number strictly between 0 and 1 (e.g. 0.95), got {shown(level)}"
        raise schema_error(name, msg)
    return value


def check_rng(
    rng: object,
    name: str = "rng",
    *,
    default: int | None = None,
    problems: list[Problem] | None = None,
) -> np.random.Generator:
    """The generator for ``rng=``: None, a non-negative int seed or a ``numpy.random.Generator``.

    A generator is used as given (its state advances); a seed starts a new one; None starts one
    from `default` (fresh entropy when `default` is None too). Anything else, a negative seed or
    a bool included, is a SchemaError naming `name`.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng(default)
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool | np.bool_) and rng >= 0:
        return np.random.default_rng(int(rng))
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool | np.bool_):
        why = "a seed must be non-negative"
    else:
        why = f"got {describe(rng)}"
    _fail(name, f"expected None, an int seed >= 0 or a numpy.random.Generator; {why}", problems)
    return np.random.default_rng(0)


# -- arrays: the one intake --------------------------------------------------------------------


def is_data_frame(value: object) -> bool:
    """A pandas or polars DataFrame, recognised without importing either."""
    kind = type(value)
    return kind.__name__ == "DataFrame" and kind.__module__.startswith(("pandas", "polars"))


def as_array(value: object, name: str) -> npt.NDArray[Any]:
    """`value` as a numpy array: the one intake for array-likes.

    A numpy array passes as it is (no copy); a pandas or polars Series or DataFrame gives its
    values (``to_numpy()``); a list, tuple or anything else numpy reads becomes an array, of
    objects when numpy would rewrite some (1 beside "1", True beside 1). A mapping, a string or
    ragged nesting is a SchemaError naming `name`, never numpy's error.
    """
    if isinstance(value, np.ndarray):  # a masked array's masked cells as None, not their data
        return value if (cells := missing_cells(value)) is None else cells
    if isinstance(value, Mapping | str | bytes):
        msg = f"expected an array-like (a list, a numpy array or a Series), got {describe(value)}"
        raise schema_error(name, msg)
    to_numpy = getattr(value, "to_numpy", None)
    try:
        if callable(to_numpy):  # pandas and polars (integers with missing cells exactly)
            return np.asarray(to_numpy() if (cells := missing_cells(value)) is None else cells)
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        msg = f"could not be read as an array ({exc}); pass a rectangular array-like"
        raise schema_error(name, msg) from None
    if (array.dtype.kind in "US" and not _only_text(value, array.ndim)) or (
            array.dtype.kind in "iuf" and isinstance(value, list | tuple)
            and _holds_bools(value, array.ndim)):  # fmt: skip
        return np.asarray(value, dtype=object)
    return array


def _holds_bools(value: list[Any] | tuple[Any, ...], ndim: int) -> bool:
    """Whether a sequence numpy read as numbers holds booleans, in nested rows too."""
    if ndim == 1:
        return not {bool, np.bool_}.isdisjoint(map(type, value))
    return any(isinstance(v, bool | np.bool_) for v in np.asarray(value, dtype=object).flat)


def _only_text(value: object, ndim: int) -> bool:
    """Whether a sequence numpy read as text holds text alone (not 1 or NaN beside text)."""
    if ndim == 1 and isinstance(value, list | tuple):
        kinds = set(map(type, value))  # one pass in C for the usual flat list of str
        if kinds <= {str, bytes}:
            return True
        return all(issubclass(kind, str | bytes) for kind in kinds)
    cells = np.asarray(value, dtype=object).ravel().tolist()
    return all(isinstance(v, str | bytes) for v in cells)


def mixed_labels(labels: npt.NDArray[Any]) -> str | None:
    """What is wrong with labels that mix text, numbers and booleans, or None when they do not.

    Only an object array can mix them (see :func:`as_array`). 1 and "1" print alike (two groups
    of one name); True is 1 (see :func:`~sparkus._labels.bools_beside_numbers`); missing values
    are left to the caller's own check.
    """
    if labels.dtype.kind != "O":
        return None
    text = number = None
    for row, value in enumerate(cells := labels.ravel().tolist()):
        if isinstance(value, str):
            text = (row, value) if text is None else text
        elif not is_missing(value):
            number = (row, value) if number is None else number
        if text is not None and number is not None:
            return (
                f"mixes text and numbers ({shown(number[1])} in row {number[0]}, "
                f"{shown(text[1])} in row {text[0]}): labels of both kinds print alike, so pass "
                "one kind (all text, say)"
            )
    return bools_beside_numbers(cells)


def _row_index(value: object) -> Any | None:
    """The pandas index of a Series or DataFrame (recognised without importing pandas)."""
    if not type(value).__module__.startswith("pandas"):
        return None
    index = getattr(value, "index", None)
    return index if index is not None and hasattr(index, "is_unique") else None


def align_rows(*inputs: tuple[str, object]) -> list[object]:
    """Inputs that describe the same rows, with pandas inputs aligned by their index.

    Each input is a pair ``(name, value)``. When two or more values are pandas Series or
    DataFrames, the later ones are put in the row order of the first one's index; a pandas
    index that does not hold the same unique labels as the first is a SchemaError naming both
    inputs and some labels at fault: sparkus never pairs rows by position when the caller's
    indexes say otherwise. A mapping whose values include pandas Series (``{"hours": series}``)
    takes part column by column (named ``X['hours']``) and comes back as a new dict in the same
    key order. Other values (lists, numpy arrays, polars, which has no index, None) are paired
    by position, and returned as they were given.
    """
    flat: list[tuple[str, object]] = []
    spans: list[tuple[int, list[Any] | None]] = []
    for name, value in inputs:
        if isinstance(value, Mapping) and any(_row_index(v) is not None for v in value.values()):
            keys = list(value.keys())
            spans.append((len(flat), keys))
            flat.extend((f"{name}[{shown(key)}]", value[key]) for key in keys)
        else:
            spans.append((len(flat), None))
            flat.append((name, value))
    aligned = _align_flat(flat)
    out: list[object] = []
    for start, columns in spans:
        if columns is None:
            out.append(aligned[start])
        else:
            out.append(dict(zip(columns, aligned[start : start + len(columns)], strict=True)))
    return out


def _align_flat(inputs: list[tuple[str, object]]) -> list[object]:
    values = [value for _, value in inputs]
    indexed = [(k, name, idx) for k, (name, value) in enumerate(inputs)
               if (idx := _row_index(value)) is not None]  # fmt: skip
    if len(indexed) < 2:
        return values
    _, first, reference = indexed[0]
    if not reference.is_unique:
        raise schema_error(first, "has repeated index labels; give each row a unique label")
    for k, name, index in indexed[1:]:
        if index.equals(reference):
            continue
        if not index.is_unique:
            raise schema_error(name, "has repeated index labels; give each row a unique label")
        missing, extra = reference.difference(index), index.difference(reference)
        if len(missing) or len(extra):
            parts = []
            if len(missing):
                parts.append(f"lacks the labels {_labels_text(missing)} of `{first}`")
            if len(extra):
                parts.append(f"has the labels {_labels_text(extra)} that `{first}` lacks")
            msg = (
                f"its index does not match the index of `{first}`: it {' and '.join(parts)}; "
                "pass inputs whose indexes hold the same rows (or pass numpy arrays to pair "
                "rows by position)"
            )
            raise schema_error(name, msg)
        values[k] = values[k].reindex(reference)  # type: ignore[attr-defined]
    return values


def as_table(value: object) -> object:
    """A polars DataFrame as a mapping of its columns by name; anything else as it is.

    Checks that read a table by ``keys()`` (a mapping, a pandas DataFrame) then read polars,
    which has none, by column name too, and results keep the column names.
    """
    columns = getattr(value, "columns", None)
    if (type(value).__module__.startswith("polars") and isinstance(columns, list)
            and hasattr(value, "get_column")):  # fmt: skip
        getter: Any = value
        return {str(name): getter.get_column(name) for name in columns}
    return value


def _labels_text(labels: Any) -> str:
    first = ", ".join(shown(v) for v in list(labels[:5]))
    return first + (f", ... ({len(labels):,} in all)" if len(labels) > 5 else "")


def is_missing(value: object) -> bool:
    """None, a float NaN, or pandas' ``NA`` / ``NaT`` (recognised without importing pandas)."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return type(value).__name__ in {"NAType", "NaTType"}


def real_array(value: object, name: str) -> npt.NDArray[np.float64]:
    """`value` as a float64 array (a view where possible); missing values become NaN.

    Booleans count as 0 and 1. Strings, dates and other non-numbers are a SchemaError.
    """
    array = as_array(value, name)
    kind = array.dtype.kind
    if kind in "iu" and array.size:
        low, high = int(array.min()), int(array.max())
        if max(-low, high) > EXACT_INTEGERS:
            at = int(np.argmax(np.abs(array.astype(np.float64)).ravel()))
            raise schema_error(name, _inexact_message(array.ravel()[at].item(), at))
    if kind in "biuf":
        return array.astype(np.float64, copy=False)
    if kind == "O":
        cells = array.ravel().tolist()
        flat = []
        for at, cell in enumerate(cells):
            if is_missing(cell):
                flat.append(math.nan)
                continue
            if isinstance(cell, int) and abs(cell) > EXACT_INTEGERS:
                raise schema_error(name, _inexact_message(cell, at))
            try:
                flat.append(_as_float(cell))
            except (TypeError, ValueError):
                msg = "holds values that are not numbers; pass numbers (or booleans)"
                raise schema_error(name, msg) from None
        return np.array(flat, dtype=np.float64).reshape(array.shape)
    msg = f"expected numbers, got an array of dtype {array.dtype}; pass numbers (or booleans)"
    raise schema_error(name, msg)


EXACT_INTEGERS: Final = 2**53
"""The largest magnitude below which every integer is a float64 exactly."""


def _inexact_message(value: int, at: int) -> str:
    bits = value.bit_length()  # str() of a huge int is slow, and refused past 4,300 digits
    if bits > 1023:
        shown = f"an integer of about {math.floor(bits * math.log10(2)) + 1:,} digits"
    else:
        shown = f"the integer {float(value):.4g}"
    return (
        f"holds {shown} at [{at}], beyond 2**53 (about 9.0e15), where a float64 no longer "
        "holds every integer (past 1.8e308, none): nearby values would become equal; subtract "
        "a baseline first (or pass floats, accepting the rounding)"
    )


def _as_float(value: object) -> float:
    if isinstance(value, str | bytes | complex):
        raise TypeError(value)
    return float(value)  # type: ignore[arg-type]


def rows_where(bad: BoolArray, given: object = None) -> str:
    """The rows where `bad` is set: by their labels for a pandas `given` whose index is not 0..n-1.

    A pandas input aligned to another's order (see :func:`align_rows`) is named by its labels,
    which the caller can look up; positions would name other rows.
    """
    rows, index = np.flatnonzero(bad), _row_index(given)
    plain = (getattr(index, "start", None), getattr(index, "step", None)) == (0, 1)  # 0 .. n-1
    if index is None or plain:
        return rows_text(rows)
    return f"the row{'s' * (len(rows) > 1)} labelled {_labels_text(index[rows])}"


def not_finite(name: str, bad: BoolArray, given: object = None) -> EstimationError:
    """The rows of `given` (as checked) that are missing: by their labels for a pandas input."""
    where = rows_where(bad, given)
    msg = f"`{name}` is missing or not finite (NaN or infinite) in {where}; drop or impute them"
    return EstimationError(msg)
