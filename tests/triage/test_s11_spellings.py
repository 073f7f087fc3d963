"""One class written several ways is refused wherever triage derives classes from labels.

An export spells a class ``"Ready"`` in one row and ``"ready "`` in another. The logistic model,
cross-validation and the metrics used to take them as separate classes (one more column of
probabilities, one more row of the confusion matrix), silently, and so did the ordinal model
given an `order` that listed both; the ordinal model reading the order from `y`, and the
audit, already refused them.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus import SchemaError
from sparkus.triage import (
    LogisticReadinessModel,
    OrdinalReadinessModel,
    brier_score,
    confusion_matrix,
    cross_validate,
    evaluate,
    precision_recall_f1,
)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.array(["emerging", "ready", "Ready", "ready "], dtype=object)[np.arange(60) % 4]
    return X, y


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda X, y: LogisticReadinessModel().fit(X, y), "y"),
        (lambda X, y: LogisticReadinessModel().fit(X, y.astype(str)), "y"),
        (lambda X, y: cross_validate(LogisticReadinessModel(), X, y, k=2, rng=0), "y"),
        (
            lambda X, y: OrdinalReadinessModel(order=["emerging", "ready", "Ready"]).fit(
                X, np.where(y == "ready ", "ready", y)
            ),
            "order",
        ),
        (lambda X, y: confusion_matrix(y, np.full(len(y), "emerging")), "y_true"),
        (lambda X, y: confusion_matrix(np.full(len(y), "ready"), y), "y_pred"),
        # each input alone is written one way: y_pred spells y_true's label another way
        (lambda X, y: confusion_matrix(["ready", "emerging"], ["Ready", "emerging"]), "y_pred"),
        (lambda X, y: precision_recall_f1(["ready", "emerging"], ["READY", "emerging"]), "y_pred"),
        (
            lambda X, y: evaluate(
                ["ready", "Ready"], [[1.0, 0.0], [0.0, 1.0]], classes=["ready", "Ready"]
            ),
            "classes",
        ),
        (
            lambda X, y: brier_score(["a", "b"], [[1.0, 0.0], [0.0, 1.0]], classes=["a", "A "]),
            "classes",
        ),
    ],
    ids=[
        "logistic",
        "logistic-str",
        "cross_validate",
        "ordinal-order",
        "confusion-true",
        "confusion-pred",
        "confusion-across",
        "prf-across",
        "evaluate-classes",
        "brier-classes",
    ],
)
def test_one_class_written_several_ways_is_refused(data, call, field):
    """Labels that differ only in case or white space are a SchemaError naming the field."""
    X, y = data
    with pytest.raises(SchemaError, match=f"{field}: holds labels that differ only in case"):
        call(X, y)
