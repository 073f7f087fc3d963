"""simulate_events at its edges: short follow-ups, templates without checkpoints, pandas input."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.datasets import simulate_events
from sparkus.model import (
    EventKind,
    Goal,
    JourneyTemplate,
    Season,
    Step,
    StepKind,
    check_events,
    default_journey,
    schedule_journeys,
)

START = dt.datetime(2027, 6, 7, tzinfo=dt.UTC)
IDS = [f"p{i}" for i in range(120)]
SUPPORT = ["coaching", "mentoring", "peer_support", "team_coaching",
           "self_guided_reflection", None] * 20  # fmt: skip


def _schedule(follow_up_days: int = 90, template: JourneyTemplate | None = None):
    goals = [Goal.TEAM_COLLABORATION, Goal.LEADERSHIP_DEVELOPMENT]
    template = template or default_journey(Season.SUMMER, goals)
    support = SUPPORT if template.support_types[1:] else ["coaching"] * len(IDS)
    return schedule_journeys(template, IDS, support, start=START, follow_up_days=follow_up_days)


@pytest.mark.parametrize("follow_up_days", [0, 1, 7])
@pytest.mark.parametrize("encoded", [False, True])
def test_every_event_is_accepted_by_check_events_with_a_short_follow_up(follow_up_days, encoded):
    """No simulated event falls after a journey's end plus its follow-up days."""
    schedule = _schedule(follow_up_days)
    for seed in range(3):
        events = simulate_events(schedule, rng=seed, encoded=encoded, late_rate=0.5)
        check = check_events(schedule, events)
        assert check.rejected == (), check.rejected[:3]
        assert len(events) > 0


def test_default_follow_up_keeps_the_documented_example():
    """With the default follow-up nothing is dropped: the docstring's example is unchanged."""
    schedule = schedule_journeys(default_journey(Season.SUMMER, [Goal.TEAM_COLLABORATION]),
                                 [f"p{i}" for i in range(50)], ["peer_support"] * 50,
                                 start=START)  # fmt: skip
    assert len(simulate_events(schedule, rng=3)) == 1387


def test_template_without_a_checkpoint_simulates_without_scores_after():
    """A template with no checkpoint gives events (no score after), not a bare ValueError."""
    template = JourneyTemplate("pilot", (
        Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),
        Step("self-assessment", StepKind.SELF_ASSESSMENT, 3),
        Step("coaching-1", StepKind.COACHING_SESSION, 14),
    ), 30)  # fmt: skip
    schedule = _schedule(template=template)
    events = simulate_events(schedule, rng=4)
    assert check_events(schedule, events).rejected == ()
    completed = events.kind == list(EventKind).index(EventKind.STEP_COMPLETED)
    scored = np.unique(events.step[completed & ~np.isnan(events.value)])
    assert scored.tolist() == ["self-assessment"]


def test_readiness_series_is_aligned_by_participant_id():
    """A readiness Series is put in the schedule's order by its index, not read by position."""
    schedule = _schedule()
    readiness = pd.Series(np.linspace(-3.0, 3.0, len(IDS)), index=IDS)
    shuffled = readiness.sample(frac=1.0, random_state=0)
    expected = simulate_events(schedule, rng=1, readiness=readiness.to_numpy())
    got = simulate_events(schedule, rng=1, readiness=shuffled)
    assert len(got) == len(expected)
    assert np.array_equal(got.participant, expected.participant)
    assert np.array_equal(got.time, expected.time)


@pytest.mark.parametrize(
    "index", [list(range(len(IDS))), [*IDS[:-1], "stranger"], [IDS[0], *IDS[:-1]]]
)
def test_readiness_series_with_other_labels_is_refused(index):
    """A readiness Series whose index is not the participant ids is refused, naming it."""
    readiness = pd.Series(np.zeros(len(IDS)), index=index)
    with pytest.raises(SchemaError, match="readiness"):
        simulate_events(_schedule(), rng=1, readiness=readiness)


def test_encoded_events_for_integer_like_ids_are_refused_up_front():
    """encoded=True for a schedule of numeric ids (rows check_events refuses) names `encoded`."""
    ids = [str(1000 + i) for i in range(20)]
    schedule = schedule_journeys(default_journey(Season.SUMMER, [Goal.TEAM_COLLABORATION]), ids,
                                 ["peer_support"] * 20, start=START)  # fmt: skip
    with pytest.raises(SchemaError, match="encoded"):
        simulate_events(schedule, rng=1, encoded=True)
    events = simulate_events(schedule, rng=1)
    assert check_events(schedule, events).rejected == ()
