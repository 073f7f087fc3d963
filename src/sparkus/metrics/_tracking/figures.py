"""The exact figures of a tracker's state at a moment, before any privacy rule.

:func:`exact_figures` reads the tracker's facts once and returns an :class:`Exact`: every
participant's counts (enrolled, active, steps due and done, ratings, the pre and post scores),
every slot's due and done flags, the daily engagement series and the funnel. Everything a
snapshot publishes is computed from it, so this is the one place a release mechanism that
changes values (a differentially private one, say) would read the true figures; the privacy
rule (:mod:`~sparkus.metrics._tracking.protection`) decides which cells are shown, and
:mod:`~sparkus.metrics._tracking.snapshot` assembles the dashboard.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus.metrics._estimate import ConfidenceInterval, wald_interval
from sparkus.metrics._tracking.moments import CoMoments
from sparkus.metrics._tracking.resets import stamps
from sparkus.metrics._tracking.schema import GroupRow, Progress
from sparkus.model import JourneyProgress, StepState

if TYPE_CHECKING:
    from sparkus.metrics._tracking.tracker import Tracker

__all__ = ["SECONDS_PER_DAY", "Exact", "exact_figures", "group_row", "ratio"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

SECONDS_PER_DAY: Final = 86_400
_UNSET: Final = JourneyProgress.UNSET
_STATES: Final = JourneyProgress.STATES
_OPEN: Final = (_STATES.index(StepState.SCHEDULED), _STATES.index(StepState.RESCHEDULED))


@attrs.frozen(eq=False)
class Exact:
    """Everything a snapshot at `at` publishes, exactly, per participant and per slot.

    `person` holds per-participant counts (the keys of the dashboard's sums: participants,
    started, active, due, done, overdue, rating_n, rating_sum, promoters, detractors,
    due_people, raters, paired). `window_active` is activity in the window ending on the
    as_of day, whoever has started; `enrolled_now` who had started by that day (the
    engagement series' denominator); `as_of_point` the series index of that day, or -1 when
    the series stops before it. Per slot: `due` and `done` by `at`, `required`, the `step`.
    """

    at: int
    person: dict[str, FloatArray]
    x: FloatArray
    y: FloatArray
    paired: BoolArray
    series: IntArray
    enrolled_day: IntArray
    window_active: BoolArray
    enrolled_now: BoolArray
    as_of_point: int
    slot_due: BoolArray
    slot_done: BoolArray
    slot_required: BoolArray
    slot_step: npt.NDArray[np.intp]
    slot_row: npt.NDArray[np.intp]
    funnel_due: IntArray
    funnel_done: IntArray
    funnel_median: list[float | None]
    funnel_present: IntArray
    slot_rated: BoolArray
    """Per slot: rated by `at` (each rating is a unit of the rating figure)."""
    slot_rating: FloatArray
    """Per slot: its rating by `at`, 0 where none."""
    slot_set_again: IntArray
    """Per slot: when its rating was set again after a release (its stamp: see resets.py)."""
    scored_again: IntArray
    """Per participant: the later stamp of their pre and post scores (as above)."""


def ratio(num: float, den: float) -> float | None:
    """``num / den``, or None when nothing was counted."""
    return float(num / den) if den > 0 else None


def exact_figures(tracker: Tracker, at: int) -> Exact:
    """The exact figures of `tracker` at `at` (seconds on the tracker's clock)."""
    schedule, progress = tracker.schedule, tracker.progress
    codes, due = progress.state_codes(at)
    n = len(schedule)
    steps = schedule.template.steps
    row = schedule.row.astype(np.intp)
    step = schedule.step.astype(np.intp)
    required = np.array([s.required for s in steps], dtype=bool)[step]
    due_by = due <= at
    done_by = progress.first_done <= at
    overdue = np.isin(codes, _OPEN) & (due < at) & ~done_by
    req_due = required & due_by
    started = schedule.start_seconds <= at
    at_day = at // SECONDS_PER_DAY - schedule.epoch_day
    window_active, series = _activity(tracker, int(at_day))
    active_now = window_active & started
    due_p = np.bincount(row, req_due, minlength=n)
    done_p = np.bincount(row, req_due & done_by, minlength=n)
    overdue_p = np.bincount(row, overdue, minlength=n)
    rated = (progress.rating_time != _UNSET) & (progress.rating_time <= at)
    r = progress.rating
    rating_n = np.bincount(row, rated, minlength=n)
    rating_sum = np.bincount(row, np.where(rated, r, 0.0), minlength=n)
    promoters = np.bincount(row, rated & (r >= 9), minlength=n)
    detractors = np.bincount(row, rated & (r <= 6), minlength=n)
    step_index = {s.id: i for i, s in enumerate(steps)}
    rows_all = np.arange(n, dtype=np.int64)
    pre = schedule.slots_of(rows_all, np.full(n, step_index[tracker.pre_step]))
    post = schedule.slots_of(rows_all, np.full(n, step_index[tracker.post_step]))

    def score(slots: IntArray) -> tuple[BoolArray, FloatArray]:
        safe = np.maximum(slots, 0)
        have = (
            (slots >= 0) & (progress.score_time[safe] != _UNSET) & (progress.score_time[safe] <= at)
        )
        return have, progress.score[safe]

    has_pre, x = score(pre)
    has_post, y = score(post)
    paired = has_pre & has_post
    person = {
        "participants": np.ones(n), "started": started.astype(float),
        "active": active_now.astype(float), "due": due_p, "done": done_p, "overdue": overdue_p,
        "rating_n": rating_n, "rating_sum": rating_sum, "promoters": promoters,
        "detractors": detractors, "due_people": (due_p > 0).astype(float),
        "raters": (rating_n > 0).astype(float), "paired": paired.astype(float),
    }  # fmt: skip
    start_day = schedule.start_seconds // SECONDS_PER_DAY - schedule.epoch_day
    enrolled_day = np.bincount(np.clip(start_day, 0, None), minlength=len(series))[
        : len(series)
    ].cumsum()
    point = int(at_day) if 0 <= at_day < len(series) else -1
    funnel = _funnel(tracker, due, due_by, done_by)
    rescored = stamps(tracker.ledger.reset.get("progress"), len(row))
    return Exact(
        at=at, person=person, x=x, y=y, paired=paired, series=series,
        enrolled_day=enrolled_day.astype(np.int64), window_active=window_active,
        enrolled_now=start_day <= at_day, as_of_point=point, slot_due=due_by,
        slot_done=due_by & done_by, slot_required=required, slot_step=step, slot_row=row,
        funnel_due=funnel[0], funnel_done=funnel[1], funnel_median=funnel[2],
        funnel_present=funnel[3], slot_rated=rated, slot_rating=np.where(rated, r, 0.0),
        slot_set_again=stamps(tracker.ledger.reset.get("rating"), len(row)),
        scored_again=np.maximum(rescored[np.maximum(pre, 0)], rescored[np.maximum(post, 0)]),
    )  # fmt: skip


def _activity(tracker: Tracker, as_of_day: int) -> tuple[BoolArray, IntArray]:
    """Who is active in the window ending `as_of_day`, and the daily active series.

    The series runs from the schedule's first day to `as_of_day`, or to the last day any
    event is accepted (``schedule.n_days``) if that comes first: after it nothing can change,
    so a far `as_of` (a mistyped year) costs no more than the schedule's own span. Before the
    first day it is empty: a day after `as_of` is never published.
    """
    days = max(min(as_of_day, tracker.schedule.n_days - 1) + 1, 0)
    return active_in_window(tracker.progress.active, tracker.window_days, as_of_day, days)


def active_in_window(
    active: npt.NDArray[np.uint64], window: int, as_of_day: int, days: int
) -> tuple[BoolArray, IntArray]:
    """From each person's active days (bits of `active`, day 0 the lowest): the window's actives.

    Returns who has an active day in the `window` days ending `as_of_day`, and for each day
    ``d < days`` how many people have an active day in the window ending ``d``. A person's
    active day ``a`` covers the days ``a`` to ``a + window - 1``; cut at the person's next
    active day, these runs do not overlap, so the series is a running sum of +1 where a run
    starts and -1 where it ends: one pass over the active days, not over every person's every
    day.
    """
    n, row_bytes = active.shape[0], active.shape[1] * 8
    width = row_bytes * 8
    hi = min(max(as_of_day + 1, 0), width)  # the window ending at as_of_day, in stored days
    lo = min(max(as_of_day + 1 - window, 0), width)
    # Each active day as (person, day), by person then by day: the bits of the nonzero bytes
    # only (day 8j + b is bit b of a row's byte j, as the words are little-endian).
    flat = np.ascontiguousarray(active).reshape(-1).view(np.uint8)
    byte = np.flatnonzero(flat)
    bit = np.flatnonzero(np.unpackbits(flat[byte][:, None], axis=1, bitorder="little"))
    at = byte[bit >> 3]
    who, day = at // row_bytes, (at % row_bytes) * 8 + (bit & 7)
    end = day + window
    same = np.flatnonzero(who[1:] == who[:-1])  # the next active day is the same person's
    end[same] = np.minimum(end[same], day[same + 1])
    change = np.bincount(np.minimum(day, days), minlength=days + 1)
    change -= np.bincount(np.minimum(end, days), minlength=days + 1)
    active_now = np.zeros(n, dtype=bool)
    active_now[who[(day >= lo) & (day < hi)]] = True
    series = np.cumsum(change[:days])
    return active_now, series


def _funnel(
    tracker: Tracker, due: IntArray, due_by: BoolArray, done_by: BoolArray
) -> tuple[IntArray, IntArray, list[float | None], IntArray]:
    """Per step: due, completed, the median days from due to completion, and slots present."""
    schedule, progress = tracker.schedule, tracker.progress
    steps = schedule.template.steps
    step = schedule.step.astype(np.intp)
    due_count = np.bincount(step, due_by, minlength=len(steps)).astype(np.int64)
    done_count = np.bincount(step, due_by & done_by, minlength=len(steps)).astype(np.int64)
    present = np.bincount(step, minlength=len(steps)).astype(np.int64)
    finished = np.flatnonzero(due_by & done_by)
    days_taken = (progress.first_done[finished] - due[finished]) / SECONDS_PER_DAY
    # By step (a radix sort of the small step codes); a median needs no order within one.
    order = np.argsort(schedule.step[finished], kind="stable")
    sorted_days = days_taken[order]
    bounds = np.concatenate([[0], np.cumsum(done_count)])
    medians: list[float | None] = []
    for i in range(len(steps)):
        lo, hi = bounds[i], bounds[i + 1]
        medians.append(float(np.median(sorted_days[lo:hi])) if hi > lo else None)
    return due_count, done_count, medians, present


def group_row(
    group: str, sums: Mapping[str, float], moments: CoMoments, i: int, level: float
) -> GroupRow:
    """The figures of one group (or of everyone) from its sums and its moments, unsuppressed."""
    raters = sums["rating_n"]
    diff, var = moments.difference()
    k = int(moments.n[i])
    progress = None
    if k >= 1:
        est = float(diff[i])
        progress = Progress(estimate=est, ci=_t_interval(est, float(var[i]), k, level),
                            level=level, n=k)  # fmt: skip
    return GroupRow(
        group=group,
        participants=int(sums["participants"]),
        active=int(sums["active"]),
        participation_rate=ratio(sums["active"], sums["started"]),
        completion_rate=ratio(sums["done"], sums["due"]),
        mean_rating=ratio(sums["rating_sum"], raters),
        nps=None if raters == 0 else 100.0 * (sums["promoters"] - sums["detractors"]) / raters,
        progress=progress,
    )


def _t_interval(mean: float, var: float, n: int, level: float) -> ConfidenceInterval:
    """The paired t interval of a mean change over `n` pairs (a point below two pairs)."""
    if n < 2 or not math.isfinite(var):
        return ConfidenceInterval(mean, mean)
    return wald_interval(mean, math.sqrt(var / n), n - 1, level)
