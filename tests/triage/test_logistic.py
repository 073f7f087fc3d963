"""Tests of LogisticReadinessModel: agreement with scikit-learn, bad input, invariants."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sparkus import EstimationError, NotFittedError, SchemaError, SparkusWarning
from sparkus._checks_fit import check_matrix
from sparkus.triage._logistic import LogisticReadinessModel


def _make_data(n_classes, seed, n=150):
    """Three features of different scales and offsets; labels drawn from a softmax model."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5] + [0.0, 1.0, -1.0]
    W = rng.normal(size=(n_classes, 3))
    scores = X @ W.T
    prob = np.exp(scores - scores.max(axis=1, keepdims=True))
    prob /= prob.sum(axis=1, keepdims=True)
    y = (prob.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    sample_weight = rng.uniform(0.5, 2.0, size=n)
    return X, y, sample_weight


# Provenance: computed once with scikit-learn 1.9.1 (numpy 2.4.6, scipy 1.17.1) by
#     X, y, sw = _make_data(K, seed=K)
#     ref = LogisticRegression(C=C, solver="lbfgs", tol=1e-12, max_iter=10000).fit(
#         X, y, sample_weight=sw if weighted else None)
# and printed with np.set_printoptions(precision=10); print(repr(ref.coef_), repr(ref.intercept_)).
# Keys are (K, C, weighted).
SKLEARN_REFERENCE = {
    (2, 1.0, False): (
        np.array([[-0.3426164912, -2.0494226274, 0.5942563609]]),
        np.array([0.733414959]),
    ),
    (2, 1.0, True): (
        np.array([[-0.2427397871, -2.1233109879, 0.4990491963]]),
        np.array([0.6316164043]),
    ),
    (2, 0.1, False): (
        np.array([[-0.1724806857, -1.2628693713, 0.1659158165]]),
        np.array([0.1064435708]),
    ),
    (2, 0.1, True): (
        np.array([[-0.1294025852, -1.3515696842, 0.1298371833]]),
        np.array([0.0698722832]),
    ),
    (3, 1.0, False): (
        np.array(
            [
                [-0.3172117167, 0.4399819397, -0.3527298846],
                [-0.5477547025, -1.1097650215, 0.449585227],
                [0.8649664193, 0.6697830818, -0.0968553424],
            ]
        ),
        np.array([0.5209412114, -0.4537291631, -0.0672120483]),
    ),
    (3, 1.0, True): (
        np.array(
            [
                [-0.2207659926, 0.4468914548, -0.4905431559],
                [-0.5891700837, -1.1251146298, 0.6335903888],
                [0.8099360763, 0.678223175, -0.143047233],
            ]
        ),
        np.array([0.4237227668, -0.3425027703, -0.0812199965]),
    ),
    (3, 0.1, False): (
        np.array(
            [
                [-0.3696215511, 0.2741944932, -0.1243262574],
                [-0.1914923032, -0.7242373955, 0.0780893539],
                [0.5611138543, 0.4500429023, 0.0462369035],
            ]
        ),
        np.array([0.5707249679, -0.6226808073, 0.0519558394]),
    ),
    (3, 0.1, True): (
        np.array(
            [
                [-0.3041199603, 0.2780817948, -0.1973243095],
                [-0.2304955735, -0.7442858016, 0.1432315381],
                [0.5346155338, 0.4662040068, 0.0540927713],
            ]
        ),
        np.array([0.5455072996, -0.6206623258, 0.0751550262]),
    ),
    (4, 1.0, False): (
        np.array(
            [
                [0.7889204892, -0.1722042787, -0.9995162232],
                [-0.9890848086, -0.3673373004, -0.6615264984],
                [0.2621573138, -0.6932737526, 1.4116677067],
                [-0.0619929944, 1.2328153318, 0.2493750149],
            ]
        ),
        np.array([0.0570961512, 0.0528172868, 0.8356293466, -0.9455427845]),
    ),
    (4, 1.0, True): (
        np.array(
            [
                [0.8052903835, -0.12698039, -1.1412623995],
                [-1.090303563, -0.4189176823, -0.6258922597],
                [0.3088652377, -0.6651664074, 1.5799355429],
                [-0.0238520582, 1.2110644798, 0.1872191163],
            ]
        ),
        np.array([-0.1152005913, 0.098895437, 0.9476670213, -0.9313618669]),
    ),
    (4, 0.1, False): (
        np.array(
            [
                [0.5290973818, -0.130215882, -0.3681336506],
                [-0.6599389891, -0.2665363346, -0.2675029739],
                [0.1845770651, -0.4885851362, 0.4666379921],
                [-0.0537354577, 0.8853373528, 0.1689986323],
            ]
        ),
        np.array([0.4498047963, 0.2181834371, -0.0356804663, -0.632307767]),
    ),
    (4, 0.1, True): (
        np.array(
            [
                [0.552956017, -0.1022031818, -0.4638667068],
                [-0.7479048393, -0.3067386765, -0.2644871498],
                [0.2377199891, -0.5052756403, 0.5626367081],
                [-0.0427711669, 0.9142174986, 0.1657171485],
            ]
        ),
        np.array([0.3441434091, 0.2465015617, 0.0691367987, -0.6597817695]),
    ),
}


def _sklearn_fit(X, y, sample_weight=None, **options):
    """scikit-learn's LogisticRegression run to a tight tolerance (its warnings silenced)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return LogisticRegression(solver="lbfgs", tol=1e-12, max_iter=10000, **options).fit(
            X, y, sample_weight=sample_weight
        )


# -- agreement with scikit-learn ------------------------------------------------------------


@pytest.mark.parametrize(("n_classes", "C", "weighted"), sorted(SKLEARN_REFERENCE))
def test_matches_pinned_sklearn_reference(n_classes, C, weighted):
    """coef_ and intercept_ agree with scikit-learn's pinned solution to 1e-5."""
    X, y, sw = _make_data(n_classes, seed=n_classes)
    model = LogisticReadinessModel(C=C).fit(X, y, sample_weight=sw if weighted else None)
    coef, intercept = SKLEARN_REFERENCE[n_classes, C, weighted]
    np.testing.assert_allclose(model.coef_, coef, rtol=0, atol=1e-5)
    np.testing.assert_allclose(model.intercept_, intercept, rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    ("n_classes", "C", "weighted", "fit_intercept"),
    [(2, 1.0, True, True), (3, 1.0, False, True), (4, 0.1, True, True), (3, 0.5, True, False)],
)
def test_matches_live_sklearn(n_classes, C, weighted, fit_intercept):
    """A fresh scikit-learn fit on the same data agrees to 1e-5 (catches drift in the data)."""
    X, y, sw = _make_data(n_classes, seed=n_classes)
    sw = sw if weighted else None
    ours = LogisticReadinessModel(C=C, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    ref = _sklearn_fit(X, y, sw, C=C, fit_intercept=fit_intercept)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=0, atol=1e-6)
    pinned = SKLEARN_REFERENCE.get((n_classes, C, weighted)) if fit_intercept else None
    if pinned is not None:  # the data behind the pinned values is still this data
        np.testing.assert_allclose(ref.coef_, pinned[0], rtol=0, atol=1e-5)


@pytest.mark.parametrize("n_classes", [2, 3, 4])
def test_unpenalised_matches_sklearn_infinite_C(n_classes):
    """C=None gives scikit-learn's unpenalised solution (C=inf), sum-to-zero across classes."""
    X, y, _ = _make_data(n_classes, seed=10 + n_classes)
    ours = LogisticReadinessModel(C=None).fit(X, y)
    ref = _sklearn_fit(X, y, C=np.inf)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=0, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=0, atol=1e-5)


@pytest.mark.parametrize("C", [1.0, None])
def test_multinomial_rows_sum_to_zero(C):
    """For three or more classes, coef_ columns and intercepts sum to zero across classes."""
    X, y, sw = _make_data(4, seed=4)
    model = LogisticReadinessModel(C=C).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(model.intercept_.sum(), 0.0, atol=1e-10)


def test_sklearn_clone_and_params():
    """get_params/set_params follow scikit-learn's protocol, so sklearn.base.clone works."""
    from sklearn.base import clone

    model = LogisticReadinessModel(C=0.3, tol=1e-8)
    copy = clone(model)
    assert copy.get_params() == {"C": 0.3, "fit_intercept": True, "tol": 1e-8, "max_iter": 1000}
    assert copy.set_params(C=2.0) is copy
    assert copy.C == 2.0
    with pytest.raises(SchemaError, match="unknown hyper-parameter"):
        copy.set_params(penalty="l1")


# -- separation ------------------------------------------------------------------------------


def _separable(n_classes):
    """Classes split by the first feature with a gap of 2 between neighbours; the second is noise."""
    rng = np.random.default_rng(7)
    y = np.arange(60) % n_classes
    X = np.column_stack([4.0 * y + rng.uniform(-1, 1, 60), rng.normal(size=60)])
    return X, y


@pytest.mark.parametrize("n_classes", [2, 3])
def test_unpenalised_separable_raises(n_classes):
    """C=None on perfectly separable classes raises EstimationError suggesting a finite C."""
    X, y = _separable(n_classes)
    with pytest.raises(EstimationError, match=r"separable.*infinite.*finite C"):
        LogisticReadinessModel(C=None).fit(X, y)


def test_unpenalised_quasi_separable_raises():
    """C=None also refuses quasi-separation (ties on the boundary, still infinite estimates)."""
    X, y = _separable(2)
    X[:6, 0] = 2.0  # on the boundary, both classes: the others stay perfectly split
    y[:6] = [0, 1, 0, 1, 0, 1]
    with pytest.raises(EstimationError, match="separable"):
        LogisticReadinessModel(C=None).fit(X, y)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_penalised_separable_converges(n_classes):
    """With the default C=1.0, separable classes give finite coefficients and no warning."""
    X, y = _separable(n_classes)
    model = LogisticReadinessModel().fit(X, y)
    assert np.isfinite(model.coef_).all()
    assert np.abs(model.coef_).max() < 20
    assert model.score(X, y) == 1.0


def test_unpenalised_overlapping_classes_fit():
    """C=None on overlapping classes fits without complaint."""
    X, y, _ = _make_data(3, seed=3)
    model = LogisticReadinessModel(C=None).fit(X, y)
    assert np.isfinite(model.coef_).all()


# -- bad input -------------------------------------------------------------------------------


def test_nan_feature_names_row_and_column():
    """A NaN feature is a SchemaError whose problem path is X[row][column]."""
    X, y, _ = _make_data(2, seed=2)
    X[7, 2] = np.nan
    with pytest.raises(SchemaError) as info:
        LogisticReadinessModel().fit(X, y)
    assert info.value.problems[0].path == ("X", 7, 2)
    assert "X[7][2]" in str(info.value)


def test_infinite_feature_names_row_and_column():
    """An infinite feature is named like a NaN one, in fit and in predict."""
    X, y, _ = _make_data(2, seed=2)
    model = LogisticReadinessModel().fit(X, y)
    X[3, 0] = -np.inf
    with pytest.raises(SchemaError) as info:
        model.predict_proba(X)
    assert info.value.problems[0].path == ("X", 3, 0)


def test_many_bad_cells_listed_then_counted():
    """Beyond 20 offending cells, the error counts the rest instead of listing them."""
    X, y, _ = _make_data(2, seed=2)
    X[:30, 1] = np.nan
    with pytest.raises(SchemaError) as info:
        LogisticReadinessModel().fit(X, y)
    cells = [p for p in info.value.problems if len(p.path) == 3]
    assert len(cells) == 20
    assert "10 more" in str(info.value)


def test_finite_values_whose_sum_overflows_pass():
    """Huge but finite features pass the check even though their sum overflows."""
    X = np.full((3, 2), 1e308)
    out = check_matrix(X)
    np.testing.assert_array_equal(out, X)
    assert out is not X


def test_single_class_is_estimation_error():
    """Labels of a single class cannot train a classifier."""
    X, _, _ = _make_data(2, seed=2)
    with pytest.raises(EstimationError, match="single class"):
        LogisticReadinessModel().fit(X, np.full(X.shape[0], "ready"))


def test_label_count_must_match_rows():
    """X rows and y length that disagree are a SchemaError naming both counts."""
    X, y, _ = _make_data(2, seed=2)
    with pytest.raises(SchemaError, match="149 labels but X has 150 rows"):
        LogisticReadinessModel().fit(X, y[:-1])


def test_predict_with_other_feature_count():
    """Predicting with a different number of features is a SchemaError."""
    X, y, _ = _make_data(2, seed=2)
    model = LogisticReadinessModel().fit(X, y)
    for method in (model.predict, model.predict_proba, model.decision_function):
        with pytest.raises(
            SchemaError, match="has 2 features, but LogisticReadinessModel is expecting 3"
        ):
            method(X[:, :2])


@pytest.mark.parametrize("shape", [(0, 3), (5, 0)])
def test_empty_X_is_schema_error(shape):
    """An X without rows or without columns is a SchemaError."""
    with pytest.raises(SchemaError, match="at least one row and one column"):
        LogisticReadinessModel().fit(np.zeros(shape), np.zeros(shape[0]))


def test_one_dimensional_X_is_schema_error():
    """A 1-D X is refused with a hint to reshape."""
    with pytest.raises(SchemaError, match=r"reshape\(-1, 1\)"):
        LogisticReadinessModel().fit(np.arange(4.0), [0, 1, 0, 1])


def test_non_numeric_X_names_cells():
    """Text in X is refused, naming the offending cells."""
    X = np.array([[1.0, 2.0], [3.0, "four"], [5.0, 6.0]], dtype=object)
    with pytest.raises(SchemaError) as info:
        LogisticReadinessModel().fit(X, [0, 1, 0])
    assert info.value.problems[0].path == ("X", 1, 1)


def test_missing_label_named():
    """A missing label (None or NaN) is a SchemaError naming its row."""
    X, y, _ = _make_data(2, seed=2)
    labels = y.astype(float)
    labels[4] = np.nan
    with pytest.raises(SchemaError) as info:
        LogisticReadinessModel().fit(X, labels)
    assert info.value.problems[0].path == ("y", 4)


@pytest.mark.parametrize(
    ("weights", "match"),
    [(np.r_[-1.0, np.ones(149)], "negative"), (np.ones(10), "10 weights"), (np.zeros(150), "zero")],
)
def test_bad_sample_weight(weights, match):
    """Negative, mis-sized or all-zero sample weights are a SchemaError."""
    X, y, _ = _make_data(2, seed=2)
    with pytest.raises(SchemaError, match=match):
        LogisticReadinessModel().fit(X, y, sample_weight=weights)


@pytest.mark.parametrize(
    ("options", "name"),
    [
        ({"C": 0.0}, "C"),
        ({"C": -1.0}, "C"),
        ({"C": np.inf}, "C"),
        ({"C": "1"}, "C"),
        ({"C": True}, "C"),
        ({"tol": 0.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"max_iter": 2.5}, "max_iter"),
        ({"fit_intercept": "yes"}, "fit_intercept"),
    ],
)
def test_bad_hyperparameters_fail_in_fit(options, name):
    """Hyper-parameters are stored unchanged and checked in fit, naming the parameter."""
    model = LogisticReadinessModel(**options)
    assert getattr(model, name) is options[name]
    X, y, _ = _make_data(2, seed=2)
    with pytest.raises(SchemaError) as info:
        model.fit(X, y)
    assert info.value.problems[0].path == (name,)


def test_infinite_C_suggests_none():
    """C=inf is refused with a pointer to C=None for the unpenalised model."""
    X, y, _ = _make_data(2, seed=2)
    with pytest.raises(SchemaError, match="C=None"):
        LogisticReadinessModel(C=np.inf).fit(X, y)


# -- fitted state and outputs ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function"])
def test_not_fitted_before_fit(method):
    """Using a model before fit raises NotFittedError saying to call fit(X, y) first."""
    model = LogisticReadinessModel()
    with pytest.raises(NotFittedError, match=r"call fit\(X, y\) first"):
        getattr(model, method)(np.zeros((2, 3)))
    assert not hasattr(model, "coef_")


def test_fit_returns_self_with_learned_attributes():
    """fit returns the model, with classes_, coef_, intercept_, n_features_in_ and n_iter_."""
    X, y, _ = _make_data(3, seed=3)
    model = LogisticReadinessModel()
    assert model.fit(X, y) is model
    assert model.classes_.tolist() == [0, 1, 2]
    assert model.coef_.shape == (3, 3)
    assert model.intercept_.shape == (3,)
    assert model.n_features_in_ == 3
    assert model.n_iter_ > 0


def test_binary_shapes_follow_sklearn():
    """Two classes give one row of coefficients and a 1-D decision function."""
    X, y, _ = _make_data(2, seed=2)
    model = LogisticReadinessModel().fit(X, y)
    assert model.coef_.shape == (1, 3)
    assert model.intercept_.shape == (1,)
    assert model.decision_function(X).shape == (150,)
    assert model.predict_proba(X).shape == (150, 2)


def test_string_labels_and_score():
    """String labels come back from predict, and score is the accuracy."""
    X, y, _ = _make_data(3, seed=3)
    names = np.array(["emerging", "ready", "resistant"])[y]
    model = LogisticReadinessModel().fit(X, names)
    assert model.classes_.tolist() == ["emerging", "ready", "resistant"]
    predicted = model.predict(X)
    assert set(predicted.tolist()) <= set(names.tolist())
    assert model.score(X, names) == pytest.approx(np.mean(predicted == names))


def test_probabilities_are_softmax_of_decision_function():
    """predict_proba is the softmax of decision_function, and predict its argmax."""
    X, y, _ = _make_data(4, seed=4)
    model = LogisticReadinessModel().fit(X, y)
    scores = model.decision_function(X)
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(model.predict(X), model.classes_[scores.argmax(axis=1)])


def test_exhausted_iterations_warn():
    """Running out of iterations is a SparkusWarning that says to raise max_iter."""
    X, y, _ = _make_data(4, seed=4)
    with pytest.warns(SparkusWarning, match="increase max_iter"):
        LogisticReadinessModel(max_iter=2).fit(X, y)


def test_repr_shows_changed_hyperparameters():
    """The repr lists the hyper-parameters that differ from the defaults."""
    assert repr(LogisticReadinessModel()) == "LogisticReadinessModel()"
    assert repr(LogisticReadinessModel(C=None)) == "LogisticReadinessModel(C=None)"


# -- properties ------------------------------------------------------------------------------

_FIT_HEAVY = settings(max_examples=30)
"""Each example fits a model (or two); 30 examples keep the file within its time budget."""


@st.composite
def _datasets(draw):
    """Small labelled data sets: 2-4 classes (all present), 1-3 features, and a permutation."""
    n_classes = draw(st.integers(2, 4))
    n = draw(st.integers(n_classes + 2, 30))
    p = draw(st.integers(1, 3))
    values = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    X = draw(hnp.arrays(np.float64, (n, p), elements=values))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, n_classes - 1)))
    y[:n_classes] = np.arange(n_classes)
    perm = np.array(draw(st.permutations(range(n))))
    return X, y, perm


@_FIT_HEAVY
@given(_datasets())
def test_probabilities_are_valid(data):
    """Predicted probabilities are finite, within [0, 1], and rows sum to 1."""
    X, y, _ = data
    proba = LogisticReadinessModel().fit(X, y).predict_proba(X * 3.0)
    assert np.isfinite(proba).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@_FIT_HEAVY
@given(_datasets())
def test_predict_proba_follows_row_permutation(data):
    """Permuting the rows of X permutes the rows of predict_proba."""
    X, y, perm = data
    model = LogisticReadinessModel().fit(X, y)
    np.testing.assert_allclose(
        model.predict_proba(X[perm]), model.predict_proba(X)[perm], rtol=0, atol=1e-15
    )


@_FIT_HEAVY
@given(_datasets())
def test_refit_on_permuted_rows_gives_same_coefficients(data):
    """Fitting on permuted rows gives the same coefficients to 1e-8."""
    X, y, perm = data
    first = LogisticReadinessModel().fit(X, y)
    second = LogisticReadinessModel().fit(X[perm], y[perm])
    np.testing.assert_allclose(second.coef_, first.coef_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(second.intercept_, first.intercept_, rtol=0, atol=1e-8)


@_FIT_HEAVY
@given(_datasets())
def test_fit_does_not_mutate_inputs(data):
    """fit and predict leave X and y untouched."""
    X, y, _ = data
    X_before, y_before = X.copy(), y.copy()
    LogisticReadinessModel().fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
