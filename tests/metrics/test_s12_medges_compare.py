"""compare_proportions when every outcome of both groups is the same (all 0, or all 1).

Provenance: the interval is pinned against statsmodels' ``confint_proportions_2indep(...,
method="newcomb")`` and the test against statsmodels' ``proportions_ztest`` (both run live);
where every outcome is equal, that z is 0/0 (statsmodels returns NaN) and the p-value is 1, the
exact one, as ``scipy.stats.fisher_exact`` gives for such a table (run live).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy.stats import fisher_exact
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from sparkus.metrics import compare_proportions


def _outcomes(count: int, n: int) -> np.ndarray:
    return np.r_[np.ones(count), np.zeros(n - count)]


@given(
    n1=st.integers(1, 40),
    n2=st.integers(1, 40),
    shares=st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)),
    level=st.sampled_from([0.5, 0.8, 0.95, 0.999]),
)
@example(n1=5, n2=7, shares=(0.0, 0.0), level=0.95)  # every outcome 0
@example(n1=5, n2=7, shares=(1.0, 1.0), level=0.95)  # every outcome 1
@example(n1=1, n2=1, shares=(0.0, 0.0), level=0.8)  # one person each
def test_the_newcombe_interval_and_the_test_hold_for_every_count(n1, n2, shares, level):
    """Every pair of counts, all-equal outcomes included, gives statsmodels' interval and test."""
    c1, c2 = round(shares[0] * n1), round(shares[1] * n2)
    result = compare_proportions(_outcomes(c1, n1), _outcomes(c2, n2), level=level)
    low, high = confint_proportions_2indep(c1, n1, c2, n2, method="newcomb", alpha=1 - level)
    assert tuple(result.ci) == pytest.approx((low, high), abs=1e-12)
    low, high = confint_proportions_2indep(c1, n1, c2, n2, method="newcomb", alpha=0.3)
    assert tuple(result.confidence_interval(0.7)) == pytest.approx((low, high), abs=1e-12)
    if c1 + c2 in (0, n1 + n2):
        assert (result.estimate, result.se, result.statistic) == (0.0, 0.0, None)
        table = [[c1, n1 - c1], [c2, n2 - c2]]
        assert result.pvalue == fisher_exact(table).pvalue == 1.0
        assert "statistic" in result.summary()
    else:
        z, p = proportions_ztest([c1, c2], [n1, n2])
        assert result.statistic == pytest.approx(z, rel=1e-12)
        assert result.pvalue == pytest.approx(p, rel=1e-9, abs=1e-300)
