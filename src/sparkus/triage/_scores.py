"""What the evaluation measures: the report classes and the arithmetic that fills them.

:class:`~sparkus.triage.ClassMetrics` and :class:`~sparkus.triage.ClassificationReport`, and
the computations behind them on labels already checked and encoded as column indices: the
confusion matrix, per-class precision, recall and F1, the Brier score, the expected calibration
error and the one-vs-rest ROC AUC. The metric functions and cross-validation both score through
:func:`report` and its parts, so a number means the same wherever it is shown.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._errors import EstimationError, SparkusWarning
from sparkus._frames import Framed, FrameSpec
from sparkus._results import Result, Table, format_number
from sparkus.triage._labels import show

__all__ = [
    "ClassMetrics",
    "ClassificationReport",
    "auc_per_class",
    "brier",
    "class_metrics",
    "confusion",
    "ece",
    "frozen_array",
    "report",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]


def frozen_array(values: npt.ArrayLike, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """A read-only copy of `values` with `dtype`, for a result's fields."""
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


def _label_text(label: object) -> str:
    return format_number(label)


def _class_rows(metrics: ClassMetrics) -> tuple[tuple[str, ...], ...]:
    """One row per class: the label, precision, recall, F1 and support, formatted."""
    return tuple(
        (_label_text(label), format_number(float(p)), format_number(float(r)),
         format_number(float(f)), format_number(int(s)))
        for label, p, r, f, s in zip(
            metrics.labels, metrics.precision, metrics.recall, metrics.f1, metrics.support,
            strict=True,
        )
    )  # fmt: skip


def _class_columns(metrics: ClassMetrics) -> dict[str, Any]:
    """The per-class columns of a table, named as scikit-learn's ``classification_report``."""
    return {
        "class": list(metrics.labels),
        "precision": metrics.precision,
        "recall": metrics.recall,
        "f1": metrics.f1,
        "support": metrics.support,
    }


@attrs.frozen(repr=False, eq=False)
class ClassMetrics(Framed, Result):
    """Precision, recall and F1 of each class, and their macro average.

    .. versionadded:: 0.1

    Attributes
    ----------
    labels : tuple
        The classes, in the order of the arrays below.
    precision : ndarray of float64
        Of the rows predicted as each class, the share that truly are (0.0 if none was
        predicted).
    recall : ndarray of float64
        Of the rows truly of each class, the share predicted as it (0.0 if there are none).
    f1 : ndarray of float64
        ``2 tp / (2 tp + fp + fn)``, the harmonic mean of precision and recall (0.0 if the class
        neither occurs nor is predicted).
    support : ndarray of int64
        The number of rows truly of each class.
    macro_f1 : float
        The unweighted mean of `f1` over `labels`.
    n : int
        The number of rows.

    Examples
    --------
    >>> from sparkus.triage import precision_recall_f1
    >>> metrics = precision_recall_f1(["a", "a", "b", "b", "b"], ["a", "b", "b", "b", "a"])
    >>> metrics
    ClassMetrics(n=5, classes=2, macro_f1=0.5833)
    >>> print(metrics.summary())
    Per-class metrics
    class  precision  recall      F1  support
    -----  ---------  ------  ------  -------
    a            0.5     0.5     0.5        2
    b         0.6667  0.6667  0.6667        3
    macro F1 0.5833 over 5 rows

    As a table, one row per class, indexed by ``class``:

    >>> metrics.to_frame().round(4)
           precision  recall      f1  support
    class
    a         0.5000  0.5000  0.5000        2
    b         0.6667  0.6667  0.6667        3
    """

    labels: tuple[Hashable, ...]
    precision: FloatArray
    recall: FloatArray
    f1: FloatArray
    support: npt.NDArray[np.int64]
    macro_f1: float
    n: int

    def _frame(self) -> FrameSpec:
        return _class_columns(self), ("class",)

    def _headline(self) -> str:
        return f"n={self.n}, classes={len(self.labels)}, macro_f1={self.macro_f1:.4f}"

    def _tables(self) -> list[Table]:
        rows = _class_rows(self)
        note = f"macro F1 {format_number(self.macro_f1)} over {self.n:,} rows"
        headers = ("class", "precision", "recall", "F1", "support")
        return [Table("Per-class metrics", headers, rows, note)]


@attrs.frozen(repr=False, eq=False)
class ClassificationReport(Framed, Result):
    """Everything :func:`evaluate` measures about one set of predicted probabilities.

    .. versionadded:: 0.1

    Attributes
    ----------
    classes : tuple
        The classes, in the order of the probability columns.
    n : int
        The number of rows.
    confusion_matrix : ndarray of int64, shape (n_classes, n_classes)
        Rows are true classes, columns the predicted (most probable) class.
    per_class : ClassMetrics
        Precision, recall, F1 and support of each class.
    roc_auc_per_class : ndarray of float64
        The one-vs-rest ROC AUC of each class (with two classes, the one binary AUC twice).
    accuracy : float
        The share of rows whose most probable class is the true one.
    macro_f1 : float
        The unweighted mean F1 over classes.
    brier_score : float
        The multiclass Brier score, on the ``[0, 2]`` scale (see :func:`brier_score`).
    ece : float
        The top-label expected calibration error with `n_bins` equal-width bins.
    n_bins : int
        The number of bins of `ece`.
    roc_auc : float
        The macro-averaged one-vs-rest ROC AUC.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.triage import evaluate
    >>> rng = np.random.default_rng(7)
    >>> proba = rng.dirichlet([2.0, 2.0, 2.0], size=300)
    >>> y = np.array([rng.choice(3, p=p) for p in proba])  # calibrated by construction
    >>> report = evaluate(y, proba, classes=[0, 1, 2])
    >>> report
    ClassificationReport(n=300, macro_f1=0.5206, roc_auc=0.7510, brier_score=0.5501)
    >>> round(report.ece, 3), report.n_bins
    (0.041, 10)

    As a table, one row per class (``precision``, ``recall``, ``f1``, ``support`` and
    ``roc_auc``), indexed by ``class``:

    >>> report.to_frame().columns.tolist(), report.to_frame().index.tolist()
    (['precision', 'recall', 'f1', 'support', 'roc_auc'], [0, 1, 2])
    """

    classes: tuple[Hashable, ...]
    n: int
    confusion_matrix: npt.NDArray[np.int64]
    per_class: ClassMetrics
    roc_auc_per_class: FloatArray
    accuracy: float
    macro_f1: float
    brier_score: float
    ece: float
    n_bins: int
    roc_auc: float

    def _frame(self) -> FrameSpec:
        return {**_class_columns(self.per_class), "roc_auc": self.roc_auc_per_class}, ("class",)

    def _headline(self) -> str:
        return (
            f"n={self.n}, macro_f1={self.macro_f1:.4f}, roc_auc={self.roc_auc:.4f}, "
            f"brier_score={self.brier_score:.4f}"
        )

    def _tables(self) -> list[Table]:
        per_class = tuple(
            (*row, format_number(float(auc)))
            for row, auc in zip(_class_rows(self.per_class), self.roc_auc_per_class, strict=True)
        )
        overall = (
            ("rows", format_number(self.n)),
            ("accuracy", format_number(self.accuracy)),
            ("macro F1", format_number(self.macro_f1)),
            ("Brier score (0 best, 2 worst)", format_number(self.brier_score)),
            (f"ECE (top-label, {self.n_bins} bins)", format_number(self.ece)),
            ("ROC AUC (one-vs-rest, macro)", format_number(self.roc_auc)),
        )
        names = tuple(_label_text(c) for c in self.classes)
        confusion = tuple(
            (name, *(format_number(int(v)) for v in row))
            for name, row in zip(names, self.confusion_matrix, strict=True)
        )
        return [
            Table("Overall", ("metric", "value"), overall),
            Table(
                "Per-class metrics",
                ("class", "precision", "recall", "F1", "support", "ROC AUC"),
                per_class,
            ),
            Table(
                "Confusion matrix",
                ("true \\ predicted", *names),
                confusion,
                "rows: true class; columns: most probable class",
            ),
        ]


def confusion(true: IntArray, pred: IntArray, k: int) -> npt.NDArray[np.int64]:
    """The (k, k) counts of true class (rows) against predicted class (columns)."""
    counts = np.bincount(true * k + pred, minlength=k * k).astype(np.int64)
    return counts.reshape(k, k)


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """Divide elementwise, giving 0.0 where the denominator is 0."""
    out = np.zeros_like(numerator)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def class_metrics(
    cm: npt.NDArray[np.int64], labels: tuple[Hashable, ...], stacklevel: int
) -> ClassMetrics:
    """Per-class precision, recall and F1 from a confusion matrix; warns where one is 0/0."""
    tp = np.diag(cm).astype(np.float64)
    predicted = cm.sum(axis=0).astype(np.float64)
    support = cm.sum(axis=1)
    precision = _ratio(tp, predicted)
    recall = _ratio(tp, support.astype(np.float64))
    f1 = _ratio(2.0 * tp, predicted + support)  # 2tp + fp + fn = predicted + support
    for mask, metric, why in (
        (predicted == 0, "precision", "no row was predicted as"),
        (support == 0, "recall", "no row truly belongs to"),
        ((predicted + support) == 0, "F1", "no row is, or was predicted as,"),
    ):
        if mask.any():
            names = show([labels[i] for i in np.flatnonzero(mask)])
            msg = f"{metric} is ill-defined and set to 0.0 for class {names}: {why} it"
            warnings.warn(msg, SparkusWarning, stacklevel=stacklevel)
    return ClassMetrics(
        labels=labels,
        precision=frozen_array(precision, np.float64),
        recall=frozen_array(recall, np.float64),
        f1=frozen_array(f1, np.float64),
        support=frozen_array(support, np.int64),
        macro_f1=float(f1.mean()),
        n=int(cm.sum()),
    )


def brier(codes: IntArray, proba: FloatArray) -> float:
    """The multiclass Brier score, on the ``[0, 2]`` scale."""
    onehot = np.zeros_like(proba)
    onehot[np.arange(len(codes)), codes] = 1.0
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def ece(codes: IntArray, proba: FloatArray, n_bins: int) -> float:
    """The top-label expected calibration error with `n_bins` equal-width bins."""
    confidence = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == codes).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # searchsorted(side="left") - 1 puts c in bin b when edges[b] < c <= edges[b + 1]
    bins = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    gap = np.bincount(bins, correct, n_bins) - np.bincount(bins, confidence, n_bins)
    return float(np.abs(gap).sum() / len(codes))


def _auc(positive: npt.NDArray[np.bool_], score: FloatArray) -> float:
    """Mann-Whitney AUC: P(score of a positive > score of a negative), ties counted half."""
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    mid_ranks = ends - (counts - 1) / 2.0  # ranks 1..n; a tie shares the mean of its ranks
    rank_sum = float(mid_ranks[inverse.reshape(-1)][positive].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def auc_per_class(
    codes: IntArray, proba: FloatArray, classes: tuple[Hashable, ...]
) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """The one-vs-rest AUC and the support of each class; an absent class is an error.

    Two classes have one AUC, that of the second column: the first column is one minus it only
    to rounding, which would break the second's ties and move the AUC by up to a tie's share.
    """
    k = len(classes)
    support = np.bincount(codes, minlength=k).astype(np.int64)
    absent = np.flatnonzero(support == 0)
    if absent.size:
        names = show([classes[i] for i in absent])
        one = absent.size == 1
        msg = (
            f"the one-vs-rest ROC AUC of {'class' if one else 'classes'} {names} "
            f"{'is' if one else 'are'} "
            f"undefined: no row of `y_true` belongs to {'it' if one else 'them'}; evaluate on "
            f"data holding every class, or drop {'the class' if one else 'those classes'}"
        )
        raise EstimationError(msg)
    if k == 2:  # one binary AUC, of the second class's column, as scikit-learn reads two classes
        return np.full(2, _auc(codes == 1, proba[:, 1])), support
    aucs = np.array([_auc(codes == j, proba[:, j]) for j in range(k)], dtype=np.float64)
    return aucs, support


def report(
    codes: IntArray,
    proba: FloatArray,
    classes: tuple[Hashable, ...],
    n_bins: int,
    stacklevel: int,
) -> ClassificationReport:
    """Every metric of one set of probabilities; `stacklevel` points warnings at the caller."""
    k = len(classes)
    aucs, _ = auc_per_class(codes, proba, classes)
    predicted = proba.argmax(axis=1)
    cm = confusion(codes, predicted, k)
    metrics = class_metrics(cm, classes, stacklevel + 1)
    cm.setflags(write=False)
    return ClassificationReport(
        classes=classes,
        n=len(codes),
        confusion_matrix=cm,
        per_class=metrics,
        roc_auc_per_class=frozen_array(aucs, np.float64),
        accuracy=float(np.trace(cm) / len(codes)),
        macro_f1=metrics.macro_f1,
        brier_score=brier(codes, proba),
        ece=ece(codes, proba, n_bins),
        n_bins=n_bins,
        roc_auc=float(aucs.mean()),
    )
