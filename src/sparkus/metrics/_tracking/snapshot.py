"""The privacy-safe dashboard of a tracker's state at a moment: what ``Tracker.snapshot`` computes.

Three steps, each in its own module: the exact figures (:func:`~sparkus.metrics._tracking.
figures.exact_figures`: per participant and per slot, computed once), the cells to hide
(:func:`~sparkus.metrics._tracking.protection.decide`: the minimum group size, the change
rule against earlier releases, and linked complementary suppression verified by the attacker's
linear programs), and here, the dashboard assembled from the two, each hidden cell listed with
the rule that hid it. A release mechanism that publishes noisy values instead of exact ones
(differential privacy) plugs in between the first two steps and this one: :func:`dashboard_at`
is where the exact figures and the decision meet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._privacy import COMPLEMENTARY, EARLIER, SMALL, UNRELEASED
from sparkus.metrics._tracking.figures import Exact, exact_figures, group_row
from sparkus.metrics._tracking.moments import CoMoments
from sparkus.metrics._tracking.protection import Decision, decide
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
    Roi,
    Step,
    Suppressed,
    Totals,
)
from sparkus.model import JourneyProgress

if TYPE_CHECKING:
    from sparkus.metrics._tracking.tracker import Tracker

__all__ = ["EPOCH", "SECONDS_PER_DAY", "dashboard_at", "latest_moment", "seconds", "shown_point"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
_Figures = TypeVar("_Figures", GroupRow, Totals)

EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The tracker's clock counts seconds from here."""
SECONDS_PER_DAY: Final = 86_400
_FIGURES: Final = ("participation", "completion", "rating", "progress")


def seconds(moment: dt.datetime) -> int:
    """An aware datetime on the tracker's clock: whole seconds since 1970-01-01 UTC."""
    return int((moment - EPOCH).total_seconds() // 1)


def latest_moment(progress: JourneyProgress) -> int | None:
    """The moment of the latest event in `progress`, on the tracker's clock (None before any).

    An active day counts as its last second: the state keeps days, not times, of activity.
    """
    p = progress
    candidates = [int(a.max()) for a in (p.rating_time, p.score_time, p.moved_time)
                  if len(a) and a.max() != JourneyProgress.UNSET]  # fmt: skip
    if len(p.status) and p.status.max() != JourneyProgress.UNSET:
        candidates.append(int(p.status.max()) >> 2)
    done = p.first_done[p.first_done != JourneyProgress.NEVER]
    if len(done):
        candidates.append(int(done.max()))
    if p.active.size:
        word_or = np.bitwise_or.reduce(p.active, axis=0)
        used = np.flatnonzero(word_or)
        if len(used):
            w = int(used[-1])
            last_day = w * 64 + int(word_or[w]).bit_length() - 1
            candidates.append((p.schedule.epoch_day + last_day + 1) * SECONDS_PER_DAY - 1)
    return max(candidates) if candidates else None


def _iso(at: int) -> str:
    return (EPOCH + dt.timedelta(seconds=int(at))).isoformat()


def _without(record: _Figures, figure: str) -> _Figures:
    """`record` with the fields of `figure` withheld (None)."""
    withheld: dict[str, Any] = dict.fromkeys(f for f in FIGURE_FIELDS[figure] if f in record)
    return attrs.evolve(record, **withheld)


def dashboard_at(
    tracker: Tracker,
    at: int,
    impact: Impact | None = None,
    roi: Roi | None = None,
    *,
    secondary: bool = True,
) -> tuple[Dashboard, Decision]:
    """The dashboard of `tracker` at `at` (seconds on the tracker's clock), and its decision.

    `impact` and `roi` are shown as given. The decision protects the snapshot together with
    the tracker's earlier releases; the caller records it in the ledger if it is a release.
    `secondary=False` applies only the minimum group size and the change rule (for tests and
    benchmarks that show what linked suppression adds).
    """
    m = tracker.program.min_group_size
    exact = exact_figures(tracker, at)  # the true figures, once
    decision = decide(tracker, exact, tracker.ledger, m, secondary=secondary)
    # A mechanism publishing noisy values would compute them here, from `exact`, for the cells
    # `decision` leaves shown, and pass them to the assembly below instead of the exact ones.
    suppressed: list[Suppressed] = []  # each part adds its hidden cells, in document order
    totals = _totals(tracker, exact, decision, m, suppressed)
    engagement = _engagement(tracker, exact, decision, m, suppressed)
    funnel = _funnel(tracker, exact, decision, suppressed)
    groups = _groups(tracker, exact, decision, m, suppressed)
    dashboard = Dashboard(
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
    return dashboard, decision


def _totals(
    tracker: Tracker, exact: Exact, decision: Decision, m: int, suppressed: list[Suppressed]
) -> Totals:
    """The program-wide figures; each figure hidden as the decision says."""
    person = exact.person
    n = len(person["participants"])
    paired = exact.paired
    everyone = CoMoments.of(exact.x[paired], exact.y[paired], np.zeros(int(paired.sum()),
                                                                        np.intp), 1)  # fmt: skip
    sums = {k: float(np.sum(v)) for k, v in person.items()}
    whole = group_row(TOTALS, sums, everyone, 0, tracker.level)
    totals = Totals(
        participants=n,
        active=whole.active,
        participation_rate=whole.participation_rate,
        completion_rate=whole.completion_rate,
        overdue_steps=int(sums["overdue"]),
        mean_rating=whole.mean_rating,
        nps=whole.nps,
    )
    if n < m:
        suppressed.append(Suppressed(grouping=TOTALS, group="all", reason=SMALL))
        return Totals(**dict.fromkeys(totals))
    for figure in _FIGURES:
        reason = decision.hidden[figure][0].get(0)
        if reason is not None:
            totals = _without(totals, figure)
            suppressed.append(Suppressed(grouping=TOTALS, group="all", figure=figure,
                                         reason=reason))  # fmt: skip
    if totals.overdue_steps is not None and any(decision.hidden["completion"]):
        # Overdue steps are the due steps still open, optional ones too, and no cell of the
        # protected table: with the published steps' due and completed counts they bound a
        # hidden cell's completions (each published step's due less completed bounds its open
        # ones, so the rest are the hidden cells'). Shown only while every completion cell is.
        totals = _without(totals, "overdue")
        suppressed.append(Suppressed(grouping=TOTALS, group="all", figure="overdue",
                                     reason=COMPLEMENTARY))  # fmt: skip
    return totals


def _engagement(
    tracker: Tracker, exact: Exact, decision: Decision, m: int, suppressed: list[Suppressed]
) -> Engagement:
    """People active and enrolled per day.

    Only the as_of day is a cell of the protected table; a day before it is shown as a release
    showed it as its as_of point, and withheld if none did (it would give back a withheld total
    or a newcomer's activity). A day is withheld when it describes fewer than the minimum, when
    it is the as_of day and the decision hides it, when an earlier release withheld it, or when
    no release showed it. Consecutive days withheld for one reason are one entry of
    `suppressed`, their group the ISO 8601 interval ``first/last``.
    """
    schedule = tracker.schedule
    withheld, released = tracker.ledger.withheld, tracker.ledger.points
    point_reason = decision.hidden["participation"][-1].get(0)
    points = []
    runs: list[list[Any]] = []  # [first date, last date, reason] of consecutive days withheld
    for d in range(len(exact.series)):
        date = dt.date(1970, 1, 1) + dt.timedelta(days=schedule.epoch_day + d)
        enrolled = int(exact.enrolled_day[d])
        reason = None
        if 0 < enrolled < m:
            reason = SMALL
        elif d == exact.as_of_point and point_reason is not None:
            reason = point_reason
        elif d != exact.as_of_point and d not in released and enrolled > 0:
            reason = EARLIER if d in withheld else UNRELEASED
        elif d == exact.as_of_point and d in withheld and enrolled > 0:
            reason = EARLIER
        if reason is not None:
            if runs and runs[-1][2] == reason and runs[-1][1] == date - dt.timedelta(days=1):
                runs[-1][1] = date
            else:
                runs.append([date, date, reason])
        active = None if reason is not None or enrolled == 0 else int(exact.series[d])
        if active is not None and d != exact.as_of_point:
            active = released[d]  # as that release showed it
        points.append(Point(date=date, active=active, enrolled=enrolled))
    for first, last, reason in runs:  # a run of days as an ISO 8601 interval, start/end
        days = first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"
        suppressed.append(Suppressed(grouping=ENGAGEMENT, group=days, reason=reason))
    return Engagement(window_days=tracker.window_days, series=tuple(points))


def shown_point(dashboard: Dashboard) -> int | None:
    """People active on `dashboard`'s as_of day as it shows them (None: withheld or no point)."""
    series = dashboard.engagement.series
    if series and series[-1].date == dt.datetime.fromisoformat(dashboard.as_of).date():
        return series[-1].active
    return None


def _funnel(
    tracker: Tracker, exact: Exact, decision: Decision, suppressed: list[Suppressed]
) -> tuple[Step, ...]:
    """Per step, due and completed by `at`; a hidden step shows no completions."""
    hidden = decision.hidden["completion"][-1]
    funnel = []
    for i, s in enumerate(tracker.schedule.template.steps):
        if exact.funnel_present[i] == 0:
            continue
        entry = Step(step=s.id, kind=s.kind.value, due=int(exact.funnel_due[i]),
                     completed=int(exact.funnel_done[i]),
                     median_days_to_complete=exact.funnel_median[i])  # fmt: skip
        if i in hidden:
            entry = attrs.evolve(entry, completed=None, median_days_to_complete=None)
            suppressed.append(Suppressed(grouping=FUNNEL, group=s.id, reason=hidden[i]))
        funnel.append(entry)
    return tuple(funnel)


def _groups(
    tracker: Tracker, exact: Exact, decision: Decision, m: int, suppressed: list[Suppressed]
) -> dict[str, tuple[GroupRow, ...]]:
    """Per grouping, the shown groups' figures.

    A group of fewer than `m` participants is hidden whole, and each figure of the others as
    the decision says.
    """
    person, paired = exact.person, exact.paired
    grouped: dict[str, tuple[GroupRow, ...]] = {}
    for j, (grouping, (names, codes)) in enumerate(tracker.groups.items(), start=1):
        k = len(names)
        sums: Mapping[str, FloatArray] = {
            key: np.bincount(codes, value, minlength=k).astype(np.float64)
            for key, value in person.items()
        }
        moments = CoMoments.of(exact.x[paired], exact.y[paired], codes[paired], k)
        counts = sums["participants"]
        rows = []
        for i in range(k):
            if 0 < counts[i] < m:
                suppressed.append(Suppressed(grouping=grouping, group=names[i], reason=SMALL))
                continue
            if counts[i] == 0:
                continue
            row = group_row(names[i], {kk: float(v[i]) for kk, v in sums.items()}, moments, i,
                            tracker.level)  # fmt: skip
            for figure in _FIGURES:
                reason = decision.hidden[figure][j].get(i)
                if reason is not None:
                    row = _without(row, figure)
                    suppressed.append(Suppressed(grouping=grouping, group=names[i],
                                                 figure=figure, reason=reason))  # fmt: skip
            rows.append(row)
        grouped[grouping] = tuple(rows)
    return grouped
