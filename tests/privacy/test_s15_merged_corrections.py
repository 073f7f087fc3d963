"""A value set again by a merge, released by differencing.

A tracker released, then merged with a shard that never released (the usual use: events
routed to workers, merged before the next snapshot). The shard holds a later rating of a slot
the release counted (or a larger one at the same time, or a later post score), dated before
the release. The merged state keeps the shard's value, but no update set it, so nothing was
stamped: by its time the value was set before the release, the change rule saw nobody changed,
and the difference of the two releases narrowed the new value (a rating left a width of 4 or
2, not 5). A merge now stamps the slots whose value a released side held and the merged state
holds another of, in either order and commutatively and associatively. The attacker is the one
of test_s15_backdated.py: one variable per rating or change, HiGHS over every published sum.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.model import JourneyProgress
from tests.privacy.test_s15_backdated import _DEPARTMENTS, _progress_width, _rating_width
from tests.privacy.world import day, events, tracker_of


def _merged(released, shard, order):
    return released.merge(shard) if order == "released-first" else shard.merge(released)


@pytest.mark.parametrize("order", ["released-first", "shard-first"])
@pytest.mark.parametrize(("stamped", "first", "rating"), [(14.8, 8.0, 2.0), (14.5, 1.0, 9.0)],
                         ids=["later", "same-time-larger"])  # fmt: skip
def test_a_rating_a_merge_sets_again_keeps_its_width(stamped, first, rating, order):
    """Twelve ratings released on day 15; a shard's rating of person 0 merged; day 27."""
    released = tracker_of({"department": _DEPARTMENTS})
    released.update(events([(i, "session_rated", "coaching-1", 14.5, first) for i in range(12)]))
    before = released.snapshot(day(15))
    shard = tracker_of({"department": _DEPARTMENTS})
    shard.update(events([(0, "session_rated", "coaching-1", stamped, rating)], first_id=100))
    after = _merged(released, shard, order).snapshot(day(27))
    assert _rating_width(before, after, True) >= 0.5 * 10.0 - 1e-7


@pytest.mark.parametrize("order", ["released-first", "shard-first"])
def test_a_post_score_a_merge_sets_again_keeps_its_width(order):
    """Twelve pairs released on day 91; a shard's post score of person 0, dated day 90.8."""
    released = tracker_of({"department": _DEPARTMENTS})
    rows = [(i, "step_completed", "self-assessment", 7.5, 3.0) for i in range(12)]
    rows += [(i, "step_completed", "checkpoint-final", 90.5, 3.0 + i % 3) for i in range(12)]
    released.update(events(rows))
    before = released.snapshot(day(91))
    shard = tracker_of({"department": _DEPARTMENTS})
    shard.update(events([(0, "step_completed", "checkpoint-final", 90.8, 0.5)], first_id=100))
    after = _merged(released, shard, order).snapshot(day(96))
    assert _progress_width(before, after) >= 0.5 * 4.5 - 1e-7


_RATING = st.tuples(st.integers(0, 11), st.sampled_from(["coaching-1", "coaching-2"]),
                    st.sampled_from([14.5, 14.8, 20.0]), st.sampled_from([2.0, 8.0, 9.0]))  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(st.lists(_RATING, max_size=6), st.lists(_RATING, max_size=6),
       st.lists(_RATING, max_size=6))  # fmt: skip
def test_the_stamps_of_a_merge_are_commutative_associative_and_exact(mine, b_rows, c_rows):
    """One released tracker and two shards: any order and grouping of the merges gives one
    state, whose stamps are the released side's own and the counted slots the merge changed."""
    released = tracker_of({"department": _DEPARTMENTS})
    released.update(events([(i, "session_rated", "coaching-1", 14.5, 8.0) for i in range(12)]))
    released.snapshot(day(15))  # counts the twelve ratings, in every cell
    counted = released.progress.rating_time != JourneyProgress.UNSET
    released.update(events([(p, "session_rated", s, t, v) for p, s, t, v in mine], first_id=50))
    shards = []
    for first_id, rows in ((100, b_rows), (200, c_rows)):
        shard = tracker_of({"department": _DEPARTMENTS})
        shard.update(events([(p, "session_rated", s, t, v) for p, s, t, v in rows],
                            first_id=first_id))  # fmt: skip
        shards.append(shard)
    b, c = shards
    out = released.merge(b).merge(c)
    assert out == b.merge(released).merge(c) == released.merge(b.merge(c))
    assert out == c.merge(b).merge(released) == b.merge(c.merge(released))
    moved = counted & (out.progress.rating != released.progress.rating)
    alone = released.ledger.reset.get("rating", np.zeros((0, 2), np.int64))[:, 0]
    stamped = out.ledger.reset.get("rating", np.zeros((0, 2), np.int64))
    assert stamped[:, 0].tolist() == np.union1d(np.flatnonzero(moved), alone).tolist()
    assert np.all(stamped[:, 1] == released.ledger.last + 1)
