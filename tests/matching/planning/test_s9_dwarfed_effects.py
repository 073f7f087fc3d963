"""A plan is the same whatever the size of one person's effect, once that person is in it.

HiGHS stops within tolerances relative to the largest value. With one per-person effect of 1e9
beside effects near 1, the general path had planned that person alone, left most of the budget
unspent and reported the plan optimal (gap 0). The people left idle are now planned again in
their own units: the rest of the plan, and what it adds, match the plan where that effect is 1e4,
which HiGHS solves well within its tolerances (the reference).
"""

import numpy as np
import pytest

from sparkus.datasets import synthetic_org
from sparkus.matching import plan_support
from sparkus.triage import triage


@pytest.fixture(scope="module")
def world():
    org = synthetic_org(200, seed=1)
    return org, triage(org.population, program=org.program)


def _effects(big: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    effects = {s: rng.uniform(0, 1, 200) for s in ("coaching", "mentoring", "peer_support")}
    effects["self_guided_reflection"] = rng.uniform(0, 0.2, 200)
    effects["coaching"][37] = big
    return effects


def _plan(world, big):
    org, result = world
    return plan_support(org.population, result, org.program, org.providers,
                        effects=_effects(big), mip_rel_gap=1e-6)  # fmt: skip


@pytest.mark.parametrize("big", [1e9, 1e11])
def test_one_huge_effect_leaves_the_rest_of_the_plan_as_it_was(world, big):
    reference = _plan(world, 1e4)
    weight = reference.fit_weights[reference.support[37]]  # person 37's value per unit of effect
    rest = reference.objective - weight * 1e4  # what everyone else adds: 35.94 (0 before)
    plan = _plan(world, big)
    assert plan.support[37] == reference.support[37]
    assert plan.supported > 50
    # within the rounding of the objective's float (2e11 holds 5 digits after the point)
    assert plan.objective - weight * big == pytest.approx(rest, abs=0.05)
    assert plan.total_cost > 0.95 * reference.total_cost
