"""Tests of the t-tests and the comparison of two proportions.

Provenance of the pinned values: scipy 1.17.1 and statsmodels 0.15.0 (numpy 2.4.6, Python 3.11),
called on the literal data below exactly as written next to each value. The published values
are Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score).
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from sparkus import EstimationError, SchemaError
from sparkus.metrics import compare_proportions, paired_ttest, welch_ttest

from . import exact

X_GROUP = np.array([3.9, 4.4, 2.8, 5.1, 4.7, 3.6, 4.9, 5.5, 4.1, 3.3, 4.8, 5.0])
Y_GROUP = np.array([3.1, 3.8, 2.9, 4.2, 3.5, 2.6, 4.0, 3.3, 3.7, 2.8, 3.9, 3.4, 4.4, 3.0, 3.6])
PRE = np.array([2.9, 3.4, 3.1, 2.5, 3.8, 3.0, 2.7, 3.6, 3.3, 2.8, 3.5, 3.2, 2.6, 3.9])
POST = np.array([3.3, 3.5, 3.6, 2.9, 4.1, 3.1, 3.2, 3.7, 3.9, 2.7, 4.0, 3.6, 3.1, 4.2])

# r = scipy.stats.ttest_ind(X_GROUP, Y_GROUP, equal_var=False); ci = r.confidence_interval()
# (r.statistic, r.df, r.pvalue, ci.low, ci.high)
WELCH = (3.168713846162628, 18.157184566137765, 0.005272471460613816, 0.2907183554266757,
         1.4326149779066588)  # fmt: skip
# r = scipy.stats.ttest_rel(POST, PRE); ci = r.confidence_interval(); same tuple
PAIRED = (5.984789748465136, 13.0, 4.5575983177055425e-05, 0.20996485331505274,
          0.4471780038278046)  # fmt: skip
# statsmodels.stats.proportion.confint_proportions_2indep(23, 41, 17, 49, method="newcomb",
# compare="diff") and proportions_ztest([23, 17], [41, 49]): (low, high, z, pvalue)
NEWCOMBE_SM = (0.008471204892666895, 0.3970301472440305, 2.0350952662364583, 0.04184128821719201)
# the same interval with alpha=0.1
NEWCOMBE_SM_90 = (0.04100616121338266, 0.3708067931178983)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
samples = st.lists(finite, min_size=2, max_size=25).map(np.array)


def outcomes(successes, n):
    """A 0/1 outcome array with `successes` ones out of `n`."""
    return np.r_[np.ones(successes), np.zeros(n - successes)]


# -- agreement with established tools -----------------------------------------------------------


def test_welch_matches_scipy():
    """Welch's t, d.f., p-value and interval equal scipy's ttest_ind(equal_var=False)."""
    r = welch_ttest(X_GROUP, Y_GROUP)
    got = (r.statistic, r.df, r.pvalue, r.ci.low, r.ci.high)
    assert_allclose(got, WELCH, rtol=1e-12)
    assert_allclose(r.estimate, X_GROUP.mean() - Y_GROUP.mean(), rtol=1e-14)


def test_paired_matches_scipy():
    """The paired t-test equals scipy's ttest_rel(post, pre), interval included."""
    r = paired_ttest(PRE, POST)
    assert_allclose((r.statistic, r.df, r.pvalue, r.ci.low, r.ci.high), PAIRED, rtol=1e-12)


def test_live_t_tests_match_scipy_at_another_level():
    """On fresh data and at a 90% level, both t-tests equal scipy's."""
    rng = np.random.default_rng(21)
    x, y = rng.normal(1.0, 2.0, 33), rng.normal(0.4, 0.7, 48)
    ours, theirs = welch_ttest(x, y, level=0.9), stats.ttest_ind(x, y, equal_var=False)
    assert_allclose(ours.ci, tuple(theirs.confidence_interval(0.9)), rtol=1e-12)
    assert_allclose((ours.statistic, ours.pvalue), (theirs.statistic, theirs.pvalue), rtol=1e-12)
    pre, post = x[:30], x[:30] + rng.normal(0.3, 1.0, 30)
    ours, theirs = paired_ttest(pre, post), stats.ttest_rel(post, pre)
    assert_allclose(ours.confidence_interval(0.8), tuple(theirs.confidence_interval(0.8)),
                    rtol=1e-12)  # fmt: skip
    assert_allclose(ours.pvalue, theirs.pvalue, rtol=1e-12)


@pytest.mark.parametrize(
    ("counts", "published"),
    [
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ],
)
def test_newcombe_interval_matches_published_table(counts, published):
    """Newcombe's method 10 intervals match his Table II to the four decimals printed."""
    c1, n1, c2, n2 = counts
    r = compare_proportions(outcomes(c1, n1), outcomes(c2, n2))
    assert (round(r.ci.low, 4), round(r.ci.high, 4)) == published
    assert r.ci_method == "Newcombe hybrid score"


def test_proportions_match_statsmodels():
    """Interval, z statistic and p-value equal statsmodels' newcomb interval and z-test."""
    r = compare_proportions(outcomes(23, 41), outcomes(17, 49))
    assert_allclose((r.ci.low, r.ci.high, r.statistic, r.pvalue), NEWCOMBE_SM, rtol=1e-12)
    assert_allclose(r.confidence_interval(0.9), NEWCOMBE_SM_90, rtol=1e-12)
    assert_allclose(r.estimate, 23 / 41 - 17 / 49, rtol=1e-15)


def test_live_proportions_match_statsmodels():
    """On fresh random outcomes (booleans), the result equals statsmodels'."""
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    rng = np.random.default_rng(22)
    x, y = rng.random(137) < 0.62, rng.random(94) < 0.48
    r = compare_proportions(x, y, level=0.99)
    c1, c2 = int(x.sum()), int(y.sum())
    low, high = confint_proportions_2indep(c1, 137, c2, 94, method="newcomb", compare="diff",
                                           alpha=0.01)  # fmt: skip
    z, p = proportions_ztest([c1, c2], [137, 94])
    assert_allclose((r.ci.low, r.ci.high, r.statistic, r.pvalue), (low, high, z, p), rtol=1e-12)


# -- properties -----------------------------------------------------------------------------------


@given(samples, samples, st.randoms(use_true_random=False), st.floats(0.5, 0.999))
def test_welch_is_invariant_to_row_order_and_contains_estimate(x, y, random, level):
    """Shuffling rows leaves Welch's test unchanged, and the interval contains the estimate."""
    assume(np.ptp(x) > 1e-3 or np.ptp(y) > 1e-3)
    before = welch_ttest(x, y, level=level)
    x2, y2 = x.copy(), y.copy()
    random.shuffle(x2)
    random.shuffle(y2)
    after = welch_ttest(x2, y2, level=level)
    assert after.estimate == pytest.approx(before.estimate, rel=1e-9, abs=1e-9)
    assert after.pvalue == pytest.approx(before.pvalue, rel=1e-6, abs=1e-12)
    assert before.ci.low <= before.estimate <= before.ci.high


@given(samples, samples, st.floats(-100.0, 100.0), st.floats(0.01, 100.0))
def test_welch_is_location_and_scale_equivariant(x, y, shift, scale):
    """A common shift leaves the difference alone; a positive scale scales it and its SE."""
    assume(np.ptp(x) > 1e-3 and np.ptp(y) > 1e-3)
    before = welch_ttest(x, y)
    after = welch_ttest(x * scale + shift, y * scale + shift)
    assert after.estimate == pytest.approx(before.estimate * scale, rel=1e-6, abs=1e-6 * scale)
    assert after.se == pytest.approx(before.se * scale, rel=1e-6)
    assert after.statistic == pytest.approx(before.statistic, rel=1e-6, abs=1e-6)


@given(samples, st.floats(-100.0, 100.0), st.floats(0.01, 100.0))
def test_paired_is_location_and_scale_equivariant(pre, shift, scale):
    """Shifting both measures leaves the mean change alone; scaling scales it."""
    post = pre + np.linspace(0.0, 1.0, len(pre)) ** 2
    before = paired_ttest(pre, post)
    after = paired_ttest(pre * scale + shift, post * scale + shift)
    assert after.estimate == pytest.approx(before.estimate * scale, rel=1e-6, abs=1e-6)
    assert before.ci.low <= before.estimate <= before.ci.high


@given(st.integers(1, 60), st.integers(1, 60), st.data())
def test_newcombe_interval_is_inside_bounds_and_contains_estimate(n1, n2, data):
    """The interval stays in [-1, 1] and contains the difference of the rates."""
    c1, c2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    assume(0 < c1 + c2 < n1 + n2)
    r = compare_proportions(outcomes(c1, n1), outcomes(c2, n2))
    assert -1.0 <= r.ci.low <= r.estimate <= r.ci.high <= 1.0


# -- bad input ------------------------------------------------------------------------------------


def test_bad_input_is_named():
    """NaN rows, zero variance, mismatched pairs and non-binary outcomes are named errors."""
    with pytest.raises(EstimationError, match=r"`y` is missing .* row 3"):
        welch_ttest(X_GROUP, np.where(np.arange(15) == 3, np.nan, Y_GROUP))
    with pytest.raises(EstimationError, match="zero variance"):
        welch_ttest([2.0, 2.0, 2.0], [1.0, 1.0])
    with pytest.raises(EstimationError, match="`pre` has 14 rows but `post` has 13"):
        paired_ttest(PRE, POST[:-1])
    with pytest.raises(SchemaError, match=r"0/1 .* got 2 in row 1"):
        compare_proportions([0, 2, 1], [1, 0])
    with pytest.raises(SchemaError, match="level"):
        welch_ttest(X_GROUP, Y_GROUP, level=1.0)


# -- the edge of the float range ----------------------------------------------------------------

_RNG = np.random.default_rng(7)
X_WILD = np.r_[_RNG.normal(0.0, 1.0, 20), 1e308]
Y_PLAIN = _RNG.normal(0.0, 1.0, 20)


def _exact_welch(x, y):
    """Welch's difference, standard error, t and d.f. in rational arithmetic."""
    vn1, vn2 = exact.var(x) / len(x), exact.var(y) / len(y)
    diff = exact.mean(x) - exact.mean(y)
    total = vn1 + vn2
    df = total**2 / (vn1**2 / (len(x) - 1) + vn2**2 / (len(y) - 1))
    return exact.to_float(diff), exact.sqrt(total), exact.ratio(diff, total), float(df)


@pytest.mark.parametrize(
    ("x", "y"),
    [
        (X_WILD, Y_PLAIN),  # gave a NaN interval and p-value
        (np.array([1e307, -1e307, 5e306]), np.array([-1e307, 2e306, 0.0])),
        (np.array([0.0, 5e-324, 1.5e-323]), np.array([1e-323, 2e-323, 3.5e-323])),  # subnormal
    ],
)
def test_welch_at_the_edge_of_the_float_range_is_exact(x, y):
    """Values near 1e308 or subnormal give Welch's exact estimate, t, d.f. and p."""
    r = welch_ttest(x, y)
    diff, se, t, df = _exact_welch(x, y)
    assert r.estimate == pytest.approx(diff, rel=1e-9)
    assert r.se == pytest.approx(se, rel=1e-9)
    assert r.statistic == pytest.approx(t, rel=1e-9)
    assert r.df == pytest.approx(df, rel=1e-9)
    assert r.pvalue == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-9)
    assert r.ci.low < r.estimate < r.ci.high
    assert all(np.isfinite([r.ci.low, r.ci.high]))
    assert all(np.isfinite(r.confidence_interval(0.5)))


def test_paired_ttest_at_the_edge_of_the_float_range():
    """post - pre near 1e308 is exact where it fits; an interval beyond 1.8e308 is refused
    (it was -inf), naming the supported range."""
    r = paired_ttest([0.0, 1e307, 1e307], [0.0, 0.0, 0.0])
    change = [0.0, -1e307, -1e307]
    assert r.estimate == pytest.approx(exact.to_float(exact.mean(change)), rel=1e-12)
    assert r.se == pytest.approx(exact.sqrt(exact.var(change) / 3), rel=1e-12)
    assert all(np.isfinite([r.ci.low, r.ci.high, r.pvalue]))
    with pytest.raises(EstimationError, match=r"1\.8e308"):
        paired_ttest([0.0, 1.7e308, 1.7e308], [0.0, 0.0, 0.0])
    with pytest.raises(EstimationError, match=r"1\.8e308"):
        welch_ttest([1.7e308, -1.7e308, 1e308], [-1.7e308, 1e308, 0.0])


def test_paired_ttest_whose_differences_overflow_is_still_exact():
    """post - pre beyond 1.8e308 in one pair does not spoil a result that fits."""
    pre = np.array([-1.7e308, 0.0, 1.0e308, 1.0e308])
    post = np.array([1.0e308, 0.0, 0.0, 1.5e308])
    r = paired_ttest(pre / 4, post / 4)
    changes = [
        Fraction(float(b)) - Fraction(float(a)) for a, b in zip(pre / 4, post / 4, strict=True)
    ]
    mean = sum(changes) / 4
    assert r.estimate == pytest.approx(float(mean), rel=1e-12)
