"""Valuing the scenarios of :func:`~sparkus.matching.compare_scenarios`.

:func:`fixed_plan` values a given assignment (a support type or None per person) with the
priors, without solving. With per-person `effects`, every scenario is valued with the caller's
expected effects instead, so that all are in the same units (:func:`revalued`), and the plan
that targets them (:func:`~sparkus.matching.plan_support` with `effects`, the same budget) is
added beside the triaged one (:func:`benefit_plan`): "by readiness" beside "by predicted
benefit".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray
from sparkus._errors import Problem, SchemaError
from sparkus.matching._planning.engine import (
    PlanOptions,
    build_setup,
    check_money,
    cost_per_person,
    readiness_modifier,
    solve_setup,
)
from sparkus.matching._planning.policy import SupportPolicy
from sparkus.matching._planning.priors import EffectPriors
from sparkus.matching._planning.rows import expected_effects
from sparkus.matching._planning.support_plan import (
    PlanConstraint,
    SupportPlan,
    effect_interval,
    objects,
)
from sparkus.model import Population, Program, Provider, SupportType
from sparkus.triage import TriageResult

__all__ = [
    "BY_BENEFIT",
    "BY_READINESS",
    "benefit_plan",
    "check_benefit",
    "fixed_plan",
    "revalued",
]

IntArray = npt.NDArray[np.int64]
_SELF: Final = SupportType.SELF_GUIDED_REFLECTION

BY_READINESS = "by readiness"
"""The triaged plan's name beside per-person effects: targeted by the readiness survey."""

BY_BENEFIT = "by predicted benefit"
"""The plan that targets the per-person effects, with the same budget."""


def check_benefit(
    effects: object, population: Population, needed: Sequence[SupportType]
) -> tuple[FloatArray, tuple[SupportType, ...]]:
    """The effects of every type a scenario gives, (n, S) with the types; SchemaError if not."""
    supports = tuple(s for s in SupportType if s in set(needed))
    problems: list[Problem] = []
    matrix = expected_effects(effects, population, supports, problems)
    if problems or matrix is None:
        raise SchemaError(problems)
    return matrix, supports


def revalued(
    plan: SupportPlan, matrix: FloatArray, supports: tuple[SupportType, ...]
) -> SupportPlan:
    """`plan` with each person's effect read from `matrix` (columns as `supports`).

    Its choice, costs and objective stay as they were made; its expected effect is the sum of
    the per-person effects of the support each person gets, with no interval.
    """
    column = {s: k for k, s in enumerate(supports)}
    effect = np.zeros(plan.n)
    for s in {x for x in plan.support.tolist() if x is not None}:
        m = plan.support == s
        effect[m] = matrix[m, column[s]]
    how = plan.method
    if plan.effect_source == "priors":
        how += "; valued with per-person effects"
    return attrs.evolve(
        plan,
        effect=effect,
        expected_effect=float(effect.sum()),
        confidence_interval=(math.nan, math.nan),
        effect_source="per-person effects",
        method=how,
    )


def benefit_plan(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    *,
    priors: EffectPriors,
    budget: float,
    supports: tuple[SupportType, ...],
    effects: object,
    confidence_level: float,
) -> SupportPlan:
    """:func:`plan_support` with `effects`, its defaults otherwise, on checked arguments."""
    options = PlanOptions(
        priors=priors, supports=supports, confidence_level=confidence_level, effects=effects
    )
    setup = build_setup(population, triage, program, providers, budget=budget, priors=priors,
                        policy=SupportPolicy(), options=options)  # fmt: skip
    return solve_setup(setup, stacklevel=4)


def fixed_plan(
    population: Population,
    triage: TriageResult,
    program: Program,
    providers: Sequence[Provider],
    priors: EffectPriors,
    support: npt.NDArray[np.object_],
    sessions: IntArray,
    confidence_level: float,
    method: str,
) -> SupportPlan:
    """Value a given assignment (SupportType or None per person) with the priors; no solving."""
    n = len(population)
    used = tuple(s for s in SupportType if np.any(support == s))
    code = np.full(n, -1, dtype=np.int64)
    cost = np.zeros(n)
    effect = np.zeros(n)
    readiness = np.asarray(triage.level, dtype=np.int8)
    modifier = readiness_modifier(priors, readiness)
    costs = program.cost_model
    for k, s in enumerate(used):
        m = support == s
        code[m] = k
        cost[m] = cost_per_person(costs, s, sessions[m])
        effect[m] = priors.priors[s].effect * modifier[m]
    check_money(cost[:, None], used or (SupportType.COACHING,))
    mean, low, high = effect_interval(priors, modifier, code, used, confidence_level)
    total = float(cost.sum()) + costs.fixed_cost
    constraints = [PlanConstraint("budget", "budget", total, program.budget, None, False)]
    for k, s in enumerate(used):
        places = [p.capacity for p in providers if p.support_type is s]
        if s is _SELF and not places:
            continue  # self-guided reflection without providers has no limit
        constraints.append(PlanConstraint(
            f"capacity {s.value}", "capacity", float(np.sum(code == k)), float(sum(places)),
            None, False,
        ))  # fmt: skip
    return SupportPlan(
        ids=population.ids,
        support=objects(used, code),
        pool=np.full(n, None, dtype=object),
        sessions=np.where(code >= 0, sessions, 0).astype(np.int64),
        cost=cost,
        effect=effect,
        level=np.asarray(population["level"], dtype=np.int8),
        readiness=readiness,
        department=population.decode("department"),
        supports=used,
        budget=program.budget,
        fixed_cost=costs.fixed_cost,
        total_cost=total,
        expected_effect=mean,
        confidence_interval=(low, high),
        confidence_level=confidence_level,
        objective=mean,
        bound=None,
        lp_bound=None,
        gap=None,
        budget_shadow_price=None,
        constraints=tuple(constraints),
        status="fixed",
        method=method,
        weighted=False,
        solve_seconds=None,
        lp_seconds=None,
        currency=program.currency,
        priors=priors,
    )
