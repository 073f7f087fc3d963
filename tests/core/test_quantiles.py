"""Two-sided critical values at every valid level, the extremes included.

``Φ⁻¹(0.5 + level / 2)`` rounds to ``Φ⁻¹(1) = inf`` for levels within 2⁻⁵³ of 1, which are
valid levels: plan_support raised a bare ``statistics.StatisticsError`` there, and the t-based
intervals of sparkus.metrics refused their own infinite limits. Every interval now takes its
critical value from the tail (``sparkus._quantiles``).
"""

import math

import numpy as np
import pytest

from sparkus._quantiles import critical_value
from sparkus.metrics import icc, welch_ttest
from sparkus.metrics._design import _f_upper_quantile

NEAR_ONE = 1.0 - 2.0**-53  # 0.9999999999999999: 0.5 + NEAR_ONE / 2 rounds to 1.0
LEVELS = [NEAR_ONE, 0.999999, 0.95, 0.5, 1e-300]


def test_critical_values_match_published_and_reference_quantiles():
    # the normal 97.5% point and Student's t with 10 d.f. (any printed table: 1.960, 2.228);
    # to all digits as scipy.stats.norm.isf(0.025) and t.isf(0.025, 10) give them
    assert critical_value(0.95) == pytest.approx(1.9599639845400545, rel=1e-15)
    assert critical_value(0.95, 10) == pytest.approx(2.2281388519862753, rel=1e-14)
    # the tail 2**-54: scipy.stats.norm.isf(2**-54) and scipy.stats.t.isf(2**-54, 10) (scipy 1.17.1)
    assert critical_value(NEAR_ONE) == pytest.approx(8.292361075813597, rel=1e-13)
    assert critical_value(NEAR_ONE, 10) == pytest.approx(108.24284966286608, rel=1e-12)
    assert 0.0 <= critical_value(1e-300) < 1e-299


def test_the_f_quantile_is_exact_in_the_far_tail():
    # F(2, 2) has P(X > x) = 1 / (1 + x): its upper quantile at q is 1/q - 1, in closed form
    for q in (0.25, 1e-3, 2.0**-54, 1e-200):
        assert _f_upper_quantile(q, 2.0, 2.0) == pytest.approx(1.0 / q - 1.0, rel=1e-12)
    # where scipy.stats.f.isf is accurate: its value (scipy 1.17.1), to 1e-13
    assert _f_upper_quantile(0.025, 11.0, 48.0) == pytest.approx(2.274481478999659, rel=1e-13)
    assert _f_upper_quantile(0.025, 48.0, 11.0) == pytest.approx(3.032629244687021, rel=1e-13)


@pytest.mark.parametrize("level", LEVELS)
def test_intervals_at_every_level_are_finite_and_ordered(level):
    rng = np.random.default_rng(0)
    x, y = rng.normal(1.0, 1.0, 40), rng.normal(0.0, 1.0, 40)
    welch = welch_ttest(x, y, level=level)
    low, high = welch.ci
    assert math.isfinite(low)
    assert math.isfinite(high)
    assert low <= welch.estimate <= high
    half = critical_value(level, welch.df) * welch.se
    assert (low, high) == pytest.approx((welch.estimate - half, welch.estimate + half))
    rho = icc(x, np.repeat(np.arange(8), 5), level=level)
    assert -1.0 <= rho.ci.low <= rho.ci.high <= 1.0


def test_a_plan_at_a_level_next_to_one_has_a_finite_interval():
    from sparkus.datasets import synthetic_org
    from sparkus.matching import plan_support
    from sparkus.triage import triage

    org = synthetic_org(300, seed=1)
    result = triage(org.population, program=org.program)
    plans = [plan_support(org.population, result, org.program, org.providers,
                          confidence_level=level) for level in (0.95, NEAR_ONE)]  # fmt: skip
    (low95, high95), (low, high) = (p.confidence_interval for p in plans)
    assert math.isfinite(low)
    assert math.isfinite(high)
    assert low < low95 <= plans[0].expected_effect <= high95 < high
