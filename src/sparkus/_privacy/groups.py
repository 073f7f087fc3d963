"""Privacy of aggregates about people: a minimum group size and complementary suppression.

Every figure sparkus publishes about a group of people (an audit, a subgroup effect, a dashboard
cell) goes through :func:`suppress_small_groups`: a group smaller than the minimum is hidden, and
if any group is hidden, further groups are hidden until the hidden ones cannot be recovered by
subtracting the visible groups from a total (at least two hidden groups holding at least the
minimum number of people together). Totals over groups that include a hidden one must be withheld
by the caller, or published only when they do not let a hidden cell be recovered.
"""

from __future__ import annotations

from typing import Any, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from sparkus._labels import numeric_label

__all__ = [
    "Group",
    "distinct_groups",
    "invalid_label_rows",
    "suppress_small_groups",
]

Group: TypeAlias = str | int
"""A group label: a department, a level, a site."""


def invalid_label_rows(groups: npt.NDArray[Any]) -> npt.NDArray[np.intp] | None:
    """The rows of a 1-D array whose group label is not a str or an int (bools are not labels).

    None when the array's dtype cannot hold labels at all (floats, say); empty when all are fine.
    """
    kind = groups.dtype.kind
    if kind in "iuU":
        return np.zeros(0, dtype=np.intp)
    if kind != "O":
        return None
    bad = np.fromiter(
        (isinstance(v, bool) or not isinstance(v, str | int | np.integer) for v in groups),
        dtype=bool,
        count=groups.shape[0],
    )
    return np.flatnonzero(bad).astype(np.intp)


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
