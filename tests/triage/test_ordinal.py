"""Tests of OrdinalReadinessModel: agreement with statsmodels, label orders, bad input."""

from __future__ import annotations

import enum
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sparkus import EstimationError, NotFittedError, SchemaError
from sparkus.triage._ordinal import OrdinalReadinessModel


def _make_levels(n_levels, seed, n=200):
    """Two features; levels cut from a logistic latent score at its quantiles."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * [1.0, 2.0] + [0.5, -1.0]
    latent = X @ [1.0, -0.5] + rng.logistic(size=n)
    cuts = np.quantile(latent, np.linspace(0.0, 1.0, n_levels + 1)[1:-1])
    return X, np.digitize(latent, cuts)


# Provenance: computed once with statsmodels 0.15.0 (numpy 2.4.6, scipy 1.17.1) by
#     X, y = _make_levels(K, seed=K)
#     res = OrderedModel(y, X, distr="logit").fit(
#         method="bfgs", gtol=1e-10, maxiter=10000, disp=False)
# and printed with np.set_printoptions(precision=10); print(repr(res.params)).
# Layout: [beta_0, beta_1, theta_0, log(theta_1 - theta_0), ...].
STATSMODELS_REFERENCE = {
    2: np.array([0.7302543825, -0.4874068661, 1.0316782305]),
    3: np.array([0.7634601271, -0.4032010478, -0.1062990267, 0.5452463762]),
    4: np.array([0.9492738214, -0.4729854691, -0.4856931724, 0.3888014887, 0.422090361]),
    5: np.array(
        [1.0993853757, -0.5447429914, -0.8249918875, 0.2897670922, 0.1422992038, 0.2909964504]
    ),
}


def _statsmodels_fit(X, y):
    """statsmodels' OrderedModel with BFGS to a tight tolerance (its warnings silenced)."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BFGS reports non-convergence at gtol=1e-10
        return OrderedModel(y, X, distr="logit").fit(
            method="bfgs", gtol=1e-10, maxiter=10000, disp=False
        )


# -- agreement with statsmodels --------------------------------------------------------------


@pytest.mark.parametrize("n_levels", sorted(STATSMODELS_REFERENCE))
def test_matches_pinned_statsmodels_reference(n_levels):
    """params_ agree with statsmodels' pinned OrderedModel solution to 1e-4."""
    X, y = _make_levels(n_levels, seed=n_levels)
    model = OrdinalReadinessModel().fit(X, y)
    np.testing.assert_allclose(model.params_, STATSMODELS_REFERENCE[n_levels], rtol=0, atol=1e-4)


@pytest.mark.parametrize("n_levels", [3, 4])
def test_matches_live_statsmodels(n_levels):
    """A fresh statsmodels fit agrees in params and probabilities (catches drift in the data)."""
    X, y = _make_levels(n_levels, seed=n_levels)
    ours = OrdinalReadinessModel().fit(X, y)
    ref = _statsmodels_fit(X, y)
    np.testing.assert_allclose(ours.params_, ref.params, rtol=0, atol=1e-4)
    np.testing.assert_allclose(ref.params, STATSMODELS_REFERENCE[n_levels], rtol=0, atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict(X), rtol=0, atol=1e-5)


def test_params_describe_coef_and_thresholds():
    """params_ holds coef_, the first threshold and the log-increments of thresholds_."""
    X, y = _make_levels(4, seed=4)
    model = OrdinalReadinessModel().fit(X, y)
    theta = model.thresholds_
    assert (np.diff(theta) > 0).all()
    np.testing.assert_allclose(model.params_[:2], model.coef_)
    np.testing.assert_allclose(model.params_[2:], np.r_[theta[0], np.log(np.diff(theta))])
    assert model.n_features_in_ == 2
    assert model.n_iter_ > 0


def test_probabilities_follow_the_cumulative_model():
    """P(y <= k) is the sigmoid of threshold k minus x @ coef_; predict is the most probable."""
    X, y = _make_levels(3, seed=3)
    model = OrdinalReadinessModel().fit(X, y)
    proba = model.predict_proba(X)
    cumulative = 1.0 / (1.0 + np.exp(-(model.thresholds_[None, :] - (X @ model.coef_)[:, None])))
    np.testing.assert_allclose(proba.cumsum(axis=1)[:, :-1], cumulative, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


# -- the order of the levels -----------------------------------------------------------------


class _Stage(enum.Enum):
    """Levels whose order is their declaration order, not their alphabetical one."""

    LOW = "low"
    MIDDLE = "middle"
    HIGH = "high"
    TOP = "top"


def test_enum_labels_keep_declaration_order():
    """Enum members are ordered as declared, and fit as their ranks would."""
    X, y = _make_levels(3, seed=3)
    members = np.array(list(_Stage), dtype=object)[y]
    by_enum = OrdinalReadinessModel().fit(X, members)
    by_rank = OrdinalReadinessModel().fit(X, y)
    assert by_enum.classes_.tolist() == [_Stage.LOW, _Stage.MIDDLE, _Stage.HIGH]
    np.testing.assert_allclose(by_enum.params_, by_rank.params_, rtol=0, atol=1e-12)
    assert by_enum.predict(X[:3]).tolist() == [list(_Stage)[k] for k in by_rank.predict(X[:3])]


def test_empty_middle_enum_level_is_named():
    """An enum level between observed ones with no rows is an EstimationError naming it."""
    X, y = _make_levels(3, seed=3)
    members = np.array([_Stage.LOW, _Stage.HIGH, _Stage.TOP], dtype=object)[y]
    with pytest.raises(EstimationError, match="'middle'"):
        OrdinalReadinessModel().fit(X, members)


def test_empty_middle_integer_level_is_named():
    """Integer levels form a scale: a missing level inside the range is named."""
    X, y = _make_levels(3, seed=3)
    with pytest.raises(EstimationError, match=r"no row has the level 2\b"):
        OrdinalReadinessModel().fit(X, np.where(y == 2, 3, y))


def test_integer_scale_need_not_start_at_zero():
    """Integer labels 1..K are a scale from 1; classes_ reports them."""
    X, y = _make_levels(4, seed=4)
    model = OrdinalReadinessModel().fit(X, y + 1)
    assert model.classes_.tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(model.params_, STATSMODELS_REFERENCE[4], rtol=0, atol=1e-4)


def test_pandas_categorical_order_and_empty_category():
    """A pandas categorical gives the order; an unused middle category is named."""
    import pandas as pd

    X, y = _make_levels(3, seed=3)
    names = np.array(["low", "mid", "high"])[y]
    ordered = pd.Categorical(names, categories=["low", "mid", "high"], ordered=True)
    model = OrdinalReadinessModel().fit(X, pd.Series(ordered))
    assert model.classes_.tolist() == ["low", "mid", "high"]
    np.testing.assert_allclose(model.params_, STATSMODELS_REFERENCE[3], rtol=0, atol=1e-4)
    gap = pd.Categorical(
        np.where(names == "mid", "high", names), categories=["low", "mid", "high"], ordered=True
    )
    with pytest.raises(EstimationError, match="'mid'"):
        OrdinalReadinessModel().fit(X, gap)


def test_single_level_is_estimation_error():
    """Labels of a single level cannot fit thresholds."""
    X, _ = _make_levels(2, seed=2)
    with pytest.raises(EstimationError, match="single level"):
        OrdinalReadinessModel().fit(X, np.zeros(X.shape[0], dtype=int))


# -- estimability ----------------------------------------------------------------------------


def test_separated_levels_raise():
    """Levels split perfectly by a feature raise EstimationError explaining the separation."""
    rng = np.random.default_rng(5)
    y = np.arange(60) % 3
    X = np.column_stack([4.0 * y + rng.uniform(-1, 1, 60), rng.normal(size=60)])
    with pytest.raises(EstimationError, match=r"separated.*infinite"):
        OrdinalReadinessModel().fit(X, y)


def test_constant_column_raises():
    """A constant column duplicates the thresholds' role and is refused by name."""
    X, y = _make_levels(3, seed=3)
    X = np.column_stack([X, np.ones(X.shape[0])])
    with pytest.raises(EstimationError, match="column 2 of `X` is constant"):
        OrdinalReadinessModel().fit(X, y)


def test_collinear_columns_raise():
    """Collinear columns leave the coefficients unidentified and are refused."""
    X, y = _make_levels(3, seed=3)
    X = np.column_stack([X, X[:, 0] - 2.0 * X[:, 1]])
    with pytest.raises(EstimationError, match="collinear"):
        OrdinalReadinessModel().fit(X, y)


# -- bad input -------------------------------------------------------------------------------


def test_nan_feature_names_row_and_column():
    """A NaN feature is a SchemaError whose problem path is X[row][column]."""
    X, y = _make_levels(3, seed=3)
    X[11, 1] = np.nan
    with pytest.raises(SchemaError) as info:
        OrdinalReadinessModel().fit(X, y)
    assert info.value.problems[0].path == ("X", 11, 1)


def test_label_count_must_match_rows():
    """X rows and y length that disagree are a SchemaError."""
    X, y = _make_levels(3, seed=3)
    with pytest.raises(SchemaError, match="199 labels but X has 200 rows"):
        OrdinalReadinessModel().fit(X, y[1:])


def test_predict_with_other_feature_count():
    """Predicting with a different number of features is a SchemaError."""
    X, y = _make_levels(3, seed=3)
    model = OrdinalReadinessModel().fit(X, y)
    with pytest.raises(
        SchemaError, match="has 3 features, but OrdinalReadinessModel is expecting 2"
    ):
        model.predict_proba(np.ones((4, 3)))


def test_empty_X_is_schema_error():
    """An X without rows is a SchemaError."""
    with pytest.raises(SchemaError, match="at least one row"):
        OrdinalReadinessModel().fit(np.zeros((0, 2)), np.zeros(0, dtype=int))


@pytest.mark.parametrize(
    ("options", "name"), [({"tol": -1.0}, "tol"), ({"max_iter": 0}, "max_iter")]
)
def test_bad_hyperparameters_fail_in_fit(options, name):
    """Hyper-parameters are stored unchanged and checked in fit, naming the parameter."""
    model = OrdinalReadinessModel(**options)
    X, y = _make_levels(3, seed=3)
    with pytest.raises(SchemaError) as info:
        model.fit(X, y)
    assert info.value.problems[0].path == (name,)


@pytest.mark.parametrize("method", ["predict", "predict_proba"])
def test_not_fitted_before_fit(method):
    """Using a model before fit raises NotFittedError saying to call fit(X, y) first."""
    with pytest.raises(NotFittedError, match=r"call fit\(X, y\) first"):
        getattr(OrdinalReadinessModel(), method)(np.zeros((2, 2)))


def test_fit_does_not_mutate_inputs():
    """fit leaves X and y untouched and returns the model."""
    X, y = _make_levels(3, seed=3)
    X_before, y_before = X.copy(), y.copy()
    model = OrdinalReadinessModel()
    assert model.fit(X, y) is model
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


# -- properties ------------------------------------------------------------------------------

_FIT_HEAVY = settings(max_examples=30)
"""Each example fits a model (or two); 30 examples keep the file within its time budget."""


@st.composite
def _overlapping_levels(draw):
    """Data whose levels cannot be separated, and a permutation of its rows.

    Every base point appears with the lowest and the highest level, which rules out
    separation; a ramp added to each column keeps the columns independent.
    """
    n_levels = draw(st.integers(2, 4))
    m = draw(st.integers(4, 12))
    p = draw(st.integers(1, 2))
    values = st.floats(-3, 3, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    base = draw(hnp.arrays(np.float64, (m, p), elements=values))
    ramp = np.linspace(-1.0, 1.0, m)[:, None] ** (np.arange(p) + 1)
    base = base + ramp
    middle = draw(hnp.arrays(np.int64, m, elements=st.integers(0, n_levels - 1)))
    X = np.vstack([base, base, base])
    y = np.concatenate([np.zeros(m, dtype=np.int64), np.full(m, n_levels - 1), middle])
    y[2 * m : 2 * m + n_levels] = np.arange(n_levels)[: min(n_levels, m)]
    perm = np.array(draw(st.permutations(range(3 * m))))
    return X, y, perm


@_FIT_HEAVY
@given(_overlapping_levels())
def test_probabilities_are_valid(data):
    """Predicted probabilities are finite, within [0, 1], and rows sum to 1."""
    X, y, _ = data
    proba = OrdinalReadinessModel().fit(X, y).predict_proba(X * 4.0)
    assert np.isfinite(proba).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@_FIT_HEAVY
@given(_overlapping_levels())
def test_predict_proba_follows_row_permutation(data):
    """Permuting the rows of X permutes the rows of predict_proba."""
    X, y, perm = data
    model = OrdinalReadinessModel().fit(X, y)
    np.testing.assert_allclose(
        model.predict_proba(X[perm]), model.predict_proba(X)[perm], rtol=0, atol=1e-15
    )


# -- issue 12: readiness labels are ordered as levels, other text needs an order ---------------

LEVEL_VALUES = np.array(["resistant", "emerging", "ready", "highly_ready"])


def _organisation():
    """The triage page's synthetic organisation, with its true stage as readiness values."""
    from sparkus.datasets import synthetic_org
    from sparkus.triage import default_instrument

    org = synthetic_org(5_000, seed=0)
    X = default_instrument().features(org.population).X
    return org, X, LEVEL_VALUES[np.minimum(org.truth.stage, 3)]


def test_readiness_value_strings_are_ordered_as_levels_on_the_synthetic_organisation():
    """ReadinessLevel values order as levels: out-of-fold macro F1 about 0.69, not 0.13."""
    from sparkus.triage import ReadinessLevel, cross_validate, triage

    org, X, y = _organisation()
    model = OrdinalReadinessModel().fit(X, y)
    assert model.classes_.tolist() == [lv.value for lv in ReadinessLevel]
    cv = cross_validate(OrdinalReadinessModel(), X, y, k=5, rng=0)
    assert cv.mean["macro_f1"] > 0.65  # alphabetical order gave 0.13
    members = np.array([ReadinessLevel(v) for v in y], dtype=object)
    by_member = OrdinalReadinessModel().fit(X, members)
    np.testing.assert_allclose(by_member.params_, model.params_, rtol=0, atol=1e-9)
    result = triage(org.population, model, program=org.program)
    assert result.review.mean() < 0.5  # alphabetical order sent everyone to review
    assert result.counts["resistant"] > 0
    assert result.counts["highly_ready"] > 0


def test_the_ordinal_fit_on_readiness_strings_equals_the_fit_on_ranks():
    """Readiness strings give exactly the fit of their ranks 0..3 (statsmodels' reference)."""
    X, y = _make_levels(4, seed=4)
    by_rank = OrdinalReadinessModel().fit(X, y)
    by_name = OrdinalReadinessModel().fit(X, LEVEL_VALUES[y])
    np.testing.assert_allclose(by_name.params_, STATSMODELS_REFERENCE[4], rtol=0, atol=1e-4)
    np.testing.assert_allclose(by_name.params_, by_rank.params_, rtol=0, atol=1e-9)
    assert by_name.predict(X[:5]).tolist() == LEVEL_VALUES[by_rank.predict(X[:5])].tolist()


@pytest.mark.parametrize(
    "spelling",
    [
        ["Resistant", "Emerging", "Ready", "Highly ready"],
        [" RESISTANT ", "emerging ", "READY", "highly-ready"],
    ],
)
def test_export_spellings_of_readiness_levels_are_read_as_the_levels(spelling):
    """Any case, white space around, spaces or hyphens for underscores; classes_ keeps them."""
    X, y = _make_levels(4, seed=4)
    model = OrdinalReadinessModel().fit(X, np.array(spelling)[y])
    assert model.classes_.tolist() == spelling
    np.testing.assert_allclose(model.params_, STATSMODELS_REFERENCE[4], rtol=0, atol=1e-4)


def test_one_level_spelled_two_ways_is_refused():
    """'Ready' and 'ready' in one y would be two classes of one level: refused, naming both."""
    X, y = _make_levels(4, seed=4)
    labels = LEVEL_VALUES[y].astype(object)
    labels[0] = "Ready" if labels[0] != "ready" else "READY"
    labels[np.flatnonzero(LEVEL_VALUES[y] == "ready")[1]] = "ready"
    with pytest.raises(SchemaError, match="spells the level 'ready'"):
        OrdinalReadinessModel().fit(X, labels)


@pytest.mark.parametrize(
    "names",
    [
        ["low", "mid", "high", "top"],
        ["precontemplation", "contemplation", "preparation", "action"],
        ["b", "a", "d", "c"],
    ],
)
def test_other_text_labels_require_an_explicit_order(names):
    """No alphabetical guessing: text that is not readiness levels needs `order`."""
    X, y = _make_levels(4, seed=4)
    labels = np.array(names)[y]
    with pytest.raises(SchemaError, match="order") as info:
        OrdinalReadinessModel().fit(X, labels)
    assert info.value.problems[0].path == ("y",)
    model = OrdinalReadinessModel(order=names).fit(X, labels)
    assert model.classes_.tolist() == names
    np.testing.assert_allclose(model.params_, STATSMODELS_REFERENCE[4], rtol=0, atol=1e-4)


def test_an_unordered_categorical_is_not_ordered_alphabetically():
    """An unordered pandas categorical's sorted categories are not an order: `order` is asked."""
    import pandas as pd

    X, y = _make_levels(3, seed=3)
    names = pd.Categorical(np.array(["low", "mid", "high"])[y])
    with pytest.raises(SchemaError, match="order"):
        OrdinalReadinessModel().fit(X, names)
    model = OrdinalReadinessModel(order=["low", "mid", "high"]).fit(X, names)
    np.testing.assert_allclose(model.params_, STATSMODELS_REFERENCE[3], rtol=0, atol=1e-4)


def test_numbers_keep_their_numeric_order():
    """Integer and float labels keep numeric order (10 after 9, -1 first)."""
    X, y = _make_levels(3, seed=3)
    as_ints = OrdinalReadinessModel().fit(X, np.array([9, 10, 11])[y])
    assert as_ints.classes_.tolist() == [9, 10, 11]
    as_floats = OrdinalReadinessModel().fit(X, np.array([-1.0, 0.5, 2.0])[y])
    assert as_floats.classes_.tolist() == [-1.0, 0.5, 2.0]
    np.testing.assert_allclose(as_floats.params_, STATSMODELS_REFERENCE[3], rtol=0, atol=1e-4)


@pytest.mark.parametrize(
    ("order", "match"),
    [
        ("low", "sequence"),
        (["low"], "at least two"),
        (["low", "low", "mid"], "more than once"),
        ([["a"], ["b"]], "hashed"),
    ],
)
def test_a_bad_order_is_refused_naming_it(order, match):
    """`order` must be a sequence of at least two distinct labels."""
    X, y = _make_levels(3, seed=3)
    with pytest.raises(SchemaError, match=match) as info:
        OrdinalReadinessModel(order=order).fit(X, y)
    assert info.value.problems[0].path[0] == "order"


def test_a_label_outside_the_order_is_named_by_row():
    """A label that `order` lacks is named with its row."""
    X, y = _make_levels(3, seed=3)
    labels = np.array(["low", "mid", "high"])[y].astype(object)
    labels[7] = "huge"
    with pytest.raises(SchemaError) as info:
        OrdinalReadinessModel(order=["low", "mid", "high"]).fit(X, labels)
    assert info.value.problems[0].path == ("y", 7)
    assert "'huge'" in str(info.value)


def test_pandas_X_and_y_are_aligned_by_index():
    """A y whose index is in another order than X's is aligned by label, not position."""
    import pandas as pd

    X, y = _make_levels(3, seed=3)
    frame = pd.DataFrame(X, index=[f"p{i}" for i in range(len(y))])
    labels = pd.Series(y, index=frame.index)
    shuffled = labels.sample(frac=1.0, random_state=0)
    aligned = OrdinalReadinessModel().fit(frame, shuffled)
    np.testing.assert_allclose(aligned.params_, STATSMODELS_REFERENCE[3], rtol=0, atol=1e-4)
    with pytest.raises(SchemaError, match="index"):
        OrdinalReadinessModel().fit(frame, labels.set_axis(range(len(y))))
