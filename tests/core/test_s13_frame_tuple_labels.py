"""A result whose rows are named by tuples (classes such as ``(1, 2)``) gives its table.

pandas made a MultiIndex of one tuple column and ``to_frame()`` raised a bare ``ValueError``
("Names should be list-like for a MultiIndex"); each tuple is one label of the index now.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus.triage import precision_recall_f1


def _cells(*labels: tuple[int, int]) -> np.ndarray:
    out = np.empty(len(labels), dtype=object)
    out[:] = labels
    return out


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")
def test_tuple_classes_name_one_row_each():
    pd = pytest.importorskip("pandas")
    metrics = precision_recall_f1(_cells((1, 2), (3, 4), (1, 2)), _cells((1, 2), (1, 2), (1, 2)))
    frame = metrics.to_frame()
    assert not isinstance(frame.index, pd.MultiIndex)
    assert frame.index.tolist() == [(1, 2), (3, 4)]
    assert frame.loc[[(1, 2)], "recall"].tolist() == [1.0]
    assert frame["support"].tolist() == [2, 1]
