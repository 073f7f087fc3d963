"""A numpy masked array's masked cells are missing, never the data hidden under the mask.

``numpy.asarray`` of a masked array is its data, the masked values included: sparkus read the
values the caller had masked (a welch test over a masked outlier used the outlier), or failed
with a bare ``TypeError`` (``MaskedArray.max() got an unexpected keyword argument``). The
shared intake now reads a masked cell as missing, so every door names its row.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.metrics import ancova, compare_proportions, welch_ttest

MASKED = np.ma.masked_array([1.0, 2.0, 3.0, 400.0, 5.0, 6.0], mask=[0, 0, 0, 1, 0, 0])


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (lambda: welch_ttest(MASKED, np.arange(6.0)), r"`x` is missing .* row 3"),
        (lambda: ancova(MASKED, np.arange(6.0), np.arange(6) % 2 == 0), r"`post` is missing .* row 3"),
        (lambda: compare_proportions(np.ma.masked_array([0, 1, 1, 0], mask=[0, 0, 1, 0]), [1, 0]),
         r"`x` is missing .* row 2"),
    ],
)  # fmt: skip
def test_masked_cells_are_missing_and_named(call, where):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(EstimationError, match=where):
            call()


def test_nothing_masked_reads_as_the_plain_array():
    plain = np.array([1.0, 2.0, 3.0, 4.0])
    masked = np.ma.masked_array(plain, mask=False)
    one, other = welch_ttest(masked, [2.0, 3.0, 5.0, 1.0]), welch_ttest(plain, [2.0, 3.0, 5.0, 1.0])
    assert one.to_dict() == other.to_dict()
    assert masked.mask.tolist() == [False] * 4  # the caller's array is untouched
