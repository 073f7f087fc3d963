"""Small organisations written event by event, and the cells their dashboards publish.

:func:`tracker_of` makes a tracker of `n` people with given groupings; :func:`events` writes
events as rows ``(person, kind, step, day, value)``; :func:`published` turns a snapshot into
the verifier's figures: who each published cell aggregates (from the tracker's exact per-person
figures) and the value the dashboard shows (read from the dashboard, not from the decision that
made it), so the verifier checks the document as an attacker reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np

from sparkus.metrics import Dashboard, Tracker
from sparkus.metrics._tracking.figures import exact_figures
from sparkus.metrics._tracking.snapshot import seconds
from sparkus.model import CostModel, Goal, Program, Season, SupportType, default_journey, schedule_journeys
from sparkus.privacy import Cell, Figure

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])


def day(d: float) -> dt.datetime:
    """`d` days after the start (noon on day 0 is 0.5)."""
    return START + dt.timedelta(days=d)


def tracker_of(labels: Mapping[str, Sequence[str]], *, k: int = 5,
               start_days: Sequence[int] | None = None) -> Tracker:
    """A coaching program of as many people as the groupings label, all on the default journey."""
    n = len(next(iter(labels.values())))
    program = Program("Pilot", (Goal.LEADERSHIP_DEVELOPMENT,), Season.WINTER, 1e5, "EUR",
                      CostModel({SupportType.COACHING: 200.0}), TEMPLATE, min_group_size=k)
    starts = START if start_days is None else [day(s) for s in start_days]
    schedule = schedule_journeys(TEMPLATE, [f"p{i:03d}" for i in range(n)],
                                 [SupportType.COACHING] * n, [4] * n, start=starts)
    return Tracker(program, schedule, groups={g: np.asarray(v) for g, v in labels.items()})


def events(rows: Sequence[tuple[int, str, str, float, float]]) -> dict[str, object]:
    """Event columns from rows ``(person, kind, step, day, value)``."""
    base = np.datetime64("2027-01-04T00:00", "s")
    return {
        "id": np.arange(len(rows)),
        "participant": np.array([f"p{r[0]:03d}" for r in rows]),
        "kind": np.array([r[1] for r in rows]),
        "step": np.array([r[2] for r in rows]),
        "time": np.array([base + int(round(r[3] * 86_400)) for r in rows]),
        "value": np.array([r[4] for r in rows], dtype=float),
    }


def _value(row: object, field: str) -> object:
    return None if row is None else row[field]  # type: ignore[index]


def published(tracker: Tracker, snap: Dashboard, *, release: int = 0) -> dict[str, Figure]:
    """The verifier's figures for everything `snap` publishes (one population per figure)."""
    at = seconds(dt.datetime.fromisoformat(snap.as_of))
    exact = exact_figures(tracker, at)
    person = exact.person
    n = len(person["participants"])
    groups = {g: (names, codes) for g, (names, codes) in tracker.groups.items()}
    rows = {g: {r.group: r for r in snap.groups[g]} for g in groups}
    everyone = np.ones(n, dtype=bool)

    def cells(contrib, value_of, total_value, total=True):
        out = [Cell("all", everyone & contrib, total_value, release=release)] if total else []
        for g, (names, codes) in groups.items():
            for i, name in enumerate(names):
                row = rows[g].get(name)
                out.append(Cell(f"{g}={name}", (codes == i) & contrib,
                                None if row is None else value_of(row), release=release))
        return out

    def count(x):
        return None if x is None else round(x)

    started = person["started"] > 0
    t = snap.totals
    active = cells(started, lambda r: r.active, t.active)
    point = exact.as_of_point
    if point >= 0:
        shown = snap.engagement.series[point].active
        active.append(Cell("engagement", exact.enrolled_now | exact.window_active, shown,
                           release=release))
    figures = {"active": Figure("active", active)}
    rating_n = person["rating_n"]
    raters = rating_n > 0

    def rated(rate, scale):
        return lambda r: None if r[rate] is None else r[rate] * scale(r)

    def raters_of(mask):
        return float(rating_n[mask].sum())

    by_name = {}
    for g, (names, codes) in groups.items():
        for i, name in enumerate(names):
            by_name[name] = raters_of(codes == i)
    total_ratings = raters_of(everyone)
    figures["rating"] = Figure("rating", cells(
        raters, lambda r: None if r.mean_rating is None else r.mean_rating * by_name[r.group],
        None if t.mean_rating is None else t.mean_rating * total_ratings),
        kind="sum", low=np.zeros(n), high=10.0 * rating_n)
    figures["nps"] = Figure("nps", cells(
        raters, lambda r: count(None if r.nps is None else r.nps * by_name[r.group] / 100),
        count(None if t.nps is None else t.nps * total_ratings / 100)),
        kind="count", low=-rating_n, high=rating_n)
    paired = exact.paired
    change = np.zeros(n)
    change[paired] = exact.y[paired] - exact.x[paired]
    lo, hi = (change[paired].min(), change[paired].max()) if paired.any() else (0.0, 0.0)

    def progress_sum(row):
        p = row.progress if row is not None else None
        return None if p is None else p.estimate * p.n

    figures["progress"] = Figure("progress", cells(paired, progress_sum, None, total=False),
                                 kind="sum", low=np.full(n, lo), high=np.full(n, hi))
    # completion: one unit per slot
    due = exact.slot_due
    req = due & exact.slot_required
    row_of = exact.slot_row
    slots = []
    t_due = float(req.sum())
    slots.append(Cell("all", req, count(None if t.completion_rate is None else
                                        t.completion_rate * t_due), release=release))
    for g, (names, codes) in groups.items():
        for i, name in enumerate(names):
            mask = req & (codes[row_of] == i)
            row = rows[g].get(name)
            rate = None if row is None else row.completion_rate
            slots.append(Cell(f"{g}={name}", mask, count(None if rate is None else
                                                         rate * float(mask.sum())),
                              release=release))
    for step in snap.funnel:
        s = tracker.schedule.step_ids.index(step.step)
        slots.append(Cell(f"funnel={step.step}", due & (exact.slot_step == s), step.completed,
                          release=release))
    figures["completion"] = Figure("completion", slots)
    return figures
