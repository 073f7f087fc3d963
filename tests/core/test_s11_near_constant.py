"""A covariate that varies, but by less than 1e-12 of its size, is refused as such.

``x + 1e12`` with a spread of 1 was refused as "constant": true at the rank check's tolerance,
but it reads as if the column held one value. The message now says how little it varies and
what to do; a column of one value keeps the plain message.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.metrics import aipw, ols

_RNG = np.random.default_rng(0)
_X = _RNG.normal(size=200)
_T = _RNG.random(200) < 0.5
_Y = _X + _T + _RNG.normal(size=200)


@pytest.mark.parametrize(
    "fit",
    [
        lambda x: ols(_Y, np.column_stack([_T.astype(float), x])),
        lambda x: aipw(_Y, _T, X=x),
    ],
    ids=["ols", "aipw"],
)
def test_a_column_far_from_zero_says_it_varies_too_little(fit):
    with pytest.raises(EstimationError, match=r"is constant, so it duplicates `intercept` "
                       r"\(its spread is below 1e-12 of its size: subtract"):  # fmt: skip
        fit(_X + 1e12)
    with pytest.raises(EstimationError, match=r"duplicates `intercept`\. Drop") as info:
        fit(np.full(200, 1e12))
    assert "spread" not in str(info.value)
