"""Numbers at the edge in rollouts and uplift: -0.0 is 0.0, and ±1.7e308 scores rank."""

import numpy as np

from sparkus.metrics import design_rollout, qini


def test_rollout_negative_zero_is_zero():
    """-0.0 and 0.0 are one stratum and one team, as they are one number."""
    values = [0.0, -0.0, 0.0, -0.0, 1.0, 1.0]
    design = design_rollout({"s": values}, waves=2, strata="s", rng=1)
    assert design.strata == ("0.0", "1.0")
    assert design_rollout({"s": values}, waves=2, cluster="s", rng=1).units == ("0.0", "1.0")


def test_qini_scores_at_the_ends_of_the_float_range():
    """Scores of ±1.7e308 rank as ±1 do, without an overflow warning (errors under pytest)."""
    y, treated = [1, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, 0]
    huge = qini(y, treated, [1.7e308, -1.7e308, 1.7e308, -1.7e308, 1.7e308, -1.7e308])
    plain = qini(y, treated, [1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    assert (huge.coefficient, huge.uplift_auc) == (plain.coefficient, plain.uplift_auc)
    np.testing.assert_array_equal(huge.qini_curve, plain.qini_curve)
