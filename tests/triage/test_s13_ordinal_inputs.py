"""The ordinal model takes `order` from pandas, and its errors name levels as written.

``order=categorical.categories`` (a pandas Index) or a Series of the levels was refused as "not a
sequence". A level inside the observed range with no rows, or a single level, was shown as
``np.str_('b')`` or ``np.int64(0)`` (numpy 2's repr of its scalars) in the message.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.triage import OrdinalReadinessModel


def test_error_messages_show_labels_not_numpy_reprs():
    """A missing level or a single level is named as written (``'b'``), not ``np.str_('b')``."""
    X = np.random.default_rng(0).normal(size=(20, 1))
    with pytest.raises(EstimationError) as info:
        OrdinalReadinessModel(order=["a", "b", "c"]).fit(X, np.array(["a", "c"] * 10))
    assert "level 'b'" in str(info.value)
    with pytest.raises(EstimationError) as info:
        OrdinalReadinessModel().fit(X, np.zeros(20, dtype=np.int64))
    assert "single level, 0;" in str(info.value)


@pytest.mark.parametrize("kind", ["categories", "series", "polars"])
def test_order_from_pandas_or_polars(kind):
    """A pandas Index or Series, or a polars Series, of the levels is the order, as a list is."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 1))
    words = ["low", "mid", "high"]
    y = np.array(words)[np.digitize(X[:, 0] + rng.logistic(size=60), [-1.0, 1.0])]
    if kind == "categories":
        order = pd.Categorical(y, categories=words, ordered=True).categories
    elif kind == "series":
        order = pd.Series(words)
    else:
        order = pytest.importorskip("polars").Series(words)
    got = OrdinalReadinessModel(order=order).fit(X, y)
    want = OrdinalReadinessModel(order=words).fit(X, y)
    assert got.classes_.tolist() == words
    np.testing.assert_array_equal(got.params_, want.params_)
