"""Values close together (1e15 plus noise, 1 + 1e-15 noise): no digit of their noise is lost.

A mean of such values is off by a rounding of their size, so a difference of two means, the
deviations from a mean or a weighted mean's residuals lost the noise to cancellation: Welch's t
was 180% off, IPW's ATT 5 standard errors, the meta-analysis' Q 24% and its tau² nine times.

Provenance: every reference is computed live on the same data shifted exactly (subtracting a
number within a factor of 2 of a value is exact, Sterbenz), by scipy's ``ttest_ind(...,
equal_var=False)`` and ``ttest_rel``, statsmodels' ``combine_effects`` (DerSimonian-Laird; its
tau² is not truncated at 0, so negative values are set to 0 as the DL estimator defines),
statsmodels' ``Logit`` (propensities for the closed-form Hájek estimate) and ``OLS`` (R²).
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from sparkus.metrics import (
    aipw,
    fixed_effect,
    ipw,
    ols,
    paired_ttest,
    random_effects,
    welch_ttest,
)

# (centre, spread of the noise as a share of it): a spread of a few units in the last place,
# and noise of size 1 on 1e15, where a double keeps three bits of it
_CLOSE = st.sampled_from([(1.0, 1e-15), (1.0, 1e-13), (1e15, 1e-15), (3e15, 3e-16),
                          (1e-300, 1e-15), (1e300, 1e-14)])  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(close=_CLOSE, seed=st.integers(0, 2**32 - 1))
def test_welch_ttest_keeps_the_noise_of_values_close_together(close, seed):
    """Welch's t, d.f. and difference agree with scipy on the exactly centred values."""
    centre, share = close
    rng = np.random.default_rng(seed)
    x = centre + centre * share * rng.normal(0.3, 1.0, 30)
    y = centre + centre * share * rng.normal(0.0, 2.0, 25)
    result = welch_ttest(x, y)
    dx, dy = (x - centre) / centre, (y - centre) / centre  # exact, then an exact power of 2 or not
    expected = stats.ttest_ind(dx, dy, equal_var=False)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-9)
    assert result.df == pytest.approx(expected.df, rel=1e-9)
    assert result.estimate / centre == pytest.approx(dx.mean() - dy.mean(), rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(close=_CLOSE, seed=st.integers(0, 2**32 - 1))
def test_paired_ttest_keeps_the_noise_of_changes_close_together(close, seed):
    """Changes all about the same size: the SE is scipy's of the exactly centred changes."""
    centre, share = close
    rng = np.random.default_rng(seed)
    pre = np.zeros(25)
    post = centre + centre * share * rng.normal(0.0, 1.0, 25)
    result = paired_ttest(pre, post)
    se = stats.sem((post - centre) / centre)  # the changes less an exact shift
    assert result.se / centre == pytest.approx(se, rel=1e-9)
    assert result.statistic == pytest.approx(np.mean(post / centre) / se, rel=1e-9)


def _selection(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 2))
    treated = (rng.random(300) < 1.0 / (1.0 + np.exp(-X[:, 0]))).astype(int)
    noise = 1.0 + X[:, 0] + 0.5 * treated + rng.normal(size=300)
    return X, treated, noise


def _hajek(y: np.ndarray, treated: np.ndarray, X: np.ndarray, estimand: str) -> float:
    """The normalised IPW estimate, from statsmodels' logistic propensities (closed form)."""
    design = sm.add_constant(X)
    p = sm.Logit(treated, design).fit(disp=0, method="newton", tol=1e-14).predict(design)
    w1 = treated / p if estimand == "ATE" else treated * 1.0
    w0 = (1 - treated) / (1 - p) if estimand == "ATE" else (1 - treated) * p / (1 - p)
    return float(w1 @ y / w1.sum() - w0 @ y / w0.sum())


@pytest.mark.parametrize("offset", [1e12, 1e15, 3e15])
@pytest.mark.parametrize("estimand", ["ATE", "ATT"])
def test_weighting_keeps_the_noise_of_an_outcome_with_a_large_offset(offset, estimand):
    """IPW and AIPW of ``y + 1e15`` are those of the same values shifted back exactly."""
    X, treated, noise = _selection(4)  # a sample the weights balance (no overlap warning)
    y = noise + offset  # the data, rounded to the doubles near the offset
    exact = y - offset  # the same data, shifted exactly
    result = ipw(y, treated, X, estimand=estimand)
    assert result.estimate == pytest.approx(_hajek(exact, treated, X, estimand), abs=1e-9)
    for estimator in (ipw, aipw):
        big, shifted = (estimator(v, treated, X, estimand=estimand) for v in (y, exact))
        assert big.estimate == pytest.approx(shifted.estimate, abs=1e-9 * shifted.se)
        assert big.se == pytest.approx(shifted.se, rel=1e-9)


@pytest.mark.parametrize("offset", [1e12, 1e15, 3e15])
def test_meta_analysis_keeps_the_noise_of_effects_with_a_large_offset(offset):
    """Q, I² and the DL tau² of effects near 1e15 are statsmodels' on the exact deviations."""
    rng = np.random.default_rng(1)
    v = rng.uniform(0.5, 1.5, 30)
    effects = rng.normal(0.0, np.sqrt(v + 0.3)) + offset
    exact = effects - offset
    expected = combine_effects(exact, v, method_re="dl", use_t=False)
    fixed, dl = fixed_effect(effects, v), random_effects(effects, v, method="DL")
    assert fixed.q == pytest.approx(expected.q, rel=1e-9)
    assert dl.tau2 == pytest.approx(max(expected.tau2, 0.0), rel=1e-9)
    assert dl.i2 == pytest.approx(max(expected.i2, 0.0), rel=1e-9, abs=1e-12)
    # the estimate itself is a double near the offset: right to its last place
    assert dl.estimate - offset == pytest.approx(expected.mean_effect_re, abs=np.spacing(offset))
    reml, reml_exact = random_effects(effects, v), random_effects(exact, v)
    assert reml.tau2 == pytest.approx(reml_exact.tau2, rel=1e-9)


@pytest.mark.parametrize("offset", [1e12, 1e15])
def test_ols_r_squared_keeps_the_noise_of_an_outcome_with_a_large_offset(offset):
    """R² of ``y + 1e12`` is statsmodels' R² of the same values shifted back exactly."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = X @ [1.0, 2.0] + rng.normal(size=30) + offset
    expected = sm.OLS(y - offset, sm.add_constant(X)).fit().rsquared
    assert ols(y, X).rsquared == pytest.approx(expected, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(close=_CLOSE, seed=st.integers(0, 2**32 - 1))
def test_standardised_differences_keep_the_noise_of_values_close_together(close, seed):
    """Cohen's d and Hedges' g (its approximate J) agree with pingouin's ``compute_effsize``,
    Glass's delta and d_z with their closed forms, on the exactly centred values: hedges_g at
    1e15 plus noise was 0.11 SD off."""
    pg = pytest.importorskip("pingouin")
    from sparkus.metrics import cohens_d, glass_delta, hedges_g, paired_dz

    centre, share = close
    rng = np.random.default_rng(seed)
    x = centre + centre * share * rng.normal(0.3, 1.0, 30)
    y = centre + centre * share * rng.normal(0.0, 2.0, 30)
    dx, dy = (x - centre) / centre, (y - centre) / centre  # the exactly centred values
    d = pg.compute_effsize(dx, dy, eftype="cohen")
    assert cohens_d(x, y).estimate == pytest.approx(d, rel=1e-9, abs=1e-12)
    g = pg.compute_effsize(dx, dy, eftype="hedges")
    assert hedges_g(x, y, correction="approximate").estimate == pytest.approx(g, rel=1e-9)
    delta = (np.mean(dx) - np.mean(dy)) / np.std(dy, ddof=1)
    assert glass_delta(x, y).estimate == pytest.approx(delta, rel=1e-9, abs=1e-12)
    post = x + centre * share * rng.normal(0.5, 1.0, 30)
    change = (post - x) / centre
    dz_expected = np.mean(change) / np.std(change, ddof=1)  # d_z: mean change over its SD
    assert paired_dz(x, post).estimate == pytest.approx(dz_expected, rel=1e-9, abs=1e-12)
