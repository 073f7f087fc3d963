"""A release must protect on its own what its own cells would pin, whatever came before.

The tracker's ledger keeps each cell's last published value. Cells last published by different
releases can then seem, read together with unchanged values, to pin a small group that no
release pinned (the values changed in between): rule 4 took that as "earlier releases already
pinned it" and let a later release publish the total and every other group, which pins the
small group for certain from that release alone. Found by a random attacker (seed 122 of a
fuzzing run over three releases of 23 people).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker
from tests.attacker import hidden_ranges
from tests.privacy.world import START, events, tracker_of

DEPARTMENT = ["Ops", "Sales", "Ops", "Sales", "Ops", "Legal", "Ops", "Ops", "Sales", "Sales",
              "Sales", "Sales", "Sales", "Sales", "Sales", "Sales", "Legal", "Ops", "Ops",
              "Sales", "Legal", "Sales", "Legal"]  # fmt: skip
COHORT = [2, 1, 1, 0, 0, 0, 2, 0, 1, 0, 2, 1, 0, 1, 2, 0, 2, 0, 0, 1, 1, 1, 1]  # start days
ACTIVITY = [(0, 26), (1, 7), (1, 28), (2, 16), (2, 12), (5, 22), (6, 25), (6, 16), (9, 12),
            (10, 21), (10, 26), (11, 16), (13, 7), (14, 7), (15, 6), (16, 10), (17, 25),
            (17, 14), (18, 22), (20, 13), (20, 5), (22, 18)]  # (person, day of January)  # fmt: skip


def _tracker() -> Tracker:
    """23 people in three departments, starting on days 0 to 2, active at 09:00 on some days."""
    tracker = tracker_of({"department": DEPARTMENT}, start_days=COHORT, window_days=60)
    rows = [(p, "activity", "", jan - 4 + 9 / 24, np.nan) for p, jan in ACTIVITY]
    tracker.update(events(rows))
    return tracker


def test_each_release_protects_what_its_own_cells_would_pin():
    """Three releases (days 20, 25, 26): each one's published active counts, read alone by an
    attacker who knows every department's members, leave Legal (4 people) the tracker's
    protection width (``protection_share`` 0.5 of min(5, 4) people: 2). Release 3 had
    published the total (16), Ops (5) and Sales (7): Legal = 4 exactly."""
    tracker = _tracker()
    department = np.array(DEPARTMENT)
    n = len(DEPARTMENT)
    for day in (20, 25, 26):
        board = tracker.snapshot(START + dt.timedelta(days=day)).to_dict()
        published = []
        if board["totals"]["active"] is not None:
            published.append((np.ones(n, dtype=bool), board["totals"]["active"]))
        shown = {row["group"]: row["active"] for row in board["groups"]["department"]}
        hidden = {}
        for group in sorted(set(DEPARTMENT)):  # a group too small is not listed at all
            members = department == group
            if shown.get(group) is None:
                hidden[group] = members
            else:
                published.append((members, shown[group]))
        assert "Legal" in hidden  # 4 people: fewer than the minimum
        for group, (low, high) in hidden_ranges(n, published, hidden).items():
            people = int(np.count_nonzero(department == group))
            width = tracker.protection_share * min(5, people)
            assert high - low >= width - 1e-9, (day, group, low, high)


def test_a_release_may_not_go_back_in_time():
    """Releases on days 25 and 75, then one back-dated to day 55: the ledger keeps each
    cell's last published value, so the back-dated release was checked against day 75 only,
    and its difference from day 25 isolated one newcomer's rating (7 x mean - 6 x mean, found
    by a red-team script). A release before the last is refused; a preview is not."""
    tracker = _tracker()
    tracker.snapshot(START + dt.timedelta(days=20))
    tracker.snapshot(START + dt.timedelta(days=26))
    with pytest.raises(SchemaError, match=r"as_of: is before the last release \(2027-01-30"):
        tracker.snapshot(START + dt.timedelta(days=25))
    assert tracker.releases == 2
    tracker.snapshot(START + dt.timedelta(days=25), release=False)
    tracker.snapshot(START + dt.timedelta(days=26))  # the same moment again: allowed
    assert tracker.releases == 3
