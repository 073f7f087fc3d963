"""Tests of the standardised effect sizes, their intervals and conversions.

Provenance of the pinned values: pingouin 0.7.0, statsmodels 0.15.0, scipy 1.17.1 and numpy 2.4.6
on Python 3.11, called on the literal data below exactly as written next to each value. The
published values are MBESS's ``conf.limits.nct(1.5, 98, .95)`` as quoted in statsmodels'
``statsmodels/stats/tests/test_effectsize.py``, and Hedges & Olkin (1985, Table 2, p. 80) for J.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import special, stats

from sparkus import EstimationError, SchemaError
from sparkus.metrics import cohens_d, convert_effect_size, glass_delta, hedges_g, paired_dz
from sparkus.metrics._noncentral import asymptotic_limit, noncentrality_interval

from . import exact

# Two groups and a pre/post sample of the tests' own (scores on a 1-5 scale).
X_GROUP = np.array([3.9, 4.4, 2.8, 5.1, 4.7, 3.6, 4.9, 5.5, 4.1, 3.3, 4.8, 5.0])
Y_GROUP = np.array([3.1, 3.8, 2.9, 4.2, 3.5, 2.6, 4.0, 3.3, 3.7, 2.8, 3.9, 3.4, 4.4, 3.0, 3.6])
PRE = np.array([2.9, 3.4, 3.1, 2.5, 3.8, 3.0, 2.7, 3.6, 3.3, 2.8, 3.5, 3.2, 2.6, 3.9])
POST = np.array([3.3, 3.5, 3.6, 2.9, 4.1, 3.1, 3.2, 3.7, 3.9, 2.7, 4.0, 3.6, 3.1, 4.2])

# pingouin.compute_effsize(X_GROUP, Y_GROUP, eftype="cohen")
PG_D = 1.2854589007925887
# pingouin.compute_effsize(X_GROUP, Y_GROUP, eftype="hedges")  (J = 1 - 3 / (4 df - 1))
PG_G_APPROX = 1.2465056007685709
# pingouin.compute_effsize(POST, PRE, paired=True, eftype="cohen_dz")
PG_DZ = 1.5995023407595383
# pingouin.compute_esci(stat=PG_D, nx=12, ny=15, eftype="cohen", decimals=17): d ± t(25) se
PG_ESCI_D = (0.410215386860058, 2.1607024147251197)
# pingouin.compute_esci(stat=PG_DZ, nx=14, ny=1, paired=True, eftype="cohen", decimals=17)
PG_ESCI_DZ = (0.7278256423389976, 2.471179039180079)
# scipy.stats.ttest_ind(X_GROUP, Y_GROUP): (statistic, df, pvalue)
STUDENT = (3.3190406100025256, 25.0, 0.0027715637248631997)
# scipy.stats.ttest_rel(POST, PRE): (statistic, df, pvalue)
PAIRED = (5.984789748465136, 13.0, 4.5575983177055425e-05)
# statsmodels.stats.effect_size._noncentrality_t(t, df, alpha=0.05).confint, with t and df of
# the matching t statistic: STUDENT for d, PAIRED for d_z, Glass's t = delta sqrt(12*15/27)
# with 14 d.f.
SM_NC_D = (1.1286438236356864, 5.454895038069578)
SM_NC_DZ = (2.9333354605215116, 8.939234304717978)
SM_NC_GLASS = (1.6463425798579319, 6.623811753474458)
# (mean(X_GROUP) - mean(Y_GROUP)) / numpy.std(Y_GROUP, ddof=1)
GLASS = 1.6193341979833515

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
samples = st.lists(finite, min_size=3, max_size=25).map(np.array)


def spread(values):
    """A sample whose spread is well above rounding, so standardising is well defined."""
    return np.ptp(values) > 1e-3 * (1.0 + np.abs(values).max())


# -- agreement with established tools -----------------------------------------------------------


def test_cohens_d_matches_pingouin_and_scipy():
    """Cohen's d equals pingouin's, and its test equals scipy's Student t-test."""
    d = cohens_d(X_GROUP, Y_GROUP)
    assert_allclose(d.estimate, PG_D, rtol=1e-13)
    assert_allclose((d.statistic, d.df, d.pvalue), STUDENT, rtol=1e-12)
    assert d.n == 27
    assert d.ci_method == "noncentral t"


def test_cohens_d_noncentral_interval_matches_statsmodels():
    """The noncentral-t interval of d is statsmodels' noncentrality interval over sqrt(n1n2/N)."""
    d = cohens_d(X_GROUP, Y_GROUP)
    scale = math.sqrt(12 * 15 / 27)
    assert_allclose(d.ci, np.array(SM_NC_D) / scale, rtol=1e-6)


def test_noncentral_limits_solve_their_defining_equations():
    """Each limit puts the observed t at the 97.5% and 2.5% points of its noncentral t."""
    low, high = noncentrality_interval(STUDENT[0], 25.0, 0.95)
    assert_allclose(special.nctdtr(25.0, [low, high], STUDENT[0]), [0.975, 0.025], atol=1e-12)


def test_noncentral_interval_matches_published_mbess_values():
    """conf.limits.nct(1.5, 98, .95) in MBESS gives (-0.474934, 3.467371)."""
    assert_allclose(noncentrality_interval(1.5, 98.0, 0.95), (-0.474934, 3.467371), rtol=2e-6)


def test_normal_interval_uses_the_hedges_olkin_standard_error():
    """The normal interval's SE is the one pingouin's compute_esci uses (it takes a t quantile)."""
    d = cohens_d(X_GROUP, Y_GROUP, ci_method="normal")
    implied_se = (PG_ESCI_D[1] - PG_ESCI_D[0]) / (2 * stats.t.ppf(0.975, 25))
    assert_allclose(d.se, implied_se, rtol=1e-12)
    z = stats.norm.ppf(0.975)
    assert_allclose(d.ci, (PG_D - z * implied_se, PG_D + z * implied_se), rtol=1e-12)
    assert d.ci_method == "normal"


def test_hedges_g_approximate_matches_pingouin():
    """With correction="approximate", g equals pingouin's Hedges g."""
    g = hedges_g(X_GROUP, Y_GROUP, correction="approximate")
    assert_allclose(g.estimate, PG_G_APPROX, rtol=1e-13)


def test_hedges_g_exact_correction_matches_published_table():
    """J(10) = 0.9227 and J(20) = 0.9619 (Hedges & Olkin, 1985, Table 2)."""
    x10, y10 = np.arange(6.0), np.arange(6.0) + 0.5  # 10 d.f.
    x20, y20 = np.arange(11.0), np.arange(11.0) + 0.5  # 20 d.f.
    for x, y, table in ((x10, y10, 0.9227), (x20, y20, 0.9619)):
        ratio = hedges_g(x, y).estimate / cohens_d(x, y).estimate
        assert round(ratio, 4) == table


def test_hedges_g_exact_correction_is_the_gamma_ratio():
    """Exact J is statsmodels' 1 / c11 = Γ(m/2) / (sqrt(m/2) Γ((m-1)/2)) at m = 25."""
    m = 25.0
    c11 = math.sqrt(m / 2) * math.exp(special.gammaln(m / 2 - 0.5) - special.gammaln(m / 2))
    g = hedges_g(X_GROUP, Y_GROUP)
    assert_allclose(g.estimate, PG_D / c11, rtol=1e-13)
    assert_allclose(g.ci, np.array(SM_NC_D) / math.sqrt(12 * 15 / 27) / c11, rtol=1e-6)


def test_glass_delta_matches_definition_and_statsmodels_interval():
    """Glass's delta uses the SD of y; its interval inverts t = delta sqrt(n1n2/N) with n2-1 d.f."""
    delta = glass_delta(X_GROUP, Y_GROUP)
    assert_allclose(delta.estimate, GLASS, rtol=1e-13)
    assert delta.df == 14
    assert_allclose(delta.ci, np.array(SM_NC_GLASS) / math.sqrt(12 * 15 / 27), rtol=1e-6)


def test_paired_dz_matches_pingouin_and_scipy():
    """d_z equals pingouin's cohen_dz, and its test is scipy's paired t-test."""
    dz = paired_dz(PRE, POST)
    assert_allclose(dz.estimate, PG_DZ, rtol=1e-13)
    assert_allclose((dz.statistic, dz.df, dz.pvalue), PAIRED, rtol=1e-12)
    assert_allclose(dz.ci, np.array(SM_NC_DZ) / math.sqrt(14), rtol=1e-6)


def test_paired_dz_normal_standard_error_matches_pingouin():
    """The normal SE of d_z is pingouin's sqrt(1/n + dz²/(2n))."""
    dz = paired_dz(PRE, POST, ci_method="normal")
    implied_se = (PG_ESCI_DZ[1] - PG_ESCI_DZ[0]) / (2 * stats.t.ppf(0.975, 13))
    assert_allclose(dz.se, implied_se, rtol=1e-12)


def test_live_agreement_with_pingouin():
    """On fresh random data, d, g (approximate) and d_z equal pingouin's."""
    import pingouin as pg

    rng = np.random.default_rng(11)
    x, y = rng.normal(0.3, 1.0, 37), rng.normal(0.0, 1.4, 52)
    assert_allclose(cohens_d(x, y).estimate, pg.compute_effsize(x, y, eftype="cohen"), rtol=1e-12)
    g = hedges_g(x, y, correction="approximate").estimate
    assert_allclose(g, pg.compute_effsize(x, y, eftype="hedges"), rtol=1e-12)
    pre, post = x[:30], x[:30] + rng.normal(0.2, 0.5, 30)
    expected = pg.compute_effsize(post, pre, paired=True, eftype="cohen_dz")
    assert_allclose(paired_dz(pre, post).estimate, expected, rtol=1e-12)


def test_live_noncentral_interval_agrees_with_statsmodels():
    """On fresh data, the noncentral interval of d agrees with statsmodels' noncentrality CI."""
    from statsmodels.stats.effect_size import _noncentrality_t

    rng = np.random.default_rng(12)
    x, y = rng.normal(0.5, 1.0, 20), rng.normal(0.0, 1.0, 25)
    d = cohens_d(x, y, level=0.9)
    expected = _noncentrality_t(d.statistic, d.df, alpha=0.1).confint
    assert_allclose(d.ci, np.array(expected) / math.sqrt(20 * 25 / 45), rtol=1e-6)


# -- conversions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "source", "target", "sizes", "expected"),
    [
        # pingouin.convert_effsize(0.5, "cohen", "pointbiserialr")
        (0.5, "d", "r", {}, 0.24253562503633297),
        # pingouin.convert_effsize(0.5, "cohen", "pointbiserialr", nx=12, ny=15)
        (0.5, "d", "r", {"n1": 12, "n2": 15}, 0.25),
        # numpy.log(pingouin.convert_effsize(-1.2, "cohen", "odds_ratio"))
        (-1.2, "d", "log_odds_ratio", {}, math.log(0.11343114965632206)),
        # pingouin.convert_effsize(0.3, "pointbiserialr", "cohen")
        (0.3, "r", "d", {}, 0.628970902033151),
    ],
)
def test_conversions_match_pingouin(value, source, target, sizes, expected):
    """d to r (with and without group sizes), d to log OR and r to d agree with pingouin."""
    assert_allclose(
        convert_effect_size(value, source=source, target=target, **sizes), expected, rtol=1e-12
    )


def test_d_to_r_with_sizes_is_the_point_biserial_correlation():
    """With group sizes, d to r gives exactly the point-biserial r of the same data."""
    d = cohens_d(X_GROUP, Y_GROUP).estimate
    group = np.r_[np.ones(12), np.zeros(15)]
    r = stats.pearsonr(group, np.r_[X_GROUP, Y_GROUP]).statistic
    assert_allclose(convert_effect_size(d, source="d", target="r", n1=12, n2=15), r, rtol=1e-12)


@given(st.floats(-4.0, 4.0), st.sampled_from(["d", "r", "log_odds_ratio"]))
def test_conversions_round_trip(d, middle):
    """Converting d to any scale and back returns d."""
    there = convert_effect_size(d, source="d", target=middle, n1=20, n2=30)
    back = convert_effect_size(there, source=middle, target="d", n1=20, n2=30)
    assert back == pytest.approx(d, abs=1e-9)


def test_conversion_rejects_bad_input():
    """Unknown scales list the allowed ones; r outside (-1, 1) and half the sizes are refused."""
    with pytest.raises(SchemaError, match="'d', 'r', 'log_odds_ratio'"):
        convert_effect_size(0.5, source="eta", target="r")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="value"):
        convert_effect_size(1.0, source="r", target="d")
    with pytest.raises(SchemaError, match="n2"):
        convert_effect_size(0.5, source="d", target="r", n1=10)


# -- properties -----------------------------------------------------------------------------------


@given(samples, samples, st.randoms(use_true_random=False))
def test_cohens_d_is_invariant_to_row_order(x, y, random):
    """Shuffling the rows of either group leaves d and its interval unchanged."""
    assume(spread(x) or spread(y))
    before = cohens_d(x, y)
    x2, y2 = x.copy(), y.copy()
    random.shuffle(x2)
    random.shuffle(y2)
    after = cohens_d(x2, y2)
    assert after.estimate == pytest.approx(before.estimate, rel=1e-9, abs=1e-9)
    assert after.ci.low == pytest.approx(before.ci.low, rel=1e-7, abs=1e-7)


@given(samples, samples, st.floats(-50.0, 50.0), st.floats(0.01, 100.0))
def test_standardised_effects_are_location_and_scale_invariant(x, y, shift, scale):
    """Adding a constant to both groups and multiplying by a positive one leaves d, g, Δ alone."""
    assume(spread(x) and spread(y))
    for estimator in (cohens_d, hedges_g, glass_delta):
        before = estimator(x, y).estimate
        after = estimator(x * scale + shift, y * scale + shift).estimate
        assert after == pytest.approx(before, rel=1e-6, abs=1e-6)
    assert cohens_d(-x, -y).estimate == pytest.approx(-cohens_d(x, y).estimate, rel=1e-12)


@given(samples, samples, st.sampled_from(["noncentral_t", "normal"]), st.floats(0.5, 0.99))
def test_intervals_contain_the_estimate(x, y, method, level):
    """Every effect-size interval contains its estimate, and g shrinks d towards zero."""
    assume(spread(x) and spread(y))
    for estimate in (
        cohens_d(x, y, ci_method=method, level=level),
        hedges_g(x, y, ci_method=method, level=level),
        glass_delta(x, y, ci_method=method, level=level),
    ):
        assert estimate.ci.low <= estimate.estimate <= estimate.ci.high
    assert abs(hedges_g(x, y).estimate) <= abs(cohens_d(x, y).estimate)


@given(samples, st.floats(0.5, 0.99))
def test_paired_interval_contains_the_estimate(pre, level):
    """The d_z interval contains d_z; a wider level gives a wider interval."""
    post = pre + np.linspace(-1.0, 2.0, len(pre)) ** 2
    dz = paired_dz(pre, post, level=level)
    assert dz.ci.low <= dz.estimate <= dz.ci.high
    wider = dz.confidence_interval(min(level + 0.009, 0.999))
    assert wider.low <= dz.ci.low
    assert dz.ci.high <= wider.high


# -- bad input ------------------------------------------------------------------------------------


def test_missing_values_are_named_by_row():
    """A NaN in a group is an EstimationError that names the group and the rows."""
    x = X_GROUP.copy()
    x[[2, 7]] = np.nan
    with pytest.raises(EstimationError, match=r"`x` is missing .* rows 2 and 7"):
        cohens_d(x, Y_GROUP)


def test_zero_variance_is_refused():
    """Constant groups have no standard deviation to standardise by."""
    with pytest.raises(EstimationError, match="both constant"):
        cohens_d([1.0, 1.0, 1.0], [2.0, 2.0])
    with pytest.raises(EstimationError, match="comparison group"):
        glass_delta([1.0, 2.0], [3.0, 3.0, 3.0])
    with pytest.raises(EstimationError, match="same amount"):
        paired_dz([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])


def test_too_few_values_and_mismatched_pairs_are_refused():
    """Groups need two values; pairs must line up."""
    with pytest.raises(EstimationError, match="at least 2"):
        cohens_d([1.0], [2.0, 3.0])
    with pytest.raises(EstimationError, match="differ in length"):
        paired_dz(PRE, POST[:-1])


def test_unknown_options_list_the_allowed_values():
    """Unknown ci_method and correction are SchemaErrors listing the choices."""
    with pytest.raises(SchemaError, match="'noncentral_t', 'normal'"):
        cohens_d(X_GROUP, Y_GROUP, ci_method="bootstrap")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="'exact', 'approximate'"):
        hedges_g(X_GROUP, Y_GROUP, correction="none")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="level"):
        cohens_d(X_GROUP, Y_GROUP, level=95)


def test_inputs_are_not_mutated():
    """The caller's arrays are left as they were."""
    x, y = X_GROUP.copy(), Y_GROUP.copy()
    for estimator in (cohens_d, hedges_g, glass_delta):
        estimator(x, y)
    paired_dz(x[:12], y[:12])
    assert np.array_equal(x, X_GROUP)
    assert np.array_equal(y, Y_GROUP)


# -- the edge of the float range ----------------------------------------------------------------

_RNG = np.random.default_rng(7)
X_WILD = np.r_[_RNG.normal(0.0, 1.0, 20), 1e308]
Y_PLAIN = _RNG.normal(0.0, 1.0, 20)


def _exact_d(x, y):
    """Cohen's d in rational arithmetic: (mean x - mean y) / pooled SD."""
    n1, n2 = len(x), len(y)
    pooled = ((n1 - 1) * exact.var(x) + (n2 - 1) * exact.var(y)) / (n1 + n2 - 2)
    return exact.ratio(exact.mean(x) - exact.mean(y), pooled)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (X_WILD, Y_PLAIN),  # one value near the largest double: the squares overflowed
        (-X_WILD, Y_PLAIN),
        (np.array([1.7e308, -1.7e308, 1e308]), np.array([-1e308, 5e307, 0.0])),
        (np.array([0.0, 5e-324, 1.5e-323]), np.array([1e-323, 2e-323, 2.5e-323])),  # subnormal
    ],
)
def test_extreme_but_finite_values_give_the_exact_effect(x, y):
    """Values near 1e308 or subnormal give the exact d, g and delta (was d = 0, p = 1)."""
    d = cohens_d(x, y)
    assert d.estimate == pytest.approx(_exact_d(x, y), rel=1e-9)
    df = len(x) + len(y) - 2
    t = d.estimate * math.sqrt(len(x) * len(y) / (len(x) + len(y)))
    assert d.pvalue == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-9)
    assert d.ci.low < d.estimate < d.ci.high
    g = hedges_g(x, y)
    assert g.estimate == pytest.approx(_exact_d(x, y) * _j_exact(df), rel=1e-9)
    delta = glass_delta(x, y)
    exact_delta = exact.ratio(exact.mean(x) - exact.mean(y), exact.var(y))
    assert delta.estimate == pytest.approx(exact_delta, rel=1e-9)
    for result in (d, g, delta):
        assert all(math.isfinite(v) for v in (result.se, result.pvalue, *result.ci))


def _j_exact(df):
    return math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)


def test_paired_dz_at_the_edge_of_the_float_range():
    """Changes of 1.7e308 (whose difference overflowed to -inf) give the exact d_z."""
    pre, post = np.array([0.0, 1.7e308, 1.7e308]), np.zeros(3)
    dz = paired_dz(pre, post)
    change = [0.0, -1.7e308, -1.7e308]
    assert dz.estimate == pytest.approx(exact.ratio(exact.mean(change), exact.var(change)))
    assert all(math.isfinite(v) for v in (dz.se, dz.pvalue, *dz.ci))
    pre, post = np.array([-1.7e308, 0.0, 1.7e308]), np.array([1.7e308, 1.0e308, -1.0e308])
    change = [
        exact.to_float(exact.mean([b]) - exact.mean([a])) for a, b in zip(pre, post, strict=True)
    ]
    assert not all(math.isfinite(c) for c in change)  # post - pre itself overflows
    exact_change = [Fraction(float(b)) - Fraction(float(a)) for a, b in zip(pre, post, strict=True)]
    dz = paired_dz(pre, post)
    assert dz.estimate == pytest.approx(exact.ratio(sum(exact_change) / 3, _var(exact_change)))


def _var(values):
    m = sum(values) / len(values)
    return sum((v - m) ** 2 for v in values) / (len(values) - 1)


def test_huge_standardised_difference_is_computed_or_refused_with_the_range():
    """A t of 1e6 or more gets its interval (asymptotic) or an error naming ci_method."""
    x = np.array([1.0, 1.0 + 2.0**-40, 1.0 - 2.0**-40])
    y = np.array([0.0, 2.0**-40, -(2.0**-40)])
    d = cohens_d(x, y)  # d = 2**40: the noncentral-t interval by its asymptotic form
    assert d.estimate == pytest.approx(2.0**40, rel=1e-9)
    assert d.ci.low < d.estimate < d.ci.high
    assert math.isfinite(d.ci.high)
    x = np.array([1.0, 1.0, 1.0 + 2.0**-52])
    big = cohens_d(x, np.array([0.0, 0.0, 2.0**-52]), ci_method="normal")
    assert math.isfinite(big.ci.high)


def test_noncentrality_interval_matches_its_asymptotic_form_for_large_t():
    """Beyond |t| = 1e4 the limits come from P(S > u) - f'(u) / 2t² (error O(t⁻⁴)), which
    agree with the exact inversion where both apply."""
    for df in (1.0, 5.0, 40.0):
        exact_limits = noncentrality_interval(9_000.0, df, 0.95)
        approx = [asymptotic_limit(9_000.0, df, p) for p in (0.975, 0.025)]
        assert_allclose(approx, exact_limits, rtol=1e-7)


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (1e308, "d", "r", 1.0),  # was 0: d * d overflowed
        (-1e308, "d", "r", -1.0),
        (1e-320, "d", "r", 5e-321),
        (1.0 - 2.0**-53, "r", "d", None),  # d = 2r / sqrt(1 - r²), exact by rationals
    ],
)
def test_convert_effect_size_over_the_float_range(value, source, target, expected):
    """Conversions stay finite and exact at the edge of the float range."""
    out = convert_effect_size(value, source=source, target=target)
    if expected is None:
        r = Fraction(value)
        expected = exact.ratio(2 * r, 1 - r * r)
    assert out == pytest.approx(expected, rel=1e-12)


def test_convert_effect_size_refuses_results_beyond_the_range():
    """A log odds ratio beyond 1.8e308 is refused, naming the supported range."""
    with pytest.raises(SchemaError, match=r"value.*(range|at most)"):
        convert_effect_size(1.7e308, source="d", target="log_odds_ratio")
    near_one = 1.0 - 2.0**-53
    huge = convert_effect_size(near_one, source="r", target="log_odds_ratio", n1=2, n2=1e308)
    assert math.isfinite(huge)
    assert convert_effect_size(0.5, source="d", target="r", n1=1e308, n2=1e308) == pytest.approx(
        0.5 / math.sqrt(0.25 + 4.0)
    )
