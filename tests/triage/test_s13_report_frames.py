"""The evaluation results give their rows as tables, as every sparkus result does.

:class:`ClassMetrics`, :class:`ClassificationReport` and :class:`CrossValidationResult` had
``summary()`` and ``to_dict()`` but no ``to_frame()``; they now give one row per class (per fold
for cross-validation), indexed by ``class`` (``fold``), in pandas or polars.
"""

from __future__ import annotations

import numpy as np
import pytest

from sparkus.triage import cross_validate, evaluate, precision_recall_f1
from tests.triage.class_shares import ClassShares

pd = pytest.importorskip("pandas")

Y = ["a", "a", "b", "b", "c", "c"]
PROBA = np.array(
    [[0.6, 0.3, 0.1], [0.3, 0.5, 0.2], [0.2, 0.7, 0.1], [0.1, 0.6, 0.3], [0.1, 0.2, 0.7],
     [0.4, 0.2, 0.4]]
)  # fmt: skip
# Provenance: scikit-learn 1.9.1, with p = np.array(["a", "b", "c"])[PROBA.argmax(1)]:
#   classification_report(Y, p, output_dict=True, zero_division=0)[c] for c in "abc", and
#   roc_auc_score(Y, PROBA, multi_class="ovr", average=None)
SK_TABLE = {
    "precision": [0.5, 0.6666666666666666, 1.0],
    "recall": [0.5, 1.0, 0.5],
    "f1": [0.5, 0.8, 0.6666666666666666],
    "support": [2, 2, 2],
    "roc_auc": [0.875, 1.0, 1.0],
}


def test_classification_report_frame_matches_scikit_learn():
    """One row per class: precision, recall, F1, support and one-vs-rest AUC."""
    frame = evaluate(Y, PROBA, classes=["a", "b", "c"]).to_frame()
    assert frame.index.name == "class"
    assert frame.index.tolist() == ["a", "b", "c"]
    assert frame.columns.tolist() == list(SK_TABLE)
    for column, values in SK_TABLE.items():
        np.testing.assert_allclose(frame[column].to_numpy(), values, rtol=1e-15)


def test_class_metrics_frame_in_polars():
    """precision_recall_f1's result as a polars frame: the class comes first."""
    pytest.importorskip("polars")
    frame = precision_recall_f1(Y, np.array(["a", "b", "c"])[PROBA.argmax(1)]).to_frame(
        backend="polars"
    )
    assert frame.columns == ["class", "precision", "recall", "f1", "support"]
    assert frame["class"].to_list() == ["a", "b", "c"]
    np.testing.assert_allclose(frame["f1"].to_numpy(), SK_TABLE["f1"], rtol=1e-15)


@pytest.mark.filterwarnings("ignore::sparkus.SparkusWarning")  # the prior never predicts "b"
def test_cross_validation_frame_has_one_row_per_fold():
    """One row per fold, holding that fold's report figures."""

    y = np.repeat(["a", "b"], [9, 6])
    cv = cross_validate(ClassShares(), np.zeros((15, 1)), y, k=3, rng=0)
    frame = cv.to_frame()
    assert frame.index.tolist() == [0, 1, 2]
    assert frame["n"].tolist() == [r.n for r in cv.folds]
    assert frame["brier_score"].tolist() == [r.brier_score for r in cv.folds]
