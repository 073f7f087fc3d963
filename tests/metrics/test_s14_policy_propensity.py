"""A known propensity given as one number to ``policy_value``: checked as a probability.

References: none needed (input validation); each case names what the old code raised.
"""

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import policy_difference, policy_value


@pytest.mark.parametrize(
    ("propensity", "match"),
    [
        (np.complex128(0.5), "propensity: expected numbers, got an array of dtype complex"),
        (10**400, r"propensity: expected a probability in \(0, 1\)"),
    ],
    ids=[
        "numpy complex (was a ComplexWarning, or 0.5 silently)",
        "int past 1e308 (was OverflowError)",
    ],
)
def test_one_number_that_is_no_probability_is_a_schema_error(propensity, match):
    """A complex number or an int past the float range: a SchemaError naming `propensity`."""
    y = np.array([1.0, 2.0, 3.0, 4.0, 2.5, 0.5])
    t = np.array([0, 1, 0, 1, 1, 0])
    policy = np.array([0, 1, 1, 0, 1, 0])
    with pytest.raises(SchemaError, match=match):
        policy_value(y, t, policy, propensity=propensity)
    with pytest.raises(SchemaError, match=match):
        policy_difference(y, t, policy, 1 - policy, propensity=propensity)
