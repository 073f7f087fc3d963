"""Scenarios side by side, and the budget frontier: what the money buys."""

import json
import math

import numpy as np
import pytest

from sparkus import InfeasibleError, SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import EffectPriors, budget_frontier, compare_scenarios, plan_support
from sparkus.model import Level, SupportType
from sparkus.triage import ReadinessLevel, triage


@pytest.fixture(scope="module")
def org():
    return synthetic_org(1_200, seed=6)


@pytest.fixture(scope="module")
def triaged(org):
    return triage(org.population, program=org.program)


@pytest.fixture(scope="module")
def table(org, triaged):
    return compare_scenarios(org.population, triaged, org.program, org.providers)


def test_builtin_scenarios_are_the_usual_answers(table, org, triaged):
    """Executives only and everyone get full coaching; their costs follow the cost model."""
    assert table.names == ("executives only", "everyone gets a coach", "triaged")
    fixed = org.program.cost_model.fixed_cost
    everyone = table.plan("everyone gets a coach")
    assert everyone.total_cost == pytest.approx(triaged.cost_full + fixed)
    assert everyone.supported == len(org.population)
    execs = table.plan("executives only")
    is_exec = org.population["level"] == Level.EXECUTIVE.rank
    assert np.all(execs.support[is_exec] == SupportType.COACHING)
    assert np.all(execs.support[~is_exec] == None)
    assert execs.total_cost == pytest.approx(
        is_exec.sum() * triaged.cost_full / len(is_exec) + fixed
    )


def test_metrics_are_consistent(table):
    """Ratios are against 'everyone gets a coach'; reach shares lie in [0, 1]."""
    m = table.metrics
    assert m["everyone gets a coach"]["cost_vs_reference"] == pytest.approx(1.0)
    assert m["everyone gets a coach"]["fits_budget"] is False
    assert m["everyone gets a coach"]["fits_capacity"] is False
    assert m["triaged"]["fits_budget"] is True
    assert m["triaged"]["fits_capacity"] is True
    assert m["executives only"]["reach_executive"] == pytest.approx(1.0)
    assert m["executives only"]["reach_manager"] == 0.0
    for row in m.values():
        assert row["effect_low"] <= row["expected_effect"] <= row["effect_high"]
        assert row["cost_per_effect"] == pytest.approx(row["cost"] / row["expected_effect"])


def test_everyone_is_valued_with_the_same_priors(org, triaged):
    """A readiness modifier lowers the effect of coaching everyone, so triage keeps more of it."""
    doubt = EffectPriors(
        readiness_modifier={ReadinessLevel.RESISTANT: 0.0, ReadinessLevel.EMERGING: 0.25,
                            ReadinessLevel.READY: 1.0, ReadinessLevel.HIGHLY_READY: 1.0}
    )  # fmt: skip
    plain = compare_scenarios(org.population, triaged, org.program, org.providers)
    skeptical = compare_scenarios(org.population, triaged, org.program, org.providers,
                                  priors=doubt)  # fmt: skip
    kept = skeptical.metrics["triaged"]["effect_vs_reference"]
    assert kept > plain.metrics["triaged"]["effect_vs_reference"]
    everyone = skeptical.plan("everyone gets a coach")
    assert np.all(everyone.effect[triaged.level == 0] == 0.0)


def test_user_plans_as_arrays_and_as_plans(org, triaged):
    """A user's plan is a SupportPlan or one SupportType (or None) per person."""
    n = len(org.population)
    managers = np.where(org.population["level"] == Level.MANAGER.rank,
                        SupportType.MENTORING, None).tolist()  # fmt: skip
    cheap = plan_support(org.population, triaged, org.program, org.providers, budget=60_000.0)
    result = compare_scenarios(
        org.population, triaged, org.program, org.providers,
        plans={"mentor the managers": managers, "small budget": cheap},
    )  # fmt: skip
    assert result.names[-2:] == ("mentor the managers", "small budget")
    mentored = result.plan("mentor the managers")
    assert mentored.supported == managers.count(SupportType.MENTORING)
    assert mentored.status == "fixed"
    assert result.plan("small budget").total_cost == pytest.approx(cheap.total_cost)
    assert len(mentored.support) == n


@pytest.mark.parametrize(
    ("plans", "location"),
    [
        ({"triaged": [None]}, "plans.triaged"),
        ({"mine": ["coach"] * 1_200}, "plans.mine[0]"),
        ({"mine": [None] * 3}, "plans.mine"),
        ({"mine": 7}, "plans.mine"),
        ([1, 2], "plans"),
    ],
)
def test_bad_user_plans_are_schema_errors(org, triaged, plans, location):
    """Clashing names, strings for support types, wrong lengths are named errors."""
    with pytest.raises(SchemaError) as info:
        compare_scenarios(org.population, triaged, org.program, org.providers, plans=plans)
    assert location in [p.location for p in info.value.problems]


def test_triaged_plan_with_other_priors_is_refused(org, triaged):
    """A triaged plan valued with other priors than the comparison's is an error."""
    plan = plan_support(org.population, triaged, org.program, org.providers)
    other = EffectPriors().with_estimate(SupportType.COACHING, 0.2, 0.05, source="ours")
    with pytest.raises(SchemaError, match="other priors"):
        compare_scenarios(org.population, triaged, org.program, org.providers, triaged=plan,
                          priors=other)  # fmt: skip
    reused = compare_scenarios(org.population, triaged, org.program, org.providers, triaged=plan)
    assert reused.plan("triaged") is plan


def test_comparison_prints_the_honest_test(table):
    """The summary shows the three tables and the verdict on the 75% claim."""
    text = table.summary()
    for title in ("Scenarios", "Reach by level", "Against 'everyone gets a coach'"):
        assert title in text
    assert "saves up to 75% of the coaching budget" in text
    assert "the claim does not hold" in text or "the claim holds" in text
    assert repr(table).startswith(f"ScenarioComparison(n={table.n}, scenarios=3, triaged: cost")
    json.dumps(table.to_dict())


# -- the budget frontier -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def frontier(org, triaged):
    return budget_frontier(org.population, triaged, org.program, org.providers, points=6)


def test_frontier_rises_with_the_budget(frontier, org):
    """Budgets increase, effect never falls, every plan fits its budget; the program's is in."""
    assert np.all(np.diff(frontier.budgets) > 0)
    assert np.all(frontier.gains >= -1e-9)
    assert np.all(frontier.total_cost <= frontier.budgets + 1e-6)
    assert org.program.budget in frontier.budgets
    assert frontier.expected_effect[0] == 0.0  # the first budget is the fixed cost alone
    assert np.all(frontier.gap <= 1e-3)
    assert np.all(frontier.reach[-1] >= frontier.reach[0])


def test_what_the_next_100k_buys(org, triaged):
    """Two budgets 100,000 apart: the gain is the difference of two solved plans."""
    now = org.program.budget
    pair = budget_frontier(org.population, triaged, org.program, org.providers,
                           budgets=[now + 100_000, now])  # fmt: skip
    assert pair.budgets.tolist() == [now, now + 100_000]
    alone = plan_support(org.population, triaged, org.program, org.providers)
    assert pair.expected_effect[0] == pytest.approx(alone.expected_effect, rel=2e-3)
    assert pair.gains[0] >= 0


def test_frontier_prints(frontier):
    """The frontier prints a table and serialises."""
    assert "Budget frontier" in frontier.summary()
    assert repr(frontier).startswith(f"BudgetFrontier(n={frontier.n}, budgets=")
    json.dumps(frontier.to_dict())


def test_frontier_budget_too_small_for_reach(org, triaged):
    """A budget below what minimum reach needs is an InfeasibleError with the amount."""
    with pytest.raises(InfeasibleError, match="needs a budget of at least"):
        budget_frontier(org.population, triaged, org.program, org.providers,
                        budgets=[26_000.0], min_reach={Level.MANAGER: 0.5})  # fmt: skip


def test_default_frontier_starts_where_reach_is_met(org, triaged):
    """With minimum reach, the first default budget is the least that meets it."""
    reach = budget_frontier(org.population, triaged, org.program, org.providers, points=3,
                            min_reach={Level.MANAGER: 0.5})  # fmt: skip
    assert reach.reach[0][Level.MANAGER.rank] >= 0.5 - 1e-9
    assert reach.budgets[0] > org.program.cost_model.fixed_cost


@pytest.mark.parametrize(
    ("options", "location"),
    [
        ({"budgets": [-5.0]}, "budgets[0]"),
        ({"budgets": [math.nan, 1.0]}, "budgets[0]"),
        ({"budgets": []}, "budgets"),
        ({"budgets": "lots"}, "budgets"),
        ({"points": 1}, "points"),
        ({"confidence_level": 1.5}, "confidence_level"),
    ],
)
def test_bad_frontier_arguments(org, triaged, options, location):
    """Bad budgets or points are SchemaErrors naming them."""
    with pytest.raises(SchemaError) as info:
        budget_frontier(org.population, triaged, org.program, org.providers, **options)
    assert location in [p.location for p in info.value.problems]
