"""BenefitModel on designs it cannot or can barely fit: dependent columns and extreme scales.

A linear final stage on a constant or duplicated feature has no unique coefficients: it is
refused, naming the columns, as ``sparkus.metrics.ols`` refuses the same design (ridge still
fits). The fit is exactly equivariant to powers of two in a feature or the outcome, so data near
the ends of the float range give the coefficients of the same data at scale 1, multiplied back,
or a typed error saying what to rescale; never a numpy warning or NaN standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import EstimationError, SparkusWarning
from sparkus.triage import BenefitModel

pytestmark = pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")


def _data(seed: int = 7, n: int = 600):
    """Two features, three arms, an effect of coaching that grows with the first feature."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(size=n), rng.uniform(0.0, 10.0, n)])
    support = rng.choice(["none", "coaching", "mentoring"], size=n, p=[0.4, 0.3, 0.3])
    gain = np.select(
        [support == "coaching", support == "mentoring"],
        [2.0 + 1.5 * X[:, 0], 1.0 + 0.2 * X[:, 1]],
        0.0,
    )
    y = 50.0 + 3.0 * X[:, 0] + gain + rng.normal(0.0, 4.0, n)
    return X, support, y


def _binary(seed: int, n: int = 240, k: int = 2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    t = (rng.random(n) < 0.5).astype(int)
    y = X[:, 0] + t * (1.0 + X[:, -1]) + rng.normal(size=n)
    return X, t, y


def _fit(X, treated, y, **options):
    return BenefitModel(rng=0, **options).fit(X, treated, y)


# -- dependent columns --------------------------------------------------------------------------


def test_constant_feature_is_refused_naming_it_and_the_intercept():
    """A constant feature duplicates the intercept: EstimationError naming both, no warning."""
    X, support, y = _data()
    with pytest.raises(EstimationError, match=r"singular.*`c` is constant.*`intercept`"):
        _fit({"r": X[:, 0], "t": X[:, 1], "c": np.ones(len(y))}, support, y)


def test_duplicated_feature_is_refused_naming_both_columns():
    """A copy of a feature is refused naming the copy and its original, and the support type."""
    X, support, y = _data()
    frame = {"r": X[:, 0], "t": X[:, 1], "c": X[:, 0]}
    with pytest.raises(EstimationError, match=r"'coaching'.*`c` is \(almost\) a linear comb.*`r`"):
        _fit(frame, support, y)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    column=st.integers(0, 2),
    factor=st.floats(0.01, 100.0) | st.floats(-100.0, -0.01),
    offset=st.floats(-10.0, 10.0),
)
def test_an_affine_copy_of_a_feature_is_always_refused(seed, column, factor, offset):
    """``a * x_j + b`` appended to the features is always refused by the linear final stage."""
    X, t, y = _binary(seed, k=3)
    copy = factor * X[:, column] + offset
    with pytest.raises(EstimationError, match=r"singular.*`x4`"):
        _fit(np.column_stack([X, copy]), t, y)


def test_feature_constant_on_one_types_rows_is_refused_for_that_type():
    """A feature constant over the rows of 'mentoring' and 'none' is refused for that type."""
    X, support, y = _data()
    marker = (support == "coaching").astype(float)
    with pytest.raises(EstimationError, match=r"'mentoring'.*`s` is constant"):
        _fit({"r": X[:, 0], "t": X[:, 1], "s": marker}, support, y)


def test_ridge_shares_a_coefficient_between_duplicated_columns():
    """Ridge fits a duplicated feature: equal halves, as scikit-learn's Ridge on the same ψ."""
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, t, y = _binary(3)
    doubled = np.column_stack([X, X[:, 0]])
    model = _fit(doubled, t, y, final="ridge", alpha=2.0)
    coef = model.coef_["treated"]
    assert coef[0] == pytest.approx(coef[2], rel=1e-9)
    reference = linear_model.Ridge(alpha=2.0).fit(doubled, model.pseudo_outcomes_["treated"])
    np.testing.assert_allclose(coef, reference.coef_, rtol=1e-8)
    assert model.intercept_["treated"] == pytest.approx(reference.intercept_, rel=1e-8)
    assert np.isfinite(model.to_frame()["std_error"]).all()


def test_ridge_with_a_constant_feature_gives_it_no_weight():
    """Ridge gives a constant feature coefficient 0 (the intercept carries it), no warning."""
    X, t, y = _binary(4)
    model = _fit(np.column_stack([X, np.full(len(y), 3.0)]), t, y, final="ridge")
    assert model.coef_["treated"][-1] == pytest.approx(0.0, abs=1e-12)


def test_ridge_without_penalty_is_refused_like_least_squares():
    """Ridge with alpha=0 (or one too small to matter) on a copied feature is refused."""
    X, t, y = _binary(5)
    doubled = np.column_stack([X, X[:, 1]])
    for alpha in (0.0, 1e-300):
        with pytest.raises(EstimationError, match=r"singular.*larger `alpha`"):
            _fit(doubled, t, y, final="ridge", alpha=alpha)


def test_plug_in_final_stage_still_fits_a_duplicated_feature():
    """A plug-in final stage gets the features as given; the built-in nuisances fit without
    the copy (their predictions do not depend on it), with no warning."""
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, t, y = _binary(6)
    plain = _fit(X, t, y, final=linear_model.LinearRegression())
    doubled = _fit(np.column_stack([X, X[:, 0]]), t, y, final=linear_model.LinearRegression())
    np.testing.assert_allclose(
        doubled.pseudo_outcomes_["treated"], plain.pseudo_outcomes_["treated"], rtol=1e-9
    )


# -- scale --------------------------------------------------------------------------------------


def _fits_without_subnormals(values, power):
    """Whether ``values * 2**power`` stays among normal doubles (so the scaling is exact)."""
    magnitudes = np.abs(values[values != 0])
    return magnitudes.min() * 2.0**power > 2.3e-308 and magnitudes.max() * 2.0**power < 1e307


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), column=st.integers(0, 1), power=st.integers(-1000, 1000))
def test_coefficients_are_exactly_equivariant_to_a_power_of_two_in_a_feature(seed, column, power):
    """Feature j times 2**k: its slope and standard error divided by 2**k, all else unchanged."""
    X, t, y = _binary(seed)
    if not _fits_without_subnormals(X[:, column], power):
        return
    scaled = X.copy()
    scaled[:, column] = np.ldexp(X[:, column], power)
    base, moved = _fit(X, t, y), _fit(scaled, t, y)
    expected = base.coef_["treated"].copy()
    expected[column] = math.ldexp(expected[column], -power)
    np.testing.assert_array_equal(moved.coef_["treated"], expected)
    assert moved.intercept_["treated"] == base.intercept_["treated"]
    np.testing.assert_array_equal(moved.propensities_["treated"], base.propensities_["treated"])
    errors = base.to_frame()["std_error"].to_numpy().copy()
    errors[column + 1] = math.ldexp(errors[column + 1], -power)
    np.testing.assert_array_equal(moved.to_frame()["std_error"].to_numpy(), errors)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), power=st.integers(-400, 400))
def test_ridge_is_exactly_equivariant_to_a_power_of_two_in_every_feature(seed, power):
    """Every feature times 2**k and alpha times 4**k (the same penalty): slopes over 2**k."""
    X, t, y = _binary(seed)
    if not _fits_without_subnormals(X, power):
        return
    base = _fit(X, t, y, final="ridge", alpha=3.0)
    moved = _fit(np.ldexp(X, power), t, y, final="ridge", alpha=math.ldexp(3.0, 2 * power))
    np.testing.assert_allclose(
        moved.coef_["treated"], np.ldexp(base.coef_["treated"], -power), rtol=1e-14
    )
    assert moved.intercept_["treated"] == pytest.approx(base.intercept_["treated"], rel=1e-14)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), power=st.integers(-1000, 1000))
def test_everything_is_exactly_equivariant_to_a_power_of_two_in_the_outcome(seed, power):
    """`y` times 2**k: coefficients, standard errors, gains and the ATE times 2**k exactly."""
    X, t, y = _binary(seed)
    if not _fits_without_subnormals(y, power - 8):  # the pseudo-outcomes reach ~100 |y|
        return
    base = _fit(X, t, y)
    moved = _fit(X, t, np.ldexp(y, power))
    np.testing.assert_array_equal(moved.coef_["treated"], np.ldexp(base.coef_["treated"], power))
    np.testing.assert_array_equal(
        moved.to_frame()["std_error"], np.ldexp(base.to_frame()["std_error"], power)
    )
    assert moved.ate() == math.ldexp(base.ate(), power)
    np.testing.assert_array_equal(moved.predict(X[:5]), np.ldexp(base.predict(X[:5]), power))


@pytest.mark.parametrize(("x_scale", "y_scale"), [(1e300, 1.0), (1e-300, 1.0), (1.0, 1e300)])
def test_data_near_the_ends_of_the_float_range_fit_as_at_scale_one(x_scale, y_scale):
    """X or y times 1e±300: no numpy warning, finite standard errors, the same effects."""
    X, support, y = _data()
    base = _fit(X, support, y)
    far = _fit(X * x_scale, support, y * y_scale)
    for kind in ("coaching", "mentoring"):
        expected = base.predict(X[:10], kind) * y_scale
        np.testing.assert_allclose(far.predict(X[:10] * x_scale, kind), expected, rtol=1e-9)
        assert far.ate(kind) == pytest.approx(base.ate(kind) * y_scale, rel=1e-12)
        lower, upper = far.predict_interval(X[:10] * x_scale, support=kind)
        assert np.isfinite(lower).all()
        assert np.isfinite(upper).all()
    errors = far.to_frame()["std_error"].to_numpy()
    assert np.isfinite(errors).all()
    assert (errors > 0).all()


def test_coefficients_beyond_the_float_range_are_refused_naming_what_to_rescale():
    """Tiny features and a huge outcome make slopes past 1.8e308: refused, naming `x1`."""
    X, t, y = _binary(8)
    with pytest.raises(EstimationError, match=r"`x1`.*beyond the range.*rescale"):
        _fit(X * 1e-300, t, y * 1e300)


def test_a_prediction_beyond_the_float_range_is_refused_not_overflowed():
    """Predicting far outside the training range past 1.8e308 is an error, not inf."""
    X, t, y = _binary(9)
    model = _fit(X, t, y + 4.0 * t * X[:, 1])  # a slope of about 5 on `x2`
    far = np.array([[0.0, 1e308]])
    with pytest.raises(EstimationError, match="predicted gain of row 0 is beyond the range"):
        model.predict(far)


def test_overlap_warning_still_comes_through():
    """The scaled fit keeps the learner's own warning (a SparkusWarning, not numpy's)."""
    X, t, y = _binary(10)
    t = (X[:, 0] > 0.3).astype(int)
    t[:5] = 1 - t[:5]
    with pytest.warns(SparkusWarning, match="poor overlap"):
        _fit(X * 1e300, t, y)
