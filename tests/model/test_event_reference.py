"""check_events and JourneyProgress.apply against a straightforward reference, event by event.

The vectorised check (one sort of the ids, lookups on kind codes, one gather of the journey
starts) and the accumulation (numpy's indexed ``ufunc.at`` for the minimum and maximum facts,
one sorted pass for the active days) must give what a plain Python loop over the events gives:
the same refused ids and the same state, exactly.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.datasets import simulate_events
from sparkus.model import (
    EventKind,
    EventTable,
    Goal,
    JourneyProgress,
    Season,
    SupportType,
    check_events,
    default_journey,
    schedule_journeys,
)

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
N = 12
SCHEDULE = schedule_journeys(
    default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT]),
    [f"p{i}" for i in range(N)],
    [SupportType.COACHING if i % 2 else SupportType.MENTORING for i in range(N)],
    [4] * N,
    start=START,
)
EVENTS = simulate_events(SCHEDULE, rng=5, duplicate_rate=0.1, late_rate=0.2, encoded=True)
KINDS = list(EventKind)
PRIORITY = {EventKind.STEP_RESCHEDULED: 1, EventKind.STEP_MISSED: 2, EventKind.STEP_SKIPPED: 3}
REPEAT = "repeats with different content in this batch; give each event its own id"
MARKS = {EventKind.ACTIVITY, EventKind.STEP_COMPLETED, EventKind.SESSION_RATED}


def _batch(seed: int, size: int, conflicts: int) -> EventTable:
    """`size` simulated events (repeats included), `conflicts` of them reusing another's id."""
    rng = np.random.default_rng(seed)
    table = EVENTS.take(rng.choice(len(EVENTS), size=size, replace=True))
    ids = table.id.copy()
    if conflicts and size > 1:
        ids[rng.integers(0, size, conflicts)] = ids[rng.integers(0, size, conflicts)]
    return EventTable(ids, table.participant, table.kind, table.time, table.time_flag,
                      table.step, table.value)  # fmt: skip


def _content(table: EventTable, i: int) -> tuple[object, ...]:
    value = float(table.value[i])
    return (int(table.participant[i]), int(table.step[i]), int(table.kind[i]),
            int(table.time[i]), None if math.isnan(value) else value)  # fmt: skip


def _reference_conflicts(table: EventTable) -> set[int]:
    """Rows whose id is shared by an event of different content (all copies)."""
    contents: dict[object, set[tuple[object, ...]]] = {}
    for i in range(len(table)):
        contents.setdefault(table.id[i].item(), set()).add(_content(table, i))
    return {i for i in range(len(table)) if len(contents[table.id[i].item()]) > 1}


def _reference_state(table: EventTable, accepted: list[int]) -> dict[str, np.ndarray]:
    """The state after the accepted events, one event at a time in plain Python."""
    state = JourneyProgress(SCHEDULE).arrays()
    state = {k: v.copy() for k, v in state.items()}
    words = state["active"].shape[1]
    flat = state["active"].reshape(-1)
    epoch = SCHEDULE.epoch_day
    for i in accepted:
        row, step, kind = int(table.participant[i]), int(table.step[i]), KINDS[table.kind[i]]
        t, value = int(table.time[i]), float(table.value[i])
        slot = int(SCHEDULE.slots_of(np.array([row]), np.array([max(step, 0)]))[0])
        if kind is EventKind.STEP_COMPLETED:
            state["first_done"][slot] = min(state["first_done"][slot], t)
        if kind in PRIORITY:
            state["status"][slot] = max(state["status"][slot], t * 4 + PRIORITY[kind])
        latest = {EventKind.STEP_RESCHEDULED: ("moved_time", "moved_days"),
                  EventKind.SESSION_RATED: ("rating_time", "rating")}  # fmt: skip
        if kind is EventKind.STEP_COMPLETED and not math.isnan(value):
            latest[kind] = ("score_time", "score")
        if kind in latest:
            tn, vn = latest[kind]
            state[tn][slot], state[vn][slot] = max((state[tn][slot], state[vn][slot]), (t, value))
        if kind in MARKS:
            day = t // 86_400 - epoch
            flat[row * words + day // 64] |= np.uint64(1) << np.uint64(day % 64)
    return state


@given(st.integers(0, 2**32 - 1), st.integers(0, 400), st.integers(0, 6))
@settings(max_examples=40, deadline=None)
def test_check_and_apply_match_the_reference(seed, size, conflicts):
    """Refused rows and the state equal an event-by-event loop, exactly."""
    table = _batch(seed, size, conflicts)
    check = check_events(SCHEDULE, table)
    refused = {r.row for r in check.rejected}
    assert refused == _reference_conflicts(table)
    for r in check.rejected:
        assert r.reasons == (("id", REPEAT),)
    progress = JourneyProgress(SCHEDULE)
    progress.apply(check)
    expected = _reference_state(table, [i for i in range(len(table)) if i not in refused])
    for name, array in progress.arrays().items():
        np.testing.assert_array_equal(array, expected[name], err_msg=name)


@given(st.integers(0, 2**32 - 1), st.integers(2, 300), st.integers(1, 6))
@settings(max_examples=30, deadline=None)
def test_text_ids_refuse_what_integer_ids_refuse(seed, size, conflicts):
    """The same batch with its ids as text refuses the same rows for the same reasons."""
    table = _batch(seed, size, conflicts)
    text = EventTable(np.char.add("ev-", table.id.astype(str)), table.participant, table.kind,
                      table.time, table.time_flag, table.step, table.value)  # fmt: skip
    ints, strs = check_events(SCHEDULE, table), check_events(SCHEDULE, text)
    assert [(r.row, r.reasons) for r in ints.rejected] == [(r.row, r.reasons)
                                                            for r in strs.rejected]  # fmt: skip


def test_accepted_events_do_not_share_the_callers_arrays():
    """A caller reusing its arrays after the check cannot change what gets applied."""
    table = _batch(3, 200, 0)
    kind, time, value = table.kind.copy(), table.time.copy(), table.value.copy()
    check = check_events(SCHEDULE, table)
    assert check.ok
    table.kind[:] = -1
    table.time[:] = 0
    table.value[:] = 1e9
    progress = JourneyProgress(SCHEDULE)
    progress.apply(check)
    restored = EventTable(table.id, table.participant, kind, time, table.time_flag, table.step,
                          value)  # fmt: skip
    expected = _reference_state(restored, list(range(len(restored))))
    for name, array in progress.arrays().items():
        np.testing.assert_array_equal(array, expected[name], err_msg=name)
