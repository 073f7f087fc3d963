"""A rater's further rating, released by differencing two releases of the same raters.

The rating figure's contributors are the people who rated, and the change rule compares them
with the last release: a cell is shown with a new value only when they changed by at least the
minimum. A person who has rated before and rates another session (or rates the same session
again: the latest rating counts) does not change them, so the difference of the cell's two
sums is their rating, or bounds it to less than its width. The attacker of docs/privacy.md
knows who rated a session; here even one who does not learns that a Sales rating of 2 was
given. The attacker below has one variable per rating (0 to 10), so a rating given between the
releases is a variable of its own, and solves the releases' published sums.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.privacy.world import day, events, person_range, tracker_of

_WIDTH = 0.5 * 1 * 10.0
"""The protection width of one rating (docs/privacy.md: ``0.5 · min(k, n) · (high - low)``)."""


def _published_rating_sums(snap, raters_by_cell):
    """(cell, sum) pairs a snapshot publishes: each mean rating times its known ratings."""
    out = []
    if snap.totals.mean_rating is not None:
        out.append(("all", snap.totals.mean_rating * raters_by_cell["all"]))
    for row in snap.groups["department"]:
        if row.mean_rating is not None:
            out.append((row.group, row.mean_rating * raters_by_cell[row.group]))
    return out


@pytest.mark.parametrize(
    "step",
    [
        pytest.param("coaching-2", id="second-session"),
        pytest.param("coaching-1", id="same-session-again"),
    ],
)  # fmt: skip
def test_a_further_rating_of_one_rater_keeps_its_width(step):
    """Sales' six raters rated once; one rates again: the new rating keeps its width."""
    departments = ["Sales"] * 6 + ["Ops"] * 6
    tracker = tracker_of({"department": departments})
    first = [(i, "session_rated", "coaching-1", 14.5, 8.0) for i in range(12)]
    tracker.update(events(first))
    before = tracker.snapshot(day(15))
    tracker.update(events([(0, "session_rated", step, 26.5, 2.0)], first_id=100))
    after = tracker.snapshot(day(27))
    # One variable per rating: the 12 first ratings, then person 0's new one, which replaces
    # their first when it rates the same session.
    dept = np.array([*departments, "Sales"])
    n = len(dept)
    now = np.ones(n, dtype=bool)
    now[0] = step != "coaching-1"
    published = []
    for snap, ratings in ((before, np.arange(n) < 12), (after, now)):
        count = {"all": int(ratings.sum())}
        count.update({d: int((ratings & (dept == d)).sum()) for d in ("Sales", "Ops")})
        for cell, total in _published_rating_sums(snap, count):
            mask = ratings if cell == "all" else ratings & (dept == cell)
            published.append((mask, total))
    low, high = person_range(n, published, np.arange(n) == 12, 0.0, 10.0, integer=False)
    assert high - low >= _WIDTH - 1e-7, (low, high)
