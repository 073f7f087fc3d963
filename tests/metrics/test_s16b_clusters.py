"""CR1 with a cluster the model fits exactly as a whole (one treated team): refused or warned."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st

from sparkus import EstimationError, SparkusWarning
from sparkus.metrics import ancova, did, ols


def _teams(treated_teams, teams=40, size=10, seed=0):
    rng = np.random.default_rng(seed)
    team = np.repeat(np.arange(teams), size)
    y = rng.normal(size=teams)[team] * 0.5 + rng.normal(size=team.size)
    pre = rng.normal(size=team.size)
    return team, y, pre, np.isin(team, treated_teams)


def test_ols_one_treated_cluster_refused():
    """Every treated row in one team: its residuals sum to 0 against `t`, so CR1 is refused."""
    team, y, _, treated = _teams([0])
    with pytest.raises(EstimationError, match=r"CR1 standard error of `t` is too small: the "
                       r"cluster of row 0 determines 98% of its variance"):  # fmt: skip
        ols(y, {"t": treated.astype(float)}, clusters=team)


def test_ancova_and_did_one_treated_cluster_refused():
    """ancova and did refuse the same design, naming `treated` or the interaction's cause."""
    team, y, pre, treated = _teams([3])
    with pytest.raises(EstimationError, match=r"`treated` is too small: the cluster of row 30"):
        ancova(y, pre, treated, clusters=team)
    rows = np.arange(team.size)
    both = np.r_[rows, rows]
    with pytest.raises(EstimationError, match="fits exactly as a whole"):
        did(np.r_[y, y + pre], treated[both], np.r_[rows * 0, rows * 0 + 1], clusters=team[both])


def test_one_large_treated_cluster_warned_with_its_share():
    """A treated cluster of 600 rows against 300 controls: a third of the variance, warned."""
    rng = np.random.default_rng(1)
    team = np.r_[np.zeros(600, dtype=int), np.repeat(np.arange(1, 31), 10)]
    treated = team == 0
    y = rng.normal(size=team.size)
    with pytest.warns(SparkusWarning, match=r"`t` is too small: the cluster of row 0 determines "
                      r"33% of its variance"):  # fmt: skip
        ols(y, {"t": treated.astype(float)}, clusters=team)


def test_many_treated_clusters_unchanged_and_statsmodels():
    """Half the teams treated: no warning, and the CR1 standard error is statsmodels'."""
    team, y, _, treated = _teams(list(range(0, 40, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = ols(y, {"t": treated.astype(float)}, clusters=team)
    ref = sm.OLS(y, sm.add_constant(treated.astype(float))).fit(
        cov_type="cluster", cov_kwds={"groups": team}, use_t=True
    )
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-10)


@given(
    seed=st.integers(0, 2**32 - 1),
    shuffle=st.integers(0, 2**32 - 1),
    shift=st.sampled_from([0.0, -3.5, 1e6]),
    scale=st.sampled_from([1.0, -2.0, 1e-3, 1e9]),
)
def test_ancova_invariances(seed, shuffle, shift, scale):
    """Row order and cluster relabelling change nothing; an affine outcome map scales τ and SE."""
    team, y, pre, treated = _teams(list(range(0, 40, 3)), seed=seed % 1000)
    base = ancova(y, pre, treated, clusters=team)
    order = np.random.default_rng(shuffle).permutation(team.size)
    names = np.array([f"team-{(7919 * k) % 997}" for k in range(40)])
    moved = ancova(shift + scale * y[order], pre[order], treated[order],
                   clusters=names[team[order]])  # fmt: skip
    rounding = 1e-13 * abs(shift)  # shift + scale * y rounds the outcome itself by about this
    assert moved.estimate == pytest.approx(scale * base.estimate, rel=1e-8, abs=rounding)
    assert moved.se == pytest.approx(abs(scale) * base.se, rel=1e-8, abs=rounding)
    assert moved.pvalue == pytest.approx(base.pvalue, rel=1e-7, abs=1e-12 + rounding / base.se)
    assert moved.n_clusters == base.n_clusters == 40
