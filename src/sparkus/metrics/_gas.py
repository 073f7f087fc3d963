"""Goal attainment scaling (Kiresuk & Sherman 1968): each person's goals as one T-score.

Each goal is rated on five levels, ``-2`` (much less than expected) to ``+2`` (much more than
expected), ``0`` being the expected outcome. The T-score summarises a person's goals on a
scale with mean 50 and standard deviation 10 when every goal lands at its expected level on
average, whatever the number of goals, so it is an outcome the estimators take like any other.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, align_rows, as_array, check_number, real_array, schema_error
from sparkus._checks_effects import booleans_problem
from sparkus._errors import Problem, SchemaError, shown

__all__ = ["gas_tscore"]

RHO: Final = 0.3
"""Kiresuk & Sherman's (1968) assumed correlation between the goals of one person."""
_LEVELS: Final = (-2.0, -1.0, 0.0, 1.0, 2.0)
_SHOWN: Final = 10


def _cells(where: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    rows, cols = np.nonzero(where)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]


def _by_label(attainment: object, weights: object) -> object:
    """Weights given by pandas labels put in the order of a pandas `attainment`, or refused.

    A DataFrame of weights is aligned by its index (the people) and its columns (the goals);
    a Series of weights, one per goal, by its index against the goal columns. Never paired by
    position when both sides carry labels, nor given to goal columns that share a name;
    anything else is returned as it is.
    """
    if not (_is_pandas(attainment) and _is_pandas(weights)):
        return weights
    goals: Any = getattr(attainment, "columns", None)
    if goals is None:  # a Series of attainments is not the 2-D table the check asks for
        return weights
    given: Any = weights
    table = hasattr(given, "columns")
    if table:  # the same people (by index), then the same goals
        given = align_rows(("attainment", attainment), ("weights", given))[1]
    if not goals.is_unique:  # a weight named by goal would go to each column of that name
        msg = "its columns name a goal twice; give each goal one column to weigh goals by name"
        raise schema_error("attainment", msg)
    labels, name = (given.columns, "its columns") if table else (given.index, "its index")
    if not labels.is_unique:
        raise schema_error("weights", f"{name} name a goal twice; give each goal one weight")
    if labels.equals(goals):
        return given
    missing, extra = goals.difference(labels), labels.difference(goals)
    if len(missing) or len(extra):
        parts = [f"lacks the goals {_few(missing)}"] if len(missing) else []
        parts += [f"has {_few(extra)}, which are not goals"] if len(extra) else []
        msg = (f"{name} must name the columns of `attainment`, but it {' and '.join(parts)}; "
               "name the weights by goal, or pass a numpy array to pair goals by position")  # fmt: skip
        raise schema_error("weights", msg)
    return given[goals] if table else given.reindex(goals)


def _is_pandas(value: object) -> bool:
    return type(value).__module__.startswith("pandas")


def _few(labels: Any) -> str:
    return ", ".join(shown(v) for v in list(labels[:5])) + (" ..." if len(labels) > 5 else "")


def _has_booleans(attainment: object, cells: npt.NDArray[Any]) -> bool:
    """Whether `attainment` holds booleans: in its cells, or as a column of a table."""
    if cells.dtype.kind == "b":
        return True
    if cells.dtype.kind == "O" and any(isinstance(c, bool | np.bool_) for c in cells.flat):
        return True
    if not hasattr(attainment, "columns"):
        return False
    dtypes: Any = attainment.dtypes  # type: ignore[attr-defined]  # bool columns beside numbers
    return any(str(d).lower() in ("bool", "boolean") for d in dtypes)


def _gas_tscore_iv(
    attainment: object, weights: object, rho: object
) -> tuple[FloatArray, FloatArray, float]:
    problems: list[Problem] = []
    value = check_number(rho, "rho", low=0.0, high=1.0, problems=problems)
    cells = as_array(attainment, "attainment")
    if _has_booleans(attainment, cells):
        msg = ("holds booleans, which are no attainment level (True would read as +1, more than "
               "expected); map each goal's outcome to a level -2 to 2, e.g. met = 0")  # fmt: skip
        raise SchemaError([Problem(("attainment",), msg), *problems])
    x = real_array(cells, "attainment")
    if x.ndim != 2:
        msg = (
            f"expected a 2-D table, one row per person and one column per goal, got shape "
            f"{x.shape}; for one person pass [[...]], and pad shorter rows with NaN"
        )
        raise SchemaError([Problem(("attainment",), msg), *problems])
    goal = ~np.isnan(x)
    bad = goal & ~np.isin(x, _LEVELS)
    problems += [
        Problem(
            ("attainment", r, c),
            f"{shown(x[r, c])} is not a level -2, -1, 0, 1 or 2 (NaN: no goal)",
        )
        for r, c in _cells(bad)[:_SHOWN]
    ]
    empty = np.flatnonzero(~goal.any(axis=1)) if x.shape[1] else np.arange(x.shape[0])
    problems += [
        Problem(("attainment", int(r)), "has no goal (every cell NaN); drop the row")
        for r in empty[:_SHOWN]
    ]
    if x.shape[0] == 0:
        problems.append(Problem(("attainment",), "has no rows; pass one row per person"))
    w = np.ones_like(x) if weights is None else as_array(_by_label(attainment, weights), "weights")
    if (flags := booleans_problem(w, "goal weights")) is not None:
        problems.append(Problem(("weights",), flags))
        w = np.ones_like(x)
    w = real_array(w, "weights")
    if w.ndim == 1 and w.shape[0] == x.shape[1]:
        w = np.broadcast_to(w, x.shape)
    if w.shape != x.shape:
        msg = f"expected shape {x.shape} (or one weight per goal column), got {w.shape}"
        problems.append(Problem(("weights",), msg))
    else:
        wrong = goal & ~(np.isfinite(w) & (w > 0))
        problems += [
            Problem(("weights", r, c), f"{shown(w[r, c])} is not a finite weight > 0")
            for r, c in _cells(wrong)[:_SHOWN]
        ]
    if problems:
        raise SchemaError(problems)
    return x, np.asarray(w, dtype=np.float64), value


def gas_tscore(
    attainment: npt.ArrayLike, weights: npt.ArrayLike | None = None, *, rho: float = RHO
) -> FloatArray:
    r"""Each person's goal attainment scaling T-score (Kiresuk & Sherman 1968).

    .. versionadded:: 0.1

    .. math::

        T = 50 + \frac{10 \sum_i w_i x_i}
                       {\sqrt{(1 - \rho) \sum_i w_i^2 + \rho \left(\sum_i w_i\right)^2}}

    over a person's goals ``i``, with ``x_i`` the attainment level and ``w_i`` its weight.
    With every goal at its expected level (0), ``T = 50``; with one goal of weight 1,
    ``T = 50 + 10 x``; with ``m`` unweighted goals it is the familiar
    ``50 + 10 Σx / sqrt(0.7 m + 0.3 m²)``.

    Parameters
    ----------
    attainment : array-like of shape (n_people, n_goals)
        Each person's goals, rated ``-2`` (much less than expected), ``-1``, ``0`` (the
        expected outcome), ``+1`` or ``+2`` (much more than expected). People with fewer goals
        pad their row with NaN ("no such goal"); every row has at least one goal.
    weights : array-like, optional
        Each goal's weight (importance, or importance times difficulty), ``> 0`` where there is
        a goal; the same shape as `attainment`, or one weight per column. Default: all 1. Only
        the ratios within a row matter. With a pandas `attainment`, a DataFrame of weights is
        read by its index and columns, a Series (one weight per goal) by its index, which must
        name the goal columns: labels are never paired by position.
    rho : float, default 0.3
        The assumed correlation between one person's goal scores, ``0 <= rho <= 1``. 0.3 is
        Kiresuk & Sherman's convention, used by most GAS studies since (Kiresuk, Smith &
        Cardillo 1994, *Goal Attainment Scaling*); it is an assumption, not an estimate.

    Returns
    -------
    ndarray of float, shape (n_people,)
        The T-scores: an outcome for :func:`welch_ttest`, :func:`ancova`, :func:`hedges_g` and
        the other estimators. Goal attainment is the common per-person outcome of coaching
        studies (Spence & Grant 2007; Theeboom, Beersma & van Vianen 2014 count it among the
        goal-directed outcomes).

    Raises
    ------
    SchemaError
        If `attainment` is not a 2-D table of the levels -2 to 2 (or NaN), holds booleans
        (a goal met or not is no level: map it to one), a row has no goal,
        a weight is not finite and positive where there is a goal or its shape (or, in pandas,
        its labels) does not fit,
        or `rho` is outside ``[0, 1]``; each cell at fault is named.

    Notes
    -----
    The T-score's design assumes goals are set so that "expected" is the median outcome; it
    summarises each person's progress against their own goals, which differ from person to
    person. Compare groups of people (coached and not), not one person with another.

    Examples
    --------
    >>> import numpy as np
    >>> from sparkus.metrics import gas_tscore
    >>> gas_tscore([[0, 0, 0], [2, np.nan, np.nan], [1, 0, -1]]).round(4)
    array([50., 70., 50.])
    >>> gas_tscore([[2, 1, -1]], weights=[[3, 2, 1]]).round(4)
    array([65.4228])
    """
    x, w, value = _gas_tscore_iv(attainment, weights, rho)
    goal = ~np.isnan(x)
    w = np.where(goal, w, 0.0)
    w = w / w.max(axis=1, keepdims=True)  # T does not change with the scale of w; no overflow
    weighted = np.where(goal, w * x, 0.0).sum(axis=1)
    spread = (1.0 - value) * (w * w).sum(axis=1) + value * w.sum(axis=1) ** 2
    out: FloatArray = 50.0 + 10.0 * weighted / np.sqrt(spread)
    return out
