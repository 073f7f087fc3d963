"""Cross-validation fits each fold on `y` as given, so an ordered categorical keeps its order.

The ordinal model reads the order of text levels from an ordered pandas Categorical. Cross-
validation used to hand each fold's model the labels as a plain array, so the order was lost and
the model refused them, asking for the ordered Categorical it had been given.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus.triage import OrdinalReadinessModel, cross_validate

pd = pytest.importorskip("pandas")

WORDS = np.array(["low", "mid", "high"])


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = np.digitize(X[:, 0] + rng.logistic(size=90), [-1.0, 1.0])
    return X, y


@pytest.mark.parametrize("frame", [False, True])
def test_ordered_categorical_reaches_the_model(data, frame):
    """The same folds and probabilities as passing the order to the model explicitly."""
    X, y = data
    categorical = pd.Series(pd.Categorical(WORDS[y], categories=WORDS, ordered=True))
    features = pd.DataFrame(X) if frame else X
    got = cross_validate(OrdinalReadinessModel(), features, categorical, k=3, rng=0)
    want = cross_validate(OrdinalReadinessModel(order=list(WORDS)), X, WORDS[y], k=3, rng=0)
    np.testing.assert_array_equal(got.fold, want.fold)
    np.testing.assert_allclose(got.oof_proba, want.oof_proba, rtol=1e-9, atol=1e-12)


def test_series_rows_follow_the_aligned_index(data):
    """A Series `y` in another row order is aligned to `X` first, then taken by position."""
    X, y = data
    frame = pd.DataFrame(X, index=np.arange(100, 190))
    labels = pd.Series(pd.Categorical(WORDS[y], categories=WORDS, ordered=True), index=frame.index)
    shuffled = labels.iloc[np.random.default_rng(1).permutation(90)]
    got = cross_validate(OrdinalReadinessModel(), frame, shuffled, k=3, rng=0)
    want = cross_validate(OrdinalReadinessModel(), frame, labels, k=3, rng=0)
    np.testing.assert_array_equal(got.oof_proba, want.oof_proba)
