"""The totals' overdue steps read with the funnel: a funnel step hidden as small given back.

``totals.overdue_steps`` counts every step due before `as_of`, required or optional, that is
still open (neither completed nor missed, skipped or cancelled). It is shown whenever the
total completion rate is, but it is no cell of the completion table the protection checks.
Read with the funnel's published steps, it bounds the hidden step's completions from above:
every published step's due less completed is an upper bound on its overdue steps, so the
hidden step has at least ``overdue - sum(due - completed)`` open steps. Here three people
started three days before the nine others; on day 31 only they have the optional ``pulse-1``
due, which the funnel hides as fewer than the minimum group size, while every other step due
is completed. None (or one) of the three completed it, and overdue gives that count exactly
(or to within one): the attacker's whole-number program (scipy's HiGHS ``milp``, independent
of sparkus._privacy) leaves the hidden count a width of 0 (1) where the width is
``0.5 * min(5, 3) = 1.5``, and no published cell alone pins it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from sparkus.metrics._tracking.figures import exact_figures
from sparkus.metrics._tracking.snapshot import seconds
from tests.privacy.world import TEMPLATE, day, events, tracker_of

_STARTS = [0] * 3 + [3] * 9


def _range(n: int, equal: list[tuple[np.ndarray, float]], at_least: tuple[np.ndarray, float],
           target: np.ndarray) -> tuple[float, float]:  # fmt: skip
    """Least and most ``sum(x[target])`` over 0/1 slots: published counts, and open slots.

    Each slot is done (x), closed without completion (c: missed, skipped) or open; the
    overdue count is the open ones among `at_least`'s slots: ``sum(1 - x - c) == overdue``
    with ``x + c <= 1``.
    """
    rows = [np.concatenate([m.astype(float), np.zeros(n)]) for m, _ in equal]
    mask, overdue = at_least
    rows.append(np.concatenate([-mask.astype(float), -mask.astype(float)]))
    low = [v for _, v in equal] + [overdue - mask.sum()]
    a = sparse.csr_matrix(np.array(rows))
    one = sparse.hstack([sparse.identity(n), sparse.identity(n)])
    constraints = [LinearConstraint(a, low, low), LinearConstraint(one, 0, 1)]
    c = np.concatenate([target.astype(float), np.zeros(n)])
    ends = []
    for sign in (1.0, -1.0):
        res = milp(sign * c, integrality=np.ones(2 * n), bounds=Bounds(0, 1),
                   constraints=constraints)  # fmt: skip
        assert res.status == 0, res.message
        ends.append(sign * float(res.fun))
    return ends[0], ends[1]


@pytest.mark.parametrize("pulses", [0, 1])
def test_overdue_steps_do_not_give_back_a_hidden_funnel_step(pulses):
    """A funnel step hidden as small keeps its width against the funnel and overdue steps."""
    tracker = tracker_of({"department": ["A"] * 6 + ["B"] * 6}, start_days=_STARTS)
    rows = [(i, "step_completed", s.id, _STARTS[i] + s.day + 0.1, np.nan)
            for i in range(12) for s in TEMPLATE.steps if s.day <= 30 and s.required]  # fmt: skip
    rows += [(i, "step_completed", "pulse-1", 30.2, np.nan) for i in range(pulses)]
    tracker.update(events(rows))
    snap = tracker.snapshot(day(31.5))
    at = seconds(dt.datetime.fromisoformat(snap.as_of))
    exact = exact_figures(tracker, at)
    _, due_time = tracker.progress.state_codes(at)
    due, step = exact.slot_due, exact.slot_step
    n = len(due)
    funnel = {f.step: f.completed for f in snap.funnel}
    pulse = due & (step == tracker.schedule.step_ids.index("pulse-1"))
    assert funnel["pulse-1"] is None  # hidden: fewer than the minimum
    assert pulse.sum() == 3
    equal = [(due & (step == tracker.schedule.step_ids.index(s)), float(v))
             for s, v in funnel.items() if v is not None]  # fmt: skip
    t = snap.totals
    required = due & exact.slot_required
    if t.completion_rate is not None:
        equal.append((required, round(t.completion_rate * required.sum())))
    overdue = (due & (due_time < at), float(t.overdue_steps or 0))
    if t.overdue_steps is None:
        overdue = (np.zeros(n, dtype=bool), 0.0)
    low, high = _range(n, equal, overdue, pulse)
    assert low <= pulses <= high
    assert high - low >= 1.5, (low, high, t.overdue_steps)
