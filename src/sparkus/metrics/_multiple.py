"""Adjusting p-values for multiple testing."""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray, check_choice, rows_where
from sparkus._checks_effects import vector
from sparkus._errors import EstimationError

__all__ = ["adjust_pvalues"]

Adjustment: TypeAlias = Literal["fdr_bh", "holm", "bonferroni"]
_METHODS: Final[tuple[Adjustment, ...]] = ("fdr_bh", "holm", "bonferroni")


def _adjust_pvalues_iv(p: object, method: object) -> tuple[FloatArray, Adjustment]:
    how = check_choice(method, "method", _METHODS)
    values = vector(p, "p", minimum=0, no_booleans="p-values")
    outside = (values < 0.0) | (values > 1.0)
    if outside.any():  # named as a missing value is: by a pandas input's own labels
        msg = f"`p` holds values outside [0, 1] in {rows_where(outside, p)}; pass p-values"
        raise EstimationError(msg)
    return values, how


def adjust_pvalues(p: npt.ArrayLike, *, method: Adjustment = "fdr_bh") -> FloatArray:
    """P-values adjusted for multiple testing, in the order given.

    .. versionadded:: 0.1

    When a program is judged on many outcomes or many subgroups, some will look significant by
    chance. Compare the adjusted p-values with the usual threshold:

    - ``"fdr_bh"`` (Benjamini & Hochberg, 1995) controls the false discovery rate, the expected
      share of false findings among those declared: ``min over j >= i of m p₍ⱼ₎ / j``.
    - ``"holm"`` (Holm, 1979) controls the family-wise error rate, the chance of any false
      finding: ``max over j <= i of (m - j + 1) p₍ⱼ₎``; it is uniformly more powerful than
      Bonferroni.
    - ``"bonferroni"``: ``m p``.

    All are capped at 1 and agree with ``statsmodels.stats.multitest.multipletests``.

    Parameters
    ----------
    p : array-like of float, shape (m,)
        The p-values, each in ``[0, 1]``.
    method : {"fdr_bh", "holm", "bonferroni"}, default "fdr_bh"
        The adjustment.

    Returns
    -------
    ndarray of float64, shape (m,)
        The adjusted p-values, in the order of `p`.

    Raises
    ------
    EstimationError
        If a p-value is missing or outside ``[0, 1]`` (the rows are named).
    SchemaError
        If `method` is not one of the allowed values, `p` is not 1-D, or `p` holds booleans
        (True/False would be read as p-values of 1 and 0: a mask given in the wrong place).

    Examples
    --------
    >>> from sparkus.metrics import adjust_pvalues
    >>> adjust_pvalues([0.01, 0.04, 0.03, 0.20])
    array([0.04      , 0.05333333, 0.05333333, 0.2       ])
    >>> adjust_pvalues([0.01, 0.04, 0.03, 0.20], method="holm")
    array([0.04, 0.09, 0.09, 0.2 ])
    """
    values, how = _adjust_pvalues_iv(p, method)
    return adjust(values + 0.0, how)  # + 0.0: a p-value of -0.0 is 0


def adjust(values: FloatArray, how: Adjustment) -> FloatArray:
    """The adjusted p-values of checked `values` (finite, in ``[0, 1]``), in their order."""
    m = len(values)
    if m == 0:
        return np.empty(0)
    if how == "bonferroni":
        return np.minimum(values * m, 1.0)
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    rank = np.arange(1, m + 1, dtype=np.float64)
    if how == "holm":
        adjusted = np.maximum.accumulate((m - rank + 1.0) * ranked)
    else:
        adjusted = np.minimum.accumulate((ranked / (rank / m))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out
