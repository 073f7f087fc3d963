"""Group labels that are equal but written apart: True beside 1, and -0.0 beside 0.0.

One rule in the shared core (``sparkus._labels``), applied at every door that counts labels
apart: booleans beside numbers are refused naming their rows (``True == 1``, so counted apart
they were one group, named after whichever came first); ``-0.0`` and ``0.0`` are one label,
named ``0.0``.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus._checks import as_array, mixed_labels
from sparkus._privacy import distinct_groups
from sparkus.metrics import design_rollout, ols, subgroup_effects
from sparkus.triage import audit

N = 40
RNG = np.random.default_rng(3)
Y = RNG.normal(size=N)
TREATED = np.tile([0, 1], N // 2)
FLAGS_AND_NUMBERS = [True] * 10 + [1] * 10 + [2] * 20  # numpy alone reads True as 1


@pytest.mark.parametrize(
    "door",
    [
        lambda labels: subgroup_effects(Y, TREATED, labels),
        lambda labels: audit(TREATED.astype(bool), labels, min_group_size=2),
        lambda labels: design_rollout({"site": labels, "x": Y}, waves=2, strata="site", rng=1),
        lambda labels: ols(Y, TREATED, cov="CR1", clusters=labels),
    ],
    ids=["subgroup_effects", "audit", "design_rollout strata", "ols clusters"],
)
@pytest.mark.parametrize(
    "given",
    [FLAGS_AND_NUMBERS, tuple(FLAGS_AND_NUMBERS), np.array(FLAGS_AND_NUMBERS, dtype=object)],
    ids=["list", "tuple", "object array"],
)
def test_booleans_beside_numbers_are_no_group_labels(door, given):
    """True among 1s and 2s is refused, naming the first of its rows, not merged with 1."""
    with pytest.raises(SchemaError) as info:
        door(given)
    named = [
        p for p in info.value.problems if "rows 0, 1" in p.message or p.location == "groups[0]"
    ]
    assert named, info.value


def test_the_rule_names_the_boolean_rows_and_a_number():
    """The message lists the booleans' rows and one number's row; booleans alone are labels."""
    array = as_array([1, True, 2, False, np.True_], "groups")
    assert array.dtype == object
    assert array.tolist()[1] is True  # not rewritten as 1
    message = mixed_labels(array)
    assert message is not None
    assert "booleans in rows 1, 3, 4; the number 1 in row 0" in message
    assert mixed_labels(as_array([True, False, True], "groups")) is None
    assert mixed_labels(as_array([1, float("nan"), 2], "groups")) is None
    assert mixed_labels(np.array([True, None], dtype=object)) is None  # missing: the caller's


@pytest.mark.parametrize(
    "labels",
    [
        np.array([-0.0, 0.0, 1.5, -0.0]),
        np.array([0.0, -0.0, 1.5, -0.0]),
        np.array([-0.0, 0.0, 1.5, np.float64(-0.0)], dtype=object),
        np.array([np.float32(-0.0), 0.0, 1.5, -0.0], dtype=object),
    ],
    ids=["floats, -0.0 first", "floats, 0.0 first", "objects", "numpy scalars"],
)
def test_a_signed_zero_is_the_group_zero_whichever_comes_first(labels):
    """-0.0 and 0.0 are one group, named 0.0, in whatever order they arrive."""
    signs = np.signbit(labels.astype(np.float64))
    names, codes = distinct_groups(labels)
    assert [str(g) for g in names] == ["0.0", "1.5"]
    assert codes.tolist() == [0, 0, 1, 0]
    np.testing.assert_array_equal(np.signbit(labels.astype(np.float64)), signs)  # not mutated


def test_a_classifier_refuses_booleans_beside_numbers_as_classes():
    """[True, 1, 0] gave classes [0, True]: True and 1 one class under the first name seen."""
    from sparkus.triage import LogisticReadinessModel

    X = np.random.default_rng(0).normal(size=(40, 2))
    with pytest.raises(SchemaError, match="mixes booleans and numbers"):
        LogisticReadinessModel().fit(X, [True] * 10 + [1] * 10 + [0] * 20)
