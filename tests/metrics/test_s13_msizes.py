"""Effect sizes, their intervals and the bootstrap at the edges a demanding user reaches."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.metrics import bootstrap, cohens_d
from sparkus.metrics._noncentral import noncentrality_interval


def _nct_cdf_by_quadrature(t: float, df: float, nc: float) -> float:
    """``P(T <= t | nc)`` for T noncentral t, independently of scipy's ``nctdtr``.

    With ``T = (Z + nc) / S`` and ``S = sqrt(χ²_df / df)``, for ``t > 0``:
    ``P(T <= t) = Φ(-nc) + ∫_{z > -nc} φ(z) P(χ²_df > df ((z + nc) / t)²) dz``, a smooth
    integrand for large ``t``, integrated by ``scipy.integrate.quad``; ``t < 0`` by symmetry.
    """
    from scipy import integrate, special, stats

    if t < 0.0:
        return 1.0 - _nct_cdf_by_quadrature(-t, df, -nc)

    def integrand(z: float) -> float:
        return float(stats.norm.pdf(z) * stats.chi2.sf(df * ((z + nc) / t) ** 2, df))

    start = max(-nc, -40.0)
    if start >= 40.0:
        return float(special.ndtr(-nc))
    tail, _ = integrate.quad(integrand, start, 40.0, epsabs=1e-15, epsrel=1e-13, limit=500)
    return float(special.ndtr(-nc)) + tail


@pytest.mark.parametrize(
    ("df", "t"),
    [(4e5, 1.5e4), (4e5, -2.5e4), (1e6, 2.5e4), (1e6, 4e4), (2e6, -3e4)],
)
@pytest.mark.parametrize("level", [0.5, 0.95])
def test_noncentral_interval_with_many_df_and_large_t_is_accurate(df, t, level):
    """With 400,000 d.f. or more and |t| past 1e4 the limits hold their tail probabilities.

    The normal approximation used there left out the mean of S (``1 - 1/(4 df)``) and its
    skewness: at 400,000 d.f. and t = 1.5e4 a limit of the 50% interval was 0.011 off, its
    probability 2.1e-4 from the target (1.9e-6 at 95%); the Cornish-Fisher limits are within
    3e-8 (reference: the quadrature above, which does not use scipy's ``nctdtr``).
    """
    low, high = noncentrality_interval(t, df, level)
    assert _nct_cdf_by_quadrature(t, df, low) == pytest.approx((1.0 + level) / 2.0, abs=1e-7)
    assert _nct_cdf_by_quadrature(t, df, high) == pytest.approx((1.0 - level) / 2.0, abs=1e-7)


def test_cohens_d_interval_with_many_df_and_large_t_is_accurate():
    """cohens_d on 400,002 values whose t is about 2e4 gets the exact noncentral-t limits."""
    rng = np.random.default_rng(13)
    x, y = rng.normal(63.0, 1.0, 200_001), rng.normal(0.0, 1.0, 200_001)
    d = cohens_d(x, y)
    scale = math.sqrt(200_001 / 2)
    assert d.statistic > 1e4  # beyond the inversion of nctdtr
    assert _nct_cdf_by_quadrature(d.statistic, d.df, d.ci.low * scale) == pytest.approx(
        0.975, abs=1e-7
    )
    assert _nct_cdf_by_quadrature(d.statistic, d.df, d.ci.high * scale) == pytest.approx(
        0.025, abs=1e-7
    )


@pytest.mark.parametrize("value", [0.1, 0.7, 3.3])
@pytest.mark.parametrize("copies", [5, 6])
def test_bca_refuses_equal_jackknife_values_whatever_their_rounding(value, copies):
    """Jackknife values that are all equal leave the BCa acceleration undefined (0 / 0).

    The median of ``[v] * k + [5.0]`` is v with any one value left out. The mean of k + 1
    copies of 0.1 is not 0.1, so the deviations were rounding noise and the acceleration came
    out as ±1 / (6 sqrt(k + 1)) (0.068 for k = 5), where k = 3 or 4 was refused.
    """
    with pytest.raises(EstimationError, match="jackknife values are all equal"):
        bootstrap(([value] * copies + [5.0],), np.median, rng=0)


@pytest.mark.parametrize("value", [0.1, 0.7, 3.3, 1.0 / 3.0])
def test_one_valued_bootstrap_distribution_has_zero_spread_and_bias(value):
    """A sample of one value resamples to one value: its standard error and bias are 0.

    They were the rounding of a mean of equal values, 1.4e-17 to 1.3e-15.
    """
    result = bootstrap(([value] * 6,), np.mean, method="percentile", rng=0)
    assert np.ptp(result.bootstrap_distribution) == 0.0
    assert result.se == 0.0
    assert result.bias == 0.0


def _variance(x, axis=-1):
    return np.var(x, axis=axis, ddof=1)


def test_bca_end_past_the_pole_is_the_extreme_and_intervals_nest():
    """An end past the pole of BCa's map of z is the distribution's extreme on its side.

    For 29 zeros and a one, the variance has a = 0.158 and z0 = 0.597, so at level 1 - 1e-8
    ``a (z0 + 5.73) > 1``: the upper end was read at the turned-back probability, the minimum
    0.0, below the estimate 1/30 (scipy.stats.bootstrap gives the same turned-back end). Wider
    levels now give wider intervals.
    """
    result = bootstrap(([0.0] * 29 + [1.0],), _variance, rng=0, level=1.0 - 1e-8)
    assert result.acceleration * (result.bias_correction + 5.73) > 1.0
    assert result.ci.high == result.bootstrap_distribution.max()
    assert result.ci.low <= result.estimate <= result.ci.high
    ends = [result.confidence_interval(level) for level in (0.9, 0.99, 0.999, 1 - 1e-6, 1 - 1e-8)]
    assert all(a.low >= b.low and a.high <= b.high for a, b in itertools.pairwise(ends))
