"""robustness_value at the fewest residual degrees of freedom (Cinelli & Hazlett 2020).

``RV_q`` and the partial R² need ``df >= 1``; ``RV_{q,alpha}`` tests the estimate adjusted for
the confounder (one more regressor) with a t of ``df - 1`` degrees of freedom, so it needs
``df >= 2``. A fit with one residual degree of freedom is refused with an EstimationError that
says so; from two on, the values are the paper's formulas (checked by hand with scipy here).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sparkus import EstimationError, SchemaError
from sparkus.metrics import RobustnessValue, ols, robustness_value


def _fit(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    y = x[:, 0] + rng.normal(size=n)
    return ols(y, {"a": x[:, 0], "b": x[:, 1]}, cov="nonrobust")  # k = 3 with the intercept


def test_one_residual_degree_of_freedom_is_an_estimation_error():
    """The reproducer (n = 4, k = 3): an EstimationError naming the d.f., no ZeroDivisionError."""
    fit = _fit(4)
    assert fit.df_resid == 1
    with pytest.raises(EstimationError, match=r"1 residual degree of freedom.*at least 2"):
        robustness_value(fit, "a")


def test_bad_options_are_reported_before_the_degrees_of_freedom():
    """With one residual d.f., a bad `q` or `alpha` is still the SchemaError naming it."""
    fit = _fit(4)
    with pytest.raises(SchemaError, match="q"):
        robustness_value(fit, "a", q=-1.0)
    with pytest.raises(SchemaError, match="alpha"):
        robustness_value(fit, "a", alpha=2.0)


@pytest.mark.parametrize("seed", range(5))
def test_two_residual_degrees_of_freedom_give_the_papers_values(seed):
    """n = 5, k = 3: partial R², RV_q and RV_{q,alpha} as the formulas with scipy's t."""
    fit = _fit(5, seed)
    assert fit.df_resid == 2
    rv = robustness_value(fit, "a")
    t = float(fit.statistic[1])
    assert rv.df == 2
    assert rv.partial_r2 == pytest.approx(t * t / (t * t + 2), rel=1e-12)
    f = abs(t) / math.sqrt(2)
    assert rv.rv_q == pytest.approx(0.5 * (math.sqrt(f**4 + 4 * f**2) - f**2), rel=1e-12)
    f_crit = abs(stats.t.ppf(0.025, 1)) / math.sqrt(1)
    fa = f - f_crit
    if fa <= 0:
        expected = 0.0
    elif f > 1 / f_crit:
        expected = (f**2 - f_crit**2) / (1 + f**2)
    else:
        expected = 0.5 * (math.sqrt(fa**4 + 4 * fa**2) - fa**2)
    assert rv.rv_qa == pytest.approx(expected, rel=1e-9, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(st.integers(5, 12), st.integers(0, 2**16))
def test_any_small_fit_gives_a_value_or_an_estimation_error(n, seed):
    """Small fits: values in [0, 1] from two residual d.f. on, an EstimationError below."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y = x[:, 0] + rng.normal(size=n)
    fit = ols(y, {"a": x[:, 0], "b": x[:, 1], "c": x[:, 2]}, cov="nonrobust")  # k = 4
    if fit.df_resid < 2:
        with pytest.raises(EstimationError, match="residual degree"):
            robustness_value(fit, "a")
        return
    rv = robustness_value(fit, "a", q=0.5, alpha=0.1)
    for value in (rv.partial_r2, rv.rv_q, rv.rv_qa):
        assert 0.0 <= value <= 1.0
    assert rv.rv_qa <= rv.rv_q


def test_from_statistic_still_refuses_fewer_than_two_as_a_schema_error():
    """A published d.f. below 2 is a bad argument: SchemaError naming `df`, as before."""
    for df in (0, 1):
        with pytest.raises(SchemaError, match="df"):
            RobustnessValue.from_statistic(3.0, df)
    assert RobustnessValue.from_statistic(3.0, 2).df == 2
