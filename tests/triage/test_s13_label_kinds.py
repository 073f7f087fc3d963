"""Labels of different kinds (1 and "1", an Enum member and its text) are refused, not split.

``1`` and ``"1"`` never compare equal, yet print alike. The metrics that pair true with predicted
labels took them as separate classes (a wider confusion matrix with an empty diagonal, as when a
model predicts text codes for numeric truth), cross-validation handed them to the model (which
failed with a bare ValueError), and the ordinal model accepted an `order` listing both.
scikit-learn refuses the same input ("Mix of label input types").
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.triage import (
    OrdinalReadinessModel,
    ReadinessLevel,
    brier_score,
    confusion_matrix,
    cross_validate,
    precision_recall_f1,
)
from tests.triage.class_shares import ClassShares

R = ReadinessLevel
PROBA = [[0.8, 0.2], [0.4, 0.6], [0.5, 0.5]]


def _objects(*values: object) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


@pytest.mark.parametrize("door", [confusion_matrix, precision_recall_f1])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "field"),
    [
        ([1, 2, 1], ["1", "2", "1"], "y_pred[0]"),  # numeric truth, text predictions
        (np.array([1, 2, 1]), np.array(["1", "2", "1"]), "y_pred[0]"),
        ([1, "1", 2], [1, 1, 2], "y_true[1]"),  # one column holding both
        ([R.READY, R.EMERGING, R.READY], ["ready", "emerging", "ready"], "y_pred[0]"),
        ([1, 2, 0], [True, 2, 0], "y_pred"),  # True is 1: a flag among numbers
    ],
)
def test_paired_doors_refuse_labels_of_two_kinds(door, y_true, y_pred, field):
    """Numbers beside text, members beside text, or flags beside numbers: a SchemaError."""
    with pytest.raises(SchemaError) as info:
        door(y_true, y_pred)
    assert field in str(info.value)


def test_explicit_labels_of_two_kinds_are_refused():
    """An explicit `labels` listing 1 and "1" names the second one."""
    with pytest.raises(SchemaError, match=r"labels\[1\]: holds text"):
        confusion_matrix([1, 1], [1, 1], labels=[1, "1"])


@pytest.mark.parametrize(
    ("y_true", "classes", "field"),
    [(_objects(1, "1", 1), [1, "1"], "y_true[1]"), ([1, 1, 2], [1, "2"], "classes[1]")],
)
def test_probabilistic_doors_refuse_labels_of_two_kinds(y_true, classes, field):
    """`classes` (or `y_true`) holding 1 and "1" is refused: two columns that print alike."""
    with pytest.raises(SchemaError) as info:
        brier_score(y_true, PROBA, classes=classes)
    assert field in str(info.value)


@pytest.mark.parametrize("labels", [_objects(1, "1", 2), _objects(True, 2, 0)])
def test_cross_validate_refuses_labels_of_two_kinds(labels):
    """Cross-validation refuses them at its door, before any model sees them."""
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = labels[np.arange(60) % 3]
    with pytest.raises(SchemaError, match=r"\by\b"):
        cross_validate(ClassShares(), X, y, k=3, rng=0)


def test_ordinal_order_of_two_kinds_is_refused():
    """OrdinalReadinessModel(order=[1, "1", 2]) is refused: two levels that print alike."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 1))
    y = _objects(1, "1", 2)[np.arange(30) % 3]
    with pytest.raises(SchemaError, match=r"order: mixes text and numbers"):
        OrdinalReadinessModel(order=[1, "1", 2]).fit(X, y)


POOLS = ([0, 1, 2], [0.0, 1.0, 2.0], [False, True], ["0", "1", "a"])


@pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")  # scikit-learn's
@given(st.data())
def test_paired_doors_agree_with_scikit_learn_or_refuse(data):
    """Each side of one kind (numbers, flags or text): scikit-learn's matrix, or refused.

    Where scikit-learn refuses (a "mix of label input types": text on one side, numbers on the
    other), sparkus does too; where it answers, sparkus gives the same matrix.
    """
    metrics = pytest.importorskip("sklearn.metrics")
    n = data.draw(st.integers(1, 8))
    y_true, y_pred = (
        data.draw(st.lists(st.sampled_from(data.draw(st.sampled_from(POOLS))), min_size=n,
                           max_size=n))
        for _ in range(2)
    )  # fmt: skip
    mixed = {isinstance(v, str) for v in y_true + y_pred} == {True, False}
    if mixed:
        with pytest.raises(ValueError, match="Mix of label input types"):
            metrics.confusion_matrix(y_true, y_pred)
        with pytest.raises(SchemaError, match="labels of different kinds never match"):
            confusion_matrix(y_true, y_pred)
    else:
        expected = metrics.confusion_matrix(y_true, y_pred)
        np.testing.assert_array_equal(confusion_matrix(y_true, y_pred), expected)


@pytest.mark.parametrize("kind", ["index", "series", "polars"])
def test_classes_given_as_a_frames_columns(kind: str) -> None:
    """``classes=proba.columns`` (a pandas Index) or a Series of them is a list of classes; it
    was refused as "not a sequence". Brier score by its definition: the mean over rows of the
    squared distances, ((0.2 - 0)^2 + (0.8 - 1)^2 + (0.7 - 1)^2 + (0.3 - 0)^2) / 2 = 0.13."""
    import pandas as pd

    proba = pd.DataFrame([[0.2, 0.8], [0.7, 0.3]], columns=["a", "b"])
    if kind == "polars":
        pl = pytest.importorskip("polars")
        classes: object = pl.Series(["a", "b"])
    else:
        classes = proba.columns if kind == "index" else pd.Series(["a", "b"])
    assert brier_score(["b", "a"], proba, classes=classes) == pytest.approx(0.13, rel=1e-15)
