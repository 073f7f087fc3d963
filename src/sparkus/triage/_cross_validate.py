"""Cross-validation of a probabilistic classifier: stratified folds, refits, held-out reports.

:func:`~sparkus.triage.cross_validate` deals the rows of each class into folds, fits a fresh
copy of the model on all but one fold and scores the held-out fold with the same report as
:func:`~sparkus.triage.evaluate`. :class:`~sparkus.triage.ProbabilisticClassifier` says what it
asks of a model.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Sequence
from typing import Any, Final, Protocol, TypeAlias, cast

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import align_rows, check_number, check_rng
from sparkus._errors import EstimationError, Problem, SchemaError, shown
from sparkus._frames import Framed, FrameSpec
from sparkus._results import Result, Table, format_number
from sparkus.triage._labels import (
    check_proba,
    distinct_classes,
    encode,
    kind_problems,
    labels_array,
    length_problems,
    scalar,
    show,
    unique_labels,
)
from sparkus.triage._scores import ClassificationReport, frozen_array, report

__all__ = ["CrossValidationResult", "ProbabilisticClassifier", "cross_validate"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

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


@attrs.frozen(repr=False, eq=False)
class CrossValidationResult(Framed, Result):
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

    As a table, one row per fold (its rows ``n`` and its ``macro_f1``, ``brier_score``,
    ``ece`` and ``roc_auc``), indexed by ``fold``:

    >>> cv.to_frame().columns.tolist()
    ['n', 'macro_f1', 'brier_score', 'ece', 'roc_auc']
    """

    classes: tuple[Hashable, ...]
    n: int
    k: int
    folds: tuple[ClassificationReport, ...]
    mean: dict[str, float]
    std: dict[str, float]
    oof_proba: FloatArray
    fold: npt.NDArray[np.int64]

    def _frame(self) -> FrameSpec:
        columns: dict[str, Any] = {
            "fold": np.arange(self.k),
            "n": np.array([r.n for r in self.folds]),
        }
        columns.update({m: np.array([getattr(r, m) for r in self.folds]) for m in _CV_METRICS})
        return columns, ("fold",)

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
) -> tuple[Any, IntArray, tuple[Hashable, ...], Any, int, np.random.Generator]:
    problems: list[Problem] = []
    X, y = align_rows(("X", X), ("y", y))
    missing = [m for m in ("fit", "predict_proba") if not callable(getattr(model, m, None))]
    if missing:
        msg = (
            f"{type(model).__name__} has no {' or '.join(missing)} method; pass a classifier "
            "with fit(X, y) and predict_proba(X)"
        )
        problems.append(Problem(("model",), msg))
    check_number(k, "k", low=2, integer=True, problems=problems)
    generator = check_rng(rng, problems=problems)
    n_x = _n_rows(X)
    if n_x is None:
        problems.append(Problem(("X",), f"expected an array-like of rows, got {type(X).__name__}"))
    if problems:
        raise SchemaError(problems)
    labels = labels_array(y, "y")
    if n_x != len(labels):
        raise SchemaError(length_problems([("y", len(labels)), ("X", cast(int, n_x))]))
    if kinds := kind_problems([("y", labels)]):  # 1 and "1": two classes that print alike
        raise SchemaError(kinds)
    classes = distinct_classes(unique_labels(labels, "y"), "y")
    if len(classes) < 2:
        msg = f"holds a single class ({shown(classes[0])}); cross-validation needs at least two"
        raise SchemaError([Problem(("y",), msg)])
    codes = encode(labels, classes, "y", "y")
    counts = np.bincount(codes, minlength=len(classes))
    smallest = int(counts.argmin())
    folds = int(cast(int, k))
    if folds > counts[smallest]:
        msg = (
            f"k={folds} is larger than the {counts[smallest]} rows of class "
            f"{shown(classes[smallest])}; every fold must hold each class, so pass k <= "
            f"{counts[smallest]} or gather more rows of that class"
        )
        raise SchemaError([Problem(("k",), msg)])
    # the model fits on the rows of `y` as given: a pandas Series keeps its dtype (the order
    # of an ordered categorical) and its index, which `X`'s rows share once aligned
    target = y if getattr(y, "iloc", None) is not None else labels
    return X, codes, classes, target, folds, generator


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
        where = {scalar(c): j for j, c in enumerate(np.asarray(learned).tolist())}
        lacking = [c for c in classes if c not in where]
        if lacking:
            msg = (
                f"the model fitted on fold {fold} has classes_ {show(list(where))}, which lack "
                f"{show(lacking)}; its predict_proba must give one column per class of y"
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
        return check_proba(raw[:, columns], raw.shape[0], len(classes))
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
        Labels. Their sorted distinct values are the classes. A pandas Series reaches the
        model as it is, its rows taken by position (``.iloc``) like those of `X`, so the
        order of an ordered categorical (read by :class:`~sparkus.triage.OrdinalReadinessModel`) is kept.
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
        If `model` lacks ``fit`` or ``predict_proba``; `X` and `y` differ in length (or, as
        pandas objects, in their indexes: they are aligned by index); `y` is empty,
        has a missing label, a single class or labels of different kinds (``1`` beside
        ``"1"``, booleans beside other numbers); `k` is below 2 or above the size of the smallest
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
    X, codes, classes, target, folds, generator = _cross_validate_iv(model, X, y, k, rng)
    fold = _stratified_folds(codes, len(classes), folds, generator)
    oof = np.empty((len(codes), len(classes)), dtype=np.float64)
    reports: list[ClassificationReport] = []
    for f in range(folds):
        train = np.flatnonzero(fold != f)
        test = np.flatnonzero(fold == f)
        fitted = _clone(model)
        fitted.fit(_take(X, train), _take(target, train))
        proba = _aligned_proba(fitted, _take(X, test), classes, f)
        oof[test] = proba
        reports.append(report(codes[test], proba, classes, n_bins=10, stacklevel=3))
    table = {m: np.array([getattr(r, m) for r in reports]) for m in _CV_METRICS}
    return CrossValidationResult(
        classes=classes,
        n=len(codes),
        k=folds,
        folds=tuple(reports),
        mean={m: float(v.mean()) for m, v in table.items()},
        std={m: float(v.std(ddof=1)) for m, v in table.items()},
        oof_proba=frozen_array(oof, np.float64),
        fold=frozen_array(fold, np.int64),
    )
