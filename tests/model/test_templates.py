"""Default journey templates, and what a template offers each support type."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import (
    Goal,
    Journey,
    JourneyTemplate,
    Season,
    Step,
    StepKind,
    SupportType,
    default_journey,
)

DURATION = {Season.SPRING: 150, Season.SUMMER: 120, Season.AUTUMN: 180, Season.WINTER: 90}
SHARED_START = [
    ("kickoff", StepKind.KICKOFF_WEBINAR, 0),
    ("vision", StepKind.VISION_SETTING, 3),
    ("self-assessment", StepKind.SELF_ASSESSMENT, 7),
    ("manager-feedback", StepKind.MANAGER_FEEDBACK, 10),
]
goal_lists = st.lists(st.sampled_from(Goal), min_size=1, max_size=6)


@pytest.mark.parametrize("season", list(Season))
def test_default_journey_shape_by_season(season):
    """Each season sets the length; steps are in day order with unique ids and end on time."""
    template = default_journey(season, [Goal.LEADERSHIP_DEVELOPMENT])
    duration = DURATION[season]
    assert template.duration_days == duration
    days = [s.day for s in template.steps]
    assert days == sorted(days)
    assert len({s.id for s in template.steps}) == len(template.steps)
    assert [(s.id, s.kind, s.day) for s in template.steps[:4]] == SHARED_START
    by_id = {s.id: s for s in template.steps}
    assert by_id["checkpoint-mid"].day == duration // 2
    assert by_id["checkpoint-final"].day == duration
    assert template.steps[-1].id == "checkpoint-final"
    assert template.name == f"{season.value}: leadership_development"


@pytest.mark.parametrize("season", list(Season))
def test_only_winter_has_pulse_checkpoints(season):
    """Winter adds optional monthly pulse checkpoints (days 30, 60); other seasons do not."""
    template = default_journey(season, [Goal.TEAM_COLLABORATION])
    pulses = [
        (s.id, s.kind, s.day, s.required) for s in template.steps if s.id.startswith("pulse-")
    ]
    if season is Season.WINTER:
        assert pulses == [
            ("pulse-1", StepKind.CHECKPOINT, 30, False),
            ("pulse-2", StepKind.CHECKPOINT, 60, False),
        ]
    else:
        assert pulses == []


def test_sessions_follow_the_goals():
    """Each goal brings its support types' sessions, spread from day 14 to two weeks before the end."""
    template = default_journey(Season.SPRING, [Goal.TEAM_COLLABORATION])
    assert template.support_types == (
        SupportType.TEAM_COACHING,
        SupportType.PEER_SUPPORT,
        SupportType.SELF_GUIDED_REFLECTION,
    )
    team = [s.day for s in template.steps if s.kind is StepKind.TEAM_SESSION]
    peer = [s.day for s in template.steps if s.kind is StepKind.PEER_SESSION]
    assert team == [14, 55, 95, 136]
    assert peer == [14, 38, 63, 87, 112, 136]
    reflections = [s for s in template.steps if s.kind is StepKind.REFLECTION_EXERCISE]
    assert [s.day for s in reflections] == list(range(14, 150, 14))
    assert not any(s.required for s in reflections)


def test_repeated_goals_count_once():
    """Repeating a goal changes neither the steps nor the name."""
    once = default_journey(Season.SUMMER, [Goal.DIVERSITY_INCLUSION])
    twice = default_journey(Season.SUMMER, (g for g in [Goal.DIVERSITY_INCLUSION] * 2))
    assert twice == once
    both = default_journey(Season.SUMMER, [Goal.DIVERSITY_INCLUSION, Goal.LEADERSHIP_DEVELOPMENT])
    assert both.name == "summer: diversity_inclusion, leadership_development"
    assert both.support_types == (
        SupportType.MENTORING,
        SupportType.PEER_SUPPORT,
        SupportType.COACHING,
        SupportType.SELF_GUIDED_REFLECTION,
    )


@given(st.sampled_from(Season), goal_lists)
def test_default_journey_is_valid_for_any_goals(season, goals):
    """Every season and goal list gives a template whose sessions sit in the allowed window."""
    template = default_journey(season, goals)
    assert isinstance(template, JourneyTemplate)
    duration = DURATION[season]
    for step in template.steps:
        assert 0 <= step.day <= duration
        if step.kind.support_type not in (None, SupportType.SELF_GUIDED_REFLECTION):
            assert 14 <= step.day <= duration - 14
    days = [s.day for s in template.steps]
    assert days == sorted(days)
    assert len({s.id for s in template.steps}) == len(template.steps)


def test_default_journey_rejects_bad_input():
    """A non-Season, no goals, or a non-Goal is a SchemaError listing each problem."""
    with pytest.raises(SchemaError) as error:
        default_journey("monsoon", [])
    assert [p.location for p in error.value.problems] == ["season", "goals"]
    assert "'monsoon' is not one of spring, summer, autumn, winter" in str(error.value)
    with pytest.raises(SchemaError, match="Season") as error:
        default_journey("winter", [Goal.TEAM_COLLABORATION])
    assert [p.location for p in error.value.problems] == ["season"]
    with pytest.raises(SchemaError) as error:
        default_journey(Season.WINTER, [Goal.TEAM_COLLABORATION, "team_collaboration"])
    assert [p.location for p in error.value.problems] == ["goals[1]"]


def test_steps_for_selects_shared_steps_and_one_support():
    """steps_for keeps the shared steps and the given support type's sessions, in order."""
    template = JourneyTemplate(
        "t",
        (
            Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),
            Step("coaching-1", StepKind.COACHING_SESSION, 7),
            Step("mentoring-1", StepKind.MENTORING_SESSION, 7),
            Step("reflection-1", StepKind.REFLECTION_EXERCISE, 8),
            Step("final", StepKind.CHECKPOINT, 30),
        ),
        30,
    )
    ids = {s: [step.id for step in template.steps_for(s)] for s in [*SupportType, None]}
    assert ids == {
        SupportType.COACHING: ["kickoff", "coaching-1", "final"],
        SupportType.MENTORING: ["kickoff", "mentoring-1", "final"],
        SupportType.PEER_SUPPORT: ["kickoff", "final"],
        SupportType.TEAM_COACHING: ["kickoff", "final"],
        SupportType.SELF_GUIDED_REFLECTION: ["kickoff", "reflection-1", "final"],
        None: ["kickoff", "final"],
    }


@given(st.sampled_from(Season), goal_lists)
def test_each_support_gets_a_valid_journey(season, goals):
    """The steps a template offers one support type make a valid Journey for that support."""
    template = default_journey(season, goals)
    start = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    for support in (*template.support_types, None):
        chosen = template.steps_for(support)
        journey = Journey("e1", start, chosen, support)
        assert journey.due("checkpoint-final") == start + dt.timedelta(days=DURATION[season])
        assert {s.support_type for s in chosen} <= {None, support}
