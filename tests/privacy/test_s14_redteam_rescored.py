"""A post score entered again, released by differencing two releases of the same people.

The progress figure's contributors are the people with a pre and a post score, and the change
rule compares them with the last release. A post score entered again (the latest counts) does
not change them, so the difference of a group's two sums of changes is that person's new
change less their old one: with the old one within the range of changes seen, the new one is
left narrower than its width. The attacker of docs/privacy.md knows who has both scores; one
who also knows whose score was corrected (the person, their manager) bounds their change. The
attacker below has one variable per change (between the lowest and the highest seen), the
corrected change a variable of its own, and solves the releases' published sums.
"""

from __future__ import annotations

import numpy as np

from tests.privacy.world import day, events, person_range, tracker_of


def test_a_post_score_entered_again_keeps_its_width():
    """Sales' six pairs released; one post score entered again: the new change keeps its width."""
    departments = ["Sales"] * 6 + ["Ops"] * 6
    tracker = tracker_of({"department": departments})
    rows = [(i, "step_completed", "self-assessment", 7.5, 3.0) for i in range(12)]
    rows += [(i, "step_completed", "checkpoint-final", 90.5, 3.0 + i % 3) for i in range(12)]
    tracker.update(events(rows))
    before = tracker.snapshot(day(91))
    again = [(0, "step_completed", "checkpoint-final", 95.5, 0.5)]
    tracker.update(events(again, first_id=100))
    after = tracker.snapshot(day(96))
    changes = np.array([i % 3 for i in range(12)] + [-2.5], dtype=float)  # the true values
    dept = np.array([*departments, "Sales"])
    n = len(dept)
    now = np.ones(n, dtype=bool)
    now[0] = False  # the corrected change replaces person 0's first one
    published = []
    for snap, counted in ((before, np.arange(n) < 12), (after, now)):
        for row in snap.groups["department"]:
            if row.progress is not None:
                mask = counted & (dept == row.group)
                published.append((mask, row.progress.estimate * row.progress.n))
    low, high = changes.min(), changes.max()
    lo, hi = person_range(n, published, np.arange(n) == 12, low, high, integer=False)
    assert hi - lo >= 0.5 * (high - low) - 1e-7, (lo, hi)
