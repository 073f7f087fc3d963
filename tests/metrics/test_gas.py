"""Tests of goal attainment scaling (Kiresuk & Sherman 1968) and its use as an outcome.

Provenance of the reference values: the published formula
``T = 50 + 10 Σ w x / sqrt((1 - rho) Σ w² + rho (Σ w)²)`` evaluated by hand in exact fractions and
``decimal`` square roots (no numpy), and scipy 1.17 for the Welch test on the T-scores.
"""

from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from sparkus import SchemaError
from sparkus.metrics import gas_tscore, welch_ttest


def _by_hand(x: list[int], w: list[int], rho: Fraction = Fraction(3, 10)) -> float:
    """The published formula in exact arithmetic, then a 40-digit decimal square root."""
    getcontext().prec = 40
    top = sum(Fraction(a * b) for a, b in zip(w, x, strict=True))
    spread = (1 - rho) * sum(Fraction(b * b) for b in w) + rho * Fraction(sum(w)) ** 2
    root = Decimal(spread.numerator) / Decimal(spread.denominator)
    return float(Decimal(50) + Decimal(10) * Decimal(top.numerator) / root.sqrt())


def test_hand_computed_values():
    """Unweighted and weighted T-scores agree with the formula worked by hand."""
    # unweighted [1, 0, -1, 2]: 50 + 10*2 / sqrt(0.7*4 + 0.3*16) = 50 + 20 / sqrt(7.6)
    assert_allclose(gas_tscore([[1, 0, -1, 2]]), [57.254762501100116], rtol=1e-14)
    assert_allclose(gas_tscore([[1, 0, -1, 2]]), [_by_hand([1, 0, -1, 2], [1, 1, 1, 1])])
    # weighted [2, 1, -1] with [3, 2, 1]: 50 + 70 / sqrt(0.7*14 + 0.3*36) = 50 + 70 / sqrt(20.6)
    got = gas_tscore([[2, 1, -1]], weights=[[3, 2, 1]])
    assert_allclose(got, [_by_hand([2, 1, -1], [3, 2, 1])], rtol=1e-14)
    assert_allclose(got, [65.42284272337311], rtol=1e-14)


def test_special_cases_of_the_published_formula():
    """All goals at 0 give 50; one goal gives 50 + 10x; m unweighted goals 50 + 10Σx/√(.7m+.3m²)."""
    assert_allclose(gas_tscore(np.zeros((4, 6))), 50.0)
    assert_allclose(gas_tscore([[0, 0, np.nan]], weights=[[5, 1, np.nan]]), [50.0])
    for x in (-2, -1, 0, 1, 2):
        assert_allclose(gas_tscore([[x]]), [50.0 + 10.0 * x])
    m = 5
    assert_allclose(gas_tscore(np.ones((1, m))), [50 + 10 * m / np.sqrt(0.7 * m + 0.3 * m * m)])
    # rho = 0: the goals are independent, T = 50 + 10 Σx / √m for unit weights
    assert_allclose(gas_tscore([[2, 2, 2, 2]], rho=0.0), [50 + 10 * 8 / 2])


def test_ragged_rows_padded_with_nan_and_column_weights():
    """Padding with NaN means "no such goal"; a 1-D weight vector applies to every row."""
    table = [[1, 2, np.nan], [-1, 0, 1]]
    got = gas_tscore(table, weights=[2, 1, 1])
    assert_allclose(got, [_by_hand([1, 2], [2, 1]), _by_hand([-1, 0, 1], [2, 1, 1])])


levels = st.sampled_from([-2, -1, 0, 1, 2])
goal_rows = st.lists(st.tuples(levels, st.integers(1, 10)), min_size=1, max_size=8)


@given(goal_rows, st.randoms(use_true_random=False), st.floats(1e-300, 1e300))
def test_invariants(row, random, scale):
    """Goal order and the scale of the weights do not matter; reversing every level mirrors T."""
    x = [a for a, _ in row]
    w = [b for _, b in row]
    t = gas_tscore([x], weights=[w])
    order = list(range(len(row)))
    random.shuffle(order)
    assert_allclose(gas_tscore([[x[i] for i in order]], weights=[[w[i] for i in order]]), t)
    assert_allclose(gas_tscore([x], weights=[[b * scale for b in w]]), t, rtol=1e-12)
    assert_allclose(gas_tscore([[-a for a in x]], weights=[w]), 100.0 - t, rtol=1e-12)
    assert np.all(np.isfinite(t))


def test_input_is_not_mutated():
    """The caller's arrays are left as they were."""
    x = np.array([[1.0, np.nan], [2.0, -1.0]])
    w = np.array([[1.0, np.nan], [3.0, 1.0]])
    before = (x.copy(), w.copy())
    gas_tscore(x, weights=w)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(w, before[1])


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"attainment": [[1, 3]]}, ("attainment[0][1]", "level")),
        ({"attainment": [[0.5]]}, ("attainment[0][0]",)),
        ({"attainment": [[np.nan, np.nan]]}, ("attainment[0]", "no goal")),
        ({"attainment": [1, 0]}, ("attainment", "[[...]]")),
        ({"attainment": [[1, 0]], "weights": [[1, 0]]}, ("weights[0][1]",)),
        ({"attainment": [[1, 0]], "weights": [[1, 1, 1]]}, ("weights", "shape")),
        ({"attainment": [[1]], "rho": 1.5}, ("rho",)),
    ],
)
def test_bad_input_is_a_schema_error(kwargs, names):
    """Each bad input is refused with a SchemaError naming the cell or parameter."""
    with pytest.raises(SchemaError) as info:
        gas_tscore(**kwargs)
    for name in names:
        assert name in str(info.value)


def test_an_estimator_takes_the_tscores_as_its_outcome():
    """Welch's t-test on GAS T-scores of coached and comparison people agrees with scipy."""
    rng = np.random.default_rng(14)
    coached = np.clip(np.round(rng.normal(0.6, 1.0, (40, 3))), -2, 2)
    comparison = np.clip(np.round(rng.normal(0.0, 1.0, (35, 3))), -2, 2)
    t_coached, t_comparison = gas_tscore(coached), gas_tscore(comparison)
    result = welch_ttest(t_coached, t_comparison)
    reference = stats.ttest_ind(t_coached, t_comparison, equal_var=False)
    assert_allclose(result.statistic, reference.statistic, rtol=1e-12)
    assert_allclose(result.pvalue, reference.pvalue, rtol=1e-10)
    assert result.estimate > 0
