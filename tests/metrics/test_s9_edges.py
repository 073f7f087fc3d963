"""Numbers at the edge: -0.0 is 0.0, ±1.7e308 scores rank, a bool is not a propensity."""

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.metrics import adjust_pvalues, design_rollout, policy_value, qini


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


@pytest.mark.parametrize("method", ["fdr_bh", "holm", "bonferroni"])
def test_adjusted_pvalue_of_negative_zero_is_zero(method: str) -> None:
    adjusted = adjust_pvalues([-0.0, 0.5], method=method)  # type: ignore[arg-type]
    assert not np.signbit(adjusted).any()


@pytest.mark.parametrize("flag", [True, np.bool_(False)])
def test_policy_propensity_of_a_bool_is_refused_as_such(flag: object) -> None:
    y, t, pol = np.array([1.0, 2, 3, 4]), np.array([0, 1, 0, 1]), np.array([0, 1, 1, 0])
    with pytest.raises(SchemaError, match=r"propensity: expected a probability .*got bool"):
        policy_value(y, t, pol, propensity=flag)  # type: ignore[arg-type]
