"""Values set again after a release: when the tracker received them, not the time they carry.

The change rule (``figure_units.changed_people``) counts a contributor as changed when their
value was set again after their cell's last release, although they count in both. Neither the
time an event carries nor its arrival alone says so: HR exports arrive in batches with each
event's own time, so a corrected rating (or post score) can reach the tracker after a release
while its time is before that release's ``as_of`` (by its time it was set before, and the
difference of the two releases was the correction alone); and a value sent again unchanged,
later, is no change (counted as one, it let four unchanged people carry a fifth's correction
past the rule).

So the ledger keeps, per figure that has such values (``"rating"``: each rated session;
``"progress"``: each scored step), the slots whose value an update replaced by another after a
release (:meth:`JourneyProgress.apply <sparkus.model.JourneyProgress.apply>` lists them),
each with a stamp of one second after the last release's ``as_of`` when it arrived: one
stamp per release window the slot was set again in, every one kept. A slot with a stamp
after a cell's last release changed there (its latest stamp, :func:`stamps`, says so); the
stamps in between tell the protection which value each earlier release counted (see
``windows.py``). Several corrections in one window share its stamp. A release at a later ``as_of`` is past
every stamp; a release at the same ``as_of`` as the last one, after a value was set again, is
refused (:func:`release_problem`): its cells' stamps would then read as changed at every later
release, counting people who did not change. A state file written before the stamps (version 3
or older) takes the values' times instead (:func:`from_times`), as those versions did.

A merge sets values again too: a shard that never released can hold a later rating of a
slot that the other shard released (or a larger one at the same time), and the merged state
keeps it. :func:`merge_stamped` stamps, for each side that released, the slots that counted
in its published cells and whose value the merged state changed, one second after that
side's last release.

Each store is a (k, 2) int64 array of distinct (slot, stamp) rows, increasing by slot then
stamp: corrections after a release are few, so the store is small beside the per-slot arrays.
A state file of version 4 held the latest stamp of each slot only, which reads as a slot set
again in that one window (what that version protected).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from sparkus.model import JourneyProgress

if TYPE_CHECKING:
    from sparkus.metrics._tracking.ledger import Ledger

__all__ = ["RESET_FIGURES", "checked", "from_times", "merge_stamped", "merged", "release_problem",
           "stamp", "stamps"]  # fmt: skip

IntArray = npt.NDArray[np.int64]

RESET_FIGURES: Final = ("rating", "progress")
"""The figures whose values can be set again while they count: ratings and scores."""


def _empty() -> IntArray:
    return np.zeros((0, 2), dtype=np.int64)


def merged(a: IntArray | None, b: IntArray | None) -> IntArray:
    """Both stores' rows, each once, by slot then stamp (a union: commutative, associative)."""
    rows = np.concatenate([x for x in (a, b) if x is not None] or [_empty()])
    out: IntArray = np.unique(rows, axis=0).reshape(-1, 2)
    return out


def stamp(store: IntArray | None, slots: IntArray, last: int) -> IntArray:
    """`store` with `slots` stamped as set after the release at `last` (seconds)."""
    rows = np.column_stack([slots.astype(np.int64), np.full(len(slots), last + 1, np.int64)])
    return merged(store, rows)


def merge_stamped(
    reset: Mapping[str, IntArray],
    sides: Sequence[tuple[Ledger, JourneyProgress]],
    both: JourneyProgress,
) -> dict[str, IntArray]:
    """`reset` (the merged stores) with the values a merge set again on a side that released.

    `sides` holds each merged side's ledger and state; `both` is the merged state. A slot
    that counted in one of a side's published cells (its bits), whose value that side held
    and `both` holds another of, is stamped one second after that side's last release (the
    later stamp where several did). Only counted slots matter: the change rule already counts
    any other as changed by its bits. So the stamps depend on what was released and on the
    merged values alone, whatever the order and grouping of the merges.
    """
    out = dict(reset)
    for ledger, mine in sides:
        if not ledger.releases:
            continue
        values = {"rating": (mine.rating_time, mine.rating, both.rating),
                  "progress": (mine.score_time, mine.score, both.score)}  # fmt: skip
        for figure, (time, held, now) in values.items():
            units = len(time) if figure == "rating" else len(mine.schedule)
            counted = np.zeros(units, dtype=bool)
            for record in ledger.parts.get(figure, []):
                counted |= record.unpacked(units)
            if figure == "progress":  # participants' bits, to each of their scored slots
                counted = counted[mine.schedule.row]
            slots = np.flatnonzero(counted & (time != JourneyProgress.UNSET) & (now != held))
            if len(slots):
                out[figure] = stamp(out.get(figure), slots, ledger.last)
    return out


def stamps(store: IntArray | None, size: int) -> IntArray:
    """Per slot, when its value was last set again after a release (its latest stamp), or ``UNSET``.

    The change rule's "set since": a slot stamped after a cell's last release changed there.
    """
    out = np.full(size, JourneyProgress.UNSET, dtype=np.int64)
    if store is not None and len(store):
        np.maximum.at(out, store[:, 0], store[:, 1])
    return out


def from_times(ledger: Ledger, progress: JourneyProgress) -> dict[str, IntArray]:
    """Stamps for a state file written before them (version 3 or older): the values' times.

    Such a file cannot say which values were set again after a release; a value whose time
    is after a cell's last release is taken as set since, as those versions did (a value
    entered again unchanged, or back-dated, is what they could not tell). A time past the
    last release stands as one second after it, which is the same test against every cell.
    """
    published = [r.published for records in ledger.parts.values() for r in records]
    times = np.concatenate(published) if published else np.zeros(0, dtype=np.int64)
    times = times[times >= 0]
    if not len(times):
        return {}
    floor = int(times.min())  # a time at or before every cell's last release changes none
    out = {}
    for figure, held in zip(RESET_FIGURES, (progress.rating_time, progress.score_time),
                            strict=True):  # fmt: skip
        slots = np.flatnonzero((held != JourneyProgress.UNSET) & (held > floor))
        if len(slots):
            out[figure] = np.column_stack([slots, np.minimum(held[slots], ledger.last + 1)])
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
        step = np.diff(rows, axis=0)
        if len(rows) and (
            np.any(rows[:, 0] < 0) or np.any(rows[:, 0] >= slots) or np.any(step[:, 0] < 0)
            or np.any((step[:, 0] == 0) & (step[:, 1] <= 0))
        ):  # fmt: skip
            fail(
                f"{name}: slots must increase, from 0 to {slots - 1}, and a slot's times with them"
            )
        elif len(rows) and np.any(rows[:, 1] > last + 1):
            fail(f"{name}: times must be at most one second after the last release")
        else:
            out[figure] = rows
    return out
