"""Planning refuses repeated providers and plans alike whatever the unit of the weights."""

import numpy as np
import pytest

from sparkus import InfeasibleError, SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import budget_frontier, compare_scenarios, plan_support
from sparkus.model import SupportType
from sparkus.triage import triage


@pytest.fixture(scope="module")
def org():
    return synthetic_org(300, seed=1)


@pytest.fixture(scope="module")
def triaged(org):
    return triage(org.population, program=org.program)


@pytest.mark.parametrize(
    "call",
    [
        lambda o, t, p: plan_support(o.population, t, o.program, p, budget=1e9),
        lambda o, t, p: budget_frontier(o.population, t, o.program, p, points=2),
        lambda o, t, p: compare_scenarios(o.population, t, o.program, p),
    ],
    ids=["plan_support", "budget_frontier", "compare_scenarios"],
)
def test_a_repeated_provider_is_refused(org, triaged, call):
    """A provider listed twice is refused naming it, not given its capacity twice."""
    providers = [*org.providers, org.providers[0]]
    with pytest.raises(SchemaError) as info:
        call(org, triaged, providers)
    (problem,) = info.value.problems
    last = len(providers) - 1
    assert problem.path == ("providers", last, "id")
    assert problem.message == f"{org.providers[0].id!r} repeats providers[0]"


@pytest.mark.parametrize("k", [-900, -200, -60, -30, -1, 1, 20, 39])
def test_the_plan_is_the_same_for_weights_times_a_power_of_two(org, triaged, k):
    """Uniform weights times 2**k give the same plan and gap as weights of 1."""
    n = len(org.population)
    base = plan_support(org.population, triaged, org.program, org.providers,
                        weights=np.ones(n))  # fmt: skip
    scaled = plan_support(org.population, triaged, org.program, org.providers,
                          weights=np.full(n, 2.0**k))  # fmt: skip
    np.testing.assert_array_equal(scaled.support, base.support)
    assert scaled.gap == base.gap
    assert scaled.objective == base.objective * 2.0**k


@pytest.mark.parametrize("k", [-800, -40, 30])
def test_the_plan_is_the_same_for_effects_times_a_power_of_two(org, triaged, k):
    """Per-person effects times 2**k give the same plan and gap."""
    rng = np.random.default_rng(3)
    n = len(org.population)
    effects = {"coaching": rng.uniform(0.1, 0.6, n), "mentoring": rng.uniform(0.05, 0.4, n)}
    base = plan_support(org.population, triaged, org.program, org.providers, effects=effects,
                        supports=[SupportType(s) for s in effects])  # fmt: skip
    scaled = plan_support(org.population, triaged, org.program, org.providers,
                          effects={s: e * 2.0**k for s, e in effects.items()},
                          supports=[SupportType(s) for s in effects])  # fmt: skip
    np.testing.assert_array_equal(scaled.support, base.support)
    assert scaled.gap == base.gap


def test_subnormal_weights_are_refused_with_the_range(org, triaged):
    """Weights so small that every value is a subnormal float are refused, not planned."""
    with pytest.raises(SchemaError, match=r"below 2\.23e-308, where floats are subnormal") as info:
        plan_support(org.population, triaged, org.program, org.providers,
                     weights=np.full(len(org.population), 5e-324))  # fmt: skip
    assert [p.path for p in info.value.problems] == [("weights",)]


def test_a_negative_zero_budget_reads_as_zero(org, triaged):
    """`budget=-0.0` is said as a budget of 0, not of -0."""
    with pytest.raises(InfeasibleError) as info:
        plan_support(org.population, triaged, org.program, org.providers, budget=-0.0)
    assert "-0 " not in str(info.value)
    assert "the budget 0 " in str(info.value)
