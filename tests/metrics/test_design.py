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
