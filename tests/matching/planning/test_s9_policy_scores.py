"""A support rule's scores are bounded: the fit weights, recommendations and plans stay finite."""

from __future__ import annotations

import math
import warnings

import attrs
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import SupportPolicy, plan_support, recommend_support
from sparkus.triage import triage

ORG = synthetic_org(80, seed=3)
RULE = next(iter(SupportPolicy().rules.values()))


def _scaled(rule, value):
    return attrs.evolve(
        rule,
        goals=dict.fromkeys(rule.goals, value),
        seasons=dict.fromkeys(rule.seasons, value),
        levels=dict.fromkeys(rule.levels, value),
        readiness=dict.fromkeys(rule.readiness, value),
    )


@pytest.mark.parametrize("part", ["goals", "seasons", "levels", "readiness"])
def test_a_score_past_1e12_is_refused(part):
    """1e308 had given fit weights of inf (numpy's overflow warning) and a plan blaming priors."""
    with pytest.raises(SchemaError, match=rf"{part}\.\w+: 1e\+308 is out of range; expected a "
                       r"number from 0 to 1e\+12"):  # fmt: skip
        attrs.evolve(RULE, **{part: dict.fromkeys(getattr(RULE, part), 1e308)})


def test_scores_at_the_limit_plan_like_the_default_scaled():
    """Every score at 1e12 gives finite fit weights, a recommendation and a plan, warning-free."""
    policy = SupportPolicy(rules={s: _scaled(r, 1e12) for s, r in SupportPolicy().rules.items()})
    triaged = triage(ORG.population, program=ORG.program)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weights = policy.fit_weights(ORG.program)
        recommend_support(ORG.population, triaged, ORG.program, policy=policy)
        plan = plan_support(ORG.population, triaged, ORG.program, ORG.providers, policy=policy)
    assert all(math.isfinite(w) for w in weights.values())
    assert math.isfinite(plan.objective)
