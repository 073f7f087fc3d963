"""Planning doors on inputs a demanding user gives: names that collide, mixed currencies,
scenarios with nothing to compare against."""

from __future__ import annotations

import attrs
import pytest

from sparkus import SchemaError
from sparkus.matching import budget_frontier, compare_scenarios, plan_support, recommend_support

from .test_plan import make_world


@pytest.mark.parametrize("door", [plan_support, budget_frontier])
def test_a_pool_named_as_self_guided_reflection_without_providers_is_refused(door):
    """A coaching pool named 'self_guided_reflection' would share its name, and its `access`,
    with self-guided reflection's own option: refused, naming the pool."""
    world = make_world([0, 1, 2, 3], [2, 3, 2, 3], [4, 0, 6, 4])
    with pytest.raises(SchemaError) as info:
        door(world.population, world.triage, world.program, world.providers,
             priors=world.priors, pools={"c1": "self_guided_reflection", "m1": "mentors"})  # fmt: skip
    (problem,) = info.value.problems
    assert problem.path == ("pools", "self_guided_reflection")
    assert "coaching providers" in problem.message


def test_a_triaged_plan_in_another_currency_is_refused():
    """compare_scenarios does not set a plan costed in EUR beside scenarios costed in USD."""
    world = make_world([0, 1, 2], [2, 3, 3], [4, 4, 4])
    triaged = plan_support(world.population, world.triage, world.program, world.providers,
                           priors=world.priors)  # fmt: skip
    in_usd = attrs.evolve(world.program, currency="USD")
    with pytest.raises(SchemaError) as info:
        compare_scenarios(world.population, world.triage, in_usd, world.providers,
                          priors=world.priors, triaged=triaged)  # fmt: skip
    (problem,) = info.value.problems
    assert problem.path == ("triaged", "currency")
    assert "'EUR'" in problem.message
    assert "'USD'" in problem.message


@pytest.mark.parametrize(
    ("levels", "fees"),
    [([], (300.0, 50.0, 90.0)), ([0, 2, 3], (0.0, 0.0, 0.0))],
    ids=["nobody", "every fee 0"],
)
def test_scenarios_with_no_reference_cost_print_no_nan(levels, fees):
    """Ratios with nothing to divide by are shown as '-' and the claim as untestable."""
    world = make_world(levels, [3] * len(levels), [4] * len(levels), fees=fees)
    table = compare_scenarios(world.population, world.triage, world.program, world.providers,
                              priors=world.priors)  # fmt: skip
    text = table.summary() + repr(table) + table._repr_html_()
    assert "nan" not in text.lower()
    assert "the claim cannot be tested" in table.summary()


def test_a_recommendation_for_nobody_names_no_first_choice():
    """With no people, no support type is said to be most often first."""
    world = make_world([], [], [])
    advice = recommend_support(world.population, world.triage, world.program)
    assert repr(advice) == "SupportRecommendation(n=0)"
