"""The triage numerics over the whole float range: finite in, finite out, or a typed error.

Hypothesis draws floats from subnormals to 1.8e308, of both signs: probabilities for the
metrics, answers and scales for the rubric, feature scales for the fitted models. Each door
must give a finite answer in its documented range, or a SparkusError (with a SparkusWarning
allowed for a fit that stops early), never a bare exception, NaN or inf.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sparkus import SparkusError, SparkusWarning
from sparkus.model import AssessmentSource
from sparkus.triage import (
    Instrument,
    Item,
    LogisticReadinessModel,
    OrdinalReadinessModel,
    RubricClassifier,
    brier_score,
    evaluate,
    expected_calibration_error,
    precision_recall_f1,
    roc_auc_ovr,
)

MAX = float(np.finfo(np.float64).max)
any_float = st.floats(allow_nan=False, allow_infinity=False)
tiny = st.sampled_from([0.0, 5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-16])


@st.composite
def extreme_probabilities(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Labels and probability rows with entries from subnormal to one, each class present."""
    k = draw(st.integers(2, 4))
    n = draw(st.integers(k, 12))
    weight = st.one_of(tiny, st.floats(0.0, 1.0), st.just(1.0))
    rows = []
    for _ in range(n):
        w = np.array(draw(st.lists(weight, min_size=k, max_size=k)))
        if not w.sum() > 0:
            w[draw(st.integers(0, k - 1))] = 1.0
        rows.append(w / w.sum())
    proba = np.array(rows)
    labels = np.array(draw(st.permutations(list(range(k)))) +
                      draw(st.lists(st.integers(0, k - 1), min_size=n - k, max_size=n - k)))  # fmt: skip
    return labels, proba


@settings(max_examples=80, deadline=None)
@given(extreme_probabilities())
def test_metrics_of_extreme_probabilities_are_finite_and_in_range(case):
    """Brier in [0, 2], ECE and AUC in [0, 1], per-class metrics in [0, 1], all finite."""
    y, proba = case
    classes = list(range(proba.shape[1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)  # a class never predicted
        report = evaluate(y, proba, classes=classes)
        metrics = precision_recall_f1(y, proba.argmax(axis=1), labels=classes)
    values = {
        "brier": brier_score(y, proba, classes=classes),
        "ece": expected_calibration_error(y, proba, classes=classes, n_bins=7),
        "auc": roc_auc_ovr(y, proba, classes=classes),
        "weighted auc": roc_auc_ovr(y, proba, classes=classes, average="weighted"),
        "report brier": report.brier_score,
        "report ece": report.ece,
        "report auc": report.roc_auc,
        "macro f1": metrics.macro_f1,
    }
    for name, value in values.items():
        assert math.isfinite(value), name
    assert 0.0 <= values["brier"] <= 2.0
    for name in ("ece", "auc", "weighted auc", "macro f1"):
        assert 0.0 <= values[name] <= 1.0, name
    for array in (metrics.precision, metrics.recall, metrics.f1, report.roc_auc_per_class):
        assert np.isfinite(array).all()
        assert ((array >= 0) & (array <= 1)).all()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(any_float, min_size=2, max_size=2), min_size=2, max_size=6))
def test_metrics_of_arbitrary_floats_are_finite_or_refused(rows):
    """Any finite floats as 'probabilities': a finite score, or a SchemaError naming rows."""
    proba = np.array(rows)
    y = np.arange(len(rows)) % 2
    for metric in (brier_score, expected_calibration_error, roc_auc_ovr):
        try:
            value = metric(y, proba, classes=[0, 1])
        except SparkusError as err:
            refused = str(err)
        else:
            assert math.isfinite(value)
            continue
        assert "proba" in refused


@settings(max_examples=100, deadline=None)
@given(
    st.tuples(any_float, any_float).filter(lambda s: s[0] < s[1]),
    st.lists(any_float, min_size=1, max_size=5),
    st.floats(0.0, MAX).filter(lambda v: v > 0),
    st.booleans(),
)
def test_rubric_scores_over_the_whole_float_range(scale, answers, weight, reverse):
    """Any finite scale, answer and weight: a score in [-1, 1], or a refusal naming X[row]."""
    rubric = RubricClassifier(Instrument((
        Item("a", AssessmentSource.SELF, scale=scale, weight=weight, reverse=reverse),
        Item("b", AssessmentSource.SELF, scale=scale, weight=1.0),
    )))  # fmt: skip
    X = np.column_stack([answers, np.full(len(answers), scale[0])])
    inside = (X[:, 0] >= scale[0]) & (X[:, 0] <= scale[1])
    try:
        score = rubric.score(X)
    except SparkusError as err:
        refused = str(err)
    else:
        refused = ""
    if refused:
        assert not inside.all()
        assert "X[" in refused
        return
    assert inside.all()
    assert np.isfinite(score).all()
    assert ((score >= -1.0) & (score <= 1.0)).all()


def _levels(seed: int, n: int = 120) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    latent = X @ [1.0, -0.7] + rng.logistic(size=n)
    return X, np.digitize(latent, np.quantile(latent, [1 / 3, 2 / 3]))


def _fit_or_refuse(model, X, y):
    """The fitted model, or None after a SparkusError; a SparkusWarning is allowed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        try:
            return model.fit(X, y)
        except SparkusError:
            return None


@pytest.mark.parametrize("model", [LogisticReadinessModel, OrdinalReadinessModel])
@settings(max_examples=25, deadline=None)
@given(
    st.integers(-320, 307),
    st.integers(-320, 307),
    st.floats(-1e300, 1e300),
    st.integers(0, 5),
)
def test_fitted_models_with_extreme_feature_scales_are_finite_or_refused(
    model, exponent_a, exponent_b, shift, seed
):
    """Features scaled by 10**-320 to 10**307 and shifted far: finite coefficients and
    probabilities that sum to one, or a typed error; never NaN, inf or a bare exception."""
    X, y = _levels(seed)
    with np.errstate(over="ignore", under="ignore"):
        scaled = X * np.array([10.0**exponent_a, 10.0**exponent_b]) + shift
    assume(np.isfinite(scaled).all())
    fitted = _fit_or_refuse(model(), scaled, y)
    if fitted is None:
        return
    assert np.isfinite(fitted.coef_).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SparkusWarning)
        proba = fitted.predict_proba(scaled)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)


@pytest.mark.parametrize("model", [LogisticReadinessModel, OrdinalReadinessModel])
def test_predicting_at_extreme_features_gives_probabilities(model):
    """A fitted model asked about features near ±1.8e308 still answers probabilities."""
    X, y = _levels(1)
    fitted = model().fit(X, y)
    far = np.array([[MAX, -MAX], [-MAX, MAX], [5e-324, 0.0], [1e300, 1e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = fitted.predict_proba(far)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("model", [LogisticReadinessModel, OrdinalReadinessModel])
def test_an_int_beyond_the_floats_in_x_is_named_in_fit_and_predict(model):
    """10**400 in an object X is a SchemaError naming the cell, in fit and in predict_proba."""
    from sparkus import SchemaError

    huge = np.array([[10**400, 0], [1, 2], [3, 4], [5, 6]], dtype=object)
    with pytest.raises(SchemaError, match=r"X\[0\]\[0\]: beyond the float range"):
        model().fit(huge, [0, 1, 0, 1])
    rng = np.random.default_rng(7)
    fitted = model().fit(rng.normal(size=(60, 2)), rng.integers(0, 3, size=60))
    with pytest.raises(SchemaError, match=r"X\[0\]\[0\]: beyond the float range"):
        fitted.predict_proba(huge)


def test_a_class_with_no_weight_is_refused():
    """Every row of one class at sample weight 0: there is no estimate (the class's
    probability runs to 0; the fit had stopped at an intercept of -32.6 without a word),
    as for the same data with those rows dropped, which leaves fewer classes than `y` names."""
    from sparkus import EstimationError
    from sparkus.triage import LogisticReadinessModel

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.repeat([0, 1, 2], 20)
    weights = np.where(y == 2, 0.0, 1.0)
    with pytest.raises(EstimationError, match="every row of class 2 has sample weight 0"):
        LogisticReadinessModel().fit(X, y, sample_weight=weights)
    weights[-1] = 1e-3  # a little weight: a fit
    LogisticReadinessModel().fit(X, y, sample_weight=weights)
