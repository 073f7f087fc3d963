"""plan_support, budget_frontier and compare_scenarios with per-person expected effects."""

import functools

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import (
    EffectPriors,
    SupportPolicy,
    budget_frontier,
    compare_scenarios,
    plan_support,
)
from sparkus.model import SupportType
from sparkus.triage import ReadinessLevel, triage


@functools.cache
def _org(n=400, seed=2):
    org = synthetic_org(n, seed=seed)
    return org, triage(org.population, program=org.program)


def _prior_effects(org, tri):
    """The priors' effect times each person's readiness modifier, computed here from the
    priors' published tables (EffectPriors' fields), not by the planner's code."""
    priors = EffectPriors()
    modifier = np.array([priors.readiness_modifier[lv] for lv in ReadinessLevel] + [1.0])
    m = modifier[np.asarray(tri.level, dtype=np.int64)]
    return {s: priors.priors[s].effect * m for s in priors.priors}


def test_prior_effects_as_arrays_reproduce_the_prior_plan():
    """Per-person effects equal to prior x modifier give the priors' plan, choice for choice."""
    org, tri = _org()
    base = plan_support(org.population, tri, org.program, org.providers, mip_rel_gap=0)
    given = plan_support(org.population, tri, org.program, org.providers, mip_rel_gap=0,
                         effects=_prior_effects(org, tri))  # fmt: skip
    assert given.objective == pytest.approx(base.objective, rel=1e-9)
    assert given.expected_effect == pytest.approx(base.expected_effect, rel=1e-9)
    assert given.effect_source == "per-person effects"
    assert base.effect_source == "priors"
    assert np.isnan(given.confidence_interval).all()
    assert "per-person effects" in repr(given)
    assert "no interval" in given.summary()
    assert given.to_dict()["effect_source"] == "per-person effects"


def test_string_keys_series_by_id_and_arrays_agree():
    """Keys by value, and pandas Series in any order of the ids, plan as the arrays do."""
    org, tri = _org()
    rng = np.random.default_rng(0)
    arrays = {s: rng.normal(0.3, 0.2, len(org.population)) for s in SupportType}
    by_value = {s.value: v for s, v in arrays.items()}
    order = rng.permutation(len(org.population))
    series = {s: pd.Series(v[order], index=org.population.ids[order]) for s, v in arrays.items()}
    kept = {s: v.copy() for s, v in arrays.items()}
    plans = [plan_support(org.population, tri, org.program, org.providers, effects=e)
             for e in (arrays, by_value, series)]  # fmt: skip
    for p in plans[1:]:
        assert p.support.tolist() == plans[0].support.tolist()
        np.testing.assert_array_equal(p.effect, plans[0].effect)
    for s, value in arrays.items():  # nothing the caller passed is changed
        np.testing.assert_array_equal(value, kept[s])


def test_a_plan_targets_the_higher_effects():
    """With effects high for half the people and zero for the rest (no fit weights), a budget
    that cannot serve everyone serves the high half first."""
    org, tri = _org()
    n = len(org.population)
    high = np.arange(n) % 2 == 0
    effects = {s: np.where(high, 1.0, 0.0) for s in SupportType}
    plan = plan_support(org.population, tri, org.program, org.providers, effects=effects,
                        policy=SupportPolicy(fit_weight=0), budget=30_000)  # fmt: skip
    got = plan.support != None
    assert got[high].mean() > got[~high].mean()
    assert plan.expected_effect == pytest.approx(plan.effect.sum())
    assert set(np.unique(plan.effect[got]).tolist()) <= {0.0, 1.0}


def test_negative_effects_mean_no_support_of_that_type():
    """A support type with negative effects for everyone is given to no one."""
    org, tri = _org()
    n = len(org.population)
    effects = {s: np.full(n, 0.2) for s in SupportType}
    effects[SupportType.COACHING] = np.full(n, -0.5)
    plan = plan_support(org.population, tri, org.program, org.providers, effects=effects)
    assert not np.any(plan.support == SupportType.COACHING)


def test_only_the_planned_types_need_effects():
    """Restricting `supports` to the types given is how to plan with fewer effects."""
    org, tri = _org()
    n = len(org.population)
    effects = {"self_guided_reflection": np.full(n, 0.1), "mentoring": np.linspace(0, 1, n)}
    with pytest.raises(SchemaError, match="coaching"):
        plan_support(org.population, tri, org.program, org.providers, effects=effects)
    plan = plan_support(org.population, tri, org.program, org.providers, effects=effects,
                        supports=[SupportType.MENTORING, SupportType.SELF_GUIDED_REFLECTION])  # fmt: skip
    assert plan.effect_source == "per-person effects"


def test_budget_frontier_takes_effects():
    """The frontier's plans are valued with the effects, in their units, with no interval."""
    org, tri = _org()
    effects = _prior_effects(org, tri)
    scaled = {s: 10 * v for s, v in effects.items()}
    a = budget_frontier(org.population, tri, org.program, org.providers,
                        budgets=[30_000, 50_000], effects=effects, mip_rel_gap=0)  # fmt: skip
    b = budget_frontier(org.population, tri, org.program, org.providers,
                        budgets=[30_000, 50_000], effects=scaled, mip_rel_gap=0)  # fmt: skip
    np.testing.assert_allclose(b.expected_effect, 10 * a.expected_effect, rtol=1e-9)
    assert a.effect_source == "per-person effects"
    assert np.isnan(a.confidence_interval).all()
    assert "per-person effects" in a.summary()


def test_compare_scenarios_by_readiness_beside_by_predicted_benefit():
    """With effects, the table says 'by readiness' and 'by predicted benefit', all valued with
    the effects; the benefit plan's weighted value is at least the readiness plan's."""
    org, tri = _org()
    rng = np.random.default_rng(1)
    n = len(org.population)
    effects = {s: rng.gamma(2.0, 0.15, n) for s in SupportType}
    table = compare_scenarios(org.population, tri, org.program, org.providers, effects=effects)
    assert table.names == ("executives only", "everyone gets a coach", "by readiness",
                           "by predicted benefit")  # fmt: skip
    for name, plan in zip(table.names, table.plans, strict=True):
        support = plan.support
        expected = sum(effects[s][support == s].sum() for s in SupportType)
        assert plan.expected_effect == pytest.approx(expected), name
        assert plan.effect_source == "per-person effects"
    ready, benefit = table.plan("by readiness"), table.plan("by predicted benefit")
    weights = benefit.fit_weights

    def weighted(p):
        return sum(weights[s] * effects[s][p.support == s].sum() for s in weights)

    assert weighted(benefit) >= weighted(ready) * (1 - 1e-3)  # both fit the same budget
    assert benefit.total_cost <= ready.budget
    assert "by readiness" in repr(table)
    old = compare_scenarios(org.population, tri, org.program, org.providers)
    assert old.names == ("executives only", "everyone gets a coach", "triaged")
    assert old.plan("triaged").effect_source == "priors"


@pytest.mark.parametrize("n", [2_000, 5_000])
def test_distinct_effects_solve_in_reasonable_time(n):
    """Everyone their own class: synthetic_org(2,000) and (5,000) still solve to the gap."""
    org, tri = _org(n, 3)
    rng = np.random.default_rng(n)
    effects = {s: rng.normal(0.3, 0.2, n) for s in SupportType}
    plan = plan_support(org.population, tri, org.program, org.providers, effects=effects)
    assert plan.status == "optimal"
    assert plan.gap <= 1e-3
    assert plan.solve_seconds < 30
