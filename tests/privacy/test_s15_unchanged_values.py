"""A value entered again unchanged is not a change: neither withheld for it nor published by it.

An HR export can carry a rating again with the value it had (a re-sent row, a later export
time). The release ledger stamped every slot an update set again, whatever the value, so
after a release the re-entered rating counted as a changed contributor of its cells: alone it
made Sales' unchanged mean rating "changed by fewer than the minimum" and withheld it (and
the total), and four of them beside one real correction made the change five people, so
Sales was published and the difference of the two releases left the corrected rating a width
of 4, not 5. Only a value that differs from the one held is set again now. The attacker is the
one of test_s15_backdated.py (one variable per rating, HiGHS over every published sum), who
ties the ratings that did not change.
"""

from __future__ import annotations

import pytest

from tests.privacy.test_s15_backdated import _DEPARTMENTS, _rating_width
from tests.privacy.world import day, events, tracker_of


def _released_twice(again, dated=14.8):
    """Twelve ratings of 8 released on day 15; `again` (dated `dated`) arrives; day 27."""
    tracker = tracker_of({"department": _DEPARTMENTS})
    tracker.update(events([(i, "session_rated", "coaching-1", 14.5, 8.0) for i in range(12)]))
    before = tracker.snapshot(day(15))
    rows = [(i, "session_rated", "coaching-1", dated, value) for i, value in again]
    tracker.update(events(rows, first_id=100))
    return before, tracker.snapshot(day(27))


# Dated before the release (a back-dated re-send) or after it: the event's time does not make
# an unchanged value a change either (the rule before the stamps counted a later time as one).
_DATES = pytest.mark.parametrize("dated", [14.8, 20.0], ids=["back-dated", "dated-after"])


@_DATES
def test_a_rating_entered_again_unchanged_leaves_its_cells_published(dated):
    """Nothing changed: every cell shows its value again, none is withheld for a change."""
    before, after = _released_twice([(0, 8.0)], dated)
    assert after.totals.mean_rating == before.totals.mean_rating == 8.0
    assert [(r.group, r.mean_rating) for r in after.groups["department"]] == [
        ("Ops", 8.0),
        ("Sales", 8.0),
    ]


@_DATES
def test_ratings_entered_again_unchanged_do_not_publish_a_correction(dated):
    """One rating corrected and four entered again unchanged: the correction keeps its width."""
    before, after = _released_twice([(0, 2.0), (1, 8.0), (2, 8.0), (3, 8.0), (4, 8.0)], dated)
    assert _rating_width(before, after, True) >= 0.5 * 10.0 - 1e-7
