"""Weighting estimators refuse an outcome that is the same within each group.

A 0/1 outcome that is 1 for every treated person and 0 for every control (or any outcome
constant within each group) leaves no variation for a standard error: computed, it came out
as rounding noise (2e-15) with p = 0. The t test refuses both groups constant for the same
reason (``welch_ttest``: "zero variance").
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.metrics import aipw, ipw


@pytest.mark.parametrize("estimator", [ipw, aipw])
@pytest.mark.parametrize("estimand", ["ATE", "ATT"])
@pytest.mark.parametrize("scale", [1e-3, 1.0, 10.0, 1e5])
def test_outcome_constant_within_each_group_is_refused(estimator, estimand, scale):
    rng = np.random.default_rng(1)
    treated = np.r_[np.ones(20, bool), np.zeros(20, bool)]
    y = np.where(treated, 5.1, 3.3) * scale
    X = {"p": rng.normal(size=40), "q": rng.normal(size=40)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # overlap warnings are not the point here
        with pytest.raises(EstimationError, match="same within each group"):
            estimator(y, treated, X, estimand=estimand)


def test_one_group_constant_still_estimates():
    """Every treated person improved, the controls varied: a standard error exists."""
    rng = np.random.default_rng(2)
    treated = np.r_[np.ones(30, bool), np.zeros(30, bool)]
    y = np.where(treated, 1.0, rng.integers(0, 2, 60).astype(float))
    X = {"p": rng.normal(size=60)}
    for estimator in (ipw, aipw):
        assert estimator(y, treated, X).se > 1e-3
