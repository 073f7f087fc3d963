"""What every fitted triage model shares: scikit-learn's estimator protocol and a fitted flag.

The protocol is implemented, not inherited: sparkus does not depend on scikit-learn, and nothing
here imports it except ``__sklearn_tags__``, which only scikit-learn calls (so scikit-learn is
there to import). With it the models pass ``sklearn.utils.estimator_checks.check_estimator``
(bar the checks ``tests/triage/test_sklearn_compat.py`` lists with the reason each fails) and work
in ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from sparkus._checks import align_rows, as_array, schema_error
from sparkus._checks_fit import check_matrix, check_n_features, check_sample_weight
from sparkus._errors import (
    EstimationError,
    NotFittedError,
    Problem,
    SchemaError,
    SparkusWarning,
    name_text,
)
from sparkus.triage._fitting import unit_weights
from sparkus.triage._labels import fit_labels

__all__ = [
    "Estimator",
    "column_keys",
    "feature_matrix",
    "feature_names",
    "fit_target",
    "frame_names",
]

_MAX_NAMES_SHOWN = 5
"""A message about mismatched column names lists this many names of each kind, then ``- ...``."""


def column_keys(columns: Iterable[Any], name: str = "X") -> dict[str, Any]:
    """Each column's name as text, mapped to the column's own label (the text, or a number).

    Columns are read by name, so two labels that read alike (the number 0 and the text
    ``"0"``, a label given twice) are a SchemaError naming them: one would be read twice.
    """
    keys: dict[str, Any] = {}
    repeated: list[str] = []
    for label in columns:
        text = name_text(label, name)
        if text in keys:
            repeated.append(text)
        keys[text] = label
    if repeated:
        shown = ", ".join(map(repr, dict.fromkeys(repeated)))
        msg = (
            f"has several columns named {shown}; columns are matched by name, so give each "
            "column its own name"
        )
        raise schema_error(name, msg)
    return keys


def frame_names(X: object, name: str = "X") -> list[str] | None:
    """The column names of a pandas or polars data frame `X` as text; None for anything else.

    The one rule of triage's inputs: a data frame's columns are matched by name, whatever
    their labels (text, or numbers such as pandas' default 0, 1, ..., compared as text), never
    by position; only an array (or a model fitted on one) is read by position. Neither library
    is imported.
    """
    if not type(X).__module__.startswith(("pandas", "polars")):
        return None
    columns = getattr(X, "columns", None)
    if columns is None:
        return None
    return list(column_keys(columns, name))


def feature_names(X: object) -> NDArray[np.object_] | None:
    """The column labels of a pandas or polars data frame `X`, as given, else None.

    Every frame's labels are kept, to match its columns by name at predict (:func:`frame_names`);
    only labels that are all text become ``feature_names_in_`` (scikit-learn's rule). A frame
    that mixes text and other labels is a SchemaError, as in scikit-learn: half of its columns
    would have no ``feature_names_in_``.
    """
    if frame_names(X) is None:
        return None
    frame: Any = X
    labels = list(frame.columns)
    text = [isinstance(label, str) for label in labels]
    if any(text) and not all(text):
        kinds = sorted({type(label).__name__ for label in labels})
        msg = (
            f"has column names of the types {kinds}; a model's feature names must be such that "
            "all are text or none is (as pandas' 0, 1, ...): convert them "
            "(X.columns = X.columns.astype(str)) or pass an array"
        )
        raise schema_error("X", msg)
    return np.asarray(labels, dtype=object)


def feature_matrix(X: object) -> NDArray[np.float64]:
    """`X` as a finite float64 matrix (``check_matrix``), refusing in scikit-learn's words.

    Sparse matrices, complex numbers, 1-D arrays and matrices without columns are refused with a
    SchemaError whose message holds the phrase scikit-learn's checks (and its users) look for:
    "sparse", "Complex data not supported", "Reshape your data", "0 feature(s)".
    """
    if type(X).__module__.startswith("scipy.sparse"):
        msg = (
            f"is a sparse {type(X).__name__}: sparse input is not supported; pass a dense "
            "array (X.toarray())"
        )
        raise schema_error("X", msg)
    array = as_array(X, "X")
    if array.dtype.kind == "c":
        msg = "Complex data not supported: pass real numbers (the real part, or both parts)"
        raise schema_error("X", msg)
    if array.ndim == 1:
        msg = (
            "expected a 2-D array (n_samples, n_features), got 1-D. Reshape your data: "
            "X.reshape(-1, 1) for a single feature, X.reshape(1, -1) for a single sample"
        )
        raise schema_error("X", msg)
    if array.ndim == 2 and array.shape[0] > 0 and array.shape[1] == 0:
        msg = (
            f"expected at least one row and one column, got 0 feature(s) (shape={array.shape}) "
            "while a minimum of 1 is required; pass at least one column"
        )
        raise schema_error("X", msg)
    return check_matrix(array, copy=False)


def fit_target(y: object, n_samples: int, what: str) -> None:
    """Refuse, in scikit-learn's words, a missing `y` and a single sample for `what`'s ``fit``."""
    if y is None:
        msg = (
            f"{what} requires y to be passed, but the target y is None; pass one label per row of X"
        )
        raise schema_error("y", msg)
    if n_samples == 1:
        msg = f"X has 1 sample; {what} needs rows of at least two classes to fit"
        raise EstimationError(msg)


def _listed(names: list[str]) -> str:
    """scikit-learn's list of names in a message: one ``- name`` line each, five at most."""
    lines = [f"- {name}\n" for name in names[:_MAX_NAMES_SHOWN]]
    if len(names) > _MAX_NAMES_SHOWN:
        lines.append("- ...\n")
    return "".join(lines)


class Estimator:
    """Base of the fitted models: scikit-learn's estimator protocol, ``repr`` and the fitted check.

    Subclasses list their hyper-parameters in ``_param_names``, store them unchanged in
    ``__init__``, and at the end of ``fit`` set ``n_features_in_``, call
    ``_set_feature_names`` with what :func:`feature_names` read from `X`, and set
    ``_fitted = True``. Their other methods read `X` through ``_checked``.
    """

    _param_names: ClassVar[tuple[str, ...]] = ()
    _estimator_type: ClassVar[str] = "classifier"  # what scikit-learn before 1.6 reads
    _fitted: bool = False
    n_features_in_: int
    feature_names_in_: NDArray[np.object_]
    _fitted_names: list[str]

    def get_params(self, deep: bool = True) -> dict[str, Any]:  # noqa: ARG002 (sklearn's API)
        """The hyper-parameters, by name (scikit-learn's protocol; `deep` is accepted and unused)."""
        return {name: getattr(self, name) for name in self._param_names}

    def set_params(self, **params: Any) -> Self:
        """Set hyper-parameters by name and return the model; an unknown name is a SchemaError."""
        unknown = sorted(set(params) - set(self._param_names))
        if unknown:
            msg = f"unknown hyper-parameter(s) {unknown}; expected some of {sorted(self._param_names)}"
            raise SchemaError([Problem((name,), msg) for name in unknown])
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's tags: a classifier of 2-D finite real features (called by scikit-learn).

        scikit-learn is imported here, and only here: this method exists for scikit-learn
        (1.6 or later), which calls it, so it is importable whenever the method runs.
        """
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(two_d_array=True, allow_nan=False),
        )

    def __sklearn_is_fitted__(self) -> bool:
        """Whether ``fit`` has run (scikit-learn's ``check_is_fitted`` reads this)."""
        return self._fitted

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if v is not defaults[k] and v != defaults[k]
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def score(self, X: object, y: object, sample_weight: object = None) -> float:
        """Accuracy: the (weighted) share of rows whose predicted class is their label.

        This is what scikit-learn's ``cross_val_score`` and ``GridSearchCV`` maximise unless
        told to score otherwise.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Finite real features, the columns seen in ``fit``.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), optional
            Weight of each row; None weighs every row 1.

        Returns
        -------
        float
            A number in [0, 1].
        """
        X, y, sample_weight = align_rows(("X", X), ("y", y), ("sample_weight", sample_weight))
        predicted = self._predicted(self._checked(X))
        labels = fit_labels(y, predicted.shape[0])
        # scaled to a largest weight in [0.5, 1) first: weights near 1e308 overflow their sum
        sw, _ = unit_weights(check_sample_weight(sample_weight, predicted.shape[0]))
        return float(sw @ (predicted == labels) / sw.sum())

    def _predicted(self, X: NDArray[np.float64]) -> NDArray[Any]:
        """The predicted class of each row of a checked `X` (each model says how)."""
        raise NotImplementedError

    def _set_feature_names(self, names: NDArray[np.object_] | None) -> None:
        """Keep the column labels seen in ``fit`` (forget those of an earlier fit without any).

        Every frame's labels are kept, as text, to match its columns by name at predict; only
        labels that are all text become ``feature_names_in_``, as in scikit-learn.
        """
        for attribute in ("feature_names_in_", "_fitted_names"):
            vars(self).pop(attribute, None)
        if names is None:
            return
        self._fitted_names = [str(label) for label in names.tolist()]
        if all(isinstance(label, str) for label in names.tolist()):
            self.feature_names_in_ = names

    def _check_feature_names(self, X: object) -> None:
        """A SchemaError if a frame `X` names its columns otherwise than the frame of ``fit``.

        A frame is matched by name whenever ``fit`` saw one, whatever its labels; between a
        frame and an array, scikit-learn's warnings (for text names only), in its words.
        """
        given = frame_names(X)
        fitted: list[str] | None = vars(self).get("_fitted_names")
        name = type(self).__name__
        if given is not None and fitted is not None:
            if given == fitted:
                return
            msg = "The feature names should match those that were passed during fit.\n"
            unexpected = sorted(set(given) - set(fitted))
            missing = sorted(set(fitted) - set(given))
            if unexpected:
                msg += "Feature names unseen at fit time:\n" + _listed(unexpected)
            if missing:
                msg += "Feature names seen at fit time, yet now missing:\n" + _listed(missing)
            if not unexpected and not missing:
                msg += "Feature names must be in the same order as they were in fit.\n"
            raise schema_error(
                "X", msg + "Pass the columns of fit, by the same names and in order."
            )
        named = feature_names(X)
        if fitted is None and named is not None and all(isinstance(c, str) for c in named):
            msg = f"X has feature names, but {name} was fitted without feature names"
            warnings.warn(msg, SparkusWarning, stacklevel=4)
        elif given is None and "feature_names_in_" in vars(self):
            msg = f"X does not have valid feature names, but {name} was fitted with feature names"
            warnings.warn(msg, SparkusWarning, stacklevel=4)

    def _checked(self, X: object) -> NDArray[Any]:
        """`X` as a float matrix with the features seen in ``fit``; NotFittedError before it."""
        if not self._fitted:
            msg = (
                f"this {type(self).__name__} is not fitted yet; call fit(X, y) first, then predict"
            )
            raise NotFittedError(msg)
        self._check_feature_names(X)
        Xc = feature_matrix(X)
        check_n_features(Xc, self.n_features_in_, owner=type(self).__name__)
        return Xc
