"""Finite in, finite out, or a typed error: the numeric doors of metrics over the whole float range.

Every float a user can pass (subnormals from 4.9e-324, values up to ±1.8e308, negatives) goes
into each numeric door; the door must return numbers that are all finite, or raise a
:class:`~sparkus.SparkusError` (never a bare Python, numpy or scipy exception, never NaN or
inf without an error or a SparkusWarning). Where meaningful, estimates must not depend on the
order of the rows. The meta-analysis and power functions have their own float-range tests
beside their other tests (``test_meta.py``, ``test_design.py``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SparkusError, SparkusWarning
from sparkus.metrics import (
    Benefit,
    Cost,
    RobustnessValue,
    adjust_pvalues,
    cohens_d,
    compare_proportions,
    convert_effect_size,
    e_value,
    glass_delta,
    hedges_g,
    ols,
    paired_dz,
    paired_ttest,
    roi,
    welch_ttest,
)

floats = st.floats(allow_nan=False, allow_infinity=False)
"""Every finite double: subnormals, ±1.8e308, both zeros."""
samples = st.lists(floats, min_size=2, max_size=12).map(np.array)
moderate = st.lists(
    st.integers(-10_000, 10_000).map(lambda i: i / 8.0), min_size=3, max_size=15
).map(np.array)
"""Values whose sums are exact in binary, so a change of row order changes nothing but the
last rounding of a division."""


def _numbers(result: object) -> list[float]:
    """The float fields of an Estimate-like result."""
    out: list[float] = []
    for name in ("estimate", "se", "statistic", "pvalue", "df"):
        value = getattr(result, name, None)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.append(float(value))
    ci = getattr(result, "ci", None)
    if ci is not None:
        out.extend(float(v) for v in np.ravel(ci))
    return out


def _finite_or_typed(call):
    """The result of `call` if every number in it is finite; None if a SparkusError (or a
    SparkusWarning that explains non-finite numbers) was raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except SparkusError:
            return None
    foreign = [w for w in caught if not issubclass(w.category, SparkusWarning)]
    assert not foreign, [str(w.message) for w in foreign]
    numbers = _numbers(result) if not isinstance(result, float) else [result]
    if not all(math.isfinite(v) for v in numbers):
        assert any(issubclass(w.category, SparkusWarning) for w in caught), numbers
    return result


@pytest.mark.parametrize("estimator", [cohens_d, hedges_g, glass_delta, welch_ttest])
@given(x=samples, y=samples)
def test_two_group_doors_over_the_float_range(estimator, x, y):
    """Two groups of any finite values: finite results or a typed error."""
    _finite_or_typed(lambda: estimator(x, y))


@given(x=samples, y=samples)
def test_standardised_differences_are_scale_free_over_the_float_range(x, y):
    """d of the data divided by 2**k is d of the data, wherever both are computed."""
    first = _finite_or_typed(lambda: cohens_d(x, y, ci_method="normal"))
    second = _finite_or_typed(lambda: cohens_d(np.ldexp(x, -60), np.ldexp(y, -60),
                                               ci_method="normal"))  # fmt: skip
    if first is not None and second is not None and np.ldexp(x, -60).all():
        assert second.estimate == pytest.approx(first.estimate, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("estimator", [paired_dz, paired_ttest])
@given(data=st.data())
def test_paired_doors_over_the_float_range(estimator, data):
    """Pairs of any finite values: finite results or a typed error."""
    n = data.draw(st.integers(2, 10))
    pre = np.array(data.draw(st.lists(floats, min_size=n, max_size=n)))
    post = np.array(data.draw(st.lists(floats, min_size=n, max_size=n)))
    _finite_or_typed(lambda: estimator(pre, post))


@given(st.lists(st.booleans(), min_size=1, max_size=40),
       st.lists(st.booleans(), min_size=1, max_size=40),
       st.floats(1e-9, 1 - 1e-9))  # fmt: skip
def test_compare_proportions_over_sizes_and_levels(x, y, level):
    """Any two groups of outcomes and any level: finite results or a typed error."""
    _finite_or_typed(lambda: compare_proportions(x, y, level=level))


@given(floats, st.sampled_from(["d", "r", "log_odds_ratio"]),
       st.sampled_from(["d", "r", "log_odds_ratio"]),
       st.one_of(st.none(), st.tuples(floats, floats)))  # fmt: skip
def test_convert_effect_size_over_the_float_range(value, source, target, sizes):
    """Any value and group sizes: a finite conversion or a SchemaError."""
    n1, n2 = sizes if sizes is not None else (None, None)
    out = _finite_or_typed(lambda: convert_effect_size(value, source=source, target=target,
                                                       n1=n1, n2=n2))  # fmt: skip
    if out is not None and target == "r":
        assert -1.0 <= out <= 1.0


@given(floats, st.one_of(st.none(), st.tuples(floats, floats)),
       st.sampled_from(["RR", "OR", "HR", "SMD"]), st.booleans())  # fmt: skip
def test_e_value_over_the_float_range(estimate, ci, measure, common):
    """Any estimate and interval: a finite E-value of at least 1, or a SchemaError."""
    if ci is not None:
        ci = tuple(sorted(ci))
    result = _finite_or_typed(lambda: e_value(estimate, ci, measure=measure, common_outcome=common))
    if result is not None:
        assert math.isfinite(result.e_value)
        assert result.e_value >= 1.0
        assert result.e_value_ci is None or 1.0 <= result.e_value_ci <= result.e_value


@given(floats, st.integers(2, 10**12), st.floats(5e-324, 1e308), st.floats(1e-300, 0.999))
def test_robustness_value_over_the_float_range(t, df, q, alpha):
    """Any t, d.f., share and level: partial R² and robustness values in [0, 1]."""
    rv = _finite_or_typed(lambda: RobustnessValue.from_statistic(t, df, q=q, alpha=alpha))
    if rv is not None:
        for value in (rv.partial_r2, rv.rv_q, rv.rv_qa):
            assert 0.0 <= value <= 1.0
        assert rv.rv_qa <= rv.rv_q + 1e-12


@given(st.lists(st.floats(0.0, 1.0), max_size=30), st.sampled_from(["fdr_bh", "holm",
                                                                     "bonferroni"]))  # fmt: skip
def test_adjust_pvalues_over_the_unit_interval(p, method):
    """Any p-values, subnormal ones included: adjusted values in [p, 1], in the given order."""
    out = adjust_pvalues(p, method=method)
    assert np.isfinite(out).all()
    assert (out >= np.asarray(p, dtype=float) - 1e-15).all()
    assert (out <= 1.0).all()


_RNG = np.random.default_rng(11)
_X = _RNG.normal(size=(40, 2))
_Y = 1.0 + _X @ np.array([2.0, -1.0]) + _RNG.normal(size=40)
_BASE = ols(_Y, _X, cov="nonrobust")


@given(st.integers(-1070, 1020), st.integers(-1070, 1020), st.integers(-1070, 1020))
@settings(max_examples=80)
def test_ols_with_columns_scaled_over_the_float_range(ex1, ex2, ey):
    """Columns and outcome scaled by any powers of two give the scaled coefficients, or an
    EstimationError naming a coefficient whose value or variance leaves the doubles."""
    X = np.column_stack([np.ldexp(_X[:, 0], ex1), np.ldexp(_X[:, 1], ex2)])
    y = np.ldexp(_Y, ey)
    fit = _finite_or_typed(lambda: ols(y, X, cov="nonrobust"))
    if fit is None:
        return
    expected = np.ldexp(_BASE.params, np.array([ey, ey - ex1, ey - ex2]))
    np.testing.assert_allclose(fit.params, expected, rtol=1e-9)
    np.testing.assert_allclose(fit.statistic, _BASE.statistic, rtol=1e-9)
    assert fit.rsquared == pytest.approx(_BASE.rsquared, rel=1e-12)


@given(floats, st.floats(0.0, 1e308), st.floats(0.0, 1e308), st.floats(0.0, 1e308),
       st.floats(0.0, 1e308), st.integers(100, 2000))  # fmt: skip
def test_roi_over_the_float_range(improvement, se, value, count, cost, draws):
    """Any improvement, error, value, count and cost: finite figures or a typed error."""

    def call():
        benefit = Benefit(name="b", improvement=improvement, se=se, value=value, count=count,
                          isolation=1.0, confidence=1.0)  # fmt: skip
        return roi(benefit, [Cost("fees", cost)], n_draws=draws, rng=1)

    result = _finite_or_typed(call)
    if result is not None:
        numbers = [result.benefit, result.cost, result.net_benefit, result.bcr, result.roi,
                   *result.benefit_ci, *result.net_benefit_ci, *result.bcr_ci, *result.roi_ci,
                   result.break_even_probability]  # fmt: skip
        assert all(math.isfinite(v) for v in numbers)


@pytest.mark.parametrize(
    "estimator",
    [cohens_d, hedges_g, glass_delta, welch_ttest],
)
@given(x=moderate, y=moderate, seed=st.integers(0, 2**32 - 1))
def test_two_group_estimates_do_not_depend_on_row_order(estimator, x, y, seed):
    """Shuffling the rows of each group leaves the estimate and its interval unchanged."""
    rng = np.random.default_rng(seed)
    first = _finite_or_typed(lambda: estimator(x, y))
    if first is None:
        return
    second = estimator(rng.permutation(x), rng.permutation(y))
    assert second.estimate == pytest.approx(first.estimate, rel=1e-9, abs=1e-12)
    assert np.allclose(second.ci, first.ci, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("estimator", [paired_dz, paired_ttest])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_paired_estimates_do_not_depend_on_row_order(estimator, data, seed):
    """Shuffling the pairs (both columns together) leaves the estimate unchanged."""
    pre = data.draw(moderate)
    post = np.array(data.draw(st.lists(st.integers(-10_000, 10_000).map(lambda i: i / 8.0),
                                       min_size=len(pre), max_size=len(pre))))  # fmt: skip
    first = _finite_or_typed(lambda: estimator(pre, post))
    if first is None:
        return
    order = np.random.default_rng(seed).permutation(len(pre))
    second = estimator(pre[order], post[order])
    assert second.estimate == pytest.approx(first.estimate, rel=1e-9, abs=1e-12)
