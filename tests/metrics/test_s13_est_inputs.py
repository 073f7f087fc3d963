"""ols says what is wrong with its inputs, and takes the booleans numpy gives.

A constant `y` with an intercept was refused as "fitted exactly ... more rows are needed",
though no number of rows would help; ``intercept=np.True_`` (a flag read from an array) was
refused as not a boolean, while ``random_effects(hartung_knapp=np.True_)`` takes it.

Provenance: the coefficients are compared with statsmodels' ``OLS(...).fit(cov_type="HC1")``,
run live.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from sparkus import EstimationError
from sparkus.metrics import ols


def test_ols_says_a_constant_outcome_is_constant():
    """A constant `y` with an intercept is refused as constant, not as too few rows."""
    with pytest.raises(EstimationError, match="`y` is constant"):
        ols(np.full(40, 3.0), np.arange(40.0))


@pytest.mark.parametrize("flag", [np.True_, np.False_])
def test_ols_takes_a_numpy_boolean_intercept(flag):
    """``intercept=np.True_`` or ``np.False_`` fits as the Python boolean does."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 2))
    y = 1.0 + x @ [0.5, -0.2] + rng.normal(size=40)
    design = sm.add_constant(x) if flag else x
    expected = sm.OLS(y, design).fit(cov_type="HC1")
    result = ols(y, x, intercept=flag)
    assert result.params == pytest.approx(expected.params, rel=1e-12)
    assert result.se == pytest.approx(expected.bse, rel=1e-12)
