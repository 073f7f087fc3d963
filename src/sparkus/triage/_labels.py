"""Labels and probabilities at the doors of evaluation, cross-validation and the audit.

The metrics, :func:`~sparkus.triage.cross_validate` and :func:`~sparkus.triage.audit` read
labels the same way: a non-empty 1-D array with none missing, encoded as column indices into an
ordered tuple of classes, with each offending row named (the first few, then a count). They
share these readers, and the check of a probability matrix, from here.
"""

from __future__ import annotations

import enum
import numbers
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Final, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from sparkus._checks import MAX_LISTED, as_array
from sparkus._checks_fit import check_labels, is_missing_label, object_floats
from sparkus._errors import Problem, SchemaError, shown
from sparkus._labels import bools_beside_numbers, refuse_spellings

__all__ = [
    "by_class_columns",
    "check_classes",
    "check_proba",
    "distinct_classes",
    "encode",
    "fit_labels",
    "kind_problems",
    "labels_array",
    "length_problems",
    "listed",
    "ordered",
    "row_problems",
    "scalar",
    "show",
    "unique_labels",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

_SUM_TOLERANCE: Final = 1e-6


def row_problems(name: str, rows: IntArray, describe: Callable[[int], str]) -> list[Problem]:
    """One problem per offending row (the first few), then a count of the rest."""
    listed = [Problem((name, int(r)), describe(int(r))) for r in rows[:MAX_LISTED]]
    rest = len(rows) - len(listed)
    if rest:
        listed.append(Problem((name,), f"... and {rest} more rows like these, not listed"))
    return listed


def show(values: Sequence[object], limit: int = 8) -> str:
    """The first `limit` values, repr'd and joined, and how many there are past them."""
    listed = ", ".join(shown(v) for v in values[:limit])
    return listed + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def labels_array(value: object, name: str) -> npt.NDArray[Any]:
    """A non-empty 1-D array of labels, none missing (None, NaN, pandas' NA or NaT, numpy's NaT)."""
    array = as_array(value, name)
    if array.ndim != 1:
        msg = f"expected a 1-D sequence of labels, got an array of shape {array.shape}"
        raise SchemaError([Problem((name,), msg)])
    if array.shape[0] == 0:
        raise SchemaError([Problem((name,), "is empty; pass at least one row")])
    kind = array.dtype.kind
    if kind == "f":
        missing = ~np.isfinite(array)
    elif kind == "O":
        missing = np.fromiter(
            (is_missing_label(v) for v in array),
            dtype=bool,
            count=array.shape[0],
        )
    elif kind in "biuSU":
        return array
    else:
        msg = f"expected labels as numbers, strings or enum members, got dtype {array.dtype}"
        raise SchemaError([Problem((name,), msg)])
    if missing.any():
        problems = row_problems(name, np.flatnonzero(missing), lambda _: "missing label")
        raise SchemaError(problems)
    _refuse_blank(array, name)
    return array


def _refuse_blank(array: npt.NDArray[Any], name: str) -> None:
    """Refuse labels that are empty or white-space text: a blank cell of an export, no class."""
    if array.dtype.kind == "U":
        blank = np.char.strip(array) == ""
    elif array.dtype.kind == "O":
        cells = array.tolist()
        blank = np.fromiter((isinstance(v, str) and not v.strip() for v in cells), dtype=bool,
                            count=len(cells))  # fmt: skip
    else:
        return
    if blank.any():
        problems = row_problems(name, np.flatnonzero(blank), lambda r: f"blank label "
                                f"{shown(array[r])}; a blank cell is a missing label, not a class")  # fmt: skip
        problems.append(Problem((name,), "every row needs a label; drop the rows named above"))
        raise SchemaError(problems)


def fit_labels(y: object, n_rows: int, name: str = "y") -> npt.NDArray[Any]:
    """One label per row, none missing or blank (see :func:`check_labels`), as a 1-D array."""
    labels = check_labels(y, n_rows, name)
    _refuse_blank(labels, name)
    return labels


def length_problems(arrays: Sequence[tuple[str, int]]) -> list[Problem]:
    (first, n), *others = arrays
    return [
        Problem((name, ), f"has {m} rows but `{first}` has {n}; pass one entry per row")
        for name, m in others
        if m != n
    ]  # fmt: skip


def unique_labels(array: npt.NDArray[Any], name: str) -> list[Any]:
    """The distinct labels of `array` as Python objects."""
    if array.dtype.kind != "O":
        return cast(list[Any], np.unique(array).tolist())
    try:
        return list(dict.fromkeys(array.tolist()))
    except TypeError:
        msg = "holds a label that cannot be hashed (a list or a dict?); pass scalar labels"
        raise SchemaError([Problem((name,), msg)]) from None


def distinct_classes(labels: Sequence[Any], name: str) -> tuple[Hashable, ...]:
    """The classes that distinct `labels` found in `name` make, in :func:`ordered` order.

    A label written several ways (``"Ready"``, ``"ready "``: case, white space or Unicode
    form) is a SchemaError at `name`: taken apart, one class of an export would become several.
    """
    refuse_spellings(labels, name)
    return ordered(labels)


def ordered(labels: Sequence[Any]) -> tuple[Hashable, ...]:
    """Enum members in definition order, other labels sorted (or as met, if unorderable)."""
    kinds = {type(label) for label in labels}
    if len(kinds) == 1 and all(isinstance(label, enum.Enum) for label in labels):
        members: list[Any] = list(cast(type[enum.Enum], next(iter(kinds))))
        return tuple(sorted(labels, key=members.index))
    try:
        return tuple(sorted(labels))
    except TypeError:
        return tuple(labels)


def scalar(value: object) -> Hashable:
    return cast(Hashable, value.item() if isinstance(value, np.generic) else value)


def listed(values: object) -> object:
    """A pandas Index or a pandas or polars Series as a numpy array of its values; else as given.

    A list of classes or levels often arrives as one: ``proba.columns``, a categorical's
    ``categories``. (A data frame is not a list, and stays as given.)
    """
    to_numpy = getattr(values, "to_numpy", None)
    if (type(values).__module__.startswith(("pandas", "polars")) and callable(to_numpy)
            and not hasattr(values, "columns")):  # fmt: skip
        return to_numpy()
    return values


def check_classes(classes: object, name: str, minimum: int) -> tuple[Hashable, ...]:
    """The classes: a tuple of at least `minimum` distinct, hashable labels, each written one way."""
    classes = listed(classes)
    if isinstance(classes, str | bytes) or not isinstance(classes, Sequence | np.ndarray):
        msg = f"expected a sequence of class labels, got {type(classes).__name__}"
        raise SchemaError([Problem((name,), msg)])
    out = tuple(scalar(c) for c in classes)
    if len(out) < minimum:
        msg = f"expected at least {minimum} classes, got {len(out)}"
        raise SchemaError([Problem((name,), msg)])
    try:
        seen = dict.fromkeys(out)
    except TypeError:
        msg = "holds a label that cannot be hashed; pass scalar labels"
        raise SchemaError([Problem((name,), msg)]) from None
    if len(seen) != len(out):
        dupes = [c for c in seen if out.count(c) > 1]
        msg = f"lists {show(dupes)} more than once; each class must appear once"
        raise SchemaError([Problem((name,), msg)])
    refuse_spellings(out, name)  # one class written two ways would take two columns
    return out


def encode(array: npt.NDArray[Any], classes: tuple[Hashable, ...], name: str, of: str) -> IntArray:
    """Column index of each label in `classes`; unknown labels are a SchemaError."""
    index = {c: i for i, c in enumerate(classes)}
    if array.dtype.kind == "O":
        try:
            values = array.tolist()
            codes = np.fromiter((index.get(v, -1) for v in values), np.intp, count=len(values))
        except TypeError:
            msg = "holds a label that cannot be hashed (a list or a dict?); pass scalar labels"
            raise SchemaError([Problem((name,), msg)]) from None
    else:
        uniq, inverse = np.unique(array, return_inverse=True)
        lookup = np.array([index.get(u, -1) for u in uniq.tolist()], dtype=np.intp)
        codes = lookup[inverse.reshape(-1)]
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        problems = row_problems(
            name, bad, lambda r: f"{shown(scalar(array[r]))} is not one of `{of}` ({show(classes)})"
        )
        problems.append(Problem((of,), f"add the missing labels to `{of}` or drop those rows"))
        raise SchemaError(problems)
    return codes


def by_class_columns(proba: object, classes: tuple[Hashable, ...], name: str) -> object:
    """A data frame's probability columns in the order of `classes`, taken by name; else `proba`.

    A frame's columns are always matched by name, never by position: a frame must name each
    class once (a frame of a bare matrix, numbered 0, 1, ..., names the classes 0, 1, ...),
    and is reordered to `classes`. Only a numpy array is read by position.
    """
    columns: Any = getattr(proba, "columns", None)
    if columns is None or not type(proba).__module__.startswith(("pandas", "polars")):
        return proba
    names = list(columns)
    if names == list(classes):
        return proba
    try:
        same = len(set(names)) == len(names) == len(classes) and set(names) == set(classes)
    except TypeError:  # an unhashable column label: no class
        same = False
    if not same:
        msg = (
            f"has the columns {show(names)}, the classes are {show(list(classes))}: a data "
            "frame's columns are matched to the classes by name, so name one column per class "
            "(in any order), or pass a numpy array whose columns follow `classes`"
        )
        raise SchemaError([Problem((name,), msg)])
    frame: Any = proba
    return frame[list(classes)]


def check_proba(proba: object, n: int, k: int, name: str = "proba") -> FloatArray:
    """An (n, k) float matrix of probabilities in [0, 1] whose rows sum to 1.

    Numbers only: text (``"0.8"``) is refused, not parsed, and so is a Python int beyond the
    float range; booleans count as 0 and 1. The result is a fresh, read-only array.
    """
    given = as_array(proba, name)
    if given.ndim != 2 or given.shape[1] != k:
        msg = (
            f"expected shape ({n}, {k}): one row per label and one column per class of "
            f"`classes`, in that order; got shape {given.shape}"
        )
        raise SchemaError([Problem((name,), msg)])
    if given.shape[0] != n:
        msg = f"has {given.shape[0]} rows but `y_true` has {n}; pass one row per label"
        raise SchemaError([Problem((name,), msg)])
    if given.dtype.kind == "O":
        array = object_floats(given, name)
    elif given.dtype.kind in "biuf":
        array = np.array(given, dtype=np.float64)
    else:
        msg = (
            f"expected real numbers, got dtype {given.dtype}; pass probabilities as numbers "
            "(convert text with astype(float) if you trust it)"
        )
        raise SchemaError([Problem((name,), msg)])
    inside = np.all((array >= 0.0) & (array <= 1.0), axis=1)  # NaN fails both comparisons
    with np.errstate(over="ignore", invalid="ignore"):  # rows outside [0, 1] are named anyway
        sums = array.sum(axis=1)
    off = inside & ~(np.abs(sums - 1.0) <= _SUM_TOLERANCE)
    problems = row_problems(
        name,
        np.flatnonzero(~inside),
        lambda r: f"{show(array[r].tolist())} has a value outside [0, 1] or not finite",
    )
    problems += row_problems(
        name,
        np.flatnonzero(off),
        lambda r: f"sums to {sums[r]:.9g}; each row must sum to 1 within {_SUM_TOLERANCE:g}",
    )
    if problems:
        problems.append(Problem((name,), "pass probabilities, e.g. the output of predict_proba"))
        raise SchemaError(problems)
    array.setflags(write=False)
    return array


def _kind(label: object) -> str:
    """What kind of label `label` is: labels of two kinds never match, yet may print alike."""
    if isinstance(label, enum.Enum):
        return f"members of {type(label).__name__}"
    if isinstance(label, str):
        return "text"
    if isinstance(label, bool | np.bool_ | numbers.Number):  # True is 1: one kind
        return "numbers"
    return f"{type(label).__name__} values"


def kind_problems(
    inputs: Sequence[tuple[str, npt.NDArray[Any] | tuple[Hashable, ...]]],
) -> list[Problem]:
    """The first label of each other kind than row 0 of the first input, named by its row.

    ``1`` and ``"1"``, or ``ReadinessLevel.READY`` and ``"ready"``, are different labels that
    may print alike: paired as they are, one class would become two (a wider confusion matrix
    with nothing on its diagonal), so they are refused, as scikit-learn refuses a "mix of label
    input types". An array of one dtype other than object holds one kind. Booleans beside
    other numbers in one input are refused too (:func:`bools_beside_numbers`): ``True`` is
    ``1``, so a flag would be counted in that number's class.
    """
    (first, array), *_ = inputs
    reference = scalar(array[0])
    kinds = {_kind(reference)}
    problems: list[Problem] = []
    for name, values in inputs:
        if not isinstance(values, np.ndarray):  # checked classes: distinct and hashable
            distinct: list[Any] = list(values)
        elif values.dtype.kind != "O":
            distinct = [scalar(values[0])]
        else:
            distinct = unique_labels(values, name)
            numeric = any(_kind(v) == "numbers" for v in distinct)  # a flag is one too
            if numeric and (mixed := bools_beside_numbers(values.tolist())) is not None:
                problems.append(Problem((name,), mixed))
        for other in dict.fromkeys(map(_kind, distinct)):
            if other in kinds:
                continue
            kinds.add(other)
            cells = values.tolist() if isinstance(values, np.ndarray) else list(values)
            row, label = next((r, v) for r, v in enumerate(cells) if _kind(v) == other)
            msg = (
                f"holds {other} ({shown(label)}), but `{first}` holds "
                f"{_kind(reference)} ({shown(reference)} in row 0): labels of different kinds never "
                "match, though they may print alike, so one class would be counted as two; "
                "write every label one way"
            )
            problems.append(Problem((name, row), msg))
    return problems
