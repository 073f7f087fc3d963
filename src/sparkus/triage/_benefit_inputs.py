"""The input checks of :class:`~sparkus.triage.BenefitModel`: parameters, training data, folds.

Every check raises a :class:`~sparkus.SchemaError` naming the parameter, the row or the fold at
fault (or an :class:`~sparkus.EstimationError` for missing values and lengths that differ, as
every estimator of effects in sparkus does), and never changes what the caller passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, TypeAlias

import attrs
import numpy as np

from sparkus._checks import (
    FloatArray,
    IntArray,
    align_rows,
    as_array,
    as_table,
    check_choice,
    check_number,
    check_rng,
    describe,
    is_missing,
    rows_text,
    schema_error,
)
from sparkus._checks_effects import indicator, named_matrix, same_length, vector
from sparkus._errors import SchemaError, shown
from sparkus._fields import probably_meant, read_member, spelling_key
from sparkus._privacy import group_label_problems
from sparkus.model import SupportType
from sparkus.triage._benefit_stages import stratified_folds
from sparkus.triage._estimator import column_keys

__all__ = ["Support", "check_params", "fold_codes", "predict_matrix", "training_data"]

Support: TypeAlias = SupportType | str
"""A support type as a model's key: a SupportType member, or ``"treated"`` for 0/1 input."""

NONE_LABEL: Final = "none"
BINARY_KEY: Final = "treated"
_BUILT_IN: Final = ("linear", "ridge")


def _has(obj: object, *methods: str) -> bool:
    return all(callable(getattr(obj, m, None)) for m in methods)


def check_params(
    final: object,
    propensity: object,
    outcome: object,
    folds: object,
    alpha: object,
    clip: object,
    rng: object,
) -> None:
    """SchemaError naming the first constructor parameter that is not as documented."""
    if isinstance(final, str):
        check_choice(final, "final", _BUILT_IN)
    elif not _has(final, "fit", "predict"):
        msg = f"expected 'linear', 'ridge' or an object with fit and predict, got {describe(final)}"
        raise schema_error("final", msg)
    if propensity is not None and not _has(propensity, "fit", "predict_proba"):
        msg = f"expected None or an object with fit and predict_proba, got {describe(propensity)}"
        raise schema_error("propensity", msg)
    if outcome is not None and not _has(outcome, "fit", "predict"):
        msg = f"expected None or an object with fit and predict, got {describe(outcome)}"
        raise schema_error("outcome", msg)
    if isinstance(folds, bool) or not isinstance(folds, int | np.integer) or folds < 2:
        raise schema_error("folds", f"expected a whole number of folds >= 2, got {shown(folds)}")
    check_number(alpha, "alpha", low=0.0)
    check_number(clip, "clip", low=0.0, high=0.5, low_open=True, high_open=True)
    if not isinstance(rng, np.random.Generator):
        check_rng(rng)


@attrs.frozen
class TrainingData:
    """Checked training rows: features, arm codes (0 = none, k + 1 = the k-th support type)."""

    X: FloatArray
    arm: IntArray
    y: FloatArray
    supports: tuple[Support, ...]
    names: tuple[str, ...]
    from_frame: bool
    fold: object = None  # the caller's fold labels, in the rows' order (pandas aligned)


def _is_frame(value: object) -> bool:
    return callable(getattr(value, "keys", None)) and not isinstance(value, np.ndarray)


def training_data(X: object, treated: object, y: object, fold: object = None) -> TrainingData:
    """The checked training data; pandas inputs (`fold` too) are paired by their index."""
    X, treated, y, fold = align_rows(("X", X), ("treated", treated), ("y", y), ("fold", fold))
    X = as_table(X)  # a polars frame as its columns by name
    if _is_frame(X):
        getter: Any = X
        column_keys(getter.keys(), "X")  # names that read alike are refused, not read twice
    matrix, names = named_matrix(X, "X")
    outcome = vector(y, "y")
    labels = as_array(treated, "treated")
    if labels.ndim != 1:
        msg = f"expected a 1-D sequence, one entry per row, got shape {labels.shape}"
        raise schema_error("treated", msg)
    same_length(("X", matrix.shape[0]), ("treated", labels.shape[0]), ("y", outcome.shape[0]))
    arm, supports = _arms(labels)
    return TrainingData(matrix, arm, outcome, supports, names, _is_frame(X), fold)


def _flags(labels: Any) -> bool:
    """Whether `labels` are 0/1 flags: numbers or booleans, some maybe missing.

    pandas' nullable ``boolean`` and ``Int64`` columns with a missing value arrive as objects;
    they are read as flags (their missing rows named), not as support-type labels.
    """
    if labels.dtype.kind in "biuf":
        return True
    if labels.dtype.kind != "O":
        return False
    values = labels.tolist()
    numbers = [v for v in values if not is_missing(v)]
    return bool(numbers) and all(
        isinstance(v, bool | int | float | np.bool_ | np.integer | np.floating) for v in numbers
    )


def _arms(labels: Any) -> tuple[IntArray, tuple[Support, ...]]:
    """Arm codes and the support types: 0/1 input, or support-type labels with "none"."""
    if _flags(labels):
        return indicator(labels, "treated").astype(np.intp), (BINARY_KEY,)
    by_value = {s.value: s for s in SupportType}
    found: list[SupportType | None] = []
    bad: list[int] = []
    read: dict[str, tuple[bool, SupportType | None]] = {}  # each distinct label read once
    for value in labels.tolist():
        if isinstance(value, SupportType):
            found.append(value)
            continue
        if isinstance(value, str):
            if value not in read:
                member = read_member(value, SupportType)
                read[value] = (member is not None or spelling_key(value) == NONE_LABEL, member)
            ok, member = read[value]
            if ok:
                found.append(member)
                continue
        found.append(None)
        bad.append(len(found) - 1)
    if bad:
        listed = ", ".join(shown(v) for v in dict.fromkeys(labels[bad].tolist()))
        missing = all(is_missing(v) for v in labels[bad].tolist())
        what = "not a support type"
        if missing:
            what = "missing (give every row its support, 'none' for the untreated)"
        allowed = ", ".join([NONE_LABEL, *by_value])
        msg = (
            f"{listed} in {rows_text(np.asarray(bad))} is {what}; expected 0/1 or labels "
            f"among {allowed}{probably_meant(labels[bad[0]], SupportType)}"
        )
        raise schema_error("treated", msg)
    supports = tuple(s for s in SupportType if s in set(found))
    if not supports:
        raise schema_error("treated", "every row is 'none': no support type to learn about")
    code = {s: k + 1 for k, s in enumerate(supports)}
    return np.array([0 if s is None else code[s] for s in found], dtype=np.intp), supports


def fold_codes(
    fold: object, data: TrainingData, folds: int, rng: object
) -> tuple[IntArray, tuple[str, ...]]:
    """Each row's fold coded ``0 ..``, and each fold's name.

    The caller's labels (named by their ``repr``), else stratified random folds named ``0 ..``.
    """
    n = data.X.shape[0]
    if fold is not None:
        given = as_array(fold, "fold")
        if given.ndim != 1:
            raise schema_error("fold", f"expected one fold label per row, got shape {given.shape}")
        same_length(("X", n), ("fold", given.shape[0]))
        if problems := group_label_problems(given, "fold", fold, numbers=True):
            raise SchemaError(problems)
        names, codes = np.unique(given, return_inverse=True)
        if codes.max(initial=0) < 1:
            raise schema_error("fold", "holds a single fold; cross-fitting needs at least two")
        return np.asarray(codes, dtype=np.intp), tuple(shown(v) for v in names.tolist())
    for k, support in enumerate(data.supports):
        for arm, who in ((k + 1, "treated"), (0, "untreated")):
            count = int((data.arm == arm).sum())
            if count < folds:
                name = support.value if isinstance(support, SupportType) else support
                msg = (
                    f"too few rows per fold: {count} {who} row(s) for {shown(name)} cannot give each "
                    f"of the {folds} folds one; use fewer folds or collect more rows"
                )
                raise schema_error("folds", msg)
    generator = check_rng(rng)
    return stratified_folds(data.arm, folds, generator), tuple(str(f) for f in range(folds))


def predict_matrix(X: object, names: Sequence[str], from_frame: bool) -> FloatArray:
    """`X` for prediction: a frame's columns put in the fitted order by name, else by count.

    A frame's columns are matched by their names as text (pandas' default 0, 1, ... too),
    never by position (:func:`~sparkus.triage._estimator.frame_names`).
    """
    X = as_table(X)
    if _is_frame(X):
        getter: Any = X
        keys = column_keys(getter.keys(), "X")
        missing = [c for c in names if c not in keys]
        extra = [c for c in keys if c not in names]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"lacks the column(s) {', '.join(map(repr, missing))}")
            if extra:
                parts.append(f"has column(s) not seen at fit: {', '.join(map(repr, extra))}")
            raise schema_error("X", f"{' and '.join(parts)}; pass the features used at fit")
        matrix, _ = named_matrix(
            {c: as_array(getter[keys[c]], f"X[{shown(c)}]") for c in names}, "X"
        )
        return matrix
    matrix, _ = named_matrix(X, "X")
    if matrix.shape[1] != len(names):
        how = (
            " (fitted on a data frame: pass one, columns are matched by name)" if from_frame else ""
        )
        msg = f"expected {len(names)} feature column(s) as at fit, got {matrix.shape[1]}{how}"
        raise schema_error("X", msg)
    return matrix
