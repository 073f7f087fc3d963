"""How well a readiness classifier does: the metric functions, each a door of its own.

Every function takes the true labels first and either predicted labels or a matrix of predicted
probabilities (one column per class, in the order of `classes`). The definitions follow
scikit-learn where it has the metric (confusion matrix, precision, recall, F1, the multiclass
Brier score and the one-vs-rest ROC AUC agree with scikit-learn 1.9 to rounding); the expected
calibration error, which scikit-learn does not have, is the top-label variant of Guo et al.
(2017), spelled out in :func:`expected_calibration_error`. pandas inputs (a Series of labels,
a DataFrame of probabilities) are paired by their index, never by position when the indexes
disagree; a data frame's probability columns are always matched to `classes` by name (pandas'
default labels 0, 1, ... name the classes 0, 1, ...); only a numpy array is read in column order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._checks import align_rows, check_choice, check_number
from sparkus._errors import SchemaError
from sparkus.triage._labels import (
    by_class_columns,
    check_classes,
    check_proba,
    distinct_classes,
    encode,
    kind_problems,
    labels_array,
    length_problems,
    unique_labels,
)
from sparkus.triage._scores import (
    ClassificationReport,
    ClassMetrics,
    auc_per_class,
    brier,
    class_metrics,
    confusion,
    ece,
    report,
)

__all__ = [
    "brier_score",
    "confusion_matrix",
    "evaluate",
    "expected_calibration_error",
    "precision_recall_f1",
    "roc_auc_ovr",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
Average: TypeAlias = Literal["macro", "weighted"]

_AVERAGES: Final[tuple[Average, ...]] = ("macro", "weighted")

MAX_BINS: Final = 100_000
"""The most bins the expected calibration error may use (each bin takes memory; far fewer rows
than bins leave almost every bin empty anyway)."""


# --------------------------------------------------------------------------------------------
# Shared checks of the doors below
# --------------------------------------------------------------------------------------------


def _probabilistic_check(
    y_true: object, proba: object, classes: object
) -> tuple[IntArray, FloatArray, tuple[Hashable, ...]]:
    """The shared checks of every metric that scores probabilities."""
    labels = check_classes(classes, "classes", minimum=2)
    y_true, proba = align_rows(("y_true", y_true), ("proba", proba))
    y = labels_array(y_true, "y_true")
    if problems := kind_problems([("y_true", y), ("classes", labels)]):
        raise SchemaError(problems)
    codes = encode(y, labels, "y_true", "classes")
    matrix = check_proba(by_class_columns(proba, labels, "proba"), len(codes), len(labels))
    return codes, matrix, labels


def _paired_check(
    y_true: object, y_pred: object, labels: object
) -> tuple[IntArray, IntArray, tuple[Hashable, ...]]:
    """The shared checks of every metric that compares predicted labels with true ones."""
    y_true, y_pred = align_rows(("y_true", y_true), ("y_pred", y_pred))
    true = labels_array(y_true, "y_true")
    pred = labels_array(y_pred, "y_pred")
    problems = length_problems([("y_true", len(true)), ("y_pred", len(pred))])
    if problems:
        raise SchemaError(problems)
    given = None if labels is None else check_classes(labels, "labels", minimum=1)
    inputs: list[tuple[str, npt.NDArray[Any] | tuple[Hashable, ...]]] = [
        ("y_true", true),
        ("y_pred", pred),
    ]
    if given is not None:
        inputs.append(("labels", given))
    if problems := kind_problems(inputs):
        raise SchemaError(problems)
    if given is None:
        in_true = unique_labels(true, "y_true")
        distinct_classes(in_true, "y_true")
        # a clash y_true alone does not hold is y_pred writing a label another way
        found = list(dict.fromkeys(in_true + unique_labels(pred, "y_pred")))
        order = distinct_classes(found, "y_pred")
    else:
        order = given
    return encode(true, order, "y_true", "labels"), encode(pred, order, "y_pred", "labels"), order


def _n_bins_check(n_bins: object) -> int:
    return int(check_number(n_bins, "n_bins", low=1, high=MAX_BINS, integer=True))


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def _confusion_matrix_iv(
    y_true: object, y_pred: object, labels: object
) -> tuple[IntArray, IntArray, tuple[Hashable, ...]]:
    return _paired_check(y_true, y_pred, labels)


def confusion_matrix(
    y_true: npt.ArrayLike, y_pred: npt.ArrayLike, *, labels: Sequence[Hashable] | None = None
) -> npt.NDArray[np.int64]:
    """Count how often each true class was predicted as each class.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        The true labels (numbers, strings or enum members).
    y_pred : array-like of shape (n,)
        The predicted labels.
    labels : sequence, optional
        The classes, in the order of the rows and columns. By default, every label found in
        `y_true` or `y_pred`, sorted (enum members in definition order). Unlike scikit-learn,
        a label outside an explicit `labels` is an error rather than silently dropped.

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)
        Entry ``[i, j]`` counts rows of true class ``labels[i]`` predicted as ``labels[j]``
        (rows true, columns predicted, as in scikit-learn).

    Raises
    ------
    SchemaError
        If the inputs are empty, of different lengths, have missing labels, hold labels
        outside an explicit `labels` or labels of different kinds (``1`` beside ``"1"``, an
        Enum member beside its text, booleans beside other numbers: they never match, so one
        class would be counted as two), or are pandas objects whose indexes disagree.

    Examples
    --------
    >>> from sparkus.triage import confusion_matrix
    >>> confusion_matrix(["a", "a", "b", "c"], ["a", "b", "b", "a"])
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 0]])

    .. versionadded:: 0.1
    """
    true, pred, order = _confusion_matrix_iv(y_true, y_pred, labels)
    return confusion(true, pred, len(order))


def _precision_recall_f1_iv(
    y_true: object, y_pred: object, labels: object
) -> tuple[IntArray, IntArray, tuple[Hashable, ...]]:
    return _paired_check(y_true, y_pred, labels)


def precision_recall_f1(
    y_true: npt.ArrayLike, y_pred: npt.ArrayLike, *, labels: Sequence[Hashable] | None = None
) -> ClassMetrics:
    """Precision, recall, F1 and support of each class, and the macro-averaged F1.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        The true labels.
    y_pred : array-like of shape (n,)
        The predicted labels.
    labels : sequence, optional
        The classes to report, in order. By default every label of `y_true` or `y_pred`,
        sorted (enum members in definition order).

    Returns
    -------
    ClassMetrics
        Per-class ``precision``, ``recall``, ``f1``, ``support`` and ``macro_f1`` (the
        unweighted mean of the per-class F1, as scikit-learn's ``average="macro"``).

    Raises
    ------
    SchemaError
        As :func:`confusion_matrix`.

    Warns
    -----
    SparkusWarning
        When a metric is 0/0 for some class (precision of a class never predicted, recall of a
        class that never occurs); the metric is set to 0.0 and the warning names the class, as
        scikit-learn's ``zero_division="warn"``.

    Examples
    --------
    >>> from sparkus.triage import precision_recall_f1
    >>> m = precision_recall_f1(["a", "a", "b", "b", "b"], ["a", "b", "b", "b", "a"])
    >>> m.precision.round(3), m.recall.round(3)
    (array([0.5  , 0.667]), array([0.5  , 0.667]))
    >>> round(m.macro_f1, 4)
    0.5833

    .. versionadded:: 0.1
    """
    true, pred, order = _precision_recall_f1_iv(y_true, y_pred, labels)
    return class_metrics(confusion(true, pred, len(order)), order, stacklevel=3)


def _brier_score_iv(
    y_true: object, proba: object, classes: object
) -> tuple[IntArray, FloatArray, tuple[Hashable, ...]]:
    return _probabilistic_check(y_true, proba, classes)


def brier_score(
    y_true: npt.ArrayLike, proba: npt.ArrayLike, *, classes: Sequence[Hashable]
) -> float:
    r"""The multiclass Brier score: the mean squared distance to the one-hot truth.

    .. math::

        \mathrm{BS} = \frac{1}{n} \sum_{i=1}^{n} \sum_{k=1}^{K} (p_{ik} - [y_i = k])^2

    summed over all classes, so it runs from 0 (certain and right) to 2 (certain and wrong), for
    two classes as for many. This is scikit-learn's ``brier_score_loss(y, proba,
    labels=classes, scale_by_half=False)``; its default (``scale_by_half="auto"``) halves the
    score for two classes only, so with two classes sparkus's value is twice scikit-learn's
    default.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        The true labels, each one of `classes`.
    proba : array-like of shape (n, n_classes)
        Predicted probabilities, columns in the order of `classes` (a data frame's columns
        are matched to the classes by name, never by position); each row in ``[0, 1]`` and
        summing to 1 (within 1e-6).
    classes : sequence
        The classes, in column order. At least two.

    Returns
    -------
    float
        The Brier score, in ``[0, 2]``; lower is better.

    Raises
    ------
    SchemaError
        If the inputs are empty or of different lengths, a label is not in `classes`, the
        labels and classes are of different kinds (as :func:`confusion_matrix`), a row
        of `proba` is not a probability vector (the offending rows are named), pandas
        inputs have indexes that disagree, or a data frame `proba` has columns that are not
        the classes by name.

    Examples
    --------
    >>> from sparkus.triage import brier_score
    >>> brier_score(["a", "b"], [[0.8, 0.2], [0.4, 0.6]], classes=["a", "b"])
    0.2

    .. versionadded:: 0.1
    """
    codes, matrix, _ = _brier_score_iv(y_true, proba, classes)
    return brier(codes, matrix)


def _expected_calibration_error_iv(
    y_true: object, proba: object, classes: object, n_bins: object
) -> tuple[IntArray, FloatArray, int]:
    codes, matrix, _ = _probabilistic_check(y_true, proba, classes)
    return codes, matrix, _n_bins_check(n_bins)


def expected_calibration_error(
    y_true: npt.ArrayLike,
    proba: npt.ArrayLike,
    *,
    classes: Sequence[Hashable],
    n_bins: int = 10,
) -> float:
    r"""The top-label expected calibration error (ECE) with equal-width bins.

    For each row, the *confidence* is its largest probability, :math:`c_i = \max_k p_{ik}`, and
    the row is *correct* when its most probable class (the first, in `classes` order, on a tie)
    is the true one. Confidences fall into `n_bins` equal-width bins
    :math:`B_b = (e_b, e_{b+1}]` with edges ``numpy.linspace(0, 1, n_bins + 1)`` (the first bin
    also takes 0). Then

    .. math::

        \mathrm{ECE} = \sum_b \frac{|B_b|}{n} \,\bigl|\mathrm{acc}(B_b) - \mathrm{conf}(B_b)\bigr|

    the gap between accuracy and mean confidence in each bin, weighted by the bin's share of
    rows; empty bins add nothing. This is the variant of Guo, Pleiss, Sun and Weinberger (2017),
    "On calibration of modern neural networks", ICML. It is 0 for a perfectly calibrated model
    only in the limit of many rows (the sampling noise in each bin is of order
    :math:`\sqrt{n_{\mathrm{bins}}/n}`), and it depends on `n_bins`: compare models at the same
    value.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        The true labels, each one of `classes`.
    proba : array-like of shape (n, n_classes)
        Predicted probabilities, columns in the order of `classes` (a data frame's: named by class).
    classes : sequence
        The classes, in column order. At least two.
    n_bins : int, default 10
        The number of equal-width confidence bins.

    Returns
    -------
    float
        The ECE, in ``[0, 1]``; lower is better.

    Raises
    ------
    SchemaError
        As :func:`brier_score`, or if `n_bins` is not an integer from 1 to 100,000.

    Examples
    --------
    A model that always says 70% for its favourite but is right half the time is 0.2 over-
    confident:

    >>> y = ["a", "b"] * 50
    >>> proba = [[0.7, 0.3]] * 100
    >>> round(expected_calibration_error(y, proba, classes=["a", "b"]), 12)
    0.2

    .. versionadded:: 0.1
    """
    codes, matrix, bins = _expected_calibration_error_iv(y_true, proba, classes, n_bins)
    return ece(codes, matrix, bins)


def _roc_auc_ovr_iv(
    y_true: object, proba: object, classes: object, average: object
) -> tuple[IntArray, FloatArray, tuple[Hashable, ...], Average]:
    how = check_choice(average, "average", _AVERAGES)
    codes, matrix, labels = _probabilistic_check(y_true, proba, classes)
    return codes, matrix, labels, how


def roc_auc_ovr(
    y_true: npt.ArrayLike,
    proba: npt.ArrayLike,
    *,
    classes: Sequence[Hashable],
    average: Average = "macro",
) -> float:
    """The one-vs-rest ROC AUC, averaged over classes.

    For each class, the AUC of its probability column at telling its rows from all others: the
    Mann-Whitney probability that a random row of the class scores higher than a random row of
    another class, ties counted as one half (computed from mid-ranks). The result agrees with
    scikit-learn's ``roc_auc_score(y, proba, multi_class="ovr", average=average)``. Two classes
    have one AUC, the usual binary one of the second class's column (scikit-learn's
    ``roc_auc_score(y, proba[:, 1])``): the first column is one minus it only up to rounding,
    which must not break the second's ties.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        The true labels, each one of `classes`.
    proba : array-like of shape (n, n_classes)
        Predicted probabilities, columns in the order of `classes` (a data frame's: named by class).
    classes : sequence
        The classes, in column order. At least two.
    average : {"macro", "weighted"}, default "macro"
        ``"macro"``: the unweighted mean over classes; ``"weighted"``: weighted by each class's
        share of the rows.

    Returns
    -------
    float
        The AUC, in ``[0, 1]``; 0.5 is chance.

    Raises
    ------
    SchemaError
        As :func:`brier_score`, or if `average` is not one of the allowed values.
    EstimationError
        If some class of `classes` never occurs in `y_true` (its AUC is undefined).

    Examples
    --------
    >>> from sparkus.triage import roc_auc_ovr
    >>> y = ["a", "a", "b", "b", "c", "c"]
    >>> proba = [[0.6, 0.3, 0.1], [0.3, 0.5, 0.2], [0.2, 0.7, 0.1],
    ...          [0.1, 0.6, 0.3], [0.1, 0.2, 0.7], [0.4, 0.2, 0.4]]
    >>> round(roc_auc_ovr(y, proba, classes=["a", "b", "c"]), 4)
    0.9583

    .. versionadded:: 0.1
    """
    codes, matrix, labels, how = _roc_auc_ovr_iv(y_true, proba, classes, average)
    aucs, support = auc_per_class(codes, matrix, labels)
    if how == "weighted":
        return float(np.average(aucs, weights=support))
    return float(aucs.mean())


def _evaluate_iv(
    y_true: object, proba: object, classes: object, n_bins: object
) -> tuple[IntArray, FloatArray, tuple[Hashable, ...], int]:
    codes, matrix, labels = _probabilistic_check(y_true, proba, classes)
    return codes, matrix, labels, _n_bins_check(n_bins)


def evaluate(
    y_true: npt.ArrayLike,
    proba: npt.ArrayLike,
    *,
    classes: Sequence[Hashable],
    n_bins: int = 10,
) -> ClassificationReport:
    """Every evaluation metric of a set of predicted probabilities, in one report.

    The predicted class of a row is its most probable class (the first in `classes` order on a
    tie); the confusion matrix, precision, recall, F1 and accuracy use it, while the Brier score,
    the expected calibration error and the ROC AUC use the probabilities themselves.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        The true labels, each one of `classes`.
    proba : array-like of shape (n, n_classes)
        Predicted probabilities, columns in the order of `classes` (a data frame's: named by class).
    classes : sequence
        The classes, in column order. At least two, each occurring in `y_true`.
    n_bins : int, default 10
        Bins of the expected calibration error.

    Returns
    -------
    ClassificationReport
        The confusion matrix, per-class metrics and AUC, accuracy, macro F1, Brier score
        (:func:`brier_score`), ECE (:func:`expected_calibration_error`) and macro one-vs-rest
        ROC AUC (:func:`roc_auc_ovr`).

    Raises
    ------
    SchemaError
        As :func:`brier_score`.
    EstimationError
        If some class never occurs in `y_true`.

    Warns
    -----
    SparkusWarning
        If some class is never the most probable one (its precision is set to 0.0).

    Examples
    --------
    >>> from sparkus.triage import evaluate
    >>> import numpy as np
    >>> rng = np.random.default_rng(7)
    >>> proba = rng.dirichlet([2.0, 2.0, 2.0], size=300)
    >>> y = np.array([rng.choice(3, p=p) for p in proba])  # calibrated by construction
    >>> report = evaluate(y, proba, classes=[0, 1, 2])
    >>> report.n, int(report.confusion_matrix.sum())
    (300, 300)
    >>> 0.5 < report.roc_auc < 1.0
    True

    .. versionadded:: 0.1
    """
    codes, matrix, labels, bins = _evaluate_iv(y_true, proba, classes, n_bins)
    return report(codes, matrix, labels, bins, stacklevel=3)
