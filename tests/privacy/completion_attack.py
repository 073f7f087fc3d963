"""The completion attacker of the red team (session 16) and its random organisations.

The attacker holds every release and knows which steps are due when; it solves a
whole-number program in scipy's HiGHS ``milp`` with one 0/1 variable per due step and
release, each published cell an equality on its release's variables, and
``x[s, r] <= x[s, r + 1]`` (a completion is final). It is independent of sparkus._privacy.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from sparkus.metrics._tracking.figures import exact_figures
from sparkus.metrics._tracking.snapshot import seconds
from tests.privacy.world import day, events, tracker_of

__all__ = ["cells", "narrowed", "organisation", "width"]


def cells(tracker, snap):
    """Each completion cell of `snap`: (name, slots due, count shown or None), and its slots."""
    exact = exact_figures(tracker, seconds(dt.datetime.fromisoformat(snap.as_of)))
    due, row = exact.slot_due, exact.slot_row
    required = due & exact.slot_required
    rate = snap.totals.completion_rate
    out = [("all", required, None if rate is None else round(rate * required.sum()))]
    for g, (names, codes) in tracker.groups.items():
        shown = {r.group: r.completion_rate for r in snap.groups[g]}
        for i, name in enumerate(names):
            mask = required & (codes[row] == i)
            rate = shown.get(name)
            out.append((f"{g}={name}", mask, None if rate is None else round(rate * mask.sum())))
    for f in snap.funnel:
        mask = due & (exact.slot_step == tracker.schedule.step_ids.index(f.step))
        out.append((f"funnel={f.step}", mask, f.completed))
    return [c for c in out if c[1].any()], due, row


def organisation(seed):
    """A random organisation and its releases: (tracker, [(event rows, day)], k)."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(10, 36)), int(rng.integers(3, 6))
    dept = [f"D{x}" for x in rng.choice(int(rng.integers(2, 4)), n)]
    level = [f"L{x}" for x in rng.choice(3, n, p=rng.dirichlet(np.ones(3) * 0.6))]
    rng.random()  # the red team's draw of whether a second grouping is used
    starts = [int(s) for s in rng.choice(rng.choice([0, 3, 7, 10, 14], int(rng.integers(1, 4)),
                                                    replace=False), n)]  # fmt: skip
    tracker = tracker_of({"dept": dept, "level": level}, k=k, start_days=starts)
    schedule = tracker.schedule
    n_releases, first = int(rng.integers(2, 5)), float(rng.integers(8, 40)) + 0.5
    gap = int(rng.choice([3, 7, 7, 14]))
    base = np.datetime64("2027-01-04T00:00", "s")
    done, pending = rng.uniform(0.3, 0.95), []
    for s in range(schedule.n_slots):
        due = float((schedule.due[s] - base) / np.timedelta64(1, "D"))
        i, step, u = int(schedule.row[s]), schedule.step_ids[int(schedule.step[s])], rng.random()
        if u < done:
            t = due + float(rng.choice([-0.5, 0.1, 0.1, 1.2, 3.5, 8.2]))
            lag = 0.0 if rng.random() < 0.7 else float(rng.uniform(0, 15))
            pending.append((t + lag, (i, "step_completed", step, t, np.nan)))
        elif u < done + 0.05:
            pending.append((due + 1.0, (i, "step_missed", step, due + 1.0, np.nan)))
    pending.sort(key=lambda e: e[0])
    batches, seen = [], 0
    for r in range(n_releases):
        d = first + gap * r
        batch = [e for arrival, e in pending[seen:] if arrival <= d]
        seen += len(batch)
        batches.append(([e for e in batch if e[3] <= d], d))
    return tracker, batches, k


def width(releases, r, mask, given):
    """Least to most of release `r`'s count over `mask`, given the cells of releases `given`.

    Every release up to the last in `given` (and `r`) has its variables, ordered.
    """
    last = max([*given, r])
    due = [d for _, d, _ in releases[: last + 1]]
    index, nv = [], 0
    for d in due:
        index.append(np.where(d, np.arange(len(d)) + nv, -1))
        nv += len(d)
    rows, bounds = [], []
    for q in given:
        for _, m, value in releases[q][0]:
            if value is not None:
                k = int(m.sum())
                rows.append(sparse.csr_matrix((np.ones(k), (np.zeros(k), index[q][m])),
                                              shape=(1, nv)))  # fmt: skip
                bounds.append(value)
    limits = [LinearConstraint(sparse.vstack(rows), bounds, bounds)] if rows else []
    for q in range(len(due) - 1):  # completion is final
        both = np.flatnonzero(due[q] & due[q + 1])
        k = len(both)
        pairs = sparse.csr_matrix(
            (np.r_[np.ones(k), -np.ones(k)],
             (np.r_[np.arange(k), np.arange(k)], np.r_[index[q][both], index[q + 1][both]])),
            shape=(k, nv),
        )  # fmt: skip
        limits.append(LinearConstraint(pairs, -np.inf, 0))
    c = np.zeros(nv)
    c[index[r][mask]] = 1.0
    ends = []
    for sign in (1.0, -1.0):
        res = milp(sign * c, integrality=np.ones(nv), constraints=limits,
                   bounds=Bounds(0, np.concatenate([d.astype(float) for d in due])))  # fmt: skip
        assert res.status == 0, res.message
        ends.append(sign * float(res.fun))
    return ends[1] - ends[0]


def narrowed(tracker, batches, k):
    """The hidden cells narrowed below what they must keep, the batches released in turn.

    A hidden cell of release ``r`` must keep the least of its width, what release ``r`` alone
    leaves it, and what the releases before ``r`` leave it.
    """
    releases, first = [], 0
    for rows, d in batches:
        if rows:
            tracker.update(events(rows, first_id=first))
            first += len(rows)
        releases.append(cells(tracker, tracker.snapshot(day(d))))
    every = list(range(len(releases)))
    out = []
    for r, (published, _, row) in enumerate(releases):
        for name, mask, value in published:
            if value is not None:
                continue
            people = len(set(row[mask].tolist()))
            keep = 0.5 * min(k, people) / people * mask.sum()
            wide = width(releases, r, mask, every)
            for given in ([r], list(range(r))) if wide < keep - 1e-9 else ():
                if given:  # the first release has none before it
                    keep = min(keep, width(releases, r, mask, given))
            if wide < keep - 1e-9:
                out.append((r, name, wide, keep))
    return out
