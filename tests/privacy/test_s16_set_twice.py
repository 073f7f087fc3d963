"""A rating set again in two release windows: the three releases are protected together.

The ledger kept one stamp per slot (the later), so the rows of every release before it read
one column of values before; a rating corrected after a first release and again after a
second was two values before today's, which one column cannot be. The releases could not
hold together and today's release was protected alone: ten ratings, the total shown on day
20, a group of five on day 30 and two groups on day 40 (person 1 corrected before each) left
two people who never changed a width of 1, where the promise is 5 (each release alone leaves
10). Now a slot keeps a stamp per window it was set again in and has a column per window.

The attacker is the one of test_s15_joint_changed.py written as in the red team of session 15:
one variable per value a person held (a new one only when it changed), every published sum of
every release an equation, HiGHS (``tests.privacy.world.person_range``) for each value's least
and largest. The scenario was found by a random search over three releases with one rating
corrected in each window (seed 31).
"""

from __future__ import annotations

import io
import itertools
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sparkus.metrics._tracking.resets import merged, stamps
from tests.privacy.test_s15_backdated import _npy, _rewritten
from tests.privacy.world import day, events, person_range, tracker_of

_LABELS = {"g0": ["L1", "L0", "L0", "L1", "L1", "L0", "L0", "L0", "L1", "L1"],
           "g1": ["L0", "L0", "L0", "L1", "L0", "L1", "L1", "L1", "L0", "L0"]}  # fmt: skip
_FIRST = [6.0, 9.0, 10.0, 0.0, 7.0, 1.0, 2.0, 2.0, 4.0, 7.0]  # ratings of coaching-1
_AGAIN = ({1: 6.0}, {1: 3.0})  # set again after the first release, and after the second
_DAYS = (20, 30, 40)


def _released(carry=lambda t: t):
    """The tracker, its three releases, and each person's rating in each."""
    tracker = tracker_of(_LABELS, k=3)
    tracker.update(events([(i, "session_rated", "coaching-1", 14.5, v) for i, v in
                           enumerate(_FIRST)]))  # fmt: skip
    snaps, values = [tracker.snapshot(day(_DAYS[0]))], [np.array(_FIRST)]
    for w, when in enumerate(_DAYS[1:]):
        rows = [(i, "session_rated", "coaching-1", _DAYS[w] + 2.0, v) for i, v in _AGAIN[w].items()]
        tracker.update(events(rows, first_id=100 + 10 * w))
        tracker = carry(tracker)
        snaps.append(tracker.snapshot(day(when)))
        values.append(values[-1].copy())
        values[-1][list(_AGAIN[w])] = list(_AGAIN[w].values())
    return tracker, snaps, values


def _widths(snaps, values):
    """Per value a person held: the width all releases leave it, and the least one alone does."""
    n, releases = len(values[0]), len(values)
    version = np.zeros((releases, n), dtype=np.int64)
    count = 0
    for i, r in itertools.product(range(n), range(releases)):
        count += r == 0 or values[r][i] != values[r - 1][i]
        version[r, i] = count - 1
    cells = []
    for r, snap in enumerate(snaps):
        shown = [(np.ones(n, dtype=bool), snap.totals.mean_rating)]
        shown += [(np.array(_LABELS[g]) == row.group, row.mean_rating)
                  for g in _LABELS for row in snap.groups[g]]  # fmt: skip
        for members, mean in shown:
            if mean is not None:
                cells.append((r, np.isin(np.arange(count), version[r, members]),
                              mean * members.sum()))  # fmt: skip

    def width(v, which):
        target = np.arange(count) == v
        low, high = person_range(count, [(m, s) for r, m, s in cells if r in which], target,
                                 0.0, 10.0, integer=False)  # fmt: skip
        return high - low

    out = {}
    for v in range(count):
        held = {r for r in range(releases) if v in version[r]}
        out[v] = (width(v, range(releases)), min(width(v, {r}) for r in held))
    return out


def test_a_rating_set_again_in_two_windows_leaves_every_value_as_wide_as_promised():
    """Before: persons 2 and 3, never changed, were left a width of 1 (promise 5, alone 10)."""
    _, snaps, values = _released()
    for v, (joint, alone) in _widths(snaps, values).items():
        assert joint >= min(0.5 * 10.0, alone) - 1e-7, (v, joint, alone)


def test_every_window_a_slot_was_set_again_in_survives_a_saved_state():
    """Saved and loaded between releases, a stamp per window; a version-4 file keeps its one."""

    def saved(tracker):
        return _rewritten(tracker, lambda members: None)

    tracker, snaps, values = _released(carry=saved)
    schedule = tracker.schedule
    slot = int(
        schedule.slots_of(np.array([1]), np.array([schedule.step_ids.index("coaching-1")]))[0]
    )
    after = [int(day(d).timestamp()) + 1 for d in _DAYS[:2]]
    assert tracker.ledger.reset["rating"].tolist() == [[slot, t] for t in after]
    for v, (joint, alone) in _widths(snaps, values).items():
        assert joint >= min(0.5 * 10.0, alone) - 1e-7, (v, joint, alone)

    def version_4(members):  # the later stamp of each slot, and no count of them
        meta = json.loads(str(np.load(io.BytesIO(members["meta.npy"]))))
        del meta["ledger"]["stamps"]
        members["meta.npy"] = _npy(np.array(json.dumps({**meta, "version": 4})))
        members["ledger_reset_rating.npy"] = _npy(np.array([[slot, after[1]]], dtype=np.int64))

    assert _rewritten(tracker, version_4).ledger.reset["rating"].tolist() == [[slot, after[1]]]


_ROWS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 9)), max_size=8).map(
    lambda rows: np.array(rows, dtype=np.int64).reshape(-1, 2)
)


@given(_ROWS, _ROWS, _ROWS)
def test_merged_keeps_every_stamp_of_a_slot_whatever_the_order(a, b, c):
    """A union of rows: commutative, associative, and each slot's latest stamp is its last."""
    ab_c, a_bc = merged(merged(a, b), c), merged(a, merged(b, c))
    assert np.array_equal(ab_c, a_bc)
    assert np.array_equal(merged(a, b), merged(b, a))
    every = {tuple(r) for r in np.concatenate([a, b, c]).tolist()}
    assert ab_c.tolist() == [list(r) for r in sorted(every)]
    latest = np.full(6, np.iinfo(np.int64).min)
    for slot, when in every:
        latest[slot] = max(latest[slot], when)
    assert np.array_equal(stamps(ab_c, 6), latest)
