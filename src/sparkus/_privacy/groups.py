"""Privacy of aggregates about people: a minimum group size and complementary suppression.

Every figure sparkus publishes about a group of people (an audit, a subgroup effect, a dashboard
cell) goes through :func:`suppress_small_groups`: a group smaller than the minimum is hidden, and
if any group is hidden, further groups are hidden until the hidden ones cannot be recovered by
subtracting the visible groups from a total (at least two hidden groups holding at least the
minimum number of people together). Totals over groups that include a hidden one must be withheld
by the caller, or published only when they do not let a hidden cell be recovered.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, TypeAlias, cast

import numpy as np
import numpy.typing as npt

__all__ = [
    "Group",
    "distinct_groups",
    "invalid_label_rows",
    "spelling_problem",
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
    """The sorted distinct groups (ints before strings) and each person's index into them."""
    if groups.dtype.kind != "O":
        uniq, inverse = np.unique(groups, return_inverse=True)
        return cast(list[Group], uniq.tolist()), inverse.reshape(-1).astype(np.intp)
    values = [v.item() if isinstance(v, np.generic) else v for v in groups.tolist()]
    names = sorted(set(values), key=lambda g: (isinstance(g, str), g))
    index = {g: i for i, g in enumerate(names)}
    return names, np.fromiter((index[v] for v in values), np.intp, count=len(values))


def spelling_problem(labels: Iterable[object]) -> str | None:
    """What is wrong with distinct group labels written as no group, or one group two ways.

    A blank text label (empty, or white space alone) is a missing value of an export, not a
    group. Labels that differ only in case, white space or Unicode form (``"Sales"``,
    ``"sales "``, a composed and a combining accent) are one group written several ways: counted
    apart, each gets its own figures, and some print alike. None when neither occurs; labels
    that are not text are left out. Each caller names its own field.
    """
    spelled: dict[str, list[str]] = {}
    for label in labels:
        if isinstance(label, str):
            key = " ".join(unicodedata.normalize("NFC", label).casefold().split())
            spelled.setdefault(key, []).append(label)
    if "" in spelled:
        blank = ", ".join(repr(v) for v in sorted(spelled[""])[:3])
        return f"holds the blank label {blank}; a blank cell is no group: give everyone a group"
    clashes = [sorted(ways) for ways in spelled.values() if len(ways) > 1]
    if not clashes:
        return None
    shown = "; ".join(" and ".join(ascii(v) for v in ways[:3]) for ways in clashes[:5])
    return (
        f"holds labels that differ only in case, white space or Unicode form ({shown}): one "
        "group written several ways would be counted as several; write each group one way"
    )


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
