"""Slots that fall due between two releases are a group the releases can isolate.

Between days 101 and 111 of the organisation below, 17 people's final checkpoint fell due.
The completion total changed by those 17 slots and department ``a3`` by 14: each difference
describes at least five people, so the change rule let both be published again. But the total's
difference less ``a3``'s is the new slots of the three people of the small departments, and it
was 0: whatever else was hidden, persons 11, 47 and 58 were known not to have completed it (nor
anything else since day 101). A class of participants was checked only as all its slots, which
the older, hidden ones kept wide; its slots are now checked also by the cells they count in now
and before, so the slots due since the last release are a group of their own.
"""

from __future__ import annotations

import numpy as np

from sparkus.privacy import verify_disclosure
from tests.privacy.test_properties import _organisation
from tests.privacy.world import day, person_range, published, released


def test_slots_due_since_the_last_release_are_not_pinned():
    tracker = _organisation(59, 2, 3472250249)
    snaps = [tracker.snapshot(day(101)), tracker.snapshot(day(111))]
    check = verify_disclosure(released(tracker, snaps))
    assert check.protected, check.exposed


def test_the_new_slots_of_the_small_departments_keep_their_width():
    """The independent attacker (one variable per slot, every published cell of both releases)."""
    tracker = _organisation(59, 2, 3472250249)
    figures = [published(tracker, tracker.snapshot(day(d)), release=r)["completion"]
               for r, d in enumerate((101, 111))]  # fmt: skip
    cells = [(np.asarray(c.members), c.value) for f in figures for c in f.cells
             if c.value is not None]  # fmt: skip
    due = [np.asarray(f.cells[0].members) for f in figures]  # the total: required slots due
    names, codes = tracker.groups["g0"]
    small = codes[tracker.schedule.row.astype(np.intp)] != names.index("a3")
    new = due[1] & ~due[0] & small
    assert new.sum() == 3
    low, high = person_range(len(new), cells, new)
    assert high - low >= 0.5 * 3
