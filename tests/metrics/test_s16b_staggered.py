"""staggered_did on a constant outcome: refused, not effects of 0 with intervals [0, 0]."""

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.metrics import staggered_did


def _panel(units=40, periods=5, seed=0):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), periods)
    time = np.tile(np.arange(1, periods + 1), units)
    first = np.repeat(rng.choice([0, 3, 4], units), periods)
    return unit, time, first


@pytest.mark.parametrize("value", [1.0, 0.0, -2.5e300, 5e-324])
def test_constant_outcome_refused(value):
    """Every row the same value: no variance to estimate from, said so, as ols and ipw say."""
    unit, time, first = _panel()
    with pytest.raises(EstimationError, match=r"`y` is constant"):
        staggered_did(np.full(unit.size, value), unit, time, first)


def test_outcome_varying_in_one_row_refuses_the_cells_it_does_not_enter():
    """One row off the constant: the cells it does not enter have SE 0 (R's did: NA), named."""
    unit, time, first = _panel()
    y = np.ones(unit.size)
    y[np.flatnonzero((first == 3) & (time == 3))[0]] = 2.0
    with pytest.raises(EstimationError, match=r"unmeasured for the cells \(3, 2\), \(3, 4\)"):
        staggered_did(y, unit, time, first)
