"""Values set again after a release: when the tracker received them, not the time they carry.

The change rule (``figure_units.changed_people``) counts a contributor as changed when their
value was set after their cell's last release, although they count in both. HR exports arrive
in batches with each event's own time, so a corrected rating (or post score) can reach the
tracker after a release while its time is before that release's ``as_of``: by its time it
was set before, and the difference of the two releases would be the correction alone.

So the ledger keeps, per figure that has such values (``"rating"``: each rated session;
``"progress"``: each scored step), the slots whose value was set after a release, with a
stamp of one second after the last release's ``as_of`` at the time they arrived. A slot's
"set at" time for the change rule is the later of its value's time and its stamp. A later
release at a later ``as_of`` is past every stamp; a release at the same ``as_of`` as the last
one, after a value was set again, is refused (:func:`release_problem`): its cells' stamps
would then read as changed at every later release, counting people who did not change.

Each store is an (k, 2) int64 array of (slot, stamp) rows, slots increasing: corrections
after a release are few, so the store is small beside the per-slot arrays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt

__all__ = ["RESET_FIGURES", "checked", "merged", "release_problem", "stamp", "stamped"]

IntArray = npt.NDArray[np.int64]

RESET_FIGURES: Final = ("rating", "progress")
"""The figures whose values can be set again while they count: ratings and scores."""


def _empty() -> IntArray:
    return np.zeros((0, 2), dtype=np.int64)


def merged(a: IntArray | None, b: IntArray | None) -> IntArray:
    """Both stores' rows, one per slot: the later stamp (commutative and associative)."""
    rows = np.concatenate([x for x in (a, b) if x is not None] or [_empty()])
    order = np.lexsort((rows[:, 1], rows[:, 0]))
    rows = rows[order]
    last = np.append(rows[1:, 0] != rows[:-1, 0], True) if len(rows) else np.zeros(0, bool)
    out: IntArray = rows[last]
    return out


def stamp(store: IntArray | None, slots: IntArray, last: int) -> IntArray:
    """`store` with `slots` stamped as set after the release at `last` (seconds)."""
    rows = np.column_stack([slots.astype(np.int64), np.full(len(slots), last + 1, np.int64)])
    return merged(store, rows)


def stamped(store: IntArray | None, times: IntArray) -> IntArray:
    """Per slot, when its value was set for the change rule: its time, or its later stamp."""
    if store is None or not len(store):
        return times
    out = times.copy()
    slots = store[:, 0]
    out[slots] = np.maximum(out[slots], store[:, 1])
    return out


def release_problem(last: int, releases: int, at: int, reset: Mapping[str, IntArray]) -> str:
    """Why a release at `at` cannot follow the last one (at `last`), or "" when it can."""
    if not releases or at > last:
        return ""
    when = (dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=last)).isoformat()
    if at < last:
        return (f"is before the last release ({when}): releases go forward in time (the ledger "
                "keeps each cell's last published value, and a dashboard back-dated below it "
                "could be subtracted from an earlier one); pass release=False to look back "
                "without publishing")  # fmt: skip
    if any(len(s) and int(s[:, 1].max()) > last for s in reset.values()):
        return (f"is the last release's ({when}), and a rating or score was set again since "
                "it: release at a later time, so that the change is told from the values that "
                "did not change (pass release=False to look without publishing)")  # fmt: skip
    return ""


def checked(
    arrays: Mapping[str, npt.NDArray[Any]], slots: int, last: int, fail: Callable[[str], None]
) -> dict[str, IntArray]:
    """The saved stores (none in files written before them), each checked."""
    out: dict[str, IntArray] = {}
    for figure in RESET_FIGURES:
        name = f"ledger_reset_{figure}"
        rows = arrays.get(name)
        if rows is None:
            continue
        if rows.dtype != np.int64 or rows.ndim != 2 or rows.shape[1] != 2:
            fail(f"{name}: expected int64 rows of (slot, time)")
            continue
        if len(rows) and (
            np.any(rows[:, 0] < 0) or np.any(rows[:, 0] >= slots)
            or np.any(np.diff(rows[:, 0]) <= 0)
        ):  # fmt: skip
            fail(f"{name}: slots must increase, from 0 to {slots - 1}")
        elif len(rows) and np.any(rows[:, 1] > last + 1):
            fail(f"{name}: times must be at most one second after the last release")
        else:
            out[figure] = rows
    return out
