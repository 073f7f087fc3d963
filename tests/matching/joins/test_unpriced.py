"""A support type without a fee (issue 14): an error naming it and the fix, never a silent drop."""

from __future__ import annotations

import attrs
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import budget_frontier, compare_scenarios, plan_support
from sparkus.model import CostModel, SupportType
from sparkus.triage import triage

ORG = synthetic_org(400, seed=2)
TRIAGE = triage(ORG.population, program=ORG.program)
# What a new user writes first: a fee for coaching only, the program's default journey (which
# offers coaching, mentoring, peer support and self-guided reflection).
COACHING_ONLY = attrs.evolve(ORG.program, cost_model=CostModel({SupportType.COACHING: 300.0}))


def test_unpriced_offered_types_are_an_error():
    """Types the journey offers and the policy covers, without a fee, are named with the fix."""
    with pytest.raises(SchemaError) as error:
        plan_support(ORG.population, TRIAGE, COACHING_ONLY, ORG.providers)
    text = str(error.value)
    for name in ("mentoring", "peer_support", "self_guided_reflection"):
        assert repr(name) in text
    assert "0.0 if it costs nothing" in text  # the first fix: a fee
    assert "`supports`" in text  # the second: name the types to plan
    assert [p.location for p in error.value.problems] == ["program.cost_model.session_cost"]


def test_leaving_them_out_is_the_explicit_choice():
    """With `supports` naming what to plan, the unpriced types are left out as asked."""
    plan = plan_support(ORG.population, TRIAGE, COACHING_ONLY, ORG.providers,
                        supports=[SupportType.COACHING])  # fmt: skip
    assert plan.supports == (SupportType.COACHING,)
    assert {s for s in plan.support.tolist() if s is not None} == {SupportType.COACHING}


def test_a_zero_fee_plans_the_type_as_free():
    """A fee of 0 is how a type is said to cost nothing: it is planned."""
    fees = {SupportType.COACHING: 300.0, SupportType.MENTORING: 0.0,
            SupportType.PEER_SUPPORT: 0.0, SupportType.SELF_GUIDED_REFLECTION: 0.0}  # fmt: skip
    program = attrs.evolve(ORG.program, cost_model=CostModel(fees))
    plan = plan_support(ORG.population, TRIAGE, program, ORG.providers)
    assert SupportType.MENTORING in plan.supports


def test_the_synthetic_program_prices_everything_it_offers():
    """The shipped example program is unaffected: every offered type has a fee."""
    plan = plan_support(ORG.population, TRIAGE, ORG.program, ORG.providers)
    assert set(ORG.program.journey.support_types) <= set(plan.supports)


def test_frontier_and_scenarios_say_the_same():
    """budget_frontier and compare_scenarios refuse the unpriced types the same way."""
    with pytest.raises(SchemaError, match="mentoring"):
        budget_frontier(ORG.population, TRIAGE, COACHING_ONLY, ORG.providers)
    with pytest.raises(SchemaError, match="mentoring"):
        compare_scenarios(ORG.population, TRIAGE, COACHING_ONLY, ORG.providers)
