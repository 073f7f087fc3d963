"""Numbers at the edge in the evidence estimators: tiny propensities are named, not overflowed."""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import EstimationError, SparkusWarning
from sparkus.metrics import (
    ancova,
    bootstrap,
    design_rollout,
    did,
    policy_difference,
    policy_value,
    random_effects,
    randomization_test,
    subgroup_effects,
)


def _data(n: int = 40):
    rng = np.random.default_rng(0)
    y = rng.normal(size=n)
    treated = np.arange(n) % 2 == 0
    policy = np.arange(n) % 3 == 0
    return y, treated, policy


@pytest.mark.parametrize("propensity", [5e-324, 1e-310])
def test_policy_value_with_a_subnormal_propensity_names_it(propensity: float):
    """1 / 5e-324 overflows: an EstimationError naming the propensities, no numpy warning."""
    y, treated, policy = _data()
    with pytest.raises(
        EstimationError, match=r"weights 1 / propensity .*propensities from (4.94066e-324|1e-310)"
    ):
        policy_value(y, treated, policy, propensity=propensity)
    with pytest.raises(EstimationError, match=r"close to 0 or 1"):
        policy_difference(y, treated, policy, ~policy, propensity=propensity)


def test_policy_value_with_a_tiny_propensity_that_fits_is_computed():
    """A propensity of 1e-300 gives weights of 1e300: large, but within a double; a warning
    says the value rests on few people, as a fitted propensity's overlap check does."""
    y, treated, policy = _data()
    with pytest.warns(SparkusWarning, match=r"poor overlap: 20 people get weights above 100"):
        tiny = policy_value(y, treated, policy, propensity=1e-300)
    plain = policy_value(y, treated, policy, propensity=0.5)
    assert np.isfinite(tiny.estimate)
    assert np.isfinite(tiny.se)
    assert abs(tiny.estimate) > 1e250 * abs(plain.estimate)


def test_policy_value_terms_whose_sum_overflows_are_averaged_in_scaled_units():
    """Terms of about 1e307 (propensity 1e-307) average to a finite value; their sum is past 1e308."""
    _, treated, policy = _data(400)
    y = np.random.default_rng(1).uniform(1.0, 2.0, 400)
    with pytest.warns(SparkusWarning, match="poor overlap"):
        huge = policy_value(y, treated, policy, propensity=1e-307)
    with pytest.warns(SparkusWarning, match="poor overlap"):
        large = policy_value(y, treated, policy, propensity=1e-300)
    assert huge.estimate == pytest.approx(large.estimate * 1e7, rel=1e-9)
    assert huge.se == pytest.approx(large.se * 1e7, rel=1e-9)


def _ancova_data(n: int = 40):
    rng = np.random.default_rng(3)
    pre = rng.normal(size=n)
    treated = np.arange(n) % 2 == 0
    post = 0.5 * pre + 0.3 * treated + rng.normal(size=n)
    return post, pre, treated


@pytest.mark.parametrize("scale", [1e160, 1e300, 1e-160, 1e-300])
def test_ancova_effect_in_huge_or_tiny_units_is_computed(scale: float):
    """An outcome in units of 1e160 gives the effect times 1e160: no refusal because the
    intercept's variance (a square, 1e320) leaves the range while no reported figure does."""
    post, pre, treated = _ancova_data()
    plain = ancova(post, pre, treated)
    scaled = ancova(post * scale, pre, treated)
    assert scaled.estimate == pytest.approx(plain.estimate * scale, rel=1e-12)
    assert scaled.se == pytest.approx(plain.se * scale, rel=1e-12)
    assert scaled.pvalue == pytest.approx(plain.pvalue, rel=1e-10)
    np.testing.assert_allclose(np.array(scaled.ci) / scale, plain.ci, rtol=1e-12)
    rescaled_pre = ancova(post, pre * scale, treated)
    assert rescaled_pre.estimate == pytest.approx(plain.estimate, rel=1e-12)
    assert rescaled_pre.se == pytest.approx(plain.se, rel=1e-12)


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_did_and_subgroup_effects_in_huge_or_tiny_units(scale: float):
    """did and subgroup_effects (ANCOVA per group) report as ancova does at those scales."""
    post, pre, treated = _ancova_data(80)
    period = np.arange(80) // 40
    plain, scaled = did(post, treated, period), did(post * scale, treated, period)
    assert scaled.estimate == pytest.approx(plain.estimate * scale, rel=1e-12)
    assert scaled.se == pytest.approx(plain.se * scale, rel=1e-12)
    groups = np.arange(80) % 4 // 2
    by_group = subgroup_effects(post * scale, treated, groups, pre=pre, min_group_size=5)
    reference = subgroup_effects(post, treated, groups, pre=pre, min_group_size=5)
    for key, estimate in reference.estimates.items():
        assert by_group.estimates[key].estimate == pytest.approx(
            estimate.estimate * scale, rel=1e-12
        )


@pytest.mark.parametrize(
    ("variances", "exact"),
    [
        ((5e-324, 1.0, 1.0), 3.514490168720231636e-163),
        ((1e-300, 1.0, 1.0), 1.581138830084189598e-151),
    ],
)
def test_hartung_knapp_with_a_subnormal_variance(variances: tuple[float, ...], exact: float):
    """Effects 0.1, 0.2, 0.3 are not identical: with a weight of 2e323 beside 1 the HK standard
    error is tiny (exact value from rational arithmetic), not refused as zero."""
    result = random_effects([0.1, 0.2, 0.3], list(variances), method="DL", hartung_knapp=True)
    assert result.se == pytest.approx(exact, rel=1e-13)


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_bootstrap_bias_of_values_near_the_float_limit(method: str):
    """200 resampled maxima of about 1.6e308 sum past the largest double: the bias is their
    mean minus the estimate all the same, as in units of 2**1000, with no overflow warning."""
    x = np.array([1.7e308, 1.6e308, 1.5e308, 1.4e308, 1.0e308, 1.2e308])

    def top(a: np.ndarray, axis: int = -1) -> np.ndarray:
        return np.max(a, axis=axis)

    huge = bootstrap((x,), top, rng=1, method=method, n_resamples=200)
    small = bootstrap((x / 2.0**1000,), top, rng=1, method=method, n_resamples=200)
    assert huge.bias == small.bias * 2.0**1000
    assert huge.se == pytest.approx(small.se * 2.0**1000, rel=1e-14)


def test_randomization_test_of_outcomes_near_the_float_limit():
    """The default early-vs-late statistic of outcomes near 1.7e308 is their difference of
    means, as in units of 2**1000: not numpy's overflow warning blamed on `statistic`."""
    y = np.array([1.7e308, 1.6e308, 1.5e308, 1.4e308, 1.0e308, 1.2e308, 1.3e308, 1.1e308])
    design = design_rollout({"unit": np.arange(8)}, waves=2, rng=1)
    huge = randomization_test(design, y, rng=1, draws=200)
    small = randomization_test(design, y / 2.0**1000, rng=1, draws=200)
    assert huge.statistic == small.statistic * 2.0**1000
    assert huge.pvalue == small.pvalue
