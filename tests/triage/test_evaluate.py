"""Tests of the evaluation metrics of sparkus.triage."""

from __future__ import annotations

import enum
import json
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus._errors import EstimationError, SchemaError, SparkusWarning
from sparkus.triage._evaluate import (
    brier_score,
    confusion_matrix,
    evaluate,
    expected_calibration_error,
    precision_recall_f1,
    roc_auc_ovr,
)
from sparkus.triage._scores import ClassificationReport, ClassMetrics

CLASSES = np.array(["emerging", "ready", "resistant"])
PALETTE = np.array(
    [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.4, 0.4, 0.2], [1 / 3, 1 / 3, 1 / 3]]
)


def _data(seed: int = 20240601, n: int = 120):
    """Seeded labels, calibrated probabilities, noisy predictions and heavily tied probabilities."""
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet([1.0, 1.0, 1.0], size=n)
    u = rng.random(n)
    y = CLASSES[(u[:, None] > np.cumsum(proba, axis=1)).sum(axis=1).clip(0, 2)]
    noisy = proba + rng.normal(scale=0.2, size=proba.shape)
    y_pred = CLASSES[noisy.argmax(axis=1)]
    tied = PALETTE[np.where(rng.random(n) < 0.7, proba.argmax(axis=1), rng.integers(3, 5, size=n))]
    return y, proba, y_pred, tied


# Provenance of the pinned values below: scikit-learn 1.9.1 (numpy 2.4.6), computed once on
# `y, proba, y_pred, tied = _data()` (seed 20240601, n = 120) with
#   sklearn.metrics.confusion_matrix(y, y_pred, labels=CLASSES)
#   sklearn.metrics.precision_recall_fscore_support(y, y_pred, labels=CLASSES, zero_division=0.0)
#   sklearn.metrics.f1_score(y, y_pred, average="macro")
#   sklearn.metrics.brier_score_loss(y, P, labels=CLASSES, scale_by_half=False), P in (proba, tied)
#   sklearn.metrics.roc_auc_score(y, P, multi_class="ovr", average=A), A in ("macro", "weighted")
SK_CONFUSION = [[20, 9, 7], [7, 22, 14], [9, 11, 21]]
SK_PRECISION = [0.5555555555555556, 0.5238095238095238, 0.5]
SK_RECALL = [0.5555555555555556, 0.5116279069767442, 0.5121951219512195]
SK_F1 = [0.5555555555555556, 0.5176470588235295, 0.5060240963855421]
SK_SUPPORT = [36, 43, 41]
SK_MACRO_F1 = 0.5264089035882091
SK_BRIER = 0.5540517981992742
SK_BRIER_TIED = 0.6235
SK_AUC_MACRO = 0.7531932374234046
SK_AUC_WEIGHTED = 0.7508390870732643
SK_AUC_TIED_MACRO = 0.6861529636533167
SK_AUC_TIED_WEIGHTED = 0.6849283979030816


# ---- agreement with scikit-learn ---------------------------------------------------------------


def test_confusion_matrix_matches_pinned_sklearn():
    """confusion_matrix equals scikit-learn 1.9.1's on the seeded data."""
    y, _, y_pred, _ = _data()
    assert confusion_matrix(y, y_pred).tolist() == SK_CONFUSION


def test_precision_recall_f1_matches_pinned_sklearn():
    """Per-class precision, recall, F1, support and macro F1 equal scikit-learn 1.9.1's."""
    y, _, y_pred, _ = _data()
    m = precision_recall_f1(y, y_pred)
    assert m.labels == tuple(CLASSES)
    np.testing.assert_allclose(m.precision, SK_PRECISION, rtol=1e-12)
    np.testing.assert_allclose(m.recall, SK_RECALL, rtol=1e-12)
    np.testing.assert_allclose(m.f1, SK_F1, rtol=1e-12)
    assert m.support.tolist() == SK_SUPPORT
    assert m.macro_f1 == pytest.approx(SK_MACRO_F1, rel=1e-12)


def test_brier_score_matches_pinned_sklearn():
    """brier_score equals brier_score_loss(..., scale_by_half=False) of scikit-learn 1.9.1."""
    y, proba, _, tied = _data()
    assert brier_score(y, proba, classes=CLASSES) == pytest.approx(SK_BRIER, rel=1e-12)
    assert brier_score(y, tied, classes=CLASSES) == pytest.approx(SK_BRIER_TIED, rel=1e-12)


def test_roc_auc_matches_pinned_sklearn_with_and_without_ties():
    """Macro and weighted one-vs-rest AUC equal scikit-learn 1.9.1's, also with many ties."""
    y, proba, _, tied = _data()
    assert roc_auc_ovr(y, proba, classes=CLASSES) == pytest.approx(SK_AUC_MACRO, rel=1e-12)
    weighted = roc_auc_ovr(y, proba, classes=CLASSES, average="weighted")
    assert weighted == pytest.approx(SK_AUC_WEIGHTED, rel=1e-12)
    assert roc_auc_ovr(y, tied, classes=CLASSES) == pytest.approx(SK_AUC_TIED_MACRO, rel=1e-12)
    weighted = roc_auc_ovr(y, tied, classes=CLASSES, average="weighted")
    assert weighted == pytest.approx(SK_AUC_TIED_WEIGHTED, rel=1e-12)


@pytest.mark.parametrize(("seed", "n_classes"), [(1, 2), (2, 3), (3, 4)])
def test_live_agreement_with_installed_sklearn(seed, n_classes):
    """Every metric with a scikit-learn counterpart agrees with the installed scikit-learn."""
    import sklearn.metrics as sk

    rng = np.random.default_rng(seed)
    n = 200
    proba = np.round(rng.dirichlet(np.ones(n_classes), size=n), 2)  # rounding makes ties
    proba[:, -1] = 1.0 - proba[:, :-1].sum(axis=1)
    proba = np.clip(proba, 0.0, 1.0)
    proba /= proba.sum(axis=1, keepdims=True)
    y = (rng.random(n)[:, None] > np.cumsum(proba, axis=1)).sum(axis=1).clip(0, n_classes - 1)
    y_pred = np.where(rng.random(n) < 0.3, rng.integers(0, n_classes, n), proba.argmax(axis=1))
    classes = list(range(n_classes))
    np.testing.assert_array_equal(
        confusion_matrix(y, y_pred, labels=classes),
        sk.confusion_matrix(y, y_pred, labels=classes),
    )
    m = precision_recall_f1(y, y_pred, labels=classes)
    p, r, f, s = sk.precision_recall_fscore_support(y, y_pred, labels=classes, zero_division=0.0)
    np.testing.assert_allclose([m.precision, m.recall, m.f1], [p, r, f], rtol=1e-12)
    np.testing.assert_array_equal(m.support, s)
    expected = sk.brier_score_loss(y, proba, labels=classes, scale_by_half=False)
    assert brier_score(y, proba, classes=classes) == pytest.approx(expected, rel=1e-12)
    if n_classes == 2:  # sklearn's default halves the binary score; sparkus never does
        halved = sk.brier_score_loss(y, proba[:, 1])
        assert brier_score(y, proba, classes=classes) == pytest.approx(2 * halved, rel=1e-12)
        binary = sk.roc_auc_score(y, proba[:, 1])
        assert roc_auc_ovr(y, proba, classes=classes) == pytest.approx(binary, rel=1e-12)
    else:
        for average in ("macro", "weighted"):
            expected = sk.roc_auc_score(y, proba, multi_class="ovr", average=average)
            got = roc_auc_ovr(y, proba, classes=classes, average=average)
            assert got == pytest.approx(expected, rel=1e-12)


def test_binary_auc_reads_the_second_column_whose_ties_the_first_would_break():
    """Two classes have one AUC: scikit-learn's ``roc_auc_score(y, proba[:, 1])``. The first
    column, one minus the second only up to rounding, used to break the second's ties and
    move the AUC by up to a tie's share (0.0032 off on one such draw)."""
    import sklearn.metrics as sk

    rng = np.random.default_rng(0)
    p = np.round(rng.random(50) * 0.98 + 0.01, 2)  # rounded: many ties
    proba = np.c_[1.0 - p + rng.normal(0.0, 1e-10, 50), p]  # rows sum to 1 within tolerance
    y = rng.integers(0, 2, 50)
    expected = sk.roc_auc_score(y, p)
    assert roc_auc_ovr(y, proba, classes=[0, 1]) == pytest.approx(expected, rel=1e-15)
    report = evaluate(y, proba, classes=[0, 1])
    np.testing.assert_array_equal(report.roc_auc_per_class, [expected, expected])


# ---- confusion matrix and per-class metrics ----------------------------------------------------


def test_confusion_matrix_rows_are_true_columns_predicted():
    """Entry [i, j] counts rows of true class i predicted as class j."""
    cm = confusion_matrix(["a", "a", "a", "b"], ["b", "b", "a", "a"])
    assert cm.tolist() == [[1, 2], [1, 0]]


def test_confusion_matrix_explicit_labels_set_order_and_keep_empty_classes():
    """Explicit labels fix the order and keep classes that never occur."""
    cm = confusion_matrix([2, 1], [1, 1], labels=[2, 1, 0])
    assert cm.tolist() == [[0, 1, 0], [0, 1, 0], [0, 0, 0]]


class _Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


def test_default_labels_of_enum_members_follow_definition_order():
    """Enum labels are ordered as the enum defines them, not alphabetically."""
    m = precision_recall_f1([_Colour.BLUE, _Colour.RED], [_Colour.BLUE, _Colour.RED])
    assert m.labels == (_Colour.RED, _Colour.BLUE)


def test_precision_zero_division_warns_naming_the_class():
    """A class never predicted gets precision 0.0 and a SparkusWarning naming it."""
    with pytest.warns(SparkusWarning, match=r"precision .* class 'c'"):
        m = precision_recall_f1(["a", "b", "c"], ["a", "b", "a"])
    assert m.precision.tolist() == [0.5, 1.0, 0.0]
    assert m.recall.tolist() == [1.0, 1.0, 0.0]
    assert m.f1[2] == 0.0


def test_recall_and_f1_zero_division_warn_for_an_absent_class():
    """A listed class that neither occurs nor is predicted warns for recall and F1."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = precision_recall_f1(["a", "b"], ["a", "b"], labels=["a", "b", "z"])
    messages = [str(w.message) for w in caught if issubclass(w.category, SparkusWarning)]
    assert any("recall" in msg and "'z'" in msg for msg in messages)
    assert any(msg.startswith("F1") and "'z'" in msg for msg in messages)
    assert m.f1.tolist() == [1.0, 1.0, 0.0]
    assert m.macro_f1 == pytest.approx(2 / 3)


def test_class_metrics_result_behaves_like_a_result():
    """ClassMetrics has a one-line repr, a summary table and a JSON-ready dict."""
    m = precision_recall_f1(["a", "b", "b"], ["a", "b", "b"])
    assert isinstance(m, ClassMetrics)
    assert "\n" not in repr(m)
    assert "macro_f1=1.0000" in repr(m)
    assert "precision" in m.summary()
    json.dumps(m.to_dict())
    assert "<table>" in m._repr_html_()


# ---- Brier and calibration ---------------------------------------------------------------------


def test_brier_score_is_zero_when_certain_and_right_and_two_when_certain_and_wrong():
    """The Brier score spans [0, 2]: 0 for certain and right, 2 for certain and wrong."""
    assert brier_score(["a", "b"], [[1, 0], [0, 1]], classes=["a", "b"]) == 0.0
    assert brier_score(["a", "b"], [[0, 1], [1, 0]], classes=["a", "b"]) == 2.0


def test_ece_hand_computed_example():
    """ECE on six rows matches a hand computation with ten equal-width bins."""
    y = ["a", "a", "b", "b", "a", "b"]
    proba = [[0.95, 0.05], [0.85, 0.15], [0.9, 0.1], [0.35, 0.65], [0.4, 0.6], [0.45, 0.55]]
    # confidences 0.95, 0.85, 0.9, 0.65, 0.6, 0.55; correct 1, 1, 0, 1, 0, 1
    # bin (0.9, 1]: {0.95}      acc 1   conf 0.95  -> 1/6 * 0.05
    # bin (0.8, 0.9]: {0.85, 0.9} acc 1/2 conf 0.875 -> 2/6 * 0.375
    # bin (0.6, 0.7]: {0.65}    acc 1   conf 0.65  -> 1/6 * 0.35
    # bin (0.5, 0.6]: {0.6, 0.55} acc 1/2 conf 0.575 -> 2/6 * 0.075
    expected = (0.05 + 2 * 0.375 + 0.35 + 2 * 0.075) / 6  # = 1.3 / 6
    got = expected_calibration_error(y, proba, classes=["a", "b"])
    assert got == pytest.approx(expected, abs=1e-12)


def test_ece_one_bin_is_accuracy_minus_mean_confidence():
    """With one bin the ECE is |accuracy - mean confidence|."""
    y, proba, _, _ = _data()
    codes = np.searchsorted(CLASSES, y)
    expected = abs(np.mean(proba.argmax(axis=1) == codes) - proba.max(axis=1).mean())
    got = expected_calibration_error(y, proba, classes=CLASSES, n_bins=1)
    assert got == pytest.approx(expected, abs=1e-12)


def test_ece_of_a_constant_prediction_is_the_confidence_gap():
    """Always 70% on 'a' when 'a' is right half the time gives ECE 0.7 - 0.5 = 0.2."""
    y = ["a", "b"] * 50
    proba = [[0.7, 0.3]] * 100
    assert expected_calibration_error(y, proba, classes=["a", "b"]) == pytest.approx(0.2)


def test_ece_of_a_calibrated_model_tends_to_zero():
    """Labels drawn from the predicted probabilities give an ECE near 0 on many rows."""
    rng = np.random.default_rng(11)
    n = 200_000
    proba = rng.dirichlet([1.0, 2.0, 3.0], size=n)
    y = (rng.random(n)[:, None] > np.cumsum(proba, axis=1)).sum(axis=1).clip(0, 2)
    assert expected_calibration_error(y, proba, classes=[0, 1, 2]) < 0.01


def test_ece_counts_a_confidence_on_an_edge_in_the_lower_bin():
    """A confidence of exactly 0.3 falls in the bin (0.2, 0.3], not (0.3, 0.4]."""
    # four classes; row 0: confidence 0.3 (0.3 * 10 is 3.0000000000000004 in floating point),
    # correct; row 1: confidence 0.4, wrong. Had row 0 landed in (0.3, 0.4] with row 1, the ECE
    # would be |0.5 - 0.35| = 0.15, as it is with 5 bins, where (0.2, 0.4] holds both.
    proba = [[0.3, 0.25, 0.25, 0.2], [0.4, 0.2, 0.2, 0.2]]
    y = ["a", "b"]
    # rows in separate bins: |1 - 0.3| / 2 + |0 - 0.4| / 2 = 0.55
    got = expected_calibration_error(y, proba, classes=["a", "b", "c", "d"])
    assert got == pytest.approx(0.55)
    got = expected_calibration_error(y, proba, classes=["a", "b", "c", "d"], n_bins=5)
    assert got == pytest.approx(0.15)


# ---- ROC AUC ------------------------------------------------------------------------------------


def test_auc_is_one_when_perfect_and_half_when_all_tied():
    """Perfect separation gives AUC 1; identical scores give 0.5."""
    y = ["a", "a", "b", "b"]
    perfect = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]]
    assert roc_auc_ovr(y, perfect, classes=["a", "b"]) == 1.0
    assert roc_auc_ovr(y, [[0.5, 0.5]] * 4, classes=["a", "b"]) == 0.5


def test_auc_equals_the_mann_whitney_statistic_with_ties():
    """The binary AUC equals scipy's Mann-Whitney U over n1 * n2, ties included."""
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(5)
    score = rng.integers(0, 5, size=60) / 4.0
    y = (rng.random(60) < 0.3 + 0.4 * score).astype(int)
    proba = np.column_stack([1 - score, score])
    u = mannwhitneyu(score[y == 1], score[y == 0]).statistic
    expected = u / ((y == 1).sum() * (y == 0).sum())
    assert roc_auc_ovr(y, proba, classes=[0, 1]) == pytest.approx(expected, rel=1e-12)


def test_auc_of_a_class_absent_from_y_true_is_an_estimation_error():
    """A class with no true rows has no one-vs-rest AUC; the error names it."""
    with pytest.raises(EstimationError, match="'c'"):
        roc_auc_ovr(["a", "b"], [[0.5, 0.3, 0.2], [0.2, 0.5, 0.3]], classes=["a", "b", "c"])


def test_auc_unknown_average_lists_the_allowed_values():
    """An unknown `average` is a SchemaError listing 'macro' and 'weighted'."""
    with pytest.raises(SchemaError, match="'macro', 'weighted'") as info:
        roc_auc_ovr(["a", "b"], [[1, 0], [0, 1]], classes=["a", "b"], average="micro")
    assert info.value.problems[0].path == ("average",)


@given(st.data())
def test_metrics_do_not_depend_on_row_order(data):
    """Permuting rows changes none of the metrics."""
    seed = data.draw(st.integers(0, 2**16))
    y, proba, _, _ = _data(seed=seed, n=40)
    if len(set(y)) < 3:
        return
    perm = np.random.default_rng(seed + 1).permutation(len(y))
    for f in (brier_score, expected_calibration_error, roc_auc_ovr):
        assert f(y[perm], proba[perm], classes=CLASSES) == pytest.approx(
            f(y, proba, classes=CLASSES), abs=1e-12
        )


# ---- evaluate -----------------------------------------------------------------------------------


def test_evaluate_holds_the_same_numbers_as_the_single_metrics():
    """The report's fields equal the individual functions on the argmax predictions."""
    y, proba, _, _ = _data()
    report = evaluate(y, proba, classes=CLASSES)
    y_hat = CLASSES[proba.argmax(axis=1)]
    assert isinstance(report, ClassificationReport)
    assert report.n == len(y)
    np.testing.assert_array_equal(report.confusion_matrix, confusion_matrix(y, y_hat))
    m = precision_recall_f1(y, y_hat)
    np.testing.assert_array_equal(report.per_class.f1, m.f1)
    assert report.macro_f1 == m.macro_f1
    assert report.accuracy == pytest.approx(np.mean(y_hat == y))
    assert report.brier_score == brier_score(y, proba, classes=CLASSES)
    assert report.ece == expected_calibration_error(y, proba, classes=CLASSES)
    assert report.roc_auc == roc_auc_ovr(y, proba, classes=CLASSES)
    assert report.roc_auc_per_class.mean() == pytest.approx(report.roc_auc)


def test_evaluate_report_prints_serialises_and_renders():
    """summary(), to_dict() (JSON-ready), _repr_html_ and a one-line repr all work."""
    y, proba, _, _ = _data()
    report = evaluate(y, proba, classes=CLASSES)
    text = report.summary()
    for title in ("Overall", "Per-class metrics", "Confusion matrix", "resistant"):
        assert title in text
    payload = json.loads(json.dumps(report.to_dict()))
    assert payload["confusion_matrix"] == report.confusion_matrix.tolist()
    assert payload["per_class"]["support"] == report.per_class.support.tolist()
    assert "\n" not in repr(report)
    assert repr(report).startswith("ClassificationReport(n=120, macro_f1=")
    assert "<table>" in report._repr_html_()


def test_report_arrays_are_read_only():
    """The arrays of a frozen result cannot be written into."""
    y, proba, _, _ = _data()
    report = evaluate(y, proba, classes=CLASSES)
    with pytest.raises(ValueError, match="read-only"):
        report.confusion_matrix[0, 0] = 99


# ---- bad input ----------------------------------------------------------------------------------


def test_mismatched_lengths_name_the_field():
    """y_true and y_pred (or proba) of different lengths are a SchemaError naming the field."""
    with pytest.raises(SchemaError) as info:
        confusion_matrix(["a", "b"], ["a"])
    assert info.value.problems[0].path == ("y_pred",)
    with pytest.raises(SchemaError, match="has 1 rows but `y_true` has 2") as info:
        brier_score(["a", "b"], [[1.0, 0.0]], classes=["a", "b"])
    assert info.value.problems[0].path == ("proba",)


def test_rows_not_summing_to_one_are_named():
    """Each probability row that does not sum to 1 within 1e-6 is named by its index."""
    proba = [[0.5, 0.5], [0.5, 0.6], [0.5, 0.5 + 1e-7], [0.2, 0.7]]
    with pytest.raises(SchemaError) as info:
        brier_score(["a"] * 4, proba, classes=["a", "b"])
    paths = [p.path for p in info.value.problems]
    assert ("proba", 1) in paths
    assert ("proba", 3) in paths
    assert ("proba", 2) not in paths
    assert "sums to 1.1" in str(info.value)


def test_probabilities_outside_zero_one_or_nan_are_named():
    """A negative, above-one or NaN probability is a SchemaError naming the row."""
    proba = [[-0.1, 1.1], [0.5, 0.5], [np.nan, 1.0]]
    with pytest.raises(SchemaError, match=r"outside \[0, 1\]") as info:
        roc_auc_ovr(["a", "b", "a"], proba, classes=["a", "b"])
    assert {p.path for p in info.value.problems} >= {("proba", 0), ("proba", 2)}


def test_many_bad_rows_are_listed_then_counted():
    """Past twenty offending rows, the error counts the rest instead of listing them."""
    proba = np.full((30, 2), 0.6)
    with pytest.raises(SchemaError, match="and 10 more rows") as info:
        brier_score(["a"] * 30, proba, classes=["a", "b"])
    assert sum(len(p.path) == 2 for p in info.value.problems) == 20


def test_labels_outside_classes_are_named():
    """A true label not in `classes` is a SchemaError naming the row and the label."""
    with pytest.raises(SchemaError, match="'x' is not one of `classes`") as info:
        evaluate(["a", "x", "b"], [[1, 0], [0.5, 0.5], [0, 1]], classes=["a", "b"])
    assert info.value.problems[0].path == ("y_true", 1)
    with pytest.raises(SchemaError, match="'q' is not one of `labels`"):
        confusion_matrix(["a"], ["q"], labels=["a"])


@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param(lambda: confusion_matrix([], []), "y_true", id="empty-labels"),
        pytest.param(
            lambda: brier_score([], np.zeros((0, 2)), classes=["a", "b"]), "y_true", id="empty"
        ),
        pytest.param(lambda: brier_score(["a"], [[1.0]], classes=["a"]), "classes", id="one"),
        pytest.param(
            lambda: brier_score(["a"], [[1.0, 0.0]], classes=["a", "a"]), "classes", id="dupe"
        ),
        pytest.param(lambda: brier_score(["a"], [1.0, 0.0], classes=["a", "b"]), "proba", id="1d"),
        pytest.param(
            lambda: brier_score([None], [[1.0, 0.0]], classes=["a", "b"]), "y_true", id="none"
        ),
        pytest.param(
            lambda: expected_calibration_error(["a"], [[1, 0]], classes="ab"), "classes", id="str"
        ),
        pytest.param(
            lambda: expected_calibration_error(["a"], [[1, 0]], classes=["a", "b"], n_bins=0),
            "n_bins",
            id="zero-bins",
        ),
        pytest.param(
            lambda: evaluate(["a"], [[1, 0]], classes=["a", "b"], n_bins=2.5),
            "n_bins",
            id="float-bins",
        ),
    ],
)
def test_bad_input_is_a_schema_error_naming_the_field(call, field):
    """Empty input, too few or duplicate classes, wrong shapes and bad options name the field."""
    with pytest.raises(SchemaError) as info:
        call()
    assert info.value.problems[0].path[0] == field


@pytest.mark.parametrize(
    ("y_true", "says"),
    [
        (
            ["low", "low", "mid", "mid"],
            "class 'high' is undefined: no row of `y_true` belongs to it; ",
        ),
        (["low"] * 4, "classes 'mid', 'high' are undefined"),
    ],
)
def test_an_absent_class_is_named_in_a_sentence(y_true, says):
    proba = np.full((4, 3), 1 / 3)
    with pytest.raises(EstimationError) as info:
        roc_auc_ovr(y_true, proba, classes=["low", "mid", "high"])
    assert says in str(info.value)


# ---- fuzz report 3: missing markers, huge ints and text in labels and probabilities ----------


def _marker(name: str) -> object:
    """A missing marker by name (pandas imported only when a test asks for one of its own)."""
    if name == "np.NaT":
        return np.datetime64("NaT")
    if name == "None":
        return None
    pd = pytest.importorskip("pandas")
    return {"pd.NA": pd.NA, "pd.NaT": pd.NaT}[name]


@pytest.mark.parametrize("name", ["pd.NA", "pd.NaT", "np.NaT", "None"])
def test_every_missing_marker_is_a_missing_label(name):
    """pd.NA, NaT (pandas' and numpy's) and None are missing labels, in y_true and y_pred."""
    y = np.array(["a", "b", _marker(name)], dtype=object)
    with pytest.raises(SchemaError, match=r"y_true\[2\]: missing label"):
        confusion_matrix(y, ["a", "b", "a"])
    with pytest.raises(SchemaError, match=r"y_pred\[2\]: missing label"):
        precision_recall_f1(["a", "b", "a"], y)
    with pytest.raises(SchemaError, match=r"y_true\[2\]: missing label"):
        brier_score(y, [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], classes=["a", "b"])


def test_a_missing_value_in_a_string_series_is_a_missing_label():
    """A pandas string Series holding None (read back as pd.NA) is refused, not a class <NA>."""
    pd = pytest.importorskip("pandas")

    y = pd.Series(["a", "b", None], dtype="string")
    with pytest.raises(SchemaError, match=r"y_true\[2\]: missing label"):
        confusion_matrix(y, ["a", "b", "a"])
    with pytest.raises(SchemaError, match=r"y_true\[1\]: missing label"):
        precision_recall_f1(pd.Series(["a", None], dtype="string"), ["a", "a"])


@pytest.mark.parametrize(
    "metric",
    [
        lambda p: brier_score(["a", "b"], p, classes=["a", "b"]),
        lambda p: expected_calibration_error(["a", "b"], p, classes=["a", "b"]),
        lambda p: roc_auc_ovr(["a", "b"], p, classes=["a", "b"]),
        lambda p: evaluate(["a", "b"], p, classes=["a", "b"]),
    ],
    ids=["brier", "ece", "auc", "evaluate"],
)
def test_an_int_beyond_the_floats_in_proba_is_a_schema_error(metric):
    """10**400 as a probability is a SchemaError naming the cell, not a bare OverflowError."""
    with pytest.raises(SchemaError, match=r"proba\[0\]\[0\]: beyond the float range"):
        metric([[10**400, 0], [0, 1]])


@pytest.mark.parametrize(
    "proba",
    [
        [["0.8", "0.2"], ["0.4", "0.6"]],
        np.array([["0.8", "0.2"], ["0.4", "0.6"]]),
        np.array([["0.8", 0.2], [0.4, 0.6]], dtype=object),
        [[b"1", b"0"], [b"0", b"1"]],
    ],
    ids=["list", "unicode", "object", "bytes"],
)
def test_probabilities_given_as_text_are_refused(proba):
    """Text is not parsed as probabilities: it is refused, as the fit methods refuse it."""
    with pytest.raises(SchemaError, match=r"proba(\[0\]\[0\]: not a real number|: expected real)"):
        brier_score(["a", "b"], proba, classes=["a", "b"])


def test_numeric_object_and_boolean_probabilities_are_still_read():
    """Numbers held in an object array, and booleans as 0 and 1, are read as before."""
    expected = brier_score(["a", "b"], [[1.0, 0.0], [0.0, 1.0]], classes=["a", "b"])
    as_objects = np.array([[1, 0.0], [np.float32(0), 1]], dtype=object)
    assert brier_score(["a", "b"], as_objects, classes=["a", "b"]) == expected
    assert brier_score(["a", "b"], [[True, False], [False, True]], classes=["a", "b"]) == expected
