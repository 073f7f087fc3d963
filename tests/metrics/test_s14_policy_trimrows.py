"""``overlap`` with `trim`: an error of the refit names rows as the caller numbers them.

Reference: the rows kept by trimming, from statsmodels' ``Logit`` on all rows (Crump et al. 2009
rule ``trim <= e <= 1 - trim``), and the rows among them that the refit separates.
"""

import re

import numpy as np
import pytest
import statsmodels.api as sm

from sparkus import EstimationError
from sparkus.metrics import overlap


def test_separation_after_trimming_names_the_callers_rows():
    """Treatment decided by x's sign near 0, random in the tails: trim=0.3 keeps the middle,
    where the refit separates; the rows named are rows of the input (the old code named
    positions among the 78 units kept: 0, 1, 3, ... for 5, 19, 24, ...)."""
    rng = np.random.default_rng(3)
    n = 400
    x = rng.normal(0, 1, n)
    t = np.where(np.abs(x) < 0.5, x > 0, rng.random(n) < 1 / (1 + np.exp(-3 * x)))
    p = sm.Logit(t.astype(float), sm.add_constant(x)).fit(disp=0).predict()
    kept = np.flatnonzero((p >= 0.3) & (p <= 0.7))
    with pytest.raises(EstimationError, match="no overlap") as caught:
        overlap(t, x, trim=0.3)
    listed = re.search(r"rows ([\d, ]+)", str(caught.value)).group(1)
    named = [int(r) for r in re.findall(r"\d+", listed)]
    assert set(named) <= set(kept.tolist())
    assert named[:3] == [5, 19, 24]
