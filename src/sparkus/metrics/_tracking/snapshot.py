"""The privacy-safe dashboard of a tracker's state at a moment: what ``Tracker.snapshot`` computes.

From the facts the tracker holds (a :class:`~sparkus.model.JourneyProgress`) it computes, in
total, per day, per journey step and per group of every grouping: engagement, the completion
funnel, session ratings and NPS, and development progress (the pre/post change with a t
interval, from mergeable moments). Then it applies the privacy rule: every figure that describes
fewer than the program's minimum group size is withheld, with complementary suppression, and
each hidden cell is listed with its reason.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._privacy import suppress_small_groups
from sparkus.metrics._estimate import ConfidenceInterval, wald_interval
from sparkus.metrics._tracking.moments import CoMoments
from sparkus.metrics._tracking.schema import (
    ENGAGEMENT,
    FIGURE_FIELDS,
    FUNNEL,
    TOTALS,
    Dashboard,
    Engagement,
    GroupRow,
    Impact,
    Point,
    Progress,
    Roi,
    Step,
    Suppressed,
    Totals,
)
from sparkus.model import JourneyProgress, StepState

if TYPE_CHECKING:
    from sparkus.metrics._tracking.tracker import Tracker

__all__ = ["EPOCH", "SECONDS_PER_DAY", "dashboard_at", "seconds"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
_Figures = TypeVar("_Figures", GroupRow, Totals)

EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The tracker's clock counts seconds from here."""
SECONDS_PER_DAY: Final = 86_400
_UNSET: Final = JourneyProgress.UNSET
_STATES: Final = JourneyProgress.STATES
_OPEN: Final = (_STATES.index(StepState.SCHEDULED), _STATES.index(StepState.RESCHEDULED))
_CHUNK: Final = 50_000
"""Participants per block when the activity bits are unpacked."""

# Who each figure describes: the per-person column that counts them, and their name.
_CONTRIBUTORS: Final = {
    "participation": "started",
    "completion": "due_people",
    "rating": "raters",
    "progress": "paired",
}
_UNITS: Final = {
    "participation": "participants enrolled",
    "completion": "participants with steps due",
    "rating": "participants who rated a session",
    "progress": "participants with a pre and a post score",
}


def seconds(moment: dt.datetime) -> int:
    """An aware datetime on the tracker's clock: whole seconds since 1970-01-01 UTC."""
    return int((moment - EPOCH).total_seconds() // 1)


def _iso(at: int) -> str:
    return (EPOCH + dt.timedelta(seconds=int(at))).isoformat()


def _people(count: int) -> str:
    return f"{count} participant{'' if count == 1 else 's'}"


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 else None


def _without(record: _Figures, figure: str) -> _Figures:
    """`record` with the fields of `figure` withheld (None)."""
    withheld: dict[str, Any] = dict.fromkeys(f for f in FIGURE_FIELDS[figure] if f in record)
    return attrs.evolve(record, **withheld)


def dashboard_at(
    tracker: Tracker, at: int, impact: Impact | None = None, roi: Roi | None = None
) -> Dashboard:
    """The dashboard of `tracker` at `at` (seconds on the tracker's clock), privacy rule applied.

    `impact` and `roi` are shown as given.
    """
    m = tracker.program.min_group_size
    codes, due = tracker.progress.state_codes(at)
    person, x, y, paired, series = _per_person(tracker, at, codes, due)
    everyone = CoMoments.of(x[paired], y[paired], np.zeros(int(paired.sum()), np.intp), 1)
    suppressed: list[Suppressed] = []  # each part adds its hidden cells, in document order
    totals = _totals(person, everyone, tracker.level, m, suppressed)
    engagement = _engagement(tracker, series, m, suppressed)
    funnel = _funnel(tracker, at, due, m, suppressed)
    groups = _groups(tracker, person, x, y, paired, m, suppressed)
    return Dashboard(
        program=tracker.program.name,
        as_of=_iso(at),
        min_group_size=m,
        totals=totals,
        engagement=engagement,
        funnel=funnel,
        groups=groups,
        suppressed=tuple(suppressed),
        impact=impact,
        roi=roi,
    )


def _per_person(
    tracker: Tracker, at: int, codes: npt.NDArray[np.int8], due: IntArray
) -> tuple[dict[str, FloatArray], FloatArray, FloatArray, BoolArray, IntArray]:
    """Per participant at `at`: the counts, the pre and post scores, and who has both.

    Also the daily series of people active. `codes` and `due` are every slot's state code and
    due time at `at`.
    """
    schedule, progress = tracker.schedule, tracker.progress
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
    active_now, series = _activity(tracker, int(at_day))
    active_now &= started
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
    return person, x, y, paired, series


def _activity(tracker: Tracker, as_of_day: int) -> tuple[BoolArray, IntArray]:
    """Who is active in the window ending `as_of_day`, and the daily active series.

    The series runs from the schedule's first day to `as_of_day`, or to the last day any
    event is accepted (``schedule.n_days``) if that comes first: after it nothing can change,
    so a far `as_of` (a mistyped year) costs no more than the schedule's own span.
    """
    n, window = len(tracker.schedule), tracker.window_days
    active = tracker.progress.active
    days = max(min(as_of_day, tracker.schedule.n_days - 1) + 1, 1)
    active_now = np.zeros(n, dtype=bool)
    series = np.zeros(days, dtype=np.int64)
    width = active.shape[1] * 64
    hi = min(max(as_of_day + 1, 0), width)  # the window ending at as_of_day, in stored days
    lo = min(max(as_of_day + 1 - window, 0), width)
    ends = np.arange(1, days + 1)
    for start in range(0, n, _CHUNK):
        chunk = active[start : start + _CHUNK]
        bits = np.unpackbits(chunk.view(np.uint8), axis=1, bitorder="little")
        cum = np.zeros((len(chunk), width + 1), dtype=np.int32)
        np.cumsum(bits, axis=1, out=cum[:, 1:])
        in_window = (
            cum[:, np.minimum(ends, width)]
            - cum[:, np.minimum(np.maximum(ends - window, 0), width)]
            > 0
        )
        series += in_window.sum(axis=0)
        if as_of_day >= 0:
            active_now[start : start + len(chunk)] = cum[:, hi] - cum[:, lo] > 0
    return active_now, series


def _figures(
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
        participation_rate=_ratio(sums["active"], sums["started"]),
        completion_rate=_ratio(sums["done"], sums["due"]),
        mean_rating=_ratio(sums["rating_sum"], raters),
        nps=None if raters == 0 else 100.0 * (sums["promoters"] - sums["detractors"]) / raters,
        progress=progress,
    )


def _t_interval(mean: float, var: float, n: int, level: float) -> ConfidenceInterval:
    """The paired t interval of a mean change over `n` pairs (a point below two pairs)."""
    if n < 2 or not math.isfinite(var):
        return ConfidenceInterval(mean, mean)
    return wald_interval(mean, math.sqrt(var / n), n - 1, level)


def _totals(
    person: Mapping[str, FloatArray],
    moments: CoMoments,
    level: float,
    m: int,
    suppressed: list[Suppressed],
) -> Totals:
    """The program-wide figures; a figure describing 1 to ``m - 1`` people is withheld."""
    n = len(person["participants"])
    sums = {k: float(np.sum(v)) for k, v in person.items()}
    whole = _figures(TOTALS, sums, moments, 0, level)
    totals = Totals(
        participants=n,
        active=whole.active,
        participation_rate=whole.participation_rate,
        completion_rate=whole.completion_rate,
        overdue_steps=int(sums["overdue"]),
        mean_rating=whole.mean_rating,
        nps=whole.nps,
    )
    for figure, unit in _CONTRIBUTORS.items():
        count = int(sums[unit])
        if 0 < count < m:
            totals = _without(totals, figure)
            reason = f"{count} {_UNITS[figure]}, fewer than {m}"
            suppressed.append(Suppressed(grouping=TOTALS, group="all", figure=figure,
                                         reason=reason))  # fmt: skip
    if n < m:
        totals = Totals(**dict.fromkeys(totals))
        reason = f"{n} participants, fewer than {m}"
        suppressed.append(Suppressed(grouping=TOTALS, group="all", reason=reason))
    return totals


def _engagement(
    tracker: Tracker, series: IntArray, m: int, suppressed: list[Suppressed]
) -> Engagement:
    """People active and enrolled per day; a day with 1 to ``m - 1`` enrolled shows no activity."""
    schedule = tracker.schedule
    enrolled_day = np.bincount(
        np.clip(schedule.start_seconds // SECONDS_PER_DAY - schedule.epoch_day, 0, None),
        minlength=len(series))[: len(series)].cumsum()  # fmt: skip
    points = []
    for d in range(len(series)):
        date = dt.date(1970, 1, 1) + dt.timedelta(days=schedule.epoch_day + d)
        enrolled = int(enrolled_day[d])
        active = int(series[d]) if enrolled >= m else None
        if enrolled < m and enrolled > 0:
            reason = f"{enrolled} enrolled, fewer than {m}"
            suppressed.append(Suppressed(grouping=ENGAGEMENT, group=date.isoformat(),
                                         reason=reason))  # fmt: skip
        points.append(Point(date=date, active=active, enrolled=enrolled))
    return Engagement(window_days=tracker.window_days, series=tuple(points))


def _funnel(
    tracker: Tracker, at: int, due: IntArray, m: int, suppressed: list[Suppressed]
) -> tuple[Step, ...]:
    """Per step, due and completed by `at`; a step due for 1 to ``m - 1`` hides its completions."""
    schedule, progress = tracker.schedule, tracker.progress
    steps = schedule.template.steps
    step = schedule.step.astype(np.intp)
    due_by = due <= at
    done_by = progress.first_done <= at
    due_count = np.bincount(step, due_by, minlength=len(steps))
    done_count = np.bincount(step, due_by & done_by, minlength=len(steps))
    present = np.bincount(step, minlength=len(steps))
    finished = np.flatnonzero(due_by & done_by)
    days_taken = (progress.first_done[finished] - due[finished]) / SECONDS_PER_DAY
    order = np.lexsort((days_taken, step[finished]))
    sorted_steps, sorted_days = step[finished][order], days_taken[order]
    bounds = np.searchsorted(sorted_steps, np.arange(len(steps) + 1))
    funnel = []
    for i, s in enumerate(steps):
        if present[i] == 0:
            continue
        lo, hi = bounds[i], bounds[i + 1]
        median = float(np.median(sorted_days[lo:hi])) if hi > lo else None
        entry = Step(step=s.id, kind=s.kind.value, due=int(due_count[i]),
                     completed=int(done_count[i]), median_days_to_complete=median)  # fmt: skip
        if 0 < due_count[i] < m:
            entry = attrs.evolve(entry, completed=None, median_days_to_complete=None)
            reason = f"due for {int(due_count[i])} participants, fewer than {m}"
            suppressed.append(Suppressed(grouping=FUNNEL, group=s.id, reason=reason))
        funnel.append(entry)
    return tuple(funnel)


def _groups(
    tracker: Tracker,
    person: Mapping[str, FloatArray],
    x: FloatArray,
    y: FloatArray,
    paired: BoolArray,
    m: int,
    suppressed: list[Suppressed],
) -> dict[str, tuple[GroupRow, ...]]:
    """Per grouping, the shown groups' figures; small groups and their complements hidden.

    Per grouping, groups of fewer than `m` participants are hidden, with complementary
    suppression; then the same rule runs for each figure on the people it describes.
    """
    grouped: dict[str, tuple[GroupRow, ...]] = {}
    for grouping, (names, codes) in tracker.groups.items():
        k = len(names)
        sums = {key: np.bincount(codes, value, minlength=k) for key, value in person.items()}
        moments = CoMoments.of(x[paired], y[paired], codes[paired], k)
        counts = sums["participants"].astype(np.int64)
        primary, extra = suppress_small_groups(counts, m)
        hidden = primary | extra
        for i in sorted(primary):
            reason = f"{_people(int(counts[i]))}, fewer than {m}"
            suppressed.append(Suppressed(grouping=grouping, group=names[i], reason=reason))
        for i in sorted(extra):
            reason = f"complementary: protects {', '.join(names[j] for j in sorted(primary))}"
            suppressed.append(Suppressed(grouping=grouping, group=names[i], reason=reason))
        hidden_figures: dict[int, set[str]] = {}
        for figure, unit in _CONTRIBUTORS.items():
            c = sums[unit].astype(np.int64)
            p_f, x_f = _suppress_figure(c, m, hidden)
            for i in sorted((p_f | x_f) - hidden):
                hidden_figures.setdefault(i, set()).add(figure)
                if i in p_f:
                    reason = f"{int(c[i])} {_UNITS[figure]}, fewer than {m}"
                else:
                    reason = f"complementary: protects {', '.join(names[j] for j in sorted(p_f))}"
                suppressed.append(Suppressed(grouping=grouping, group=names[i], figure=figure,
                                             reason=reason))  # fmt: skip
        rows = []
        for i in range(k):
            if i in hidden:
                continue
            row = _figures(names[i], {kk: float(v[i]) for kk, v in sums.items()}, moments, i,
                           tracker.level)  # fmt: skip
            for figure in hidden_figures.get(i, ()):
                row = _without(row, figure)
            rows.append(row)
        grouped[grouping] = tuple(rows)
    return grouped


def _suppress_figure(c: IntArray, m: int, hidden: set[int]) -> tuple[set[int], set[int]]:
    """Primary and complementary suppressions of one figure whose cells describe `c` people.

    The groups already hidden stay hidden; a shown cell describing 1 to ``m - 1`` people is
    hidden too (a cell describing nobody has no value to hide); then, as in
    ``sparkus._privacy.suppress_small_groups``, further cells, smallest first, until the
    hidden cells describe at least `m` people in at least two cells, or every cell is hidden.
    """
    primary = set(hidden) | {int(i) for i in np.flatnonzero((c > 0) & (c < m))}
    extra: set[int] = set()
    if not primary:
        return primary, extra
    order = [int(i) for i in np.argsort(c, kind="stable") if int(i) not in primary and c[i] > 0]
    for i in order:
        cells = sorted(primary | extra)
        if len(cells) >= 2 and int(c[cells].sum()) >= m:
            break
        extra.add(i)
    return primary, extra
