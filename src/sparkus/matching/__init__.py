"""Support planning and matching: which support for whom, under budget, and who with whom.

:func:`recommend_support` ranks the support types for each person from a readable policy table;
:func:`plan_support` chooses one option per person to maximise expected effect under the budget,
pool capacities and reach constraints (an integer program, with its bound and gap);
:func:`budget_frontier` and :func:`compare_scenarios` put plans side by side.
"""

from sparkus.matching._plan import PlanConstraint, SupportPlan, plan_support
from sparkus.matching._priors import EffectPrior, EffectPriors
from sparkus.matching._recommend import (
    SupportPolicy,
    SupportRecommendation,
    SupportRule,
    recommend_support,
)
from sparkus.matching._scenarios import (
    BudgetFrontier,
    ScenarioComparison,
    budget_frontier,
    compare_scenarios,
)

__all__ = [
    "BudgetFrontier",
    "EffectPrior",
    "EffectPriors",
    "PlanConstraint",
    "ScenarioComparison",
    "SupportPlan",
    "SupportPolicy",
    "SupportRecommendation",
    "SupportRule",
    "budget_frontier",
    "compare_scenarios",
    "plan_support",
    "recommend_support",
]
