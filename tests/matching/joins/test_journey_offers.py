"""The recommender and the planner offer only what the journey delivers (issue 14).

The synthetic organisation's journey (leadership development and transformation readiness) has
coaching, mentoring and peer-support sessions and reflection exercises, but no team-coaching
step; the recommender ranked team coaching first for ready managers all the same.
"""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import SupportPolicy, plan_support, recommend_support
from sparkus.model import Goal, Season, SupportType, default_journey
from sparkus.triage import ReadinessLevel, triage

ORG = synthetic_org(500, seed=1)
TRIAGE = triage(ORG.population, program=ORG.program)
NO_TEAM = SupportType.TEAM_COACHING


def test_the_journey_has_no_team_coaching():
    """The premise: the default journey for these goals delivers no team coaching."""
    assert NO_TEAM not in ORG.program.journey.support_types


def test_the_recommender_never_ranks_what_the_journey_cannot_deliver():
    """Team coaching is neither a column, a first choice nor a reason; the summary says why."""
    rec = recommend_support(ORG.population, TRIAGE, ORG.program)
    assert NO_TEAM not in rec.support_types
    assert NO_TEAM not in set(rec.top.tolist())
    ready = str(rec.ids[rec.readiness == ReadinessLevel.READY.rank][0])
    assert NO_TEAM not in rec.reasons(ready)
    assert rec.not_offered == (NO_TEAM,)
    assert "not in the journey: team_coaching" in rec.summary()
    assert set(rec.support_types) == set(ORG.program.journey.support_types)


def test_a_journey_with_team_sessions_gets_team_coaching_ranked():
    """Given team-coaching steps (team collaboration goal), team coaching is ranked again."""
    goals = (Goal.TEAM_COLLABORATION,)
    program = attrs.evolve(ORG.program, goals=goals,
                           journey=default_journey(Season.SPRING, goals))  # fmt: skip
    rec = recommend_support(ORG.population, TRIAGE, program)
    assert NO_TEAM in rec.support_types
    assert rec.not_offered == (SupportType.COACHING, SupportType.MENTORING)
    ready = rec.readiness >= ReadinessLevel.READY.rank
    assert NO_TEAM in set(rec.top[ready].tolist())


def test_a_policy_covering_nothing_the_journey_offers_is_an_error():
    """No support type both in the policy and in the journey: an error naming the journey."""
    policy = SupportPolicy({NO_TEAM: SupportPolicy().rules[NO_TEAM]})
    with pytest.raises(SchemaError) as error:
        recommend_support(ORG.population, TRIAGE, ORG.program, policy=policy)
    assert [p.location for p in error.value.problems] == ["program.journey"]
    assert "'team_coaching'" in str(error.value)


def test_the_planner_refuses_to_plan_what_the_journey_cannot_deliver():
    """Asking the plan for team coaching is an error naming `supports` and the journey."""
    with pytest.raises(SchemaError) as error:
        plan_support(ORG.population, TRIAGE, ORG.program, ORG.providers,
                     supports=[SupportType.COACHING, NO_TEAM])  # fmt: skip
    assert [p.location for p in error.value.problems] == ["supports[1]"]
    assert ORG.program.journey.name in str(error.value)


def test_the_plan_by_default_gives_only_what_the_journey_delivers():
    """Team coaching has providers in the organisation, but the plan gives it to nobody."""
    assert any(p.support_type is NO_TEAM for p in ORG.providers)
    plan = plan_support(ORG.population, TRIAGE, ORG.program, ORG.providers)
    assert NO_TEAM not in plan.supports
    given = {s for s in plan.support.tolist() if s is not None}
    assert given <= set(ORG.program.journey.support_types)


def test_the_policy_table_marks_what_the_journey_lacks():
    """The policy table says which support types the program's journey delivers."""
    text = SupportPolicy().table(ORG.program)
    rows = {line.split()[0]: line for line in text.splitlines()[3:]}
    assert rows["team_coaching"].split()[1] == "no"
    assert rows["coaching"].split()[1] == "yes"
    assert np.all([rows[s.value].split()[1] == "yes" for s in ORG.program.journey.support_types])
