"""``JourneyProgress.apply`` lists the slots whose rating or score a batch set again.

The release ledger stamps those slots (see ``metrics/_tracking/resets.py``), so the list must be
exactly the slots that held a value before the batch and hold another after it (a later event's,
or a larger one at the same time); a first value, an older event and a value sent again
unchanged are not listed. Checked
against a comparison of the whole state before and after, over random batches of ratings and
scored completions with repeated times and values.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.model import JourneyProgress, check_events
from tests.privacy.world import events, tracker_of

_STEPS = ["coaching-1", "coaching-2", "self-assessment", "checkpoint-final"]


def _batch(draw, first_id):
    rows = draw(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(_STEPS),
                                   st.sampled_from([10.0, 10.5, 11.0]),
                                   st.sampled_from([1.0, 2.0, 3.0])), max_size=12))  # fmt: skip
    out = []
    for person, step, when, value in rows:
        kind = "session_rated" if step.startswith("coaching") else "step_completed"
        out.append((person, kind, step, when, value))
    return events(out, first_id=first_id)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_slots_set_again_are_those_whose_held_value_changed(data):
    schedule = tracker_of({"department": ["a"] * 4}).schedule
    progress = JourneyProgress(schedule)
    for b in range(3):
        batch = _batch(data.draw, first_id=100 * b)
        before = {a: progress.arrays()[a].copy() for a in ("rating_time", "rating", "score_time",
                                                             "score")}  # fmt: skip
        rated, scored = progress.apply(check_events(schedule, batch))
        after = progress.arrays()
        for got, time, value in ((rated, "rating_time", "rating"),
                                 (scored, "score_time", "score")):  # fmt: skip
            held = before[time] != JourneyProgress.UNSET
            moved = after[value] != before[value]  # a value sent again unchanged: no change
            assert got.tolist() == np.flatnonzero(held & moved).tolist()
