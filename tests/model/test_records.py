"""The enums and the checked records of sparkus.model, built directly in Python."""

import datetime as dt
import math

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import (
    Assessment,
    AssessmentSource,
    CostModel,
    Event,
    EventKind,
    FrozenMapping,
    Goal,
    Journey,
    JourneyTemplate,
    Level,
    Participant,
    Program,
    Provider,
    Season,
    Step,
    StepKind,
    SupportType,
    default_journey,
)
from tests.strategies import RECORDS, bad_levels, naive_datetimes, non_finite

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
LEVELS_LISTED = "executive, senior_leader, manager, individual_contributor"


def locations(error: pytest.ExceptionInfo[SchemaError]) -> list[str]:
    return [p.location for p in error.value.problems]


def participant(**changes):
    fields = {"id": "e1", "level": Level.MANAGER, "department": "Sales", "tenure_years": 2.0}
    return Participant(**{**fields, **changes})


def program(**changes):
    goals = (Goal.LEADERSHIP_DEVELOPMENT,)
    fields = {
        "name": "Lead",
        "goals": goals,
        "season": Season.SPRING,
        "budget": 1000.0,
        "currency": "EUR",
        "cost_model": CostModel({SupportType.COACHING: 300.0}),
        "journey": default_journey(Season.SPRING, goals),
    }
    return Program(**{**fields, **changes})


# -- enums ------------------------------------------------------------------------------------


def test_level_rank_orders_the_pyramid():
    """Level.rank is 0 for executives and grows down the pyramid."""
    assert [level.rank for level in Level] == [0, 1, 2, 3]
    assert Level.EXECUTIVE.rank < Level.SENIOR_LEADER.rank < Level.MANAGER.rank
    assert Level.MANAGER.rank < Level.INDIVIDUAL_CONTRIBUTOR.rank
    assert Level("individual_contributor") is Level.INDIVIDUAL_CONTRIBUTOR


def test_season_meaning():
    """Each season names its business situation."""
    assert {s: s.meaning for s in Season} == {
        Season.SPRING: "new vision or strategy",
        Season.SUMMER: "high growth and expansion",
        Season.AUTUMN: "business as usual, optimising processes",
        Season.WINTER: "major transformation or crisis",
    }


def test_step_kind_support_type():
    """Session steps belong to one support type; the other steps to none."""
    assert {k: k.support_type for k in StepKind} == {
        StepKind.KICKOFF_WEBINAR: None,
        StepKind.VISION_SETTING: None,
        StepKind.SELF_ASSESSMENT: None,
        StepKind.MANAGER_FEEDBACK: None,
        StepKind.COACHING_SESSION: SupportType.COACHING,
        StepKind.MENTORING_SESSION: SupportType.MENTORING,
        StepKind.PEER_SESSION: SupportType.PEER_SUPPORT,
        StepKind.TEAM_SESSION: SupportType.TEAM_COACHING,
        StepKind.REFLECTION_EXERCISE: SupportType.SELF_GUIDED_REFLECTION,
        StepKind.CHECKPOINT: None,
    }
    assert Step("c", StepKind.PEER_SESSION, 1).support_type is SupportType.PEER_SUPPORT


# -- valid records ----------------------------------------------------------------------------


@given(st.one_of([s for name, s in RECORDS.items() if name != "ProgramDocument"]))
def test_records_are_frozen_and_equal_to_their_copies(record):
    """Every record is frozen, equal to a field-by-field copy, and hashes like it."""
    copy = attrs.evolve(record)
    assert copy == record
    assert hash(copy) == hash(record)
    first = attrs.fields(type(record))[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(record, first, None)


def test_cost_model_per_person_by_hand():
    """per_person = sessions x (fee + hours x hourly cost) + the one-off cost per person."""
    costs = CostModel(
        {SupportType.COACHING: 200.0, SupportType.MENTORING: 0.0},
        session_hours=1.5,
        participant_hourly_cost=80.0,
        per_participant_cost={SupportType.COACHING: 500.0},
        fixed_cost=10_000.0,
    )
    # 4 x (200 + 1.5 x 80) + 500 = 4 x 320 + 500
    assert costs.per_person(SupportType.COACHING, sessions=4) == 1780.0
    # no one-off cost for mentoring: 6 x (0 + 120)
    assert costs.per_person(SupportType.MENTORING, sessions=6) == 720.0
    assert costs.per_person(SupportType.COACHING, sessions=0) == 500.0


def test_cost_model_per_person_without_a_fee():
    """per_person for a support type without a fee raises SchemaError naming the fees set."""
    costs = CostModel({SupportType.COACHING: 200.0})
    with pytest.raises(SchemaError, match="fees are set for: coaching") as error:
        costs.per_person(SupportType.MENTORING, sessions=2)
    assert locations(error) == ["session_cost.mentoring"]


def test_journey_due():
    """Journey.due is the start plus the step's day, keeping the start's UTC offset."""
    journey = Journey(
        "e1",
        T0,
        (
            Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),
            Step("coaching-1", StepKind.COACHING_SESSION, 14),
            Step("final", StepKind.CHECKPOINT, 90),
        ),
        SupportType.COACHING,
    )
    assert journey.due("kickoff") == T0
    assert journey.due("coaching-1") == dt.datetime(
        2026, 3, 16, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert journey.due("final").isoformat() == "2026-05-31T09:30:00+01:00"


def test_journey_due_unknown_step():
    """Journey.due of an unknown step raises SchemaError listing the journey's steps."""
    journey = Journey("e1", T0, (Step("kickoff", StepKind.KICKOFF_WEBINAR, 0),))
    with pytest.raises(SchemaError, match=r"'nope' is not a step.*kickoff") as error:
        journey.due("nope")
    assert locations(error) == ["step_id"]


# -- bad input, built in Python ---------------------------------------------------------------


def test_unknown_level_lists_allowed_values():
    """An unknown level is reported at `level` with the allowed values."""
    with pytest.raises(SchemaError) as error:
        participant(level="boss")
    assert locations(error) == ["level"]
    assert error.value.problems[0].message == f"'boss' is not one of {LEVELS_LISTED}"


@given(bad_levels)
def test_any_non_level_is_rejected(value):
    """Any string that is not a Level value is rejected at `level`."""
    with pytest.raises(SchemaError) as error:
        participant(level=value)
    assert locations(error) == ["level"]
    assert LEVELS_LISTED in str(error.value)


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"id": 17}, "id"),
        ({"department": None}, "department"),
        ({"department": " Sales"}, "department"),
        ({"tenure_years": "five"}, "tenure_years"),
        ({"tenure_years": True}, "tenure_years"),
        ({"tenure_years": -1.0}, "tenure_years"),
        ({"utc_offset": 15}, "utc_offset"),
        ({"manager_id": 3}, "manager_id"),
        ({"languages": ["en"]}, "languages"),
        ({"languages": ("en", "EN")}, "languages[1]"),
        ({"languages": ("en", "en")}, "languages[1]"),
        ({"focus_goals": ("leadership_development",)}, "focus_goals[0]"),
        ({"attributes": {"site": [1, 2]}}, "attributes.site"),
        ({"attributes": {1: 1}}, "attributes.1"),
        ({"attributes": ["site"]}, "attributes"),
        ({"manager_id": "e1"}, "manager_id"),
    ],
)
def test_participant_rejects_wrong_values(changes, where):
    """A wrong type or value in one Participant field is reported at that field's path."""
    with pytest.raises(SchemaError) as error:
        participant(**changes)
    assert locations(error) == [where]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_rejected(value):
    """NaN and infinities are rejected in every number field, with the field's path."""
    with pytest.raises(SchemaError, match="not finite") as error:
        participant(tenure_years=value, utc_offset=value, attributes={"score": value})
    assert locations(error) == ["tenure_years", "utc_offset", "attributes.score"]
    with pytest.raises(SchemaError, match="not finite") as error:
        Event("ev", "e1", EventKind.SESSION_RATED, T0, step="s", value=value)
    assert locations(error) == ["value"]


def test_every_problem_of_a_record_is_reported_at_once():
    """Several bad fields of one record give one error listing each of them."""
    with pytest.raises(SchemaError) as error:
        Participant("", "boss", None, math.nan, languages=("x",))
    assert locations(error) == ["id", "level", "department", "tenure_years", "languages[0]"]


@given(naive_datetimes)
def test_naive_datetimes_are_rejected(when):
    """A datetime without a UTC offset is rejected, with a suggestion that has one."""
    with pytest.raises(SchemaError, match=r"has no UTC offset; give one") as error:
        Assessment("e1", AssessmentSource.SELF, {"a": 3.0}, when)
    assert locations(error) == ["taken_at"]
    with pytest.raises(SchemaError) as error:
        Event("ev", "e1", EventKind.ACTIVITY, when)
    assert locations(error) == ["time"]
    with pytest.raises(SchemaError) as error:
        Journey("e1", when, (Step("k", StepKind.KICKOFF_WEBINAR, 0),))
    assert locations(error) == ["start"]


def test_assessment_score_outside_its_scale():
    """A score outside the scale is reported at `scores.<item>`, naming the scale."""
    with pytest.raises(SchemaError, match=r"6\.0 is outside the scale 1 to 5") as error:
        Assessment("e1", AssessmentSource.SELF, {"ok": 5.0, "motivation": 6.0}, T0)
    assert locations(error) == ["scores.motivation"]
    with pytest.raises(SchemaError) as error:
        Assessment("e1", AssessmentSource.MANAGER, {"a": -0.5, "b": 11}, T0, scale=(0, 10))
    assert locations(error) == ["scores.a", "scores.b"]
    # the bounds themselves are inside
    Assessment("e1", AssessmentSource.MANAGER, {"a": 0, "b": 10.0}, T0, scale=(0, 10))


@pytest.mark.parametrize("scale", [(5, 1), (1, 1), (1,), [1, 5], (1, math.inf), ("1", "5")])
def test_assessment_rejects_bad_scales(scale):
    """A scale must be a tuple (lowest, highest) of finite numbers with lowest < highest."""
    with pytest.raises(SchemaError, match="lowest < highest") as error:
        Assessment("e1", AssessmentSource.SELF, {}, T0, scale=scale)
    assert locations(error) == ["scale"]


def test_provider_rejects_wrong_values():
    """Provider capacity must be a non-negative int, its seniority a Level."""
    with pytest.raises(SchemaError) as error:
        Provider("c1", "coach", 2.5, -1.0, "boss", specialties=(Goal.TEAM_COLLABORATION,) * 2)
    assert locations(error) == [
        "support_type",
        "capacity",
        "cost_per_session",
        "seniority",
        "specialties[1]",
    ]
    assert f"'boss' is not one of {LEVELS_LISTED}" in str(error.value)


def test_cost_model_rejects_wrong_values():
    """CostModel fees are keyed by SupportType and must be non-negative and finite."""
    with pytest.raises(SchemaError) as error:
        CostModel({"coach": 1.0, SupportType.MENTORING: -1.0}, session_hours=math.nan)
    assert locations(error) == ["session_cost.coach", "session_cost.mentoring", "session_hours"]


def test_journey_template_checks_its_steps():
    """Template steps must keep day order, unique ids, and end by the duration."""
    with pytest.raises(SchemaError) as error:
        JourneyTemplate(
            "t",
            (
                Step("a", StepKind.KICKOFF_WEBINAR, 5),
                Step("a", StepKind.CHECKPOINT, 3),
                Step("b", StepKind.CHECKPOINT, 40),
            ),
            30,
        )
    assert locations(error) == ["steps[1].id", "steps[1].day", "steps[2].day"]
    with pytest.raises(SchemaError, match="must not be empty"):
        JourneyTemplate("t", (), 30)
    with pytest.raises(SchemaError) as error:
        JourneyTemplate("t", ("kickoff",), 0)
    assert locations(error) == ["steps[0]", "duration_days"]


def test_journey_rejects_steps_of_another_support():
    """A journey holds only shared steps and its own support type's sessions."""
    seq = (Step("k", StepKind.KICKOFF_WEBINAR, 0), Step("m", StepKind.MENTORING_SESSION, 3))
    with pytest.raises(SchemaError, match="support is 'coaching'") as error:
        Journey("e1", T0, seq, SupportType.COACHING)
    assert locations(error) == ["steps[1].kind"]
    with pytest.raises(SchemaError, match="support is none"):
        Journey("e1", T0, seq)
    assert Journey("e1", T0, seq, SupportType.MENTORING).steps == seq


def test_event_needs_step_and_value_where_its_kind_does():
    """Step events need a step; a session rating also needs a value."""
    with pytest.raises(SchemaError) as error:
        Event("ev", "e1", EventKind.SESSION_RATED, T0)
    assert locations(error) == ["step", "value"]
    with pytest.raises(SchemaError) as error:
        Event("ev", "e1", EventKind.STEP_COMPLETED, T0)
    assert locations(error) == ["step"]
    assert Event("ev", "e1", EventKind.ACTIVITY, T0).step is None


def test_program_rejects_wrong_values():
    """Program goals, currency, nested records and the minimum group size are checked."""
    with pytest.raises(SchemaError) as error:
        program(
            goals=(),
            season="monsoon",
            currency="eur",
            cost_model={},
            journey=None,
            min_group_size=1,
        )
    assert locations(error) == [
        "goals",
        "season",
        "currency",
        "cost_model",
        "journey",
        "min_group_size",
    ]
    assert "'monsoon' is not one of spring, summer, autumn, winter" in str(error.value)


def test_caller_dict_is_copied_not_kept():
    """A dict given as attributes, scores or costs is left unchanged and later edits don't leak."""
    attributes = {"site": "Oslo", "score": 3}
    person = participant(attributes=attributes)
    assert attributes == {"site": "Oslo", "score": 3}
    attributes["site"] = "Lima"
    attributes["new"] = 1
    assert dict(person.attributes) == {"site": "Oslo", "score": 3}
    assert isinstance(person.attributes, FrozenMapping)

    scores = {"a": 3.0}
    assessment = Assessment("e1", AssessmentSource.SELF, scores, T0)
    scores["a"] = 99.0
    assert assessment.scores["a"] == 3.0

    fees = {SupportType.COACHING: 100.0}
    costs = CostModel(fees)
    fees[SupportType.COACHING] = 1.0
    assert costs.session_cost[SupportType.COACHING] == 100.0


def test_frozen_mapping_cannot_be_changed():
    """A record's mapping has no item assignment."""
    person = participant(attributes={"site": "Oslo"})
    with pytest.raises(TypeError):
        person.attributes["site"] = "Lima"  # type: ignore[index]


def test_number_fields_reject_huge_integers_as_schema_error():
    """An integer too large for a float is a SchemaError at its field, not an OverflowError."""
    with pytest.raises(SchemaError) as error:
        participant(tenure_years=10**400)
    assert locations(error) == ["tenure_years"]


@given(non_finite)
def test_non_finite_budget_is_rejected(value):
    """A Program's budget must be finite."""
    with pytest.raises(SchemaError, match="not finite") as error:
        program(budget=value)
    assert locations(error) == ["budget"]
