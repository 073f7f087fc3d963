"""The multiplier bootstrap of R's ``did`` (``mboot``): standard errors and uniform bands.

Each draw multiplies every unit's influence function by one random multiplier (Rademacher
signs, as R ``did`` and ``csdid``, or Mammen's two-point weights, as R ``DRDID``) and averages:
``b = sqrt(n) * mean(v * inf)``, column by column. The bootstrap standard error of a column is
the interquartile range of its draws over that of the normal, ``(q75 - q25) / (z75 - z25)``,
divided by ``sqrt(n)``; the uniform (simultaneous) critical value of a block of columns is the
``level`` quantile of ``max |b / sigma|`` over the block (sup-t), so that the band
``estimate +- crit * se`` covers all the block's effects at once with probability ``level``.
Quantiles are R's type 1 (the inverse of the empirical distribution), as ``mboot``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal, TypeAlias

import numpy as np

from sparkus._checks import FloatArray

__all__ = ["MULTIPLIERS", "Multipliers", "multiplier_bootstrap"]

Multipliers: TypeAlias = Literal["mammen", "rademacher"]
MULTIPLIERS: Final[tuple[Multipliers, ...]] = ("mammen", "rademacher")
_SQRT5: Final = float(np.sqrt(5.0))
_KAPPA: Final = (_SQRT5 + 1.0) / 2.0
_CHUNK_CELLS: Final = 4_000_000  # multipliers drawn at a time (draws x units)


def _draws(rng: np.random.Generator, shape: tuple[int, int], kind: Multipliers) -> FloatArray:
    size = shape[0] * shape[1]
    if kind == "rademacher":  # one random bit per multiplier
        bits = np.unpackbits(np.frombuffer(rng.bytes(-(-size // 8)), dtype=np.uint8))
        return np.asarray(bits[:size].reshape(shape) * 2.0 - 1.0, dtype=float)
    # Mammen: 1 - kappa with probability kappa / sqrt(5), else kappa (mean 0, variance 1)
    u = rng.random(shape, dtype=np.float32)
    return np.where(u < _KAPPA / _SQRT5, 1.0 - _KAPPA, _KAPPA)


def multiplier_bootstrap(
    inf: FloatArray,
    blocks: Sequence[slice],
    draws: int,
    rng: np.random.Generator,
    kind: Multipliers,
    level: float,
    *,
    n: int | None = None,
) -> tuple[FloatArray, list[float]]:
    """Bootstrap standard errors of each column of `inf` and each block's uniform critical value.

    `inf` is the units x columns matrix of influence functions (the estimate minus the truth is
    about ``inf.mean(axis=0)``). A column without variation (a cell whose influence is all zero)
    gets a NaN standard error and is left out of its block's maximum, as R's ``mboot``.
    When the rows of `inf` are clusters' sums of the units' influence functions, `n` is the
    number of units (one multiplier is drawn per row, so per cluster); by default the rows.
    """
    from scipy import stats

    rows = inf.shape[0]
    n = rows if n is None else n
    out = np.empty((draws, inf.shape[1]))
    step = max(1, _CHUNK_CELLS // max(rows, 1))
    for start in range(0, draws, step):
        stop = min(draws, start + step)
        out[start:stop] = _draws(rng, (stop - start, rows), kind) @ inf / np.sqrt(n)
    q = np.quantile(out, [0.25, 0.75], axis=0, method="inverted_cdf")
    sigma = (q[1] - q[0]) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    live = np.sum(out**2, axis=0) > np.sqrt(np.finfo(float).eps) * 10
    se = np.where(live, sigma / np.sqrt(n), np.nan)
    crits: list[float] = []
    for block in blocks:
        cols = np.arange(inf.shape[1])[block]
        cols = cols[live[cols]]
        if cols.size == 0:
            crits.append(float("nan"))
            continue
        t_max = np.max(np.abs(out[:, cols] / sigma[cols]), axis=1)
        crits.append(float(np.quantile(t_max, level, method="inverted_cdf")))
    return np.asarray(se, dtype=float), crits
