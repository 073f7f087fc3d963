"""Cluster-robust SEs with few treated clusters: a SparkusWarning from the effective number.

References: the effective number of clusters ``G*`` of Carter, Schnepel & Steigerwald (2017,
Review of Economics and Statistics 99(4)), with no correlation within clusters, computed here
from ``(X'X)^-1 X'`` with numpy; the CR1 standard error from statsmodels'
``OLS(...).fit(cov_type="cluster")``. The threshold 12 comes from a simulation (docs/regression.md):
with 2 to 7 treated teams of 30, ``G*`` 2.3 to 11.6, a CR1 test of a true null at 5% rejected
7% to 28% of the time (MacKinnon & Webb 2017, Journal of Applied Econometrics 32(2)).
"""

import re

import numpy as np
import pytest
import statsmodels.api as sm

from sparkus import SparkusWarning
from sparkus.metrics import ancova, did, ols

G, M = 30, 10
CLUSTER = np.repeat(np.arange(G), M)


def _effective(X, column):
    """Carter et al.'s G* (rho = 0) of one coefficient, from the row weights (X'X)^-1 X'."""
    w = np.linalg.solve(X.T @ X, X.T)[column]
    per = np.bincount(CLUSTER, weights=w**2)
    return per.sum() ** 2 / (per**2).sum()


def _data(treated_clusters, seed=0):
    rng = np.random.default_rng(seed)
    treated = treated_clusters > CLUSTER
    y = rng.normal(size=G)[CLUSTER] + rng.normal(size=G * M)
    return y, treated


@pytest.mark.parametrize("treated_clusters", [2, 3, 4, 5, 6, 7])
def test_few_treated_clusters_warn_with_the_effective_number(treated_clusters):
    """2-7 treated teams of 30 warn, naming the coefficient and its G*; the SE is statsmodels'."""
    y, treated = _data(treated_clusters)
    X = np.column_stack([np.ones(G * M), treated])
    expected = _effective(X, 1)
    with pytest.warns(SparkusWarning, match="`treated` rests on few clusters") as record:
        fit = ols(y, {"treated": treated.astype(float)}, clusters=CLUSTER)
    shown = float(re.search(r"effective number of clusters is ([\d.]+) of 30",
                            str(record[0].message)).group(1))  # fmt: skip
    assert shown == pytest.approx(expected, abs=0.05)
    ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": CLUSTER})
    assert fit.term("treated").se == pytest.approx(float(ref.bse[1]), rel=1e-10)


def test_ancova_and_did_warn_too():
    """ancova's `treated` and did's `treated:post` with 3 treated teams of 30 warn."""
    y, treated = _data(3)
    pre = y + np.random.default_rng(1).normal(size=G * M)
    with pytest.warns(SparkusWarning, match="`treated` rests on few clusters"):
        ancova(y, pre, treated, clusters=CLUSTER)
    rows = np.r_[CLUSTER, CLUSTER]
    post = np.r_[np.zeros(G * M, bool), np.ones(G * M, bool)]
    with pytest.warns(SparkusWarning, match="`treated:post` rests on few clusters"):
        did(np.r_[pre, y], np.r_[treated, treated], post, clusters=rows)


def test_staggered_did_with_few_treated_clusters_warns():
    """3 treated teams of 30 in a rollout: each cell's G* is the OLS one of its dummy (3.7).

    A cell without covariates is the OLS coefficient of its treated dummy on the change (its
    treated units weigh 1/n1, its comparison units -1/n0), so its G* is the dummy's in OLS.
    """
    from sparkus.metrics import staggered_did

    _, treated = _data(3)
    rng = np.random.default_rng(2)
    unit = np.repeat(np.arange(G * M), 3)
    time = np.tile([1, 2, 3], G * M)
    first = np.repeat(np.where(treated, 2, 0), 3)
    y = rng.normal(size=3 * G * M)
    expected = _effective(np.column_stack([np.ones(G * M), treated]), 1)
    with pytest.warns(SparkusWarning, match=r"ATT\(2, 2\) rests on few clusters") as record:
        staggered_did(y, unit, time, first, cluster=np.repeat(CLUSTER, 3))
    shown = re.search(r"effective number of clusters is ([\d.]+) of 30", str(record[0].message))
    assert float(shown.group(1)) == pytest.approx(expected, abs=0.05)
