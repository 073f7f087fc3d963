"""randomization_test with draws="exact": every draw once, in time, as scipy enumerates it."""

import time

import numpy as np
import pytest
from scipy import stats

from sparkus.metrics import design_rollout, randomization_test


def _difference(a, b, axis):
    return a.mean(axis=axis) - b.mean(axis=axis)


@pytest.mark.parametrize("alternative", ["greater", "less"])
@pytest.mark.parametrize(("m", "seed"), [(6, 3), (8, 1), (10, 2)])
def test_exact_matches_scipy_permutation_test(m, seed, alternative):
    """Two waves of an even number of people: the exact p-value is scipy's exact one."""
    design = design_rollout({"x": list(range(m))}, waves=2, rng=seed)
    y = np.random.default_rng(seed).normal(size=m) + 0.7 * (design.wave == 1)
    ours = randomization_test(design, y, draws="exact", alternative=alternative)
    early, late = y[design.wave == 1], y[design.wave == 2]
    theirs = stats.permutation_test(
        (early, late), _difference, vectorized=True, n_resamples=np.inf, alternative=alternative
    )
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-12)
    assert ours.pvalue == pytest.approx(theirs.pvalue, rel=1e-12)


def test_exact_enumerates_the_draws_not_the_orders():
    """13 people in 2 waves make 3,432 draws: enumerated at once, not through 2·13! orders."""
    design = design_rollout({"x": list(range(13))}, waves=2, rng=1)
    y = np.arange(13) * 0.1 + (design.wave == 1)
    start = time.perf_counter()
    test = randomization_test(design, y, draws="exact")
    assert time.perf_counter() - start < 20.0
    assert test.draws == 2 * 1716
    assert test.null.shape == (3432,)
    assert 0.0 < test.pvalue < 0.01


def test_exact_three_waves_strata_each_draw_once():
    """Strata of 7 and 5 in 3 waves: the draws are the product of the strata's distinct deals."""
    people = {"site": ["a"] * 7 + ["b"] * 5}
    design = design_rollout(people, waves=3, strata="site", rng=2)
    y = np.random.default_rng(0).normal(size=12)
    test = randomization_test(design, y, draws="exact", period=1)
    # 7 = 3 + 2 + 2: 3 choices of the larger wave x 7!/(3!2!2!); 5 = 2 + 2 + 1: 3 x 5!/(2!2!1!)
    assert test.draws == (3 * 210) * (3 * 30)
    assert test.exact
