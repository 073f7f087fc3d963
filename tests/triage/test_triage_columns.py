"""triage(): the missing policy is honoured, and columns are matched by name, never by position."""

import attrs
import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import Population
from sparkus.triage import (
    DosagePolicy,
    Features,
    Instrument,
    LogisticReadinessModel,
    RubricClassifier,
    default_instrument,
    triage,
)


@pytest.fixture(scope="module")
def org():
    return synthetic_org(600, seed=5)


@pytest.fixture(scope="module")
def gappy():
    """A population in which three people did not answer self_motivation."""
    org = synthetic_org(200, seed=1)
    frame = org.population.to_frame()
    frame.loc[frame.index[:3], "self_motivation"] = np.nan
    return org, Population.from_frame(frame, missing={"self_motivation": "carry"})


def _reversed(features: Features) -> Features:
    """The same features with their columns, consistently, in the opposite order."""
    return attrs.evolve(
        features,
        X=features.X[:, ::-1].copy(),
        columns=features.columns[::-1],
        missing=features.missing[:, ::-1].copy(),
    )


def _labels(org) -> np.ndarray:
    return np.clip(np.asarray(org.truth.stage) - 1, 0, 3)


# ---- missing="impute_mean" decides imputed people --------------------------------------------


def test_impute_mean_gives_imputed_people_a_level(gappy):
    """Under impute_mean the rubric decides everyone, on the imputed answers; nobody is skipped."""
    org, pop = gappy
    result = triage(pop, missing="impute_mean", program=org.program)
    features = default_instrument().features(pop, missing="impute_mean")
    assert features.missing[:3].any(axis=1).all()
    rubric = RubricClassifier()
    np.testing.assert_array_equal(result.level, rubric.predict_codes(features.X))
    np.testing.assert_array_equal(result.review, rubric.needs_review(features.X))
    assert (result.level >= 0).all()
    assert np.isfinite(result.score).all()
    assert result.counts["not_assessed"] == 0


def test_impute_mean_counts_and_saving_include_imputed_people(gappy):
    """Counts, sessions and the saving are those of the decided levels, imputed rows included."""
    org, pop = gappy
    result = triage(pop, missing="impute_mean", program=org.program)
    levels = RubricClassifier().predict_codes(
        default_instrument().features(pop, missing="impute_mean").X
    )
    assert sum(result.counts.values()) == len(pop)
    assert result.counts["resistant"] == int((levels == 0).sum())
    sessions, _ = DosagePolicy().dose(levels, pop["level"], org.program.goals)
    assert result.sessions_needed == int(sessions.sum())
    assert result.session_saving == pytest.approx(1 - sessions.sum() / (6 * len(pop)))
    assert result.sessions[:3].tolist() == sessions[:3].tolist()


def test_only_the_review_policy_leaves_people_not_assessed(gappy):
    """missing='review' still sends the three people with gaps to review, undecided."""
    _, pop = gappy
    result = triage(pop, missing="review")
    assert result.level[:3].tolist() == [-1, -1, -1]
    assert result.review[:3].all()
    assert result.counts["not_assessed"] == 3


def test_features_with_nan_left_under_another_policy_are_refused(gappy):
    """Features whose missing answers are NaN but whose policy is not 'review' are refused."""
    _, pop = gappy
    features = default_instrument().features(pop, missing="review")
    mislabelled = attrs.evolve(features, policy="impute_mean")
    with pytest.raises(SchemaError, match=r"features\.policy: .*'impute_mean'"):
        triage(pop, features=mislabelled)
    with pytest.raises(
        SchemaError,
        match=r"features\.policy: expected one of raise, impute_mean, review, got .drop.",
    ):
        triage(pop, features=attrs.evolve(features, policy="drop"))


# ---- features: columns by name -------------------------------------------------------------


def test_features_in_another_column_order_are_read_by_name(org):
    """The instrument's columns in another order give the same triage as in its own order."""
    features = default_instrument().features(org.population)
    flipped = _reversed(features)
    before = flipped.X.copy()
    result = triage(org.population, features=flipped)
    np.testing.assert_array_equal(result.level, triage(org.population, features=features).level)
    np.testing.assert_array_equal(flipped.X, before)  # the caller's features are not changed


def test_out_of_scale_answers_in_reordered_features_are_named(org):
    """The scale check runs on reordered columns too, naming the item by its own scale."""
    flipped = _reversed(default_instrument().features(org.population))
    X = flipped.X.copy()
    X[7, 0] = 99.0  # column 0 is now the last item, manager_motivation
    with pytest.raises(SchemaError) as info:
        triage(org.population, features=attrs.evolve(flipped, X=X))
    assert info.value.problems[0].location == "features.X[7]"
    assert "manager_motivation" in str(info.value)


def test_features_of_other_columns_are_refused_for_the_rubric(org):
    """For the rubric, features whose columns are not the instrument's are refused, both named."""
    features = default_instrument().features(org.population)
    renamed = attrs.evolve(features, columns=("other", *features.columns[1:]))
    with pytest.raises(SchemaError) as info:
        triage(org.population, features=renamed)
    text = str(info.value)
    assert "features.columns" in text
    assert "other" in text
    assert "self_motivation" in text


def test_an_instrument_in_another_order_than_the_rubric_is_read_by_name(org):
    """An explicit instrument listing the rubric's items in another order changes nothing."""
    flipped = Instrument(default_instrument().items[::-1])
    result = triage(org.population, RubricClassifier(), instrument=flipped)
    np.testing.assert_array_equal(result.level, triage(org.population).level)


def test_an_instrument_of_other_items_than_the_rubric_is_refused(org):
    """An explicit instrument that is not the rubric's is refused, naming both column lists."""
    fewer = Instrument(default_instrument().items[:8])
    with pytest.raises(SchemaError, match=r"instrument: .*rubric's instrument"):
        triage(org.population, RubricClassifier(), instrument=fewer)


# ---- fitted models: columns by the names they were fitted on --------------------------------


def test_a_model_fitted_on_named_columns_in_another_order_scores_by_name(org):
    """Fitted on the items in reverse order, the model gets them in that order, without warnings."""
    columns = list(default_instrument().columns)
    frame = org.population.to_frame()
    y = _labels(org)
    good = LogisticReadinessModel().fit(frame[columns], y)
    rev = LogisticReadinessModel().fit(frame[columns[::-1]], y)
    in_order = triage(org.population, good)  # pytest turns any warning into an error
    reordered = triage(org.population, rev)
    np.testing.assert_array_equal(in_order.level, reordered.level)
    np.testing.assert_allclose(
        reordered.probabilities, rev.predict_proba(frame[columns[::-1]]), atol=1e-12
    )


def test_a_scikit_learn_model_fitted_on_a_frame_gets_its_columns_by_name(org):
    """A scikit-learn classifier fitted on a reordered frame scores the right columns."""
    sklearn_linear = pytest.importorskip("sklearn.linear_model")
    columns = list(default_instrument().columns)
    frame = org.population.to_frame()
    model = sklearn_linear.LogisticRegression(max_iter=500).fit(frame[columns[::-1]], _labels(org))
    result = triage(org.population, model)
    np.testing.assert_allclose(
        result.probabilities, model.predict_proba(frame[columns[::-1]]), atol=1e-12
    )


def test_a_model_fitted_on_other_column_names_is_refused(org):
    """A model whose feature_names_in_ are not the features' columns is refused, both named."""
    columns = list(default_instrument().columns)
    frame = org.population.to_frame()[columns].rename(columns={"self_motivation": "motivation"})
    model = LogisticReadinessModel().fit(frame, _labels(org))
    with pytest.raises(SchemaError) as info:
        triage(org.population, model)
    text = str(info.value)
    assert "model.feature_names_in_" in text
    assert "(motivation, " in text
    assert "(self_motivation, " in text


def test_another_instruments_features_pass_for_a_model_fitted_on_their_names(org):
    """A fitted model reads features of another instrument by the names it was fitted on."""
    features = default_instrument().features(org.population)
    names = tuple(f"q{j}" for j in range(features.X.shape[1]))
    other = attrs.evolve(features, columns=names)
    model = LogisticReadinessModel().fit(pd.DataFrame(features.X, columns=names), _labels(org))
    flipped = _reversed(other)
    result = triage(org.population, model, features=flipped)
    np.testing.assert_allclose(
        result.probabilities, model.predict_proba(pd.DataFrame(features.X, columns=names))
    )
