"""scikit-learn compatibility of the fitted readiness models: its checks, pipelines, searches.

sparkus does not depend on scikit-learn; the models implement its protocol (parameters, tags,
fitted attributes, feature names) so that its tools take them. These tests run only where
scikit-learn 1.6 or later is installed (tags and ``expected_failed_checks`` arrived in 1.6); they
were written against scikit-learn 1.9.1.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn", minversion="1.6")

from sklearn.base import clone, is_classifier
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

from sparkus import EstimationError, NotFittedError, SchemaError, SparkusWarning
from sparkus.triage import LogisticReadinessModel, OrdinalReadinessModel

# -- scikit-learn's own checks ----------------------------------------------------------------
#
# Each check a model fails is listed with the reason; parametrize_with_checks marks them xfail,
# and the suite's strict xfail turns a listed check that starts passing into a failure, so the
# list cannot go stale.

_NOT_FITTED = (
    "sparkus raises its own NotFittedError (a ValueError and an AttributeError, like "
    "scikit-learn's); it cannot subclass scikit-learn's without depending on it. "
    "sklearn.utils.validation.check_is_fitted works (the models define __sklearn_is_fitted__)"
)
_OBJECT_CELLS = (
    "a cell that is not a number (a dict here) is refused with sparkus' SchemaError, a "
    "ValueError naming the cell, not with numpy's TypeError; numeric object arrays are accepted"
)
_Y_2D = (
    "a column vector y of shape (n, 1) is refused with a SchemaError saying to pass y.ravel(), "
    "where scikit-learn warns and ravels: sparkus does not reshape what it was given"
)
_SEPARATED = (
    "the check's data separate the levels along a line, where the unpenalised "
    "proportional-odds estimate does not exist (infinite coefficients); fit raises "
    "EstimationError by design. The same property is tested on data that do not separate"
)

LOGISTIC_EXPECTED_FAILURES = {
    "check_estimators_unfitted": _NOT_FITTED,
    "check_dtype_object": _OBJECT_CELLS,
    "check_supervised_y_2d": _Y_2D,
}
ORDINAL_EXPECTED_FAILURES = {
    "check_estimators_unfitted": _NOT_FITTED,
    "check_dtype_object": _OBJECT_CELLS,
    "check_supervised_y_2d": _Y_2D,
    "check_classifiers_classes": (
        "text labels ('one', 'two', 'three') have no order of their own; the ordinal model asks "
        "for `order` rather than sorting them alphabetically (SchemaError)"
    ),
    "check_classifiers_regression_target": (
        "non-integer numbers are ordered levels by design (the class Notes); the model does "
        "not call them a continuous target"
    ),
    "check_dont_overwrite_parameters": _SEPARATED,
    "check_pipeline_consistency": _SEPARATED,
    "check_estimators_pickle": _SEPARATED,
    "check_f_contiguous_array_estimator": _SEPARATED,
    "check_methods_sample_order_invariance": _SEPARATED,
    "check_methods_subset_invariance": _SEPARATED,
    "check_fit2d_1feature": _SEPARATED,
    "check_dict_unchanged": _SEPARATED,
    "check_fit2d_predict1d": _SEPARATED,
}


def _expected_failures(estimator):
    """The checks `estimator` is expected to fail, by name, with the reason."""
    if isinstance(estimator, OrdinalReadinessModel):
        return ORDINAL_EXPECTED_FAILURES
    return LOGISTIC_EXPECTED_FAILURES


with warnings.catch_warnings():
    # scikit-learn warns that the models do not inherit from its BaseEstimator: by design.
    warnings.simplefilter("ignore", UserWarning)
    _CHECKS = parametrize_with_checks(
        [LogisticReadinessModel(), OrdinalReadinessModel()],
        expected_failed_checks=_expected_failures,
    )


@_CHECKS
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@pytest.mark.filterwarnings("ignore:Estimator .* does not inherit from:UserWarning")
@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")
def test_sklearn_check(estimator, check):
    """Each of scikit-learn's estimator checks passes, or fails for the reason listed above."""
    check(estimator)


def test_expected_failures_are_all_explained():
    """Every expected failure names a real check and gives a reason of some length."""
    from sklearn.utils.estimator_checks import check_estimator

    for model, expected in [
        (LogisticReadinessModel(), LOGISTIC_EXPECTED_FAILURES),
        (OrdinalReadinessModel(), ORDINAL_EXPECTED_FAILURES),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = check_estimator(model, on_fail=None, expected_failed_checks=expected)
        status = {r["check_name"]: r["status"] for r in results}
        assert set(expected) <= set(status)
        assert all(len(reason) > 40 for reason in expected.values())
        failed = sorted(name for name, s in status.items() if s == "failed")
        assert failed == []
        assert {name for name, s in status.items() if s == "xfail"} == set(expected)


# -- the protocol, piece by piece ---------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [LogisticReadinessModel(C=0.3, tol=1e-8), OrdinalReadinessModel(order=[0, 1, 2])]
)
def test_clone_keeps_parameters_and_tags(model):
    """clone gives an unfitted copy with equal parameters; scikit-learn sees a classifier."""
    copy = clone(model)
    assert copy is not model
    assert copy.get_params() == model.get_params()
    assert is_classifier(model)


def test_fitted_attributes_and_check_is_fitted():
    """fit returns self, sets classes_ and n_features_in_; check_is_fitted reads the flag."""
    X, y = load_iris(return_X_y=True)
    model = LogisticReadinessModel()
    with pytest.raises(NotFittedError, match="not fitted"):
        model.predict(X)
    assert model.fit(X, y) is model
    check_is_fitted(model)
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    assert model.n_features_in_ == 4
    assert not hasattr(model, "feature_names_in_")


def _iris_frame():
    pytest.importorskip("pandas")
    data = load_iris(as_frame=True)
    return data.data, data.target


@pytest.mark.parametrize("model", [LogisticReadinessModel(), OrdinalReadinessModel()])
def test_feature_names_from_a_data_frame(model):
    """A DataFrame's column names become feature_names_in_ and are checked at predict."""
    X, y = _iris_frame()
    model.fit(X, y)
    np.testing.assert_array_equal(model.feature_names_in_, list(X.columns))
    assert model.feature_names_in_.dtype == object
    model.predict(X)  # same names: no warning (warnings are errors here)
    with pytest.raises(SchemaError, match="same order as they were in fit"):
        model.predict(X[X.columns[::-1]])
    renamed = X.rename(columns={"petal width (cm)": "petal_width"})
    with pytest.raises(SchemaError, match=r"unseen at fit time:\n- petal_width"):
        model.predict(renamed)
    with pytest.warns(SparkusWarning, match="does not have valid feature names"):
        model.predict(X.to_numpy())
    model.fit(X.to_numpy(), y)  # refitting on an array forgets the names
    assert not hasattr(model, "feature_names_in_")


def test_polars_feature_names():
    """A polars DataFrame's column names count as feature names too."""
    pl = pytest.importorskip("polars")
    X, y = load_iris(return_X_y=True)
    frame = pl.DataFrame(X, schema=["a", "b", "c", "d"])
    model = LogisticReadinessModel().fit(frame, y)
    assert model.feature_names_in_.tolist() == ["a", "b", "c", "d"]


def test_sklearn_style_refusals_are_typed():
    """Sparse, complex, 1-D and column-less input and a missing y are SchemaErrors."""
    from scipy import sparse

    X, y = load_iris(return_X_y=True)
    model = LogisticReadinessModel()
    cases = [
        (sparse.csr_array(X), y, "sparse input is not supported"),
        (X + 1j, y, "Complex data not supported"),
        (X[:, 0], y, "Reshape your data"),
        (X[:, :0], y, r"0 feature\(s\)"),
        (X, None, "requires y to be passed"),
        (X, X[:, 0], "continuous values"),
    ]
    for X_bad, y_bad, match in cases:
        with pytest.raises(SchemaError, match=match):
            model.fit(X_bad, y_bad)
    with pytest.raises(EstimationError, match="1 sample"):
        model.fit(X[:1], y[:1])
    model.fit(X, y)
    with pytest.raises(SchemaError, match="X has 3 features, but LogisticReadinessModel"):
        model.predict(X[:, :3])


# -- the tools: Pipeline, GridSearchCV, cross_val_score -------------------------------------------

# Provenance: scikit-learn 1.9.1 (numpy 2.4.6, scipy 1.17.1), computed once by
#     X, y = load_iris(return_X_y=True)            # (and X[y > 0], y[y > 0] for "binary")
#     lr = make_pipeline(StandardScaler(), LogisticRegression(
#         C=C, solver="newton-cholesky", tol=1e-15, max_iter=1000)).fit(X, y)[-1]
# printed to 12 significant digits. newton-cholesky (and newton-cg) reach the optimum to about
# 1e-14; scikit-learn's default lbfgs stops about 1e-6 short of it even at tol=1e-12.
IRIS_REFERENCE = {
    ("multinomial", 0.1): (
        [
            [-0.543473016798, 0.539813641104, -0.816994857315, -0.763456722039],
            [0.14969360138, -0.420188684405, 0.0595751387076, -0.212505376028],
            [0.393779415418, -0.119624956699, 0.757419718607, 0.975962098067],
        ],
        [-0.314143458041, 0.7114458357, -0.397302377658],
    ),
    ("multinomial", 1.0): (
        [
            [-1.07406615416, 1.16011511621, -1.93069186168, -1.81155612425],
            [0.587810239848, -0.361840626328, -0.363431022937, -0.826269576403],
            [0.486255914309, -0.798274489886, 2.29412288462, 2.63782570065],
        ],
        [-0.205241133016, 2.07483978424, -1.86959865122],
    ),
    ("binary", 1.0): (
        [[-0.278805219521, -0.592368973096, 2.21091974181, 2.39054280222]],
        [0.101566120177],
    ),
}


def _iris(kind):
    X, y = load_iris(return_X_y=True)
    return (X[y > 0], y[y > 0]) if kind == "binary" else (X, y)


@pytest.mark.parametrize(("kind", "C"), list(IRIS_REFERENCE))
def test_pipeline_with_scaler_matches_sklearn_logistic_regression(kind, C):
    """In a Pipeline after StandardScaler, coef_ and intercept_ are scikit-learn's to 1e-9."""
    X, y = _iris(kind)
    pipe = make_pipeline(StandardScaler(), LogisticReadinessModel(C=C)).fit(X, y)
    model = pipe[-1]
    coef, intercept = IRIS_REFERENCE[kind, C]
    np.testing.assert_allclose(model.coef_, coef, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=1e-9, atol=1e-12)
    assert pipe.score(X, y) == model.score(pipe[0].transform(X), y)


def test_pipeline_matches_live_sklearn():
    """A live scikit-learn fit in the same pipeline gives the same probabilities (to 1e-9)."""
    X, y = _iris("multinomial")
    ours = make_pipeline(StandardScaler(), LogisticReadinessModel(C=0.5)).fit(X, y)
    theirs = make_pipeline(
        StandardScaler(), LogisticRegression(C=0.5, solver="newton-cholesky", tol=1e-15)
    ).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)
    np.testing.assert_allclose(
        ours.decision_function(X), theirs.decision_function(X), rtol=1e-8, atol=1e-9
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_grid_search_over_the_penalty():
    """GridSearchCV over C scores each C as scikit-learn's LogisticRegression does; refits."""
    X, y = _iris("multinomial")
    grid = {"C": [0.01, 0.1, 1.0, 10.0]}
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    ours = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticReadinessModel()),
        {f"logisticreadinessmodel__{k}": v for k, v in grid.items()},
        cv=cv,
    ).fit(X, y)
    theirs = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(solver="newton-cholesky", tol=1e-15)),
        {f"logisticregression__{k}": v for k, v in grid.items()},
        cv=cv,
    ).fit(X, y)
    np.testing.assert_array_equal(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )
    assert (
        ours.best_params_["logisticreadinessmodel__C"]
        == theirs.best_params_["logisticregression__C"]
    )
    best_C = ours.best_params_["logisticreadinessmodel__C"]
    assert best_C == ours.best_estimator_[-1].C
    assert ours.best_estimator_[-1].n_features_in_ == 4


def _manual_folds(model, X, y, cv):
    """Accuracy per fold from a plain loop: clone, fit on the training rows, score the rest."""
    scores = []
    for train, test in cv.split(X, y):
        fitted = clone(model).fit(X[train], y[train])
        scores.append(float(np.mean(fitted.predict(X[test]) == y[test])))
    return np.array(scores)


def _ordered_levels(n=300, seed=0):
    """Four ordered levels from a latent logistic score: not separable."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    latent = X @ [1.0, -0.5] + rng.logistic(size=n)
    return X, np.digitize(latent, [-1.0, 0.0, 1.5])


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (LogisticReadinessModel(C=0.5), lambda: _iris("multinomial")),
        (OrdinalReadinessModel(), _ordered_levels),
    ],
)
def test_cross_val_score_agrees_with_a_manual_fold_loop(model, data):
    """cross_val_score gives exactly the accuracies of a hand-written loop over the same folds."""
    X, y = data()
    cv = StratifiedKFold(5, shuffle=True, random_state=1)
    scores = cross_val_score(model, X, y, cv=cv)
    np.testing.assert_array_equal(scores, _manual_folds(model, X, y, cv))
    assert scores.mean() > 1.5 / np.unique(y).size  # well above chance


def test_ordinal_model_in_a_pipeline_and_a_grid_search():
    """The ordinal model takes part in a Pipeline and a GridSearchCV over `tol`, and pickles."""
    X, y = _ordered_levels()
    pipe = make_pipeline(StandardScaler(), OrdinalReadinessModel())
    search = GridSearchCV(pipe, {"ordinalreadinessmodel__tol": [1e-6, 1e-10]}, cv=3).fit(X, y)
    best = search.best_estimator_
    np.testing.assert_array_equal(best.classes_, [0, 1, 2, 3])
    again = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(again.predict_proba(X), best.predict_proba(X))
    # Row order and subsets change nothing (what the separated checks would have shown).
    order = np.random.default_rng(2).permutation(len(X))
    np.testing.assert_allclose(best.predict_proba(X[order]), best.predict_proba(X)[order])
    np.testing.assert_allclose(best.predict_proba(X[:7]), best.predict_proba(X)[:7])
