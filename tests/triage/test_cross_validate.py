"""Tests of the cross-validation of sparkus.triage."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sparkus._errors import EstimationError, SchemaError
from sparkus.triage._cross_validate import cross_validate
from sparkus.triage._evaluate import evaluate

CLASSES = np.array(["emerging", "ready", "resistant"])


class Centroids:
    """A tiny classifier for the tests: softmax of minus squared distances to class centres."""

    def __init__(self, scale: float = 1.0):
        self.scale = scale

    def get_params(self, deep: bool = True):
        return {"scale": self.scale}

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.centres_ = np.array([X[y == c].mean(axis=0) for c in self.classes_])
        return self

    def predict_proba(self, X):
        d = ((X[:, None, :] - self.centres_[None]) ** 2).sum(axis=2) * self.scale
        e = np.exp(-(d - d.min(axis=1, keepdims=True)))
        return e / e.sum(axis=1, keepdims=True)


class ReversedCentroids(Centroids):
    """Centroids without get_params (so it is deep-copied) whose columns come in reverse order."""

    get_params = None  # type: ignore[assignment]

    def fit(self, X, y):
        super().fit(X, y)
        self.centres_ = self.centres_[::-1]
        self.classes_ = self.classes_[::-1]
        return self


def _separable(seed: int = 3, per_class: int = 20):
    """Three well-separated Gaussian blobs in 2-D, labelled with CLASSES."""
    rng = np.random.default_rng(seed)
    y = np.repeat(CLASSES, per_class)
    centres = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]])
    X = centres[np.repeat(np.arange(3), per_class)] + rng.normal(scale=0.7, size=(3 * per_class, 2))
    return X, y


def test_cross_validate_same_seed_gives_identical_results():
    """The same integer seed (or equal generators) gives the identical result."""
    X, y = _separable()
    first = cross_validate(Centroids(), X, y, k=4, rng=42).to_dict()
    assert cross_validate(Centroids(), X, y, k=4, rng=42).to_dict() == first
    a = cross_validate(Centroids(), X, y, k=4, rng=np.random.default_rng(42))
    b = cross_validate(Centroids(), X, y, k=4, rng=np.random.default_rng(42))
    assert a.to_dict() == b.to_dict()
    other = cross_validate(Centroids(), X, y, k=4, rng=43)
    assert not np.array_equal(other.fold, np.asarray(first["fold"]))


def test_cross_validate_folds_are_stratified_and_cover_every_row_once():
    """Each row is held out once; each fold holds floor or ceil of count/k rows of each class."""
    X, y = _separable(per_class=22)
    cv = cross_validate(Centroids(), X, y, k=5, rng=0)
    assert sorted(np.bincount(cv.fold).tolist()) == [13, 13, 13, 13, 14]
    for c in CLASSES:
        assert set(np.bincount(cv.fold[y == c], minlength=5).tolist()) <= {4, 5}
    assert sum(r.n for r in cv.folds) == len(y)
    np.testing.assert_allclose(cv.oof_proba.sum(axis=1), 1.0)


def test_cross_validate_summaries_are_the_fold_mean_and_sd():
    """mean and std are the mean and sample sd (ddof=1) of the per-fold reports."""
    X, y = _separable()
    cv = cross_validate(Centroids(), X, y, k=3, rng=7)
    for metric in ("macro_f1", "brier_score", "ece", "roc_auc"):
        values = [getattr(r, metric) for r in cv.folds]
        assert cv.mean[metric] == pytest.approx(np.mean(values))
        assert cv.std[metric] == pytest.approx(np.std(values, ddof=1))
    assert repr(cv).startswith("CrossValidationResult(n=60, k=3, macro_f1=")
    assert "Cross-validation" in cv.summary()
    assert "<table>" in cv._repr_html_()
    json.dumps(cv.to_dict())


def test_cross_validate_out_of_fold_rows_come_from_the_fold_model():
    """Each out-of-fold row equals the prediction of a model fitted without its fold."""
    X, y = _separable()
    cv = cross_validate(Centroids(), X, y, k=3, rng=1)
    held = cv.fold == 2
    model = Centroids().fit(X[~held], y[~held])
    np.testing.assert_allclose(cv.oof_proba[held], model.predict_proba(X[held]))
    report = evaluate(y[held], cv.oof_proba[held], classes=CLASSES)
    assert report.to_dict() == cv.folds[2].to_dict()


def test_cross_validate_leaves_the_callers_model_untouched():
    """Neither the get_params path nor the deep-copy path fits or changes the caller's model."""
    X, y = _separable()
    model = Centroids(scale=2.0)
    cross_validate(model, X, y, k=3, rng=0)
    assert vars(model) == {"scale": 2.0}
    copied = ReversedCentroids()
    cross_validate(copied, X, y, k=3, rng=0)
    assert not hasattr(copied, "classes_")


def test_cross_validate_reorders_columns_by_classes_():
    """Probability columns are matched to classes through the fitted model's classes_."""
    X, y = _separable()
    plain = cross_validate(Centroids(), X, y, k=3, rng=5)
    reversed_ = cross_validate(ReversedCentroids(), X, y, k=3, rng=5)
    np.testing.assert_allclose(plain.oof_proba, reversed_.oof_proba)


def test_cross_validate_with_sklearn_logistic_regression():
    """A scikit-learn classifier works unchanged and is cloned through get_params."""
    from sklearn import linear_model

    X, y = _separable()
    model = linear_model.LogisticRegression()
    cv = cross_validate(model, X, y, k=3, rng=0)
    assert cv.mean["roc_auc"] > 0.9
    assert not hasattr(model, "coef_")


def test_k_larger_than_the_smallest_class_names_the_class():
    """k above the smallest class count is a SchemaError naming that class."""
    X, y = _separable(per_class=6)
    X, y = X[:-3], y[:-3]  # 'resistant' keeps 3 rows
    with pytest.raises(SchemaError, match="3 rows of class 'resistant'") as info:
        cross_validate(Centroids(), X, y, k=4, rng=0)
    assert info.value.problems[0].path == ("k",)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"k": 1}, "k"), ({"k": True}, "k"), ({"rng": 1.5}, "rng"), ({"rng": "seed"}, "rng")],
)
def test_cross_validate_bad_options_name_the_field(kwargs, field):
    """k below 2 (or not an int) and an rng that is not a seed or generator are SchemaErrors."""
    X, y = _separable()
    with pytest.raises(SchemaError) as info:
        cross_validate(Centroids(), X, y, **kwargs)
    assert info.value.problems[0].path == (field,)


def test_cross_validate_bad_model_and_data_name_the_field():
    """A model without predict_proba, X and y of different lengths, or one class are errors."""
    X, y = _separable()
    with pytest.raises(SchemaError, match="predict_proba") as info:
        cross_validate(object(), X, y, k=3)
    assert info.value.problems[0].path == ("model",)
    with pytest.raises(SchemaError) as info:
        cross_validate(Centroids(), X[:-1], y, k=3)
    assert info.value.problems[0].path == ("X",)
    with pytest.raises(SchemaError, match="single class") as info:
        cross_validate(Centroids(), X, np.repeat("a", len(y)), k=3)
    assert info.value.problems[0].path == ("y",)


class _NoClasses(Centroids):
    """Centroids that forgets its classes_: columns are then taken in sorted class order."""

    def fit(self, X, y):
        super().fit(X, y)
        del self.classes_
        return self


class _ShortRows(Centroids):
    """A broken model whose predict_proba drops the last row."""

    def predict_proba(self, X):
        return super().predict_proba(X)[:-1]


def test_cross_validate_without_classes_uses_sorted_class_order():
    """A model without classes_ is read in the sorted order of the classes of y."""
    X, y = _separable()
    plain = cross_validate(Centroids(), X, y, k=3, rng=2)
    bare = cross_validate(_NoClasses(), X, y, k=3, rng=2)
    np.testing.assert_allclose(bare.oof_proba, plain.oof_proba)


def test_cross_validate_reports_a_model_with_malformed_output():
    """A predict_proba with the wrong number of rows is an EstimationError naming the fold."""
    X, y = _separable()
    with pytest.raises(EstimationError, match="fold 0"):
        cross_validate(_ShortRows(), X, y, k=3, rng=0)
