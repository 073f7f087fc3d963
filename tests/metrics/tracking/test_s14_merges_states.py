"""Saved and merged tracker states of another schedule or setup are refused, saying why."""

from __future__ import annotations

import io

import pytest

from sparkus import SchemaError
from sparkus.metrics import Tracker
from sparkus.model import Goal, Season, default_journey, schedule_journeys
from tests.privacy.world import START, TEMPLATE, pilot

PROGRAM = pilot()
IDS = [f"p{i}" for i in range(8)]
SCHEDULE = schedule_journeys(TEMPLATE, IDS, ["coaching"] * 8, [4] * 8, start=START)
BIGGER = schedule_journeys(TEMPLATE, [f"q{i}" for i in range(300)], ["coaching"] * 300,
                           [4] * 300, start=START)  # fmt: skip
OTHER_TEMPLATE = schedule_journeys(
    default_journey(Season.SUMMER, [Goal.TEAM_COLLABORATION]),
    IDS,
    ["team_coaching"] * 8,
    [4] * 8,
    start=START,
)


@pytest.mark.parametrize("saved_for", [BIGGER, OTHER_TEMPLATE], ids=["bigger", "template"])
def test_state_of_another_schedule_is_refused_as_such(saved_for):
    """A state saved for another schedule is refused for that, not as a corrupt file.

    Before, a larger schedule's file was refused as a member larger than the schedule
    allows, and another template's as a saved option that is not a step of the template.
    """
    pre = "team_coaching-1" if saved_for is OTHER_TEMPLATE else "self-assessment"  # not ours
    buffer = io.BytesIO()
    Tracker(PROGRAM, saved_for, pre_step=pre).save(buffer)
    buffer.seek(0)
    with pytest.raises(SchemaError) as caught:
        Tracker.load(buffer, PROGRAM, SCHEDULE)
    assert [p.path for p in caught.value.problems] == [("schedule",)]
    assert "differs from the one saved" in str(caught.value)


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (lambda: Tracker(PROGRAM, BIGGER), "it differs in: schedule, groups"),
        (lambda: Tracker(PROGRAM, SCHEDULE, window_days=7), "it differs in: window_days"),
        (lambda: Tracker(PROGRAM, SCHEDULE, groups={"team": list("aabbaabb")}),
         "it differs in: groups"),
        (lambda: {"progress": None}, "expected a Tracker, got dict"),
    ],
)  # fmt: skip
def test_merge_of_another_setup_names_what_differs(other, why):
    """Merging trackers of other settings is refused naming the settings that differ."""
    mine = Tracker(PROGRAM, SCHEDULE, groups={"team": list("aaaabbbb")})
    with pytest.raises(SchemaError, match=why):
        mine.merge(other())
