"""How well a readiness classifier does: confusion, per-class metrics, calibration, AUC, CV.

Every function takes the true labels first and either predicted labels or a matrix of predicted
probabilities (one column per class, in the order of `classes`). The definitions follow
scikit-learn where it has the metric (confusion matrix, precision, recall, F1, the multiclass
Brier score and the one-vs-rest ROC AUC agree with scikit-learn 1.9 to rounding); the expected
calibration error, which scikit-learn does not have, is the top-label variant of Guo et al.
(2017), spelled out in :func:`expected_calibration_error`.
"""

from __future__ import annotations

import copy
import enum
import math
import warnings
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Final, Literal, Protocol, TypeAlias, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import check_rng
from sparkus._errors import EstimationError, Problem, SchemaError, SparkusWarning
from sparkus._results import Result, Table, format_number

__all__ = [
    "ClassMetrics",
    "ClassificationReport",
    "CrossValidationResult",
    "ProbabilisticClassifier",
    "brier_score",
    "confusion_matrix",
    "cross_validate",
    "evaluate",
    "expected_calibration_error",
    "precision_recall_f1",
    "roc_auc_ovr",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
Average: TypeAlias = Literal["macro", "weighted"]

_AVERAGES: Final = ("macro", "weighted")
_SUM_TOLERANCE: Final = 1e-6
_MAX_LISTED: Final = 20
_CV_METRICS: Final = ("macro_f1", "brier_score", "ece", "roc_auc")


class ProbabilisticClassifier(Protocol):
    """What :func:`cross_validate` needs of a model: ``fit`` and ``predict_proba``.

    After ``fit``, a ``classes_`` attribute (as in scikit-learn) names the class of each column
    of ``predict_proba``; without it the columns are taken to be in the order of the sorted
    classes of `y`.

    .. versionadded:: 0.1

    Examples
    --------
    The fitted readiness models satisfy it:

    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.triage import LogisticReadinessModel, default_instrument
    >>> org = synthetic_org(300, seed=3)
    >>> X = default_instrument().features(org.population).X
    >>> model = LogisticReadinessModel().fit(X, org.truth.stage >= 2)
    >>> model.classes_, model.predict_proba(X[:2]).round(2)
    (array([False,  True]), array([[0.54, 0.46],
           [0.98, 0.02]]))
    """

    def fit(self, X: Any, y: Any, /) -> Any:
        """Learn from features `X` and labels `y`."""

    def predict_proba(self, X: Any, /) -> Any:
        """One row of class probabilities per row of `X`."""


# --------------------------------------------------------------------------------------------
# Result classes
# --------------------------------------------------------------------------------------------


def _frozen_array(values: npt.ArrayLike, dtype: type[np.generic]) -> npt.NDArray[Any]:
    array = np.array(values, dtype=dtype)
    array.setflags(write=False)
    return array


def _label_text(label: object) -> str:
    return format_number(label)


@attrs.frozen(repr=False, eq=False)
class ClassMetrics(Result):
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
    """

    labels: tuple[Hashable, ...]
    precision: FloatArray
    recall: FloatArray
    f1: FloatArray
    support: npt.NDArray[np.int64]
    macro_f1: float
    n: int

    def _headline(self) -> str:
        return f"n={self.n}, classes={len(self.labels)}, macro_f1={self.macro_f1:.4f}"

    def _tables(self) -> list[Table]:
        rows = tuple(
            (_label_text(label), format_number(float(p)), format_number(float(r)),
             format_number(float(f)), format_number(int(s)))
            for label, p, r, f, s in zip(
                self.labels, self.precision, self.recall, self.f1, self.support, strict=True
            )
        )  # fmt: skip
        note = f"macro F1 {format_number(self.macro_f1)} over {self.n:,} rows"
        headers = ("class", "precision", "recall", "F1", "support")
        return [Table("Per-class metrics", headers, rows, note)]


@attrs.frozen(repr=False, eq=False)
class ClassificationReport(Result):
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
        The one-vs-rest ROC AUC of each class.
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

    def _headline(self) -> str:
        return (
            f"n={self.n}, macro_f1={self.macro_f1:.4f}, roc_auc={self.roc_auc:.4f}, "
            f"brier_score={self.brier_score:.4f}"
        )

    def _tables(self) -> list[Table]:
        m = self.per_class
        per_class = tuple(
            (_label_text(label), format_number(float(p)), format_number(float(r)),
             format_number(float(f)), format_number(int(s)), format_number(float(a)))
            for label, p, r, f, s, a in zip(
                self.classes, m.precision, m.recall, m.f1, m.support, self.roc_auc_per_class,
                strict=True,
            )
        )  # fmt: skip
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


@attrs.frozen(repr=False, eq=False)
class CrossValidationResult(Result):
    """Stratified k-fold cross-validation of a probabilistic classifier.

    .. versionadded:: 0.1

    Attributes
    ----------
    classes : tuple
        The classes of `y`, in the order of the columns of `oof_proba`.
    n : int
        The number of rows.
    k : int
        The number of folds.
    folds : tuple of ClassificationReport
        The report of each fold, computed on its held-out rows.
    mean : dict of str to float
        The mean over folds of ``macro_f1``, ``brier_score``, ``ece`` and ``roc_auc``.
    std : dict of str to float
        Their sample standard deviation over folds (``ddof=1``).
    oof_proba : ndarray of float64, shape (n, n_classes)
        Out-of-fold probabilities: each row predicted by the model that did not see it.
    fold : ndarray of int64, shape (n,)
        The fold (``0`` to ``k - 1``) in which each row was held out.

    Examples
    --------
    >>> from sparkus.datasets import synthetic_org
    >>> from sparkus.triage import LogisticReadinessModel, cross_validate, default_instrument
    >>> org = synthetic_org(300, seed=3)
    >>> X = default_instrument().features(org.population).X
    >>> cv = cross_validate(LogisticReadinessModel(), X, org.truth.stage >= 2, k=3, rng=0)
    >>> cv
    CrossValidationResult(n=300, k=3, macro_f1=0.8455 ± 0.0303)
    >>> len(cv.folds), cv.oof_proba.shape, round(cv.mean["roc_auc"], 3)
    (3, (300, 2), 0.929)
    """

    classes: tuple[Hashable, ...]
    n: int
    k: int
    folds: tuple[ClassificationReport, ...]
    mean: dict[str, float]
    std: dict[str, float]
    oof_proba: FloatArray
    fold: npt.NDArray[np.int64]

    def _headline(self) -> str:
        return (
            f"n={self.n}, k={self.k}, macro_f1={self.mean['macro_f1']:.4f} "
            f"± {self.std['macro_f1']:.4f}"
        )

    def _tables(self) -> list[Table]:
        rows: list[tuple[str, ...]] = [
            (str(i), format_number(r.n), *(format_number(getattr(r, m)) for m in _CV_METRICS))
            for i, r in enumerate(self.folds)
        ]
        rows.append(("mean", "-", *(format_number(self.mean[m]) for m in _CV_METRICS)))
        rows.append(("sd", "-", *(format_number(self.std[m]) for m in _CV_METRICS)))
        headers = ("fold", "n", "macro F1", "Brier", "ECE", "ROC AUC")
        note = f"stratified {self.k}-fold cross-validation over {self.n:,} rows; sd with ddof=1"
        return [Table("Cross-validation", headers, tuple(rows), note)]


# --------------------------------------------------------------------------------------------
# Shared input checks
# --------------------------------------------------------------------------------------------


def _row_problems(name: str, rows: IntArray, describe: Callable[[int], str]) -> list[Problem]:
    """One problem per offending row (the first few), then a count of the rest."""
    listed = [Problem((name, int(r)), describe(int(r))) for r in rows[:_MAX_LISTED]]
    rest = len(rows) - len(listed)
    if rest:
        listed.append(Problem((name,), f"... and {rest} more rows like these, not listed"))
    return listed


def _show(values: Sequence[object], limit: int = 8) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def _labels_array(value: object, name: str) -> npt.NDArray[Any]:
    """A non-empty 1-D array of labels, none missing (None, NaN)."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        msg = f"could not be read as an array ({exc}); pass a 1-D sequence of labels"
        raise SchemaError([Problem((name,), msg)]) from None
    if array.ndim != 1:
        msg = f"expected a 1-D sequence of labels, got an array of shape {array.shape}"
        raise SchemaError([Problem((name,), msg)])
    if array.shape[0] == 0:
        raise SchemaError([Problem((name,), "is empty; pass at least one row")])
    kind = array.dtype.kind
    if kind == "f":
        missing = ~np.isfinite(array)
    elif kind == "O":
        missing = np.fromiter(
            (v is None or (isinstance(v, float) and not math.isfinite(v)) for v in array),
            dtype=bool,
            count=array.shape[0],
        )
    elif kind in "biuSU":
        return array
    else:
        msg = f"expected labels as numbers, strings or enum members, got dtype {array.dtype}"
        raise SchemaError([Problem((name,), msg)])
    if missing.any():
        problems = _row_problems(name, np.flatnonzero(missing), lambda _: "missing label")
        raise SchemaError(problems)
    return array


def _same_length(arrays: Sequence[tuple[str, int]]) -> list[Problem]:
    (first, n), *others = arrays
    return [
        Problem((name, ), f"has {m} rows but `{first}` has {n}; pass one entry per row")
        for name, m in others
        if m != n
    ]  # fmt: skip


def _unique(array: npt.NDArray[Any], name: str) -> list[Any]:
    """The distinct labels of `array` as Python objects."""
    if array.dtype.kind != "O":
        return cast(list[Any], np.unique(array).tolist())
    try:
        return list(dict.fromkeys(array.tolist()))
    except TypeError:
        msg = "holds a label that cannot be hashed (a list or a dict?); pass scalar labels"
        raise SchemaError([Problem((name,), msg)]) from None


def _ordered(labels: Sequence[Any]) -> tuple[Hashable, ...]:
    """Enum members in definition order, other labels sorted (or as met, if unorderable)."""
    kinds = {type(label) for label in labels}
    if len(kinds) == 1 and all(isinstance(label, enum.Enum) for label in labels):
        members: list[Any] = list(cast(type[enum.Enum], next(iter(kinds))))
        return tuple(sorted(labels, key=members.index))
    try:
        return tuple(sorted(labels))
    except TypeError:
        return tuple(labels)


def _scalar(value: object) -> Hashable:
    return cast(Hashable, value.item() if isinstance(value, np.generic) else value)


def _classes_check(classes: object, name: str, minimum: int) -> tuple[Hashable, ...]:
    """The classes as a tuple of distinct, hashable labels, at least `minimum` of them."""
    if isinstance(classes, str | bytes) or not isinstance(classes, Sequence | np.ndarray):
        msg = f"expected a sequence of class labels, got {type(classes).__name__}"
        raise SchemaError([Problem((name,), msg)])
    out = tuple(_scalar(c) for c in classes)
    if len(out) < minimum:
        msg = f"expected at least {minimum} classes, got {len(out)}"
        raise SchemaError([Problem((name,), msg)])
    try:
        seen = dict.fromkeys(out)
    except TypeError:
        msg = "holds a label that cannot be hashed; pass scalar labels"
        raise SchemaError([Problem((name,), msg)]) from None
    if len(seen) != len(out):
        dupes = [c for c in seen if out.count(c) > 1]
        msg = f"lists {_show(dupes)} more than once; each class must appear once"
        raise SchemaError([Problem((name,), msg)])
    return out


def _encode(array: npt.NDArray[Any], classes: tuple[Hashable, ...], name: str, of: str) -> IntArray:
    """Column index of each label in `classes`; unknown labels are a SchemaError."""
    index = {c: i for i, c in enumerate(classes)}
    if array.dtype.kind == "O":
        try:
            values = array.tolist()
            codes = np.fromiter((index.get(v, -1) for v in values), np.intp, count=len(values))
        except TypeError:
            msg = "holds a label that cannot be hashed (a list or a dict?); pass scalar labels"
            raise SchemaError([Problem((name,), msg)]) from None
    else:
        uniq, inverse = np.unique(array, return_inverse=True)
        lookup = np.array([index.get(u, -1) for u in uniq.tolist()], dtype=np.intp)
        codes = lookup[inverse.reshape(-1)]
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        problems = _row_problems(
            name, bad, lambda r: f"{_scalar(array[r])!r} is not one of `{of}` ({_show(classes)})"
        )
        problems.append(Problem((of,), f"add the missing labels to `{of}` or drop those rows"))
        raise SchemaError(problems)
    return codes


def _proba_check(proba: object, n: int, k: int, name: str = "proba") -> FloatArray:
    """An (n, k) float matrix of probabilities in [0, 1] whose rows sum to 1."""
    try:
        array = np.array(proba, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"could not be read as an array of numbers ({exc})"
        raise SchemaError([Problem((name,), msg)]) from None
    if array.ndim != 2 or array.shape[1] != k:
        msg = (
            f"expected shape ({n}, {k}): one row per label and one column per class of "
            f"`classes`, in that order; got shape {array.shape}"
        )
        raise SchemaError([Problem((name,), msg)])
    if array.shape[0] != n:
        msg = f"has {array.shape[0]} rows but `y_true` has {n}; pass one row per label"
        raise SchemaError([Problem((name,), msg)])
    inside = np.all((array >= 0.0) & (array <= 1.0), axis=1)  # NaN fails both comparisons
    sums = array.sum(axis=1)
    off = inside & ~(np.abs(sums - 1.0) <= _SUM_TOLERANCE)
    problems = _row_problems(
        name,
        np.flatnonzero(~inside),
        lambda r: f"{_show(array[r].tolist())} has a value outside [0, 1] or not finite",
    )
    problems += _row_problems(
        name,
        np.flatnonzero(off),
        lambda r: f"sums to {sums[r]:.9g}; each row must sum to 1 within {_SUM_TOLERANCE:g}",
    )
    if problems:
        problems.append(Problem((name,), "pass probabilities, e.g. the output of predict_proba"))
        raise SchemaError(problems)
    array.setflags(write=False)
    return array


def _probabilistic_check(
    y_true: object, proba: object, classes: object
) -> tuple[IntArray, FloatArray, tuple[Hashable, ...]]:
    """The shared checks of every metric that scores probabilities."""
    labels = _classes_check(classes, "classes", minimum=2)
    y = _labels_array(y_true, "y_true")
    codes = _encode(y, labels, "y_true", "classes")
    return codes, _proba_check(proba, len(codes), len(labels)), labels


def _n_bins_check(n_bins: object) -> int:
    if not isinstance(n_bins, int | np.integer) or isinstance(n_bins, bool) or n_bins < 1:
        msg = f"expected an integer of at least 1, got {n_bins!r}"
        raise SchemaError([Problem(("n_bins",), msg)])
    return int(n_bins)


# --------------------------------------------------------------------------------------------
# Computations on validated, encoded input
# --------------------------------------------------------------------------------------------


def _confusion(true: IntArray, pred: IntArray, k: int) -> npt.NDArray[np.int64]:
    counts = np.bincount(true * k + pred, minlength=k * k).astype(np.int64)
    return counts.reshape(k, k)


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """Divide elementwise, giving 0.0 where the denominator is 0."""
    out = np.zeros_like(numerator)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _class_metrics(
    cm: npt.NDArray[np.int64], labels: tuple[Hashable, ...], stacklevel: int
) -> ClassMetrics:
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
            names = _show([labels[i] for i in np.flatnonzero(mask)])
            msg = f"{metric} is ill-defined and set to 0.0 for class {names}: {why} it"
            warnings.warn(msg, SparkusWarning, stacklevel=stacklevel)
    return ClassMetrics(
        labels=labels,
        precision=_frozen_array(precision, np.float64),
        recall=_frozen_array(recall, np.float64),
        f1=_frozen_array(f1, np.float64),
        support=_frozen_array(support, np.int64),
        macro_f1=float(f1.mean()),
        n=int(cm.sum()),
    )


def _brier(codes: IntArray, proba: FloatArray) -> float:
    onehot = np.zeros_like(proba)
    onehot[np.arange(len(codes)), codes] = 1.0
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def _ece(codes: IntArray, proba: FloatArray, n_bins: int) -> float:
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


def _auc_per_class(
    codes: IntArray, proba: FloatArray, classes: tuple[Hashable, ...]
) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    k = len(classes)
    support = np.bincount(codes, minlength=k).astype(np.int64)
    absent = np.flatnonzero(support == 0)
    if absent.size:
        names = _show([classes[i] for i in absent])
        msg = (
            f"the one-vs-rest ROC AUC of class {names} is undefined: no row of `y_true` "
            "belongs to it; evaluate on data holding every class, or drop the class"
        )
        raise EstimationError(msg)
    aucs = np.array([_auc(codes == j, proba[:, j]) for j in range(k)], dtype=np.float64)
    return aucs, support


def _report(
    codes: IntArray,
    proba: FloatArray,
    classes: tuple[Hashable, ...],
    n_bins: int,
    stacklevel: int,
) -> ClassificationReport:
    k = len(classes)
    aucs, _ = _auc_per_class(codes, proba, classes)
    predicted = proba.argmax(axis=1)
    cm = _confusion(codes, predicted, k)
    metrics = _class_metrics(cm, classes, stacklevel + 1)
    cm.setflags(write=False)
    return ClassificationReport(
        classes=classes,
        n=len(codes),
        confusion_matrix=cm,
        per_class=metrics,
        roc_auc_per_class=_frozen_array(aucs, np.float64),
        accuracy=float(np.trace(cm) / len(codes)),
        macro_f1=metrics.macro_f1,
        brier_score=_brier(codes, proba),
        ece=_ece(codes, proba, n_bins),
        n_bins=n_bins,
        roc_auc=float(aucs.mean()),
    )


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def _paired_check(
    y_true: object, y_pred: object, labels: object
) -> tuple[IntArray, IntArray, tuple[Hashable, ...]]:
    true = _labels_array(y_true, "y_true")
    pred = _labels_array(y_pred, "y_pred")
    problems = _same_length([("y_true", len(true)), ("y_pred", len(pred))])
    if problems:
        raise SchemaError(problems)
    if labels is None:
        found = list(dict.fromkeys(_unique(true, "y_true") + _unique(pred, "y_pred")))
        order = _ordered(found)
    else:
        order = _classes_check(labels, "labels", minimum=1)
    return _encode(true, order, "y_true", "labels"), _encode(pred, order, "y_pred", "labels"), order


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
        If the inputs are empty, of different lengths, have missing labels, or hold labels
        outside an explicit `labels`.

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
    return _confusion(true, pred, len(order))


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
    return _class_metrics(_confusion(true, pred, len(order)), order, stacklevel=3)


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
        Predicted probabilities, columns in the order of `classes`; each row in ``[0, 1]`` and
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
        If the inputs are empty or of different lengths, a label is not in `classes`, or a row
        of `proba` is not a probability vector (the offending rows are named).

    Examples
    --------
    >>> from sparkus.triage import brier_score
    >>> brier_score(["a", "b"], [[0.8, 0.2], [0.4, 0.6]], classes=["a", "b"])
    0.2

    .. versionadded:: 0.1
    """
    codes, matrix, _ = _brier_score_iv(y_true, proba, classes)
    return _brier(codes, matrix)


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
        Predicted probabilities, columns in the order of `classes`.
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
        As :func:`brier_score`, or if `n_bins` is not an integer of at least 1.

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
    return _ece(codes, matrix, bins)


def _roc_auc_ovr_iv(
    y_true: object, proba: object, classes: object, average: object
) -> tuple[IntArray, FloatArray, tuple[Hashable, ...], Average]:
    if average not in _AVERAGES:
        msg = f"expected one of {', '.join(map(repr, _AVERAGES))}, got {average!r}"
        raise SchemaError([Problem(("average",), msg)])
    codes, matrix, labels = _probabilistic_check(y_true, proba, classes)
    return codes, matrix, labels, average


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
    another class, ties counted as one half (computed from mid-ranks). With two classes both
    columns give the same AUC, so the average is the usual binary AUC. The result agrees with
    scikit-learn's ``roc_auc_score(y, proba, multi_class="ovr", average=average)``.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        The true labels, each one of `classes`.
    proba : array-like of shape (n, n_classes)
        Predicted probabilities, columns in the order of `classes`.
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
    aucs, support = _auc_per_class(codes, matrix, labels)
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
        Predicted probabilities, columns in the order of `classes`.
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
    return _report(codes, matrix, labels, bins, stacklevel=3)


# --------------------------------------------------------------------------------------------
# Cross-validation
# --------------------------------------------------------------------------------------------


def _n_rows(X: object) -> int | None:
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    try:
        return len(cast(Sequence[Any], X))
    except TypeError:
        return None


def _take(X: Any, rows: IntArray) -> Any:
    """Rows of `X`: numpy indexing, ``.iloc`` for data frames, else via ``numpy.asarray``."""
    if isinstance(X, np.ndarray):
        return X[rows]
    iloc = getattr(X, "iloc", None)
    if iloc is not None:
        return iloc[rows]
    return np.asarray(X)[rows]


def _clone(model: ProbabilisticClassifier) -> ProbabilisticClassifier:
    """A fresh, unfitted copy: rebuilt from ``get_params()`` where the model has it."""
    get_params = getattr(model, "get_params", None)
    if not callable(get_params):
        return copy.deepcopy(model)
    try:
        params = get_params(deep=False)
    except TypeError:
        params = get_params()
    rebuilt: ProbabilisticClassifier = type(model)(**copy.deepcopy(dict(params)))
    return rebuilt


def _cross_validate_iv(
    model: object, X: object, y: object, k: object, rng: object
) -> tuple[IntArray, tuple[Hashable, ...], npt.NDArray[Any], int, np.random.Generator]:
    problems: list[Problem] = []
    missing = [m for m in ("fit", "predict_proba") if not callable(getattr(model, m, None))]
    if missing:
        msg = (
            f"{type(model).__name__} has no {' or '.join(missing)} method; pass a classifier "
            "with fit(X, y) and predict_proba(X)"
        )
        problems.append(Problem(("model",), msg))
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2:
        problems.append(Problem(("k",), f"expected an integer of at least 2, got {k!r}"))
    generator = check_rng(rng, problems=problems)
    n_x = _n_rows(X)
    if n_x is None:
        problems.append(Problem(("X",), f"expected an array-like of rows, got {type(X).__name__}"))
    if problems:
        raise SchemaError(problems)
    labels = _labels_array(y, "y")
    if n_x != len(labels):
        raise SchemaError(_same_length([("y", len(labels)), ("X", cast(int, n_x))]))
    classes = _ordered(_unique(labels, "y"))
    if len(classes) < 2:
        msg = f"holds a single class ({classes[0]!r}); cross-validation needs at least two"
        raise SchemaError([Problem(("y",), msg)])
    codes = _encode(labels, classes, "y", "y")
    counts = np.bincount(codes, minlength=len(classes))
    smallest = int(counts.argmin())
    folds = int(cast(int, k))
    if folds > counts[smallest]:
        msg = (
            f"k={folds} is larger than the {counts[smallest]} rows of class "
            f"{classes[smallest]!r}; every fold must hold each class, so pass k <= "
            f"{counts[smallest]} or gather more rows of that class"
        )
        raise SchemaError([Problem(("k",), msg)])
    return codes, classes, labels, folds, generator


def _stratified_folds(
    codes: IntArray, n_classes: int, k: int, rng: np.random.Generator
) -> IntArray:
    """Fold of each row: each class shuffled, then dealt out round-robin, one class after another.

    Each fold gets ``floor`` or ``ceil`` of ``count / k`` rows of every class, and ``floor`` or
    ``ceil`` of ``n / k`` rows in all.
    """
    order = np.concatenate([rng.permutation(np.flatnonzero(codes == c)) for c in range(n_classes)])
    fold = np.empty(len(codes), dtype=np.intp)
    fold[order] = np.arange(len(codes)) % k
    return fold


def _aligned_proba(
    fitted: ProbabilisticClassifier, X_test: Any, classes: tuple[Hashable, ...], fold: int
) -> FloatArray:
    """The fitted model's probabilities, columns reordered to `classes`."""
    raw = np.asarray(fitted.predict_proba(X_test), dtype=np.float64)
    learned = getattr(fitted, "classes_", None)
    if learned is None:
        columns = np.arange(len(classes))
    else:
        where = {_scalar(c): j for j, c in enumerate(np.asarray(learned).tolist())}
        lacking = [c for c in classes if c not in where]
        if lacking:
            msg = (
                f"the model fitted on fold {fold} has classes_ {_show(list(where))}, which lack "
                f"{_show(lacking)}; its predict_proba must give one column per class of y"
            )
            raise EstimationError(msg)
        columns = np.array([where[c] for c in classes], dtype=np.intp)
    n_test = _n_rows(X_test)
    if raw.ndim != 2 or raw.shape[0] != n_test or raw.shape[1] <= columns.max():
        msg = (
            f"the model fitted on fold {fold} returned predict_proba of shape {raw.shape}; "
            f"expected ({n_test}, {len(classes)})"
        )
        raise EstimationError(msg)
    try:
        return _proba_check(raw[:, columns], raw.shape[0], len(classes))
    except SchemaError as err:
        raise err.prefixed(("model.predict_proba", f"fold {fold}")) from None


def cross_validate(
    model: ProbabilisticClassifier,
    X: Any,
    y: npt.ArrayLike,
    *,
    k: int = 5,
    rng: int | np.random.Generator | None = None,
) -> CrossValidationResult:
    """Stratified k-fold cross-validation of a probabilistic classifier.

    The rows of each class are shuffled with `rng` and dealt round-robin into `k` folds, so
    every fold holds each class in (almost) its overall proportion. For each fold, a fresh copy
    of `model` (rebuilt from ``model.get_params()`` if it has that method, else a
    ``copy.deepcopy``; `model` itself is never fitted or changed) is fitted on the other folds
    and scored by :func:`evaluate` on the held-out one.

    Parameters
    ----------
    model : ProbabilisticClassifier
        An unfitted classifier with ``fit(X, y)`` and ``predict_proba(X)`` (and ideally
        ``classes_`` after fitting, naming the probability columns).
    X : array-like of shape (n, n_features)
        Features, indexed by row (numpy arrays, anything ``numpy.asarray`` reads, or data
        frames through ``.iloc``).
    y : array-like of shape (n,)
        Labels. Their sorted distinct values are the classes.
    k : int, default 5
        The number of folds: at least 2 and at most the row count of the smallest class.
    rng : int, numpy.random.Generator or None, default None
        Seed or generator for the shuffle. The same seed gives the same folds and, for a
        deterministic model, the identical result. The global numpy state is never used.

    Returns
    -------
    CrossValidationResult
        The per-fold reports, the mean and standard deviation over folds of macro F1, Brier
        score, ECE and ROC AUC, and the out-of-fold probabilities.

    Raises
    ------
    SchemaError
        If `model` lacks ``fit`` or ``predict_proba``; `X` and `y` differ in length; `y` is empty,
        has a missing label or a single class; `k` is below 2 or above the size of the smallest
        class (which is named); or `rng` is not a seed or a generator.
    EstimationError
        If a fitted model's ``classes_`` or ``predict_proba`` do not cover the classes of `y`.

    Examples
    --------
    >>> from sparkus.triage import cross_validate
    >>> import numpy as np
    >>> class Centroids:
    ...     def fit(self, X, y):
    ...         self.classes_ = np.unique(y)
    ...         self.centres_ = np.array([X[y == c].mean(axis=0) for c in self.classes_])
    ...         return self
    ...     def predict_proba(self, X):
    ...         d = ((X[:, None, :] - self.centres_[None]) ** 2).sum(axis=2)
    ...         e = np.exp(-(d - d.min(axis=1, keepdims=True)))
    ...         return e / e.sum(axis=1, keepdims=True)
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat(["a", "b"], 30)
    >>> X = rng.normal(size=(60, 2)) + np.where(y == "a", 0.0, 2.0)[:, None]
    >>> cv = cross_validate(Centroids(), X, y, k=3, rng=1)
    >>> len(cv.folds), cv.oof_proba.shape
    (3, (60, 2))
    >>> cv.mean["roc_auc"] > 0.8
    True
    >>> cross_validate(Centroids(), X, y, k=3, rng=1).to_dict() == cv.to_dict()
    True

    .. versionadded:: 0.1
    """
    codes, classes, labels, folds, generator = _cross_validate_iv(model, X, y, k, rng)
    fold = _stratified_folds(codes, len(classes), folds, generator)
    oof = np.empty((len(codes), len(classes)), dtype=np.float64)
    reports: list[ClassificationReport] = []
    for f in range(folds):
        train = np.flatnonzero(fold != f)
        test = np.flatnonzero(fold == f)
        fitted = _clone(model)
        fitted.fit(_take(X, train), labels[train])
        proba = _aligned_proba(fitted, _take(X, test), classes, f)
        oof[test] = proba
        reports.append(_report(codes[test], proba, classes, n_bins=10, stacklevel=3))
    table = {m: np.array([getattr(r, m) for r in reports]) for m in _CV_METRICS}
    return CrossValidationResult(
        classes=classes,
        n=len(codes),
        k=folds,
        folds=tuple(reports),
        mean={m: float(v.mean()) for m, v in table.items()},
        std={m: float(v.std(ddof=1)) for m, v in table.items()},
        oof_proba=_frozen_array(oof, np.float64),
        fold=_frozen_array(fold, np.int64),
    )
