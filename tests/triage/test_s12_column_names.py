"""One rule for data frames in triage: columns are matched by name, never by position.

pandas' default column labels 0, 1, ... are names like any other: a frame whose columns are
reordered is read by name (or refused where scikit-learn's order rule holds), never paired by
position; only a numpy array is read by position.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.triage import (
    BenefitModel,
    LogisticReadinessModel,
    OrdinalReadinessModel,
    RubricClassifier,
    brier_score,
    default_instrument,
)

pd = pytest.importorskip("pandas")

_LABELS = ([0, 1], [5, 7], [1, 0])


def _data(n: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(n, 2)) * [1.0, 4.0]
    latent = X[:, 0] + X[:, 1] / 4 + rng.normal(size=n)
    levels = np.digitize(latent, [-0.7, 0.7])
    treated = rng.integers(0, 2, n)
    outcome = X[:, 0] + treated * X[:, 1] + rng.normal(size=n)
    return X, levels, treated, outcome


@pytest.mark.parametrize("labels", _LABELS)
@pytest.mark.parametrize("model", [LogisticReadinessModel, OrdinalReadinessModel])
def test_readiness_models_match_numbered_columns_by_name(model, labels):
    """A model fitted on a frame numbered 0, 1 (or 5, 7) refuses that frame reordered."""
    X, levels, _, _ = _data()
    frame = pd.DataFrame(X, columns=labels)
    fitted = model().fit(frame, levels)
    np.testing.assert_array_equal(fitted.predict_proba(frame), fitted.predict_proba(X))
    with pytest.raises(SchemaError, match="same order as they were in fit"):
        fitted.predict_proba(frame[labels[::-1]])
    renamed = pd.DataFrame(X, columns=[labels[0] + 10, labels[1] + 10])
    with pytest.raises(SchemaError, match="unseen at fit time"):
        fitted.predict_proba(renamed)


@pytest.mark.parametrize("labels", _LABELS)
def test_benefit_model_matches_numbered_columns_by_name(labels):
    """BenefitModel fitted on a numbered frame predicts the same from it reordered."""
    X, _, treated, outcome = _data()
    frame = pd.DataFrame(X, columns=labels)
    fitted = BenefitModel(rng=0).fit(frame, treated, outcome)
    expected = fitted.predict(X)
    np.testing.assert_allclose(fitted.predict(frame[labels[::-1]]), expected, rtol=0, atol=0)


def test_names_that_read_alike_are_refused():
    """Columns labelled 0 and "0" cannot be told apart by name: refused, naming them."""
    X, levels, treated, outcome = _data()
    frame = pd.DataFrame({0: X[:, 0], "0": X[:, 1]})
    with pytest.raises(SchemaError, match="several columns named '0'"):
        LogisticReadinessModel().fit(frame, levels)
    with pytest.raises(SchemaError, match="several columns named '0'"):
        BenefitModel(rng=0).fit(frame, treated, outcome)


def test_rubric_reads_a_numbered_frame_by_name():
    """A rubric refuses a frame numbered 0, 1, ...: its columns are not the items by name."""
    instrument = default_instrument()
    answers = np.random.default_rng(0).integers(1, 6, size=(6, len(instrument.items)))
    rubric = RubricClassifier()
    with pytest.raises(SchemaError, match="lacks the item columns"):
        rubric.score(pd.DataFrame(answers.astype(float)))
    named = pd.DataFrame(answers.astype(float), columns=list(instrument.columns))
    reordered = named[list(instrument.columns[::-1])]
    assert rubric.score(reordered).tolist() == rubric.score(answers.astype(float)).tolist()


def test_numbered_probability_columns_are_matched_to_integer_classes_by_name():
    """A frame of probabilities numbered 0, 1, 2 names the classes 0, 1, 2, in any order."""
    rng = np.random.default_rng(2)
    proba = rng.dirichlet(np.ones(3), size=30)
    y = np.arange(30) % 3
    classes = [2, 1, 0]
    by_class = pd.DataFrame(proba)  # column k holds the probability of class k
    expected = brier_score(y, proba[:, classes], classes=classes)
    assert brier_score(y, by_class, classes=classes) == expected
    with pytest.raises(SchemaError, match="matched to the classes by name"):
        brier_score(np.array(["a", "b", "c"])[y], by_class, classes=["a", "b", "c"])
