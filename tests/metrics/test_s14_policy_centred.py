"""``policy_value`` and ``policy_difference`` on outcomes far from 0 or without spread.

References: the AIPW terms written out with numpy (the formula of the module notes, with the
groups' means or least squares from ``numpy.linalg.lstsq`` as outcome models), applied to the
outcome less its offset, which is exact for the doubles given (Sterbenz): the AIPW difference
and every standard error do not depend on the outcome's location, and the value moves by it.
"""

import math

import numpy as np
import pytest

from sparkus import EstimationError
from sparkus.metrics import policy_difference, policy_value


def _aipw_terms(y, t, x, e):
    """Γ1 and Γ0 by hand: least squares on [1, x] within each group (means without x)."""
    Z = np.ones((len(y), 1)) if x is None else np.column_stack([np.ones_like(x), x])
    m1 = Z @ np.linalg.lstsq(Z[t], y[t], rcond=None)[0]
    m0 = Z @ np.linalg.lstsq(Z[~t], y[~t], rcond=None)[0]
    return m1 + t * (y - m1) / e, m0 + (~t) * (y - m0) / (1 - e)


@pytest.mark.parametrize("offset", [1e15, 1e16])
@pytest.mark.parametrize("with_x", [False, True])
def test_an_offset_outcome_keeps_its_noise(offset, with_x):
    """An outcome of 1e15 or 1e16 plus noise: the difference and the SEs as without the offset.

    The old code fitted the outcome at its own magnitude and lost the noise: at 1e15 the
    difference read 0.544 for 0.476 and its SE 0.172 for 0.109; at 1e16 the value's SE 0.79
    for 0.116.
    """
    rng = np.random.default_rng(2)
    n = 400
    x = rng.normal(size=n)
    t = rng.random(n) < 0.5
    given = x + t * (x > 0) + rng.normal(size=n) + offset
    y = given - offset  # exact: the noise as the doubles `given` hold it
    policy = x > 0
    g1, g0 = _aipw_terms(y, t, x if with_x else None, 0.5)
    value_terms = np.where(policy, g1, g0)
    diff_terms = (policy.astype(float) - (~policy)) * (g1 - g0)
    X = x if with_x else None
    value = policy_value(given, t, policy, X=X, propensity=0.5)
    gain = policy_difference(given, t, policy, ~policy, X=X, propensity=0.5)
    assert value.estimate == pytest.approx(offset + value_terms.mean(), abs=np.spacing(offset))
    assert value.se == pytest.approx(value_terms.std() / math.sqrt(n), rel=1e-9)
    assert gain.estimate == pytest.approx(diff_terms.mean(), rel=1e-9)
    assert gain.se == pytest.approx(diff_terms.std() / math.sqrt(n), rel=1e-9)


def _constant(n):
    return np.full(n, 3.0), np.arange(n) % 2 == 0, np.arange(n) % 3 == 0


@pytest.mark.parametrize("n", [60, 100, 1000])
def test_an_outcome_the_same_for_everyone_has_no_standard_error(n):
    """Every value the same: refused, whatever n (the old code gave an SE of rounding noise,
    CI [3, 3] and p = 0, for n = 60, 100 and 1,000, and refused n = 128)."""
    y, t, policy = _constant(n)
    with pytest.raises(EstimationError, match="standard error is zero"):
        policy_value(y, t, policy)


@pytest.mark.parametrize("with_x", [False, True])
def test_one_number_per_group_under_a_policy_that_treats_everyone(with_x):
    """A 0/1 outcome, 1 for every treated and 0 for every control, treating everyone: the
    value is 1 with no variation, refused (the old code gave an SE of rounding noise)."""
    rng = np.random.default_rng(4)
    n = 300
    x = rng.normal(size=n)
    t = rng.random(n) < 0.4
    y = 0.1 + 0.2 * t
    X = x if with_x else None
    with pytest.raises(EstimationError, match="standard error is zero"):
        policy_value(y, t, np.ones(n), X=X)
    with pytest.raises(EstimationError, match="standard error is zero"):
        policy_difference(y, t, np.ones(n), np.zeros(n), X=X)
