"""qini refuses a group of one person, and agrees with scikit-uplift from two per group.

Provenance: scikit-uplift 0.5.1 (``sklift.metrics.qini_curve``, ``qini_auc_score``,
``uplift_auc_score``), run live on the same data.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sparkus import EstimationError, SparkusError
from sparkus.metrics import qini


@pytest.mark.parametrize(
    ("treated", "counts"),
    [([1, 0, 0, 0, 0, 0], "1 treated and 5 control"), ([1, 1, 1, 1, 1, 0], "5 treated and 1")],
)
def test_a_group_of_one_is_refused(treated, counts):
    """One treated person (or one control) is an EstimationError saying how many each has."""
    with pytest.raises(EstimationError, match=rf"{counts}.*at least 2 people"):
        qini([1, 0, 1, 0, 1, 0], treated, [6.0, 5.0, 4.0, 3.0, 2.0, 1.0])


def _sklift(y, t, s):
    from sklift import metrics as m

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return m.qini_curve(y, s, t), m.qini_auc_score(y, s, t), m.uplift_auc_score(y, s, t)


@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.integers(0, 4)), max_size=12))
@example([(True, True, 3), (False, False, 2), (True, False, 1), (False, False, 0)])
def test_a_result_rests_on_two_people_per_group_and_equals_scikit_uplift(rows):
    """Any rows give a typed error or curves from at least two people per group, as sklift's."""
    y = np.array([r[0] for r in rows], dtype=int)
    t = np.array([r[1] for r in rows], dtype=int)
    s = np.array([float(r[2]) for r in rows])
    try:
        result = qini(y, t, s)
    except SparkusError:
        return
    assert min(result.n_treated, result.n - result.n_treated) >= 2
    (x, curve), q_auc, u_auc = _sklift(y, t, s)
    assert_allclose(result.targeted, x)
    assert_allclose(result.qini_curve, curve, atol=1e-12)
    assert result.coefficient == pytest.approx(q_auc, abs=1e-12)
    assert result.uplift_auc == pytest.approx(u_auc, abs=1e-12)
