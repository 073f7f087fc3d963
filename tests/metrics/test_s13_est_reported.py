"""ancova and did are not refused over a coefficient they do not report.

A row singled out by the baseline or by a covariate (every other row 0 there) has leverage 1:
it determines that column's coefficient alone, so that coefficient's robust standard error is
undefined. The effect does not rest on that row at all (its weight in the effect is 0), yet
ancova and did refused the effect over the other coefficient's standard error.

Provenance: the references are statsmodels' ``OLS(...).fit(cov_type=..., use_t=True)`` on the
same design (``"cluster"`` with ``groups`` for CR1), run live.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import statsmodels.api as sm

from sparkus import SparkusWarning
from sparkus.metrics import ancova, did


def _reference(y, design, cov, clusters, term):
    kind, extra = (("cluster", {"cov_kwds": {"groups": clusters}}) if cov == "CR1"
                   else (cov, {}))  # fmt: skip
    fit = sm.OLS(y, design).fit(cov_type=kind, use_t=True, **extra)
    return fit.params[term], fit.bse[term], fit.pvalues[term]


def _check(result, expected):
    estimate, se, pvalue = expected
    assert result.estimate == pytest.approx(estimate, rel=1e-10)
    assert result.se == pytest.approx(se, rel=1e-10)
    assert result.pvalue == pytest.approx(pvalue, rel=1e-8)


@pytest.mark.parametrize("cov", ["HC0", "HC1", "CR1"])
def test_ancova_with_a_baseline_that_singles_out_one_row(cov):
    """A baseline of 0 but for one control row: the effect is statsmodels', not refused."""
    rng = np.random.default_rng(0)
    n = 60
    pre = np.zeros(n)
    pre[0] = 1.0
    treated = np.tile([0, 1], n // 2)
    post = 1.0 + 0.5 * treated + pre + rng.normal(size=n)
    clusters = np.arange(n) // 2 if cov == "CR1" else None  # 30 clusters: no few-clusters warning
    design = np.column_stack([np.ones(n), treated, pre])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SparkusWarning)
        result = ancova(post, pre, treated, cov=cov, clusters=clusters)
    _check(result, _reference(post, design, cov, clusters, 1))


@pytest.mark.parametrize("cov", ["HC1", "CR1"])
def test_did_with_a_covariate_that_singles_out_one_row(cov):
    """An indicator covariate of one row: the DiD effect is statsmodels', not refused."""
    rng = np.random.default_rng(5)
    n = 60
    treated = np.repeat([0, 1], n // 2)
    post = np.tile([0, 1], n // 2)
    z = np.zeros(n)
    z[3] = 1.0
    y = 1.0 + treated + post + 0.5 * treated * post + z + rng.normal(size=n)
    clusters = np.arange(n) // 2 if cov == "CR1" else None
    design = np.column_stack([np.ones(n), treated, post, treated * post, z])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SparkusWarning)
        result = did(y, treated, post, covariates={"z": z}, cov=cov, clusters=clusters)
    _check(result, _reference(y, design, cov, clusters, 3))
