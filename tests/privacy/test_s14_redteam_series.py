"""The engagement series' earlier days, read with the as_of day's cells of the same snapshot.

A snapshot publishes the engagement series from the program's first day to `as_of`. Only the
as_of day's point is a cell of the participation table (it counts the same people as the
total, with the same values); the days before it are shown whenever they describe at least the
minimum, checked against nothing. Yesterday's point is what a release yesterday would have
shown, and a release today would be protected against it by the ledger (the change rule, and
the earlier cells as constraints on unchanged values). Published in the same snapshot, it is
not:

- *withheld total*: the linked suppression withholds the total and the as_of point (the two
  groupings' small groups, whose activity the total would give back), but yesterday's point
  counts the same 14 people, and nobody's window changed overnight: it is the withheld total;
- *newcomer*: one person starts on the as_of day; yesterday's point counts the 13 others and
  today's the 14: the difference is the newcomer's activity. Released a day apart, the change
  rule withholds today's total and point.

The attacker (one variable per person, whole numbers) reads yesterday's point as a cell on the
same values, the worst case of docs/privacy.md; in both organisations the values did not change.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sparkus.metrics._tracking.figures import exact_figures
from sparkus.metrics._tracking.snapshot import seconds
from tests.privacy.world import as_mask, day, events, person_range, published, tracker_of

_G0 = ["a3", "a2", "a0", "a2", "a2", "a2", "a3", "a2", "a0", "a3", "a1", "a2", "a0", "a0"]
_G1 = ["b3", "b0", "b1", "b0", "b1", "b1", "b2", "b1", "b0", "b2", "b2", "b1", "b1", "b2"]


def _withheld_total():
    tracker = tracker_of({"g0": _G0, "g1": _G1})
    # everyone but person 7 active on day 38: the 14-day window holds them on days 39 and 40
    tracker.update(events([(i, "activity", "", 38.5, np.nan) for i in range(14) if i != 7]))
    return tracker, []


def _newcomer():
    tracker = tracker_of({"department": ["Sales"] * 7 + ["Ops"] * 7}, start_days=[0] * 13 + [40])
    rows = [(i, "activity", "", 30.5, np.nan) for i in range(10)]
    tracker.update(events([*rows, (13, "activity", "", 40.2, np.nan)]))
    return tracker, [np.arange(14) == 13]


@pytest.mark.parametrize("organisation", [_withheld_total, _newcomer], ids=lambda f: f.__name__)
def test_yesterday_s_point_does_not_narrow_a_protected_set(organisation):
    """Each withheld cell, and a newcomer, keeps its width with yesterday's point read too."""
    tracker, extra = organisation()
    snap = tracker.snapshot(day(40.5))
    exact = exact_figures(tracker, seconds(dt.datetime.fromisoformat(snap.as_of)))
    n = len(exact.enrolled_now)
    yesterday = snap.engagement.series[exact.as_of_point - 1]
    enrolled = tracker.schedule.start_seconds < seconds(day(40))
    assert yesterday.enrolled == enrolled.sum()
    active = published(tracker, snap)["active"]
    cells = [(as_mask(c.members, n), c.value) for c in active.cells if c.value is not None]
    shown = [] if yesterday.active is None else [(enrolled, yesterday.active)]
    with_point = [*cells, *shown]
    targets = [as_mask(c.members, n) for c in active.cells if c.value is None] + extra
    assert targets
    for mask in targets:
        low, high = person_range(n, cells, mask)
        low_seen, high_seen = person_range(n, with_point, mask)
        need = min(high - low, 0.5 * min(5, int(mask.sum())))
        assert high_seen - low_seen >= need, (np.flatnonzero(mask), low_seen, high_seen)
