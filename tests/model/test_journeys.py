"""Journeys as columns, and the step-state rules."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import (
    Event,
    EventKind,
    Goal,
    Journey,
    JourneyProgress,
    Season,
    StepState,
    SupportType,
    check_events,
    default_journey,
    schedule_journeys,
)

START = dt.datetime(2027, 1, 4, tzinfo=dt.UTC)
TEMPLATE = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
SUPPORTS = [SupportType.COACHING, SupportType.MENTORING, SupportType.SELF_GUIDED_REFLECTION, None]


def _schedule():
    return schedule_journeys(TEMPLATE, ["a", "b", "c", "d"], SUPPORTS, [4, 6, 0, 0], start=START)


def test_steps_follow_support_and_dosage():
    """Each journey holds the shared steps, its first sessions, and reflection exercises."""
    schedule = _schedule()
    for pid, support, sessions in zip("abcd", SUPPORTS, [4, 6, None, 0], strict=True):
        journey = schedule.journey(pid)
        shared = [s for s in TEMPLATE.steps if s.support_type is None]
        own = [
            s for s in TEMPLATE.steps if s.support_type is not None and s.support_type is support
        ]
        expected = [s for s in TEMPLATE.steps if s in shared or s in own[: sessions or len(own)]]
        if support is None:
            expected = shared
        assert list(journey.steps) == expected
        assert journey.support_type is support


def test_journey_record_matches_columns():
    """The Journey record of a row equals one built by hand, with the same due dates."""
    schedule = _schedule()
    journey = schedule.journey("a")
    built = Journey("a", START, journey.steps, SupportType.COACHING)
    assert journey == built
    lo, hi = schedule.offsets[0], schedule.offsets[1]
    dues = [np.datetime64(journey.due(s.id).replace(tzinfo=None), "s") for s in journey.steps]
    assert schedule.due[lo:hi].tolist() == dues


def test_start_per_person():
    """Each person's due dates count from their own start."""
    starts = np.array(["2027-01-04", "2027-02-01"], dtype="datetime64[s]")
    schedule = schedule_journeys(TEMPLATE, ["a", "b"], [None, None], start=starts)
    first = schedule.due[schedule.offsets[:-1]]
    assert first.tolist() == starts.tolist()


def test_too_many_sessions_raise_or_truncate():
    """More sessions than the template offers are refused, or capped on request."""
    with pytest.raises(SchemaError, match="template offers 6"):
        schedule_journeys(TEMPLATE, ["a"], [SupportType.COACHING], [8], start=START)
    capped = schedule_journeys(TEMPLATE, ["a"], [SupportType.COACHING], [8], start=START,
                               excess="truncate")  # fmt: skip
    assert capped.sessions.tolist() == [6]


def test_bad_input_names_every_problem():
    """Repeated ids, unknown support types and naive starts are all reported at once."""
    with pytest.raises(SchemaError) as info:
        schedule_journeys(TEMPLATE, ["a", "a"], ["coaching", "yoga"], [1, 1],
                          start=dt.datetime(2027, 1, 4))  # fmt: skip
    locations = [p.location for p in info.value.problems]
    assert locations == ["ids", "support[1]", "start"]


def test_rows_of_and_fingerprint():
    """Ids map to rows (-1 when unknown) and equal schedules share a fingerprint."""
    schedule = _schedule()
    assert schedule.rows_of(np.array(["c", "zz", "a"])).tolist() == [2, -1, 0]
    assert schedule.fingerprint == _schedule().fingerprint
    other = schedule_journeys(TEMPLATE, list("abcd"), SUPPORTS, [3, 6, 0, 0], start=START)
    assert other.fingerprint != schedule.fingerprint


# -- step states ----------------------------------------------------------------------------

T0 = dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def _event(i: int, kind: EventKind, hours: float, value: float | None = None) -> Event:
    return Event(f"x{i}", "a", kind, T0 + hours * HOUR, step="coaching-1", value=value)


def _state(events: list[Event]) -> tuple[str, str]:
    schedule = _schedule()
    progress = JourneyProgress(schedule)
    check = check_events(schedule, events)
    assert check.ok
    progress.apply(check)
    states, due = progress.states()
    slot = int(schedule.offsets[0]) + 4  # a's coaching-1, due 2027-01-18
    return states[slot].value, str(due[slot].astype("datetime64[D]"))


C, M, S, R = (EventKind.STEP_COMPLETED, EventKind.STEP_MISSED, EventKind.STEP_SKIPPED,
              EventKind.STEP_RESCHEDULED)  # fmt: skip

RULES = [
    ([], "scheduled", "2027-01-18"),
    ([(C, 0)], "completed", "2027-01-18"),
    ([(M, 0), (C, 5)], "completed", "2027-01-18"),  # completion after a miss
    ([(C, 0), (M, 5)], "completed", "2027-01-18"),  # completion is final
    ([(M, 0), (S, 5)], "skipped", "2027-01-18"),  # the later event wins
    ([(S, 0), (M, 5)], "missed", "2027-01-18"),
    ([(M, 0), (R, 5, 7.0)], "rescheduled", "2027-01-25"),  # a reschedule reopens the step
    ([(R, 0, 7.0), (M, 5)], "missed", "2027-01-25"),
    ([(R, 0, 7.0), (R, 5, 3.0)], "rescheduled", "2027-01-21"),  # the latest move counts
    ([(R, 5, 3.0), (R, 5, 7.0)], "rescheduled", "2027-01-25"),  # a tie: the larger move
    ([(M, 5), (S, 5)], "skipped", "2027-01-18"),  # a tie: skipped > missed > rescheduled
    ([(R, 5, 1.0), (M, 5)], "missed", "2027-01-19"),
]


@pytest.mark.parametrize(("spec", "state", "due"), RULES)
def test_step_state_rules(spec, state, due):
    """Every row of the StepState table holds."""
    events = [_event(i, *e) for i, e in enumerate(spec)]
    assert _state(events) == (state, due)
    assert _state(events[::-1]) == (state, due)
    assert _state(events + events) == (state, due)


@given(st.permutations([(C, 30), (M, 0), (S, 10), (R, 20, 2.0), (R, 40, -1.0), (M, 50)]))
def test_state_independent_of_order(spec):
    """Any arrival order gives the same state and due date."""
    ordered = [_event(i, *e) for i, e in enumerate(spec)]  # ids play no part in the state
    assert _state(ordered) == ("completed", "2027-01-17")


def test_state_names():
    """The states are the five the issue names."""
    assert [s.value for s in StepState] == [
        "scheduled", "completed", "missed", "skipped", "rescheduled"]  # fmt: skip


# -- sizes a caller controls, and ids (issue 12) ----------------------------------------------


def test_empty_schedule_is_accepted():
    """Empty lists are an empty schedule (as support=None is), not a confusing refusal."""
    for sessions in ([], None, np.zeros(0, dtype=np.int64)):
        schedule = schedule_journeys(TEMPLATE, [], [], sessions, start=START)
        assert len(schedule) == 0
        assert schedule.n_slots == 0


@pytest.mark.parametrize(
    ("start", "where"),
    [
        (dt.datetime(9999, 12, 1, tzinfo=dt.UTC), "start: .*2200"),
        (dt.datetime(1, 1, 1, tzinfo=dt.UTC), "start: .*1900"),
        (np.array(["1970-01-01", "2150-01-01"], dtype="datetime64[s]"), "span"),
    ],
)
def test_far_or_spread_starts_are_refused(start, where):
    """Starts outside 1900-2200, or spread over more than ten years, are refused up front."""
    ids = ["a", "b"]
    with pytest.raises(SchemaError, match=where):
        schedule_journeys(TEMPLATE, ids, ["coaching"] * 2, start=start)


def test_long_template_or_follow_up_is_refused():
    """A template or a follow-up longer than the supported span is refused before any work."""
    from sparkus.model import JourneyTemplate, Step, StepKind

    long = JourneyTemplate("long", (Step("k", StepKind.KICKOFF_WEBINAR, 0),), 10**30)
    with pytest.raises(SchemaError, match="3,660 days"):
        schedule_journeys(long, ["a"], None, start=START)
    with pytest.raises(SchemaError, match="follow_up_days"):
        schedule_journeys(TEMPLATE, ["a"], None, start=START, follow_up_days=10**12)


@pytest.mark.parametrize(
    "ids",
    [[1, 2], np.array([1.5, 2.5]), [True, False], ["a", None], np.array([b"a", b"b"])],
)
def test_ids_that_are_not_text_are_refused_naming_rows(ids):
    """People's ids are text: numbers, bools, bytes and missing ids are refused by row."""
    with pytest.raises(SchemaError, match=r"ids(: .*row|\[1\])"):
        schedule_journeys(TEMPLATE, ids, None, start=START)


@pytest.mark.parametrize(
    ("sessions", "where"),
    [([1.5, 2], "sessions"), ([-1, 2], "sessions"), ([2**70, 1], "sessions"), ([1], "sessions")],
)
def test_bad_sessions_are_named(sessions, where):
    """Sessions that are not non-negative integers, one per id, are refused."""
    with pytest.raises(SchemaError, match=where):
        schedule_journeys(TEMPLATE, ["a", "b"], ["coaching"] * 2, sessions, start=START)


def test_schedule_lookups_refuse_bad_input():
    """rows_of, slots_of and journey refuse bad arguments with a SchemaError naming them."""
    schedule = _schedule()
    with pytest.raises(SchemaError, match="participant_id"):
        schedule.journey("nobody")
    with pytest.raises(SchemaError, match="participant_id"):
        schedule.journey(3)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="rows"):
        schedule.slots_of(np.array([99]), np.array([0]))
    with pytest.raises(SchemaError, match="steps"):
        schedule.slots_of(np.array([0]), np.array([99]))
    with pytest.raises(SchemaError, match="ids"):
        schedule.rows_of(np.array([1.5]))
    assert schedule.rows_of(["a", "zz"]).tolist() == [0, -1]


def test_pandas_inputs_are_paired_by_index():
    """ids, support and sessions as pandas Series are aligned by index, or refused."""
    import pandas as pd

    ids = pd.Series(["a", "b"], index=[10, 20])
    support = pd.Series(["mentoring", "coaching"], index=[20, 10])
    sessions = pd.Series([2, 6], index=[10, 20])
    schedule = schedule_journeys(TEMPLATE, ids, support, sessions, start=START)
    assert schedule.journey("a").support_type is SupportType.COACHING
    assert schedule.sessions.tolist() == [2, 6]
    with pytest.raises(SchemaError, match="support"):
        schedule_journeys(TEMPLATE, ids, support.set_axis([1, 2]), sessions, start=START)
