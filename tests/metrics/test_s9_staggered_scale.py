"""staggered_did in any units: outcomes and covariates scaled over the float range.

The effects and standard errors scale with the outcome and do not change with the units of a
covariate; the bootstrap's standard errors and uniform bands too. Checked against the same
data in ordinary units, so the reference is the (R- and csdid-checked) estimator itself.
"""

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.metrics import staggered_did


def _panel(units=120, periods=3, seed=0):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), periods)
    time = np.tile(np.arange(1, periods + 1), units)
    first = np.repeat(rng.choice([0, 2, 3], size=units), periods)
    x = np.repeat(rng.normal(size=units), periods)
    y = time * (1 + x) + (time >= first) * (first > 0) * 2.0 + rng.normal(0, 0.5, units * periods)
    return y, unit, time, first, x


def _numbers(res, scale=1.0):
    """Every analytic effect and standard error of a result, over `scale`."""
    values = [res.att, res.se, [res.simple, res.simple_se]]
    for agg in (res.by_group, res.by_event, res.by_period):
        values += [agg.att, agg.se, [agg.overall, agg.overall_se]]
    return np.concatenate([np.asarray(v, dtype=float).ravel() for v in values]) / scale


@pytest.mark.parametrize("scale", [1e-6, 1e-200, 1e200])
def test_bootstrap_scales_with_the_outcome(scale):
    """Outcomes in millionths (or 1e±200) give the bootstrap SEs and bands of ordinary units."""
    y, unit, time, first, _ = _panel()
    base = staggered_did(y, unit, time, first, bootstrap=199, rng=1)
    res = staggered_did(y * scale, unit, time, first, bootstrap=199, rng=1)
    assert np.isfinite(res.boot_se).all()
    np.testing.assert_allclose(res.boot_se / scale, base.boot_se, rtol=1e-12)
    np.testing.assert_allclose(res.by_event.boot_se / scale, base.by_event.boot_se, rtol=1e-12)
    assert res.simple_boot_se / scale == pytest.approx(base.simple_boot_se, rel=1e-12)
    assert res.crit == pytest.approx(base.crit, rel=1e-12)
    assert res.by_group.crit == pytest.approx(base.by_group.crit, rel=1e-12)


@pytest.mark.parametrize("scale", [5e306, 2.0**1023])
def test_analytic_ses_near_the_top_of_the_range(scale):
    """Outcomes near 1e307 give finite effects and SEs, those of ordinary units times scale."""
    y, unit, time, first, _ = _panel()
    base = staggered_did(y, unit, time, first)
    res = staggered_did(y / np.max(np.abs(y)) * scale, unit, time, first)
    factor = scale / np.max(np.abs(y))
    np.testing.assert_allclose(_numbers(res, factor), _numbers(base), rtol=1e-12)


def test_effect_beyond_the_range_refused():
    """A change of 3.4e308 per treated unit is refused with the range, never inf or NaN."""
    unit, time = np.repeat(np.arange(20), 2), np.tile([1, 2], 20)
    first = np.repeat(np.r_[np.full(5, 2), np.zeros(15)], 2)
    y = np.where((time == 2) & (first > 0), 1.7e308, -1.7e308) + np.arange(40) * 1e300
    with pytest.raises(EstimationError, match="beyond the range of double precision"):
        staggered_did(y, unit, time, first)


@pytest.mark.parametrize("est_method", ["dr", "ipw", "reg"])
@pytest.mark.parametrize("scale", [1e-300, 1e-20, 1e-8, 1e20, 1e300])
def test_covariate_units_do_not_matter(est_method, scale):
    """A covariate in units of 1e-8 (or 1e±20, 1e±300) gives the same effects and SEs."""
    y, unit, time, first, x = _panel()
    base = staggered_did(y, unit, time, first, covariates=x, est_method=est_method)
    res = staggered_did(y, unit, time, first, covariates=x * scale, est_method=est_method)
    np.testing.assert_allclose(_numbers(res), _numbers(base), rtol=1e-9, atol=1e-12)


def test_shifted_covariate_gives_the_same_effects():
    """A covariate shifted by 1e6 (a year as 2024.5, a salary) gives the same effects."""
    y, unit, time, first, x = _panel()
    base = staggered_did(y, unit, time, first, covariates=x)
    res = staggered_did(y, unit, time, first, covariates=x + 1e6)
    np.testing.assert_allclose(_numbers(res), _numbers(base), rtol=1e-7, atol=1e-9)


def test_covariate_constant_up_to_rounding_still_refused():
    """A covariate that varies only by rounding is constant for the cell, and refused."""
    y, unit, time, first, x = _panel()
    wobble = 1e8 + np.repeat(np.arange(120) % 2, 3) * 1e-8  # below 1e8's spacing of 1.5e-8
    assert np.ptp(wobble) > 0
    with pytest.raises(EstimationError, match="collinear"):
        staggered_did(y, unit, time, first, covariates=np.c_[x, wobble])
