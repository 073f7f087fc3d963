"""Completion is final: releases read together pin what each release alone kept wide.

A step once completed stays completed (:class:`~sparkus.model.StepState`), so the attacker
of the threat model, who holds every release, knows each slot's value in a later release is at
least its value in an earlier one. When a step is completed between two releases, the
protection's reading of the releases as one (unchanged values) cannot hold, and today's
release stands alone; the monotone reading still holds and is what the attacker uses:

- *sandwich*: two departments of six; between the releases one old step is completed and
  three people per department have a new step fall due, so the change rule withholds both
  departments while the total (six people changed) is shown. Each department's count is then
  at least its first release's and at most the total less the other's first release's: a
  width of 1 where the release alone leaves 5 and the width is ``0.5 * 5 / 6 * 18 = 7.5``.
- *seed 29* of the red team's random organisations (/tmp/h47/run_completion.py, session 16):
  level L1 (two people) is hidden in three releases three days apart; the third shows the
  total and L0, and hides L2 (three people), which the second release showed: L2 is at least
  what it was, so L1 is at most 1 where the width is ``0.5 * 2 / 2 * 8 = 4``, and the first
  release's L1 (six slots) is narrowed from 6 to 1 too.

The attacker is a whole-number program in scipy's HiGHS ``milp`` with one 0/1 variable per
slot due and release and ``x[s, r] <= x[s, r + 1]``; independent of sparkus._privacy. A hidden
cell must keep ``min(width, what its own release alone leaves it)``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from sparkus.metrics._tracking.figures import exact_figures
from sparkus.metrics._tracking.snapshot import seconds
from tests.privacy.world import day, events, tracker_of


def _cells(tracker, snap):
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


def _width(releases, r, mask, *, alone):
    """Least to most of release `r`'s count over `mask`: every release (or `r`'s alone)."""
    due = [d for _, d, _ in releases]
    index, nv = [], 0
    for d in due:
        index.append(np.where(d, np.arange(len(d)) + nv, -1))
        nv += len(d)
    rows, bounds = [], []
    for q, (cells, _, _) in enumerate(releases):
        if alone and q != r:
            continue
        for _, m, value in cells:
            if value is not None:
                rows.append(sparse.csr_matrix((np.ones(m.sum()), (np.zeros(m.sum()), index[q][m])),
                                              shape=(1, nv)))  # fmt: skip
                bounds.append(value)
    a = [LinearConstraint(sparse.vstack(rows), bounds, bounds)]
    if not alone:  # completion is final
        for q in range(len(due) - 1):
            both = np.flatnonzero(due[q] & due[q + 1])
            k = len(both)
            pairs = sparse.csr_matrix(
                (np.r_[np.ones(k), -np.ones(k)],
                 (np.r_[np.arange(k), np.arange(k)], np.r_[index[q][both], index[q + 1][both]])),
                shape=(k, nv),
            )  # fmt: skip
            a.append(LinearConstraint(pairs, -np.inf, 0))
    upper = np.concatenate([d.astype(float) for d in due])
    c = np.zeros(nv)
    c[index[r][mask]] = 1.0
    ends = []
    for sign in (1.0, -1.0):
        res = milp(sign * c, integrality=np.ones(nv), bounds=Bounds(0, upper), constraints=a)
        assert res.status == 0, res.message
        ends.append(sign * float(res.fun))
    return ends[1] - ends[0]


def _sandwich():
    starts = [0, 0, 0, 1, 1, 1] * 2
    tracker = tracker_of({"department": ["A"] * 6 + ["B"] * 6}, start_days=starts)
    rows = [(i, "step_completed", "kickoff", starts[i] + 0.1, np.nan) for i in range(12)]
    rows += [(i, "step_completed", "vision", starts[i] + 3.1, np.nan) for i in range(1, 12, 2)]
    return tracker, [(rows, 7.5), ([(0, "step_completed", "vision", 8.0, np.nan)], 8.5)], 5


def _seed_29():
    rng = np.random.default_rng(29)
    n, k = int(rng.integers(10, 36)), int(rng.integers(3, 6))
    dept = [f"D{x}" for x in rng.choice(int(rng.integers(2, 4)), n)]
    level = [f"L{x}" for x in rng.choice(3, n, p=rng.dirichlet(np.ones(3) * 0.6))]
    assert rng.random() < 0.8
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


@pytest.mark.parametrize("organisation", [_sandwich, _seed_29], ids=lambda f: f.__name__)
def test_releases_read_as_final_completions_keep_hidden_cells_wide(organisation):
    """Every hidden completion cell keeps its width against all releases, completion final."""
    tracker, batches, k = organisation()
    releases, first = [], 0
    for rows, d in batches:
        if rows:
            tracker.update(events(rows, first_id=first))
            first += len(rows)
        releases.append(_cells(tracker, tracker.snapshot(day(d))))
    narrow = []
    for r, (cells, _, row) in enumerate(releases):
        for name, mask, value in cells:
            if value is not None:
                continue
            people = len(set(row[mask].tolist()))
            need = 0.5 * min(k, people) / people * mask.sum()
            alone = _width(releases, r, mask, alone=True)
            width = _width(releases, r, mask, alone=False)
            if width < min(need, alone) - 1e-9:
                narrow.append((r, name, width, min(need, alone)))
    assert not narrow
