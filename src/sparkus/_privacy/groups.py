"""Privacy of aggregates about people: a minimum group size and complementary suppression.

Every figure sparkus publishes about a group of people (an audit, a subgroup effect, a dashboard
cell) goes through :func:`suppress_small_groups`: a group smaller than the minimum is hidden, and
if any group is hidden, further groups are hidden until the hidden ones cannot be recovered by
subtracting the visible groups from a total (at least two hidden groups holding at least the
minimum number of people together). Totals over groups that include a hidden one must be withheld
by the caller, or published only when they do not let a hidden cell be recovered.

The group labels themselves are checked here once for every door that takes them
(:func:`group_label_problems`): a missing label is named by its row, in one wording, whatever the
dtype it arrived in.
"""

from __future__ import annotations

from typing import Any, Final, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from sparkus._checks import is_missing, rows_where
from sparkus._errors import Problem
from sparkus._labels import numeric_label

__all__ = [
    "Group",
    "distinct_groups",
    "group_label_problems",
    "invalid_label_rows",
    "missing_label_rows",
    "suppress_small_groups",
]

Group: TypeAlias = str | int
"""A group label: a department, a level, a site."""


def missing_label_rows(groups: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """The rows of a 1-D array whose group label is missing: None, NaN, pandas' NA or NaT.

    Whatever the dtype: NaN among floats (a pandas column of integer codes with an empty cell),
    NaT among dates, and None, NaN, ``pd.NA`` or ``pd.NaT`` in an object array (a nullable
    pandas column, :func:`~sparkus._checks.as_array`).
    """
    kind = groups.dtype.kind
    if kind in "fc":
        return np.flatnonzero(np.isnan(groups)).astype(np.intp)
    if kind in "mM":
        return np.flatnonzero(np.isnat(groups)).astype(np.intp)
    if kind != "O":
        return np.zeros(0, dtype=np.intp)
    missing = np.fromiter(map(is_missing, groups.tolist()), dtype=bool, count=groups.shape[0])
    return np.flatnonzero(missing).astype(np.intp)


def invalid_label_rows(groups: npt.NDArray[Any]) -> npt.NDArray[np.intp] | None:
    """The rows of a 1-D array holding a value that is not a str or an int (bools are not labels).

    Missing values are left out: :func:`missing_label_rows` names them. None when the array's
    dtype cannot hold labels at all (floats, say); empty when all are fine.
    """
    kind = groups.dtype.kind
    if kind in "iuU":
        return np.zeros(0, dtype=np.intp)
    if kind != "O":
        return None
    bad = np.fromiter(
        (
            isinstance(v, bool) or not (isinstance(v, str | int | np.integer) or is_missing(v))
            for v in groups.tolist()
        ),
        dtype=bool,
        count=groups.shape[0],
    )
    return np.flatnonzero(bad).astype(np.intp)


_DTYPE_FIXES: Final = {
    "b": "name the groups with text (such as 'yes' and 'no') or integers",
    "f": "pass text or integers (integer codes read as floats: convert them with astype(int))",
}


def group_label_problems(
    groups: npt.NDArray[Any], name: str, given: object = None
) -> list[Problem]:
    """What keeps a 1-D array from being one str or int group label per person, rows named.

    The one wording of every door that takes group labels: missing labels (None, NaN, pandas'
    NA or NaT, in any dtype), then values that are not labels, then a dtype that holds none
    (floats, booleans, dates), with how to fix it. Rows are named by the labels of `given`'s
    index when it is a pandas input indexed otherwise than ``0 .. n-1``
    (:func:`~sparkus._checks.rows_where`), else by position. Empty when all are labels.
    """
    problems = []
    missing = missing_label_rows(groups)
    if missing.size:
        where = rows_where(_mask(missing, groups.shape[0]), given)
        problems.append(Problem((name,), f"is missing in {where}; give every person a group"))
    rows = invalid_label_rows(groups)
    if rows is None:
        fix = _DTYPE_FIXES.get(groups.dtype.kind, "pass text or integers")
        msg = f"expected group labels as str or int, got dtype {groups.dtype}; {fix}"
        problems.append(Problem((name,), msg))
    elif rows.size:
        shown = ", ".join(repr(groups[r]) for r in rows[:3].tolist())
        where = rows_where(_mask(rows, groups.shape[0]), given)
        msg = (
            f"expected a str or int label per person, got {shown} in {where}; pass text or integers"
        )
        problems.append(Problem((name,), msg))
    return problems


def _mask(rows: npt.NDArray[np.intp], n: int) -> npt.NDArray[np.bool_]:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def distinct_groups(groups: npt.NDArray[Any]) -> tuple[list[Group], npt.NDArray[np.intp]]:
    """The sorted distinct groups (ints before strings) and each person's index into them.

    Labels that are equal are one group: ``-0.0`` and ``0.0`` are the group ``0.0``
    (:func:`~sparkus._labels.numeric_label`), whichever comes first. Booleans beside numbers
    are refused before, by :func:`~sparkus._checks.mixed_labels`.
    """
    if groups.dtype.kind != "O":
        zeros = groups + 0.0 if groups.dtype.kind == "f" else groups  # -0.0 + 0.0 is 0.0
        uniq, inverse = np.unique(zeros, return_inverse=True)
        return cast(list[Group], uniq.tolist()), inverse.reshape(-1).astype(np.intp)
    values = [numeric_label(v.item() if isinstance(v, np.generic) else v) for v in groups.tolist()]
    names = sorted(set(values), key=lambda g: (isinstance(g, str), g))
    index = {g: i for i, g in enumerate(names)}
    return names, np.fromiter((index[v] for v in values), np.intp, count=len(values))


def suppress_small_groups(counts: npt.NDArray[np.int64], m: int) -> tuple[set[int], set[int]]:
    """The primary and the complementary suppressions, as indices into `counts`.

    Groups smaller than `m` are hidden; then, if any is, further groups are hidden, smallest
    first (sorted order on a tie), until the hidden groups hold at least `m` people and at
    least two groups (or every group is hidden).
    """
    primary = {int(i) for i in np.flatnonzero(counts < m)}
    extra: set[int] = set()
    if not primary:
        return primary, extra
    order = [int(i) for i in np.argsort(counts, kind="stable") if int(i) not in primary]
    for i in order:
        hidden = sorted(primary | extra)
        if len(hidden) >= 2 and int(counts[hidden].sum()) >= m:
            break
        extra.add(i)
    return primary, extra
