"""Support planning and matching: which support for whom, under budget, and who with whom.

:func:`recommend_support` ranks the support types for each person from a readable policy table;
:func:`plan_support` chooses one option per person to maximise expected effect under the budget,
pool capacities and reach constraints (an integer program, with its bound and gap);
:func:`budget_frontier` and :func:`compare_scenarios` put plans side by side.
:func:`solve_assignment` assigns participants to providers exactly (maximum cardinality, then
minimum cost) under capacities; :func:`deferred_acceptance` finds the proposer-optimal stable
matching where both sides rank each other. :func:`candidate_matrix` scores who fits whom with
declared, explainable scorers; :func:`assign` places people with any registered matcher, with
fixed pairs and load spreading, and :func:`rematch` repairs a placement with minimal disruption.
:func:`form_peer_circles` partitions people into peer circles with weighted aims;
:func:`team_cohorts` forms cohorts for team coaching. Third-party matchers and scorers plug in
through :func:`register` or the entry-point groups ``sparkus.matchers`` and ``sparkus.scorers``;
:func:`check_plugin` says what an object lacks to implement their protocol.
"""

from sparkus.matching._pairing.assign import assign
from sparkus.matching._pairing.assign_result import Assignment
from sparkus.matching._pairing.candidate_results import CandidateMatrix, PairExplanation, Shortlist
from sparkus.matching._pairing.candidates import DEFAULT_WEIGHTS, candidate_matrix
from sparkus.matching._pairing.circles import CircleAims, PeerCircles, form_peer_circles
from sparkus.matching._pairing.cohorts import TeamCohorts, team_cohorts
from sparkus.matching._pairing.exact import AssignmentResult, solve_assignment
from sparkus.matching._pairing.protocols import Matcher, PairScore, Scorer, check_plugin
from sparkus.matching._pairing.registry import (
    available_matchers,
    available_scorers,
    get_matcher,
    get_scorer,
    register,
)
from sparkus.matching._pairing.rematch import Move, Rematch, rematch
from sparkus.matching._pairing.reporting_line import SameReportingLine
from sparkus.matching._pairing.scorers import (
    GoalFit,
    SeniorityGap,
    SharedLanguage,
    StatedPreferences,
    TimeZoneOverlap,
)
from sparkus.matching._pairing.stable import (
    StableMatching,
    blocking_pairs,
    deferred_acceptance,
    is_stable,
)
from sparkus.matching._planning.constraint import PlanConstraint
from sparkus.matching._planning.frontier import BudgetFrontier, budget_frontier
from sparkus.matching._planning.plan import plan_support
from sparkus.matching._planning.priors import EffectPrior, EffectPriors
from sparkus.matching._planning.recommend import (
    SupportPolicy,
    SupportRecommendation,
    SupportRule,
    recommend_support,
)
from sparkus.matching._planning.scenarios import ScenarioComparison, compare_scenarios
from sparkus.matching._planning.support_plan import SupportPlan

__all__ = [
    "DEFAULT_WEIGHTS",
    "Assignment",
    "AssignmentResult",
    "BudgetFrontier",
    "CandidateMatrix",
    "CircleAims",
    "EffectPrior",
    "EffectPriors",
    "GoalFit",
    "Matcher",
    "Move",
    "PairExplanation",
    "PairScore",
    "PeerCircles",
    "PlanConstraint",
    "Rematch",
    "SameReportingLine",
    "ScenarioComparison",
    "Scorer",
    "SeniorityGap",
    "SharedLanguage",
    "Shortlist",
    "StableMatching",
    "StatedPreferences",
    "SupportPlan",
    "SupportPolicy",
    "SupportRecommendation",
    "SupportRule",
    "TeamCohorts",
    "TimeZoneOverlap",
    "assign",
    "available_matchers",
    "available_scorers",
    "blocking_pairs",
    "budget_frontier",
    "candidate_matrix",
    "check_plugin",
    "compare_scenarios",
    "deferred_acceptance",
    "form_peer_circles",
    "get_matcher",
    "get_scorer",
    "is_stable",
    "plan_support",
    "recommend_support",
    "register",
    "rematch",
    "solve_assignment",
    "team_cohorts",
]
