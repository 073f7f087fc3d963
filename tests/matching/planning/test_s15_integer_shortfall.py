"""An InfeasibleError for minimum reach never says a budget is short by a negative amount.

The LP relaxation meets the reach with half of each of three people for 6 EUR; whole people
need 10. The message gave the LP's figure, which fitted the budget: "short by -2 EUR".
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import InfeasibleError
from sparkus.matching import EffectPrior, EffectPriors, plan_support
from sparkus.model import (
    CostModel,
    Goal,
    Level,
    Population,
    Program,
    Provider,
    Season,
    SupportType,
    default_journey,
)
from sparkus.triage import ReadinessLevel, TriageResult

C, M = SupportType.COACHING, SupportType.MENTORING


@pytest.mark.parametrize("budget", [6.0, 8.0])
def test_reach_that_only_fractions_of_people_meet_within_budget_says_the_integer_need(budget):
    """The LP meets reach for 6 (half of each of three people); whole people need 10."""
    pop = Population.from_columns(
        {
            "id": ["p1", "p2", "p3"],
            "level": ["manager", "manager", "individual_contributor"],
            "department": ["E", "D", "D"],
            "tenure_years": [1.0] * 3,
        }
    )
    tri = TriageResult(
        ids=pop.ids,
        level=np.full(3, 2, np.int8),
        probabilities=None,
        score=None,
        review=np.zeros(3, bool),
        sessions=np.ones(3, np.int64),
        reflection_share=np.zeros(3),
        method="t",
        review_threshold=0.6,
        full_sessions=1,
        cost=None,
        cost_full=None,
        currency=None,
    )
    goals = (Goal.LEADERSHIP_DEVELOPMENT,)
    program = Program(
        "t",
        goals,
        Season.SPRING,
        budget,
        "EUR",
        CostModel({C: 1.0, M: 10.0}),
        default_journey(Season.SPRING, goals),
    )
    providers = (
        Provider("c1", C, 1, 1.0, Level.EXECUTIVE),
        Provider("m1", M, 5, 10.0, Level.EXECUTIVE),
    )
    priors = EffectPriors(
        {C: EffectPrior(0.4, 0.05, 1, "t"), M: EffectPrior(0.2, 0.05, 1, "t")},
        dict.fromkeys(ReadinessLevel, 1.0),
    )
    with pytest.raises(InfeasibleError) as info:
        plan_support(
            pop,
            tri,
            program,
            providers,
            priors=priors,
            supports=[C, M],
            access={"coaching": [True, False, True], "mentoring": [False, True, False]},
            min_reach={Level.MANAGER: 0.5, "D": 0.5},
        )
    assert "needs a budget of at least 10 EUR" in str(info.value)
    assert f"short by {10 - budget:,.0f} EUR" in str(info.value)
