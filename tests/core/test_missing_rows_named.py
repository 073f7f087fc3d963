"""Missing values are named where the caller will look: pandas labels, or row positions.

After pandas inputs are aligned by index, the later ones are in the first one's order, so a
position would point at the wrong row of the caller's own Series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import EstimationError
from sparkus.metrics import ols, paired_ttest, welch_ttest


def test_a_missing_value_in_an_aligned_series_is_named_by_its_label():
    pre = pd.Series([1.0, 2.0, 3.0, 4.0], index=["e7", "e9", "e3", "e1"])
    post = pd.Series([1.5, 2.5, np.nan, 4.1], index=["e3", "e7", "e9", "e1"])  # NaN at 'e9'
    with pytest.raises(EstimationError) as caught:
        paired_ttest(pre, post)
    message = str(caught.value)
    assert "`post`" in message
    assert "the row labelled 'e9'" in message
    assert "row 1" not in message
    assert "row 2" not in message


def test_several_labels_are_listed():
    x = pd.Series([1.0, np.nan, 3.0, np.inf, 5.0], index=list("vwxyz"))
    with pytest.raises(EstimationError, match=r"the rows labelled 'w', 'y'"):
        welch_ttest(x, [1.0, 2.0, 3.0])


def test_a_frame_of_regressors_names_its_labels():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [0.0, 1.0, np.nan, 1.0, 0.0]},
                         index=[10, 20, 30, 40, 50])  # fmt: skip
    y = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=[10, 20, 30, 40, 50])
    with pytest.raises(EstimationError, match=r"the row labelled 30"):
        ols(y, frame)


@pytest.mark.parametrize(
    "post",
    [np.array([1.0, np.nan, 3.0]), [1.0, np.nan, 3.0], pd.Series([1.0, np.nan, 3.0])],
    ids=["numpy", "list", "plain-index"],
)
def test_positions_where_they_are_the_labels(post):
    with pytest.raises(EstimationError, match=r"in row 1;"):
        paired_ttest(np.array([1.0, 2.0, 3.0]), post)
