"""Least-squares numerics that triage and metrics share: exact rescaling and the rank check.

Two packages fit linear models (``sparkus.metrics`` its regressions, ``sparkus.triage`` the final
stage of :class:`~sparkus.triage.BenefitModel`), so the two steps that make such a fit safe live
here, once:

- :func:`unit_exponents`: the power of two that puts a column's values in ``[0.5, 1)``.
  Dividing by it is exact (only the exponent moves), so a fit on the divided columns is the fit
  on the original ones, multiplied back at the end, and no cross product of values near 1e308
  overflows nor one of subnormal values underflows;
- :func:`refined_factor`: a second pass over the rows in the coordinates of that factor, for
  designs whose columns follow each other closely: the triangular factor it gives carries the
  design's condition number, where the cross products carry its square;
- :func:`checked_cholesky`: the Cholesky factor of unit-diagonal cross products, computed column
  by column, which doubles as the rank check. The pivot of column ``j`` is ``1 - R²`` of its
  regression on the columns before it, so a pivot below ``1e-10`` names a column that the
  others (which are named too) reproduce, and a column whose variation is below ``1e-12`` of
  its size is constant (a copy of the intercept). :func:`independent_columns` runs the same
  check and returns the columns kept, for fits whose predictions do not depend on the basis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np

from sparkus._checks import FloatArray, IntArray
from sparkus._errors import EstimationError

__all__ = [
    "REFINE_BELOW",
    "checked_cholesky",
    "independent_columns",
    "refined_factor",
    "unit_exponents",
]

_RANK_TOLERANCE: Final = 1e-10
_CONSTANT_TOLERANCE: Final = 1e-12
REFINE_BELOW: Final = 1e-4
"""A least-squares fit takes a second pass (:func:`refined_factor`) when a column's pivot,
``1 - R²`` on the columns before it, is below this: the cross products alone then leave fewer
than about 12 digits."""


def unit_exponents(X: FloatArray) -> IntArray:
    """Each column's binary exponent: dividing it by ``2**e`` puts its magnitudes in ``[0.5, 1)``.

    Parameters
    ----------
    X : ndarray of float64, shape (n, k)
        Finite columns.

    Returns
    -------
    ndarray of intp, shape (k,)
        The exponents; 0 for an all-zero column and for every column when `X` has no rows.
    """
    if X.shape[0] == 0:
        return np.zeros(X.shape[1], dtype=np.intp)
    top = np.maximum(X.max(axis=0), -X.min(axis=0))  # |X|'s column maxima, no |X| formed
    return np.asarray(np.frexp(top)[1], dtype=np.intp)


def _describe_dependence(j: int, partners: Sequence[int], names: Sequence[str]) -> str:
    if not partners:
        return f"`{names[j]}` is all zeros"
    listed = ", ".join(f"`{names[i]}`" for i in partners)
    return f"`{names[j]}` is (almost) a linear combination of {listed}"


def _pivoted(
    gram: FloatArray,
    size: FloatArray,
    shift: FloatArray,
    intercept: int | None,
    names: Sequence[str] | None,
) -> tuple[FloatArray, list[str], set[int]]:
    """The Cholesky factor over the independent columns, what is wrong with the others, and them.

    A problem is only described (which costs a least-squares fit per dependent column) when
    `names` are given.
    """
    k = gram.shape[0]
    n_rows = 0.0 if intercept is None else size[intercept] ** 2
    raw = np.sqrt(size**2 + n_rows * shift**2)  # the length of each original column
    lower = np.zeros((k, k))
    problems: list[str] = []
    dropped: set[int] = set()
    for j in range(k):
        if intercept is not None and j != intercept and size[j] <= _CONSTANT_TOLERANCE * raw[j]:
            if names is not None:
                problem = f"`{names[j]}` is constant, so it duplicates `{names[intercept]}`"
                if size[j] > 0:  # it varies, by less than the floats can tell from its size
                    problem += (f" (its spread is below {_CONSTANT_TOLERANCE:g} of its size: "
                                "subtract a typical value from it first)")  # fmt: skip
                problems.append(problem)
            dropped.add(j)
            continue
        row = lower[j, :j]
        pivot = gram[j, j] - row @ row if gram[j, j] > 0 else 0.0
        if pivot <= _RANK_TOLERANCE:
            if names is not None:
                partners = _partners(gram, size, shift, raw, intercept, j, dropped)
                problems.append(_describe_dependence(j, partners, names))
            dropped.add(j)
            continue
        lower[j, j] = math.sqrt(pivot)
        lower[j + 1 :, j] = (gram[j + 1 :, j] - lower[j + 1 :, :j] @ row) / lower[j, j]
    return lower, problems, dropped


def _partners(
    gram: FloatArray,
    size: FloatArray,
    shift: FloatArray,
    raw: FloatArray,
    intercept: int | None,
    j: int,
    dropped: set[int],
) -> list[int]:
    """The columns before `j` (and kept) that reproduce it, told in the original columns."""
    kept = [i for i in range(j) if i not in dropped]
    if not kept or gram[j, j] <= 0:
        return []
    coef = np.linalg.lstsq(gram[np.ix_(kept, kept)], gram[kept, j], rcond=None)[0]
    slopes = coef * size[j] / size[kept]  # in the units of the original columns
    weight = dict(zip(kept, np.abs(slopes) * raw[kept], strict=True))
    if intercept is not None and intercept in weight:
        constant = shift[j] - slopes @ shift[kept]
        weight[intercept] = abs(constant) * size[intercept]
    largest = max(weight.values())
    return sorted(i for i, w in weight.items() if w > 1e-6 * largest)


def checked_cholesky(
    gram: FloatArray,
    size: FloatArray,
    shift: FloatArray,
    intercept: int | None,
    names: Sequence[str],
) -> FloatArray:
    """The Cholesky factor of the unit-diagonal `gram`, or an error naming dependent columns.

    Parameters
    ----------
    gram : ndarray of float64, shape (k, k)
        The cross products of the shifted columns, each divided by its length (0 stays 0).
    size : ndarray of float64, shape (k,)
        Each column's length after the shift.
    shift : ndarray of float64, shape (k,)
        What was subtracted from each column (0 for the intercept), so that a dependency found
        among shifted columns can be told in the original ones.
    intercept : int or None
        The index of the column of ones, if any.
    names : sequence of str
        The columns' names, for the message.

    Returns
    -------
    ndarray of float64, shape (k, k)
        The lower Cholesky factor.

    Raises
    ------
    EstimationError
        When the columns are linearly dependent: a column whose variation is below 1e-12 of its
        size is constant (a copy of the intercept); otherwise the columns that reproduce it are
        named, the intercept among them when the relation needs a constant.
    """
    lower, problems, _ = _pivoted(gram, size, shift, intercept, names)
    if problems:
        msg = (
            "the design is singular (its columns are linearly dependent): "
            + "; ".join(problems)
            + ". Drop one column of each dependent set"
        )
        raise EstimationError(msg)
    return lower


def independent_columns(
    gram: FloatArray, size: FloatArray, shift: FloatArray, intercept: int | None
) -> IntArray:
    """The columns that :func:`checked_cholesky` keeps: none of them reproduced by earlier ones.

    Parameters
    ----------
    gram, size, shift, intercept
        As for :func:`checked_cholesky`.

    Returns
    -------
    ndarray of intp
        The indices of the columns kept, in order. A least-squares or logistic fit on them
        predicts what one on every column would (their span is the same).
    """
    _, _, dropped = _pivoted(gram, size, shift, intercept, None)
    return np.array([j for j in range(gram.shape[0]) if j not in dropped], dtype=np.intp)


def refined_factor(
    rows: Iterable[tuple[FloatArray, FloatArray]], upper: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """A triangular factor of the design and ``Q'y``, refined by a second pass over the rows.

    `upper` is the Cholesky factor of the rows' cross products (``R'R = X'X``), whose errors
    grow with the square of the design's condition number. In its coordinates the rows
    ``Z = X R⁻¹`` are nearly orthonormal, so the Cholesky factor ``S`` of ``Z'Z`` is accurate,
    and ``S R`` is the triangular factor of a QR factorisation of ``X`` accurate to its
    condition number, not its square (Cholesky QR applied twice; Fukaya et al. 2014).

    Parameters
    ----------
    rows : iterable of (ndarray, ndarray)
        The design's rows ``X`` (shape ``(m, k)``) and the outcome ``y`` (shape ``(m,)``), in
        blocks.
    upper : ndarray of float64, shape (k, k)
        An upper triangular ``R`` with ``R'R = X'X`` up to rounding, non-singular.

    Returns
    -------
    upper : ndarray of float64, shape (k, k)
        The refined factor, with a positive diagonal.
    qty : ndarray of float64, shape (k,)
        ``Q'y`` for that factor: the coefficients solve ``upper @ beta = qty``.

    Examples
    --------
    >>> X = np.array([[1.0, 2.0], [1.0, 2.001], [1.0, 1.999], [1.0, 2.0005]])
    >>> y = np.array([1.0, 2.0, 0.5, 1.2])
    >>> R = np.linalg.cholesky(X.T @ X).T
    >>> S, qty = refined_factor([(X, y)], R)
    >>> bool(np.allclose(np.linalg.solve(S, qty), np.linalg.lstsq(X, y, rcond=None)[0]))
    True
    """
    import scipy.linalg

    k = upper.shape[0]
    inverse = scipy.linalg.solve_triangular(upper, np.eye(k))
    gram, zty = np.zeros((k, k)), np.zeros(k)
    for block, y in rows:
        z = block @ inverse
        gram += z.T @ z
        zty += z.T @ y
    second = np.linalg.cholesky(gram).T
    qty = scipy.linalg.solve_triangular(second, zty, trans="T")
    out: FloatArray = second @ upper
    return out, np.asarray(qty, dtype=np.float64)
