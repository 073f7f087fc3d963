"""Support planning and matching: which support for whom, under budget, and who with whom.

:func:`recommend_support` ranks the support types for each person from a readable policy table;
:func:`plan_support` chooses one option per person to maximise expected effect under the budget,
pool capacities and reach constraints (an integer program, with its bound and gap);
:func:`budget_frontier` and :func:`compare_scenarios` put plans side by side.
:func:`solve_assignment` assigns participants to providers exactly (maximum cardinality, then
minimum cost) under capacities; :func:`deferred_acceptance` finds the proposer-optimal stable
matching where both sides rank each other.
"""

from sparkus.matching._assignment import AssignmentResult, solve_assignment
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
from sparkus.matching._stable import (
    StableMatching,
    blocking_pairs,
    deferred_acceptance,
    is_stable,
)

__all__ = [
    "AssignmentResult",
    "BudgetFrontier",
    "EffectPrior",
    "EffectPriors",
    "PlanConstraint",
    "ScenarioComparison",
    "StableMatching",
    "SupportPlan",
    "SupportPolicy",
    "SupportRecommendation",
    "SupportRule",
    "blocking_pairs",
    "budget_frontier",
    "compare_scenarios",
    "deferred_acceptance",
    "is_stable",
    "plan_support",
    "recommend_support",
    "solve_assignment",
]
