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
from sparkus.model import (
    CostModel,
    Goal,
    Program,
    Season,
    SupportType,
    default_journey,
    schedule_journeys,
)
from sparkus.privacy import Cell, Figure

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])


def day(d: float) -> dt.datetime:
    """`d` days after the start (noon on day 0 is 0.5)."""
    return START + dt.timedelta(days=d)


def pilot(k: int = 5) -> Program:
    """The coaching program of these organisations, with minimum group size `k`."""
    return Program("Pilot", (Goal.LEADERSHIP_DEVELOPMENT,), Season.WINTER, 1e5, "EUR",
                   CostModel({SupportType.COACHING: 200.0}), TEMPLATE, min_group_size=k)  # fmt: skip


def tracker_of(
    labels: Mapping[str, Sequence[str]],
    *,
    k: int = 5,
    start_days: Sequence[int] | None = None,
    window_days: int = 14,
) -> Tracker:
    """A coaching program of as many people as the groupings label, all on the default journey."""
    n = len(next(iter(labels.values())))
    program = pilot(k)
    starts = START if start_days is None else [day(s) for s in start_days]
    schedule = schedule_journeys(
        TEMPLATE, [f"p{i:03d}" for i in range(n)], [SupportType.COACHING] * n, [4] * n, start=starts
    )
    groups = {g: np.asarray(v) for g, v in labels.items()}
    return Tracker(program, schedule, groups=groups, window_days=window_days)


def events(
    rows: Sequence[tuple[int, str, str, float, float]], *, first_id: int = 0
) -> dict[str, object]:
    """Event columns from rows ``(person, kind, step, day, value)``, ids from `first_id`."""
    base = np.datetime64("2027-01-04T00:00", "s")
    return {
        "id": np.arange(first_id, first_id + len(rows)),
        "participant": np.array([f"p{r[0]:03d}" for r in rows]),
        "kind": np.array([r[1] for r in rows]),
        "step": np.array([r[2] for r in rows]),
        "time": np.array([base + round(r[3] * 86_400) for r in rows]),
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
                out.append(
                    Cell(
                        f"{g}={name}",
                        (codes == i) & contrib,
                        None if row is None else value_of(row, g),
                        release=release,
                    )
                )
        return out

    def count(x):
        return None if x is None else round(x)

    started = person["started"] > 0
    t = snap.totals
    active = cells(started, lambda r, g: r.active, t.active)
    point = exact.as_of_point
    if point >= 0:
        shown = snap.engagement.series[point].active
        active.append(
            Cell("engagement", exact.enrolled_now | exact.window_active, shown, release=release)
        )
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
            by_name[g, name] = raters_of(codes == i)  # labels may repeat across groupings
    total_ratings = raters_of(everyone)
    figures["rating"] = Figure(
        "rating",
        cells(
            raters,
            lambda r, g: None if r.mean_rating is None else r.mean_rating * by_name[g, r.group],
            None if t.mean_rating is None else t.mean_rating * total_ratings,
        ),
        kind="sum",
        low=np.zeros(n),
        high=10.0 * rating_n,
    )
    figures["nps"] = Figure(
        "nps",
        cells(
            raters,
            lambda r, g: count(None if r.nps is None else r.nps * by_name[g, r.group] / 100),
            count(None if t.nps is None else t.nps * total_ratings / 100),
        ),
        kind="count",
        low=-rating_n,
        high=rating_n,
    )
    paired = exact.paired
    change = np.zeros(n)
    change[paired] = exact.y[paired] - exact.x[paired]
    lo, hi = (change[paired].min(), change[paired].max()) if paired.any() else (0.0, 0.0)

    def progress_sum(row, grouping):
        p = row.progress if row is not None else None
        return None if p is None else p.estimate * p.n

    figures["progress"] = Figure(
        "progress",
        cells(paired, progress_sum, None, total=False),
        kind="sum",
        low=np.full(n, lo),
        high=np.full(n, hi),
    )
    # completion: one unit per slot
    due = exact.slot_due
    req = due & exact.slot_required
    row_of = exact.slot_row
    slots = []
    t_due = float(req.sum())
    slots.append(
        Cell(
            "all",
            req,
            count(None if t.completion_rate is None else t.completion_rate * t_due),
            release=release,
        )
    )
    for g, (names, codes) in groups.items():
        for i, name in enumerate(names):
            mask = req & (codes[row_of] == i)
            row = rows[g].get(name)
            rate = None if row is None else row.completion_rate
            slots.append(
                Cell(
                    f"{g}={name}",
                    mask,
                    count(None if rate is None else rate * float(mask.sum())),
                    release=release,
                )
            )
    for step in snap.funnel:
        s = tracker.schedule.step_ids.index(step.step)
        slots.append(
            Cell(
                f"funnel={step.step}", due & (exact.slot_step == s), step.completed, release=release
            )
        )
    figures["completion"] = Figure("completion", slots)
    return figures


def person_range(
    n: int,
    published: Sequence[tuple[np.ndarray, float]],
    target: np.ndarray,
    low: float | np.ndarray = 0.0,
    high: float | np.ndarray = 1.0,
    *,
    integer: bool = True,
) -> tuple[float, float]:
    """The least and the most ``sum(x[target])`` can be, as an attacker with one variable per
    person solves it: ``low <= x <= high`` (whole numbers if `integer`) and, for every
    published ``(mask, total)``, ``sum(x[mask]) == total``.

    Independent of :mod:`sparkus._privacy` (no atoms, no box, no witnesses): scipy's HiGHS
    directly, ``milp`` for whole numbers, ``linprog`` otherwise.
    """
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    lo = np.broadcast_to(np.asarray(low, dtype=float), (n,))
    hi = np.broadcast_to(np.asarray(high, dtype=float), (n,))
    a = np.array([np.asarray(m, dtype=float) for m, _ in published]).reshape(-1, n)
    b = np.array([float(v) for _, v in published])
    c = np.asarray(target, dtype=float)
    ends = []
    for sign in (1.0, -1.0):
        if integer:
            res = milp(
                sign * c,
                integrality=np.ones(n),
                bounds=Bounds(lo, hi),
                constraints=[LinearConstraint(a, b, b)] if len(b) else [],
            )
            assert res.status == 0, res.message
            ends.append(sign * float(res.fun))
        else:
            res = linprog(
                sign * c,
                A_eq=a if len(b) else None,
                b_eq=b if len(b) else None,
                bounds=np.column_stack([lo, hi]),
                method="highs",
            )
            assert res.status == 0, res.message
            ends.append(sign * float(res.fun))
    return ends[0], ends[1]


def as_mask(members: np.ndarray, n: int) -> np.ndarray:
    """Row indices or a boolean mask, as a boolean mask over `n` people."""
    members = np.asarray(members)
    if members.dtype == bool:
        return members
    out = np.zeros(n, dtype=bool)
    out[members] = True
    return out


def figure_range(figure: Figure, target: np.ndarray, n: int) -> tuple[float, float]:
    """:func:`person_range` for a :class:`~sparkus.privacy.Figure`: every published cell (all
    releases, unchanged values) as a constraint; the range in the figure's units (a mean's
    range is the sum's divided by the target's people)."""
    published = []
    for cell in figure.cells:
        if cell.value is None:
            continue
        mask = as_mask(cell.members, n)
        total = cell.value * mask.sum() if figure.kind == "mean" else cell.value
        published.append((mask, total))
    low, high = person_range(
        n, published, target, figure.low, figure.high, integer=figure.kind == "count"
    )
    if figure.kind == "mean":
        people = int(np.asarray(target, dtype=bool).sum())
        return low / people, high / people
    return low, high


def released(tracker: Tracker, snaps: Sequence[Dashboard]) -> list[Figure]:
    """Every figure of several releases of `tracker` as one verifier input: each snapshot's
    cells with ``release`` 0, 1, ... and, per person, the widest bounds of any of them."""
    merged: dict[str, list[Figure]] = {}
    for r, snap in enumerate(snaps):
        for name, figure in published(tracker, snap, release=r).items():
            merged.setdefault(name, []).append(figure)
    out = []
    for name, figures in merged.items():
        low = np.min(np.broadcast_arrays(*[np.asarray(f.low) for f in figures]), axis=0)
        high = np.max(np.broadcast_arrays(*[np.asarray(f.high) for f in figures]), axis=0)
        cells = [c for f in figures for c in f.cells]
        out.append(Figure(name, cells, kind=figures[0].kind, low=low, high=high))
    return out


def random_completions(
    labels: Mapping[str, Sequence[str]], n: int, rng: np.random.Generator
) -> Tracker:
    """The red-team searches' tracker: random start days, each step completed on its due day
    with one random probability (the draws in the order the seeded cases were found with)."""
    options = [0, 1, 3, 4, 7, 10, 11, 14, 20]
    startset = rng.choice(options, size=int(rng.integers(2, 5)), replace=False)
    tracker = tracker_of(labels, start_days=[int(s) for s in rng.choice(startset, n)])
    schedule = tracker.schedule
    done = rng.uniform(0.2, 0.9)
    base = np.datetime64("2027-01-04T00:00", "s")
    rows = []
    for slot in range(schedule.n_slots):
        if rng.random() < done:
            due = float((schedule.due[slot] - base) / np.timedelta64(1, "D"))
            step = schedule.step_ids[int(schedule.step[slot])]
            rows.append((int(schedule.row[slot]), "step_completed", step, due + 0.01, np.nan))
    tracker.update(events(rows))
    return tracker
