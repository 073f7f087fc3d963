"""Tests of power, sample size, minimum detectable effect and the intra-class correlation.

Provenance of the pinned values: statsmodels 0.15.0 and pingouin 0.7.0 (scipy 1.17.1, numpy
2.4.6, Python 3.11), called exactly as written next to each value. Published: Cohen (1988),
Statistical Power Analysis for the Behavioral Sciences, Table 2.4.1 (n per group for a
two-tailed test at alpha = .05 and power .80: 64 for d = .5, 26 for d = .8).
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from sparkus import EstimationError, SchemaError
from sparkus.metrics import icc, mde, power, sample_size

# TTestIndPower().power(0.5, 64, 0.05)
POWER_TWO_GROUP = 0.8014595579222542
# TTestIndPower().power(0.35, 80, 0.01, ratio=1.5)
POWER_RATIO = 0.4320093262156977
# TTestPower().power(0.3, 100, 0.05)
POWER_PRE_POST = 0.8439471027374158
# TTestIndPower().power(0.4, 120 / (1 + 7 * 0.05), 0.05, ratio=2.0): clusters of 8, ICC 0.05
POWER_CLUSTERED = 0.8660791202662168
# TTestIndPower().solve_power(0.35, power=0.9, alpha=0.01, ratio=1.5)
SOLVE_RATIO = 203.77203822570897
# TTestPower().solve_power(0.3, power=0.8, alpha=0.05)
SOLVE_PRE_POST = 89.14936472045834
# 1.45 * TTestIndPower().solve_power(0.3, power=0.8, alpha=0.05): clusters of 10, ICC 0.05
SOLVE_CLUSTERED = 254.3077707321884
# TTestIndPower().solve_power(None, nobs1=100, power=0.8, alpha=0.05)
MDE_TWO_GROUP = 0.3981391138964959
# TTestPower().solve_power(None, nobs=50, power=0.9, alpha=0.05)
MDE_PRE_POST = 0.4676808601714511


def balanced_teams():
    """Ten teams of six with a team effect: deterministic data of the tests' own."""
    i = np.arange(60)
    team = i // 6
    return np.sin(1.7 * i) + 0.8 * np.cos(2.3 * team), team


# pingouin.intraclass_corr(pd.DataFrame({"team": team, "rater": i % 6, "y": y}),
#     targets="team", raters="rater", ratings="y"), row "ICC1": ICC, F, df1, df2, pval, CI95%
PG_ICC1 = (0.44415850007783503, 5.7944441011334815, 9, 50, 1.7213010041754808e-05)
PG_ICC1_CI = (0.19, 0.76)


# -- agreement with statsmodels and published tables ---------------------------------------------


def test_power_matches_statsmodels_pinned():
    """Power equals statsmodels' TTestIndPower/TTestPower for every design."""
    assert_allclose(power(0.5, 64), POWER_TWO_GROUP, rtol=1e-12)
    assert_allclose(power(0.35, 80, alpha=0.01, ratio=1.5), POWER_RATIO, rtol=1e-12)
    assert_allclose(power(0.3, 100, design="pre-post"), POWER_PRE_POST, rtol=1e-12)
    clustered = power(0.4, 120, ratio=2.0, design="clustered", cluster_size=8, icc=0.05)
    assert_allclose(clustered, POWER_CLUSTERED, rtol=1e-12)


def test_sample_size_rounds_up_the_statsmodels_solution():
    """sample_size is the statsmodels solution rounded up, and its power reaches the target."""
    assert sample_size(0.35, alpha=0.01, power=0.9, ratio=1.5) == math.ceil(SOLVE_RATIO)
    assert sample_size(0.3, design="pre-post") == math.ceil(SOLVE_PRE_POST)
    assert sample_size(0.3, design="clustered", cluster_size=10, icc=0.05) == math.ceil(
        SOLVE_CLUSTERED
    )
    n = sample_size(0.35, alpha=0.01, power=0.9, ratio=1.5)
    assert power(0.35, n, alpha=0.01, ratio=1.5) >= 0.9 > power(0.35, n - 1, alpha=0.01, ratio=1.5)


def test_sample_size_matches_cohens_table():
    """64 per group for d = .5 and 26 for d = .8 (Cohen 1988, Table 2.4.1)."""
    assert sample_size(0.5) == 64
    assert sample_size(0.8) == 26
    assert sample_size(-0.5) == 64


def test_mde_solves_the_power_equation():
    """mde agrees with statsmodels' solver (to its tolerance) and gives exactly the power asked."""
    assert_allclose(mde(100), MDE_TWO_GROUP, rtol=1e-5)
    assert_allclose(mde(50, power=0.9, design="pre-post"), MDE_PRE_POST, rtol=1e-5)
    assert power(mde(100), 100) == pytest.approx(0.8, abs=1e-12)
    effect = mde(100, design="clustered", cluster_size=10, icc=0.1)
    assert power(effect, 100, design="clustered", cluster_size=10, icc=0.1) == pytest.approx(
        0.8, abs=1e-12
    )


def test_live_power_matches_statsmodels():
    """On a grid of effects, sizes and ratios, power equals statsmodels' computed live."""
    from statsmodels.stats.power import TTestIndPower, TTestPower

    for effect, n, ratio in [(0.1, 500, 1.0), (0.8, 12, 0.5), (-0.3, 45, 3.0)]:
        expected = TTestIndPower().power(effect, n, 0.05, ratio=ratio)
        assert_allclose(power(effect, n, ratio=ratio), expected, rtol=1e-12)
        assert_allclose(power(effect, n, design="pre-post"), TTestPower().power(effect, n, 0.05),
                        rtol=1e-12)  # fmt: skip


def test_design_effect_is_one_plus_m_minus_one_icc():
    """A clustered design with ICC 0 is the two-group design; ICC 1 counts whole clusters."""
    assert power(0.3, 200, design="clustered", cluster_size=10, icc=0.0) == pytest.approx(
        power(0.3, 200), rel=1e-14
    )
    assert power(0.3, 200, design="clustered", cluster_size=10, icc=1.0) == pytest.approx(
        power(0.3, 20), rel=1e-14
    )


@given(st.floats(0.05, 2.0), st.floats(0.05, 0.2), st.floats(0.6, 0.95), st.floats(0.25, 4.0))
def test_sample_size_is_the_smallest_sufficient(effect, alpha, target, ratio):
    """The returned size reaches the power and one fewer does not (or it is the design minimum)."""
    n = sample_size(effect, alpha=alpha, power=target, ratio=ratio)
    assert power(effect, n, alpha=alpha, ratio=ratio) >= target
    if n - 1 >= max(2.0, 1.0 / ratio):
        assert power(effect, n - 1, alpha=alpha, ratio=ratio) < target


# -- the intra-class correlation ----------------------------------------------------------------


def test_icc_matches_pingouin_on_balanced_data():
    """ICC(1), F, d.f. and p-value equal pingouin's ICC1, and the interval its CI95%."""
    y, team = balanced_teams()
    result = icc(y, team)
    dfn, dfd = result.df
    assert_allclose((result.estimate, result.statistic, dfn, dfd, result.pvalue), PG_ICC1,
                    rtol=1e-12)  # fmt: skip
    assert (round(result.ci.low, 2), round(result.ci.high, 2)) == PG_ICC1_CI
    f = result.statistic  # pingouin's own (unrounded) interval formula for ICC1:
    low = f / stats.f.ppf(0.975, 9, 50)
    high = f * stats.f.ppf(0.975, 50, 9)
    assert_allclose(result.ci, ((low - 1) / (low + 5), (high - 1) / (high + 5)), rtol=1e-12)
    assert result.n_clusters == 10
    assert result.ci_method == "F"


# pingouin 0.7.0 calls DataFrame.dropna(inplace=True), which pandas 3.1 deprecates: not ours.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.dropna")
def test_live_icc_matches_pingouin():
    """On fresh balanced data with string labels, the ICC equals pingouin's."""
    import pingouin as pg

    rng = np.random.default_rng(41)
    team = np.repeat([f"team-{k}" for k in range(25)], 4)
    y = np.repeat(rng.normal(0.0, 0.5, 25), 4) + rng.normal(size=100)
    frame = pd.DataFrame({"team": team, "rater": np.tile(np.arange(4), 25), "y": y})
    table = pg.intraclass_corr(frame, targets="team", raters="rater", ratings="y")
    row = table.set_index("Type").loc["ICC(1,1)"]
    result = icc(y, team)
    assert_allclose((result.estimate, result.statistic, result.pvalue),
                    (row["ICC"], row["F"], row["pval"]), rtol=1e-11)  # fmt: skip


def test_icc_unbalanced_uses_statsmodels_mean_squares():
    """With unequal teams, the ICC is (MSB - MSW) / (MSB + (m0 - 1) MSW) from statsmodels' ANOVA."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    rng = np.random.default_rng(42)
    sizes = rng.integers(2, 12, 30)
    team = np.repeat(np.arange(30), sizes)
    y = rng.normal(0.0, 0.6, 30)[team] + rng.normal(size=len(team))
    table = anova_lm(smf.ols("y ~ C(team)", data=pd.DataFrame({"y": y, "team": team})).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    n = len(y)
    m0 = (n - np.sum(sizes**2) / n) / 29
    result = icc(y, team)
    assert_allclose(result.estimate, (msb - msw) / (msb + (m0 - 1) * msw), rtol=1e-10)
    assert_allclose(result.pvalue, table["PR(>F)"].iloc[0], rtol=1e-9)


# -- bad input ------------------------------------------------------------------------------------


def test_too_few_effective_units_is_a_clear_error():
    """A clustered design with fewer than two clusters per group says so, with its numbers."""
    with pytest.raises(EstimationError, match=r"1.33 clusters, 10.3 effective people"):
        power(0.5, 40, design="clustered", cluster_size=30, icc=0.1)
    with pytest.raises(EstimationError, match="at least 2"):
        mde(1, design="pre-post")


def test_design_options_are_checked():
    """Unknown designs list the choices; clustered options go with design='clustered' only."""
    with pytest.raises(SchemaError, match="'two-group', 'pre-post', 'clustered'"):
        power(0.5, 50, design="crossover")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="cluster_size"):
        sample_size(0.5, design="clustered", icc=0.1)
    with pytest.raises(SchemaError, match="only used by design='clustered'"):
        sample_size(0.5, icc=0.1)
    with pytest.raises(SchemaError, match="ratio"):
        sample_size(0.5, design="pre-post", ratio=2.0)
    with pytest.raises(SchemaError, match="effect of 0"):
        sample_size(0.0)
    with pytest.raises(SchemaError, match="above alpha"):
        sample_size(0.5, power=0.04)
    with pytest.raises(SchemaError, match="icc"):
        power(0.5, 50, design="clustered", cluster_size=5, icc=1.5)


def test_icc_bad_input():
    """One cluster, singleton clusters, constant data and NaN rows are errors."""
    with pytest.raises(EstimationError, match="single cluster"):
        icc([1.0, 2.0, 3.0], [0, 0, 0])
    with pytest.raises(EstimationError, match="single row"):
        icc([1.0, 2.0, 3.0], [0, 1, 2])
    with pytest.raises(EstimationError, match="within"):
        icc([1.0, 1.0, 2.0, 2.0], [0, 0, 1, 1])
    with pytest.raises(EstimationError, match=r"`y` is missing .* row 1"):
        icc([1.0, np.nan, 2.0, 2.5], [0, 0, 1, 1])


# -- the whole grid: effects 0.01 to 3, group sizes 2 to 10⁷ --------------------------------------

GRID_EFFECTS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0)
GRID_SIZES = (2, 3, 5, 10, 20, 50, 100, 500, 1000, 1500, 10_000, 100_000, 1_000_000, 10_000_000)


def _cdf_by_quadrature(x, df, nc):
    """P(T <= x) for T noncentral t, as E Φ(x S - nc) over S = sqrt(χ²_df / df), by quad.

    An independent reference where scipy's nctdtr (which statsmodels calls) returns NaN. The
    integral runs over the χ² quantile z ~ N(0, 1), so that it is smooth for every df.
    """
    from scipy import integrate, special

    def s_of(z):
        v = stats.chi2.isf(special.ndtr(-z), df) if z > 0 else stats.chi2.ppf(special.ndtr(z), df)
        return math.sqrt(v / df)

    def f(z):
        return special.ndtr(x * s_of(z) - nc) * stats.norm.pdf(z)

    return integrate.quad(f, -38.0, 38.0, limit=400, epsabs=1e-13, points=(0.0,))[0]


def _reference_power(effect, n, alpha=0.05):
    """TTestIndPower's power, by quadrature where statsmodels (nctdtr) returns NaN."""
    from statsmodels.stats.power import TTestIndPower

    value = TTestIndPower().power(effect, n, alpha)
    if np.isfinite(value):
        return float(value), "statsmodels"
    df, nc = 2 * n - 2, effect * math.sqrt(n / 2)
    crit = stats.t.isf(alpha / 2, df)
    return 1 - _cdf_by_quadrature(crit, df, nc) + _cdf_by_quadrature(-crit, df, nc), "quad"


def test_power_equals_statsmodels_on_the_whole_grid():
    """power() equals TTestIndPower().power to 1e-6 for every effect and size of the grid,
    never NaN (power(0.5, 1500) was NaN); where statsmodels itself is NaN, the reference is
    the integral over the χ² distribution."""
    worst = 0.0
    for effect in GRID_EFFECTS:
        for n in GRID_SIZES:
            expected, _ = _reference_power(effect, n)
            got = power(effect, n)
            assert math.isfinite(got), (effect, n)
            worst = max(worst, abs(got - expected))
            assert got == pytest.approx(expected, abs=1e-6), (effect, n)
            assert power(-effect, n) == pytest.approx(got, abs=1e-12)
    assert worst < 1e-6


def test_power_at_the_listed_point():
    """power(0.5, 1500) is 1 to double precision (it was NaN)."""
    assert power(0.5, 1500) == pytest.approx(1.0, abs=1e-12)


def test_mde_equals_statsmodels_on_the_whole_grid():
    """mde() is the effect at which TTestIndPower().power equals the target, to 1e-9, for
    every size of the grid (mde(1000) raised scipy's bare ValueError).

    statsmodels' own solve_power(effect_size=None, ...) stops at its root finder's tolerance
    (brentq_expanding, xtol=1e-5 in the effect), so it is compared at that tolerance, and the
    sharper comparison goes through statsmodels' power function. Where that root finder meets
    a NaN power and stops short (n = 2 at power 0.95: its answer has power 0.9490), its
    solution is not one, and only the power is compared.
    """
    from statsmodels.stats.power import TTestIndPower

    solver = TTestIndPower()
    for target in (0.5, 0.8, 0.95):
        for n in GRID_SIZES:
            got = mde(n, power=target)
            assert solver.power(got, n, 0.05) == pytest.approx(target, abs=1e-9), (n, target)
            expected = solver.solve_power(None, nobs1=n, alpha=0.05, power=target)
            if abs(solver.power(expected, n, 0.05) - target) < 1e-6:  # a solution indeed
                assert got == pytest.approx(expected, abs=1e-5), (n, target)
    assert mde(1000) == pytest.approx(0.12535080529703696, rel=1e-6)  # the value


def test_sample_size_equals_statsmodels_on_the_whole_grid():
    """sample_size() is statsmodels' continuous solution rounded up, for every effect."""
    from statsmodels.stats.power import TTestIndPower

    solver = TTestIndPower()
    for target in (0.5, 0.8, 0.95):
        for effect in GRID_EFFECTS:
            expected = solver.solve_power(effect, nobs1=None, alpha=0.05, power=target)
            got = sample_size(effect, power=target)
            near_whole = abs(expected - round(expected)) < 1e-6 * expected
            assert got == math.ceil(expected) or near_whole, (effect, target, expected, got)
            assert power(effect, got) >= target
            if got > 2:
                assert power(effect, got - 1) < target


@pytest.mark.parametrize("design", ["pre-post", "clustered"])
def test_other_designs_equal_statsmodels_across_sizes(design):
    """Pre-post (TTestPower) and clustered (TTestIndPower at n / deff) power and mde agree
    with statsmodels to 1e-6 across sizes, and stay finite."""
    from statsmodels.stats.power import TTestIndPower, TTestPower

    for n in (20, 100, 1500, 10_000, 1_000_000, 10_000_000):
        for effect in (0.01, 0.1, 0.5, 3.0):
            if design == "pre-post":
                options = {"design": "pre-post"}
                expected = TTestPower().power(effect, n, 0.05)
                solved = TTestPower().solve_power(None, nobs=n, alpha=0.05, power=0.8)
            else:
                options = {"design": "clustered", "cluster_size": 10, "icc": 0.05}
                expected = TTestIndPower().power(effect, n / 1.45, 0.05)
                solved = TTestIndPower().solve_power(None, nobs1=n / 1.45, alpha=0.05, power=0.8)
            got = power(effect, n, **options)
            assert math.isfinite(got)
            if np.isfinite(expected):
                assert got == pytest.approx(expected, abs=1e-6), (n, effect)
            else:  # statsmodels' NaN: a power of 1 to double precision
                assert got == pytest.approx(1.0, abs=1e-9)
            assert mde(n, **options) == pytest.approx(solved, abs=1e-5)  # its xtol


@given(
    st.floats(-1e308, 1e308, allow_nan=False, allow_infinity=False),
    st.floats(2.0, 1e300, allow_nan=False, allow_infinity=False),
    st.floats(0.0, 1.0, allow_nan=False, exclude_max=True),
)
def test_power_is_a_probability_over_the_float_range(effect, n, alpha):
    """Any finite effect, size and level gives a power in [alpha, 1] (to 1e-12), never NaN;
    a level below 1e-12 is refused, naming `alpha`."""
    if alpha < 1e-12:
        with pytest.raises(SchemaError, match="alpha"):
            power(effect, n, alpha=alpha)
        return
    value = power(effect, n, alpha=alpha)
    assert alpha - 1e-12 <= value <= 1.0


@given(
    st.floats(-1e308, 1e308, allow_nan=False, allow_infinity=False),
    st.floats(1e-12, 0.4),
    st.floats(0.5, 1.0 - 1e-6),
)
def test_sample_size_is_an_integer_or_a_typed_error(effect, alpha, target):
    """Any finite effect gives a whole size whose power reaches the target, or an error
    saying no size up to 10¹² does (a tiny effect), or naming `effect` (zero)."""
    if effect == 0:
        with pytest.raises(SchemaError, match="effect"):
            sample_size(effect, alpha=alpha, power=target)
        return
    try:
        size = sample_size(effect, alpha=alpha, power=target)
    except EstimationError as error:
        message = str(error)
    else:
        message = ""
    if message:
        assert "1e+12" in message
        return
    assert isinstance(size, int)
    assert size >= 2
    assert power(effect, size, alpha=alpha) >= target


@given(
    st.floats(2.0, 1e300, allow_nan=False, allow_infinity=False),
    st.floats(1e-12, 0.4),
    st.floats(0.5, 1.0 - 1e-6),
)
def test_mde_is_positive_and_solves_the_power_over_the_float_range(n, alpha, target):
    """Any size from 2 to 1e300 gives a positive finite effect whose power is the target."""
    effect = mde(n, alpha=alpha, power=target)
    assert math.isfinite(effect)
    assert effect > 0
    assert power(effect, n, alpha=alpha) == pytest.approx(target, abs=1e-7)
