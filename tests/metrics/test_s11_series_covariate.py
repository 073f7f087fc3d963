"""A pandas Series as the covariates `X`: one column, aligned by its index.

A Series has ``keys()`` (its index), so it was read as a mapping of columns, one per person,
and refused as "X['p0']: expected a 1-D column, got shape ()".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.metrics import aipw, ipw, overlap, policy_value


def _data(n: int = 300):
    rng = np.random.default_rng(0)
    index = [f"p{i}" for i in range(n)]
    x = pd.Series(rng.normal(size=n), index=index, name="tenure")
    t = pd.Series(rng.random(n) < 1 / (1 + np.exp(-x.to_numpy())), index=index)
    y = pd.Series(x.to_numpy() + t.to_numpy() + rng.normal(size=n), index=index)
    return x, t, y


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")
@pytest.mark.parametrize(
    "call",
    [
        lambda y, t, x: ipw(y, t, X=x).estimate,
        lambda y, t, x: aipw(y, t, X=x).estimate,
        lambda y, t, x: policy_value(y, t, (y > 0).astype(int), X=x).estimate,
        lambda y, t, x: float(overlap(t, X=x).smd_after[0]),
    ],
    ids=["ipw", "aipw", "policy_value", "overlap"],
)
def test_a_series_is_one_column_aligned_by_its_index(call):
    x, t, y = _data()
    as_frame = call(y, t, x.to_frame())
    assert call(y, t, x) == as_frame
    shuffled = x.sample(frac=1.0, random_state=1)  # the same people in another order
    assert call(y, t, shuffled) == pytest.approx(as_frame, rel=1e-12)


def test_a_series_with_other_labels_is_refused():
    x, t, y = _data()
    other = x.set_axis([f"q{i}" for i in range(len(x))])
    with pytest.raises(SchemaError, match="X: its index does not match the index of `y`"):
        aipw(y, t, X=other)
