"""The logistic losses in the solver's coordinates: binomial and multinomial (softmax).

Each loss is the mean weighted log-loss plus the L2 penalty, with its analytic gradient and
Hessian-vector product, in coordinates where the features are centred and scaled. The rows are
visited in cache-sized blocks, so that no (n, K, p) array, nor the centred matrix, is formed.

The features are held feature-major, as ``XT`` of shape (p, n) and C order (a copy of a row-major
`X`, free for a Fortran-ordered one). The products a pass needs, ``coef @ XT[:, rows]`` (K, rows)
and ``R @ XT[:, rows].T`` (K, p), then read each feature's values of a block as one contiguous run;
with the row-major ``coef @ X[rows].T`` OpenBLAS's kernels for this skinny shape (an inner
dimension of p = 20, an output of K = 4 rows) ran several times slower, and they were most of the
time of a fit (see the triage guide's benchmark).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

__all__ = ["BinomialLoss", "MultinomialLoss", "feature_major", "loss_blocks", "softmax_rows"]

FloatArray = NDArray[np.float64]

_BLOCK_VALUES: Final = 65_536
"""Values of ``XT`` (512 KiB) in a block of rows: fewer, longer contiguous runs than the blocks of
`row_blocks`, measured faster for the feature-major products, and still in a core's L2 cache."""


def loss_blocks(n_rows: int, n_features: int) -> list[slice]:
    """Consecutive row ranges of about `_BLOCK_VALUES` values of ``XT`` (at least 512 rows)."""
    size = max(512, _BLOCK_VALUES // max(n_features, 1))
    return [slice(start, min(start + size, n_rows)) for start in range(0, n_rows, size)]


_TRANSPOSE_ROWS: Final = 1024
"""Rows per block of the transposing copy: a block and its transpose stay in cache."""


def feature_major(X: FloatArray) -> FloatArray:
    """``X.T`` in C order, shape (p, n): a view of a Fortran-ordered `X`, else a copy.

    The copy goes block by block of rows: numpy's one-call transposing copy walks one of the two
    arrays across the whole matrix for every element it writes, and took five times longer on
    1,000,000 x 20 (330 ms against 63 ms, one thread).
    """
    if X.flags.f_contiguous:
        return X.T
    out = np.empty((X.shape[1], X.shape[0]))
    for start in range(0, X.shape[0], _TRANSPOSE_ROWS):
        stop = min(start + _TRANSPOSE_ROWS, X.shape[0])
        out[:, start:stop] = X[start:stop].T
    return out


class _ScaledLoss:
    """What both losses hold: the rows, their weights, the penalty and the solver's coordinates."""

    def __init__(
        self,
        X: FloatArray,
        w: FloatArray,
        l2: float | FloatArray,
        mean: FloatArray,
        scale: FloatArray,
        fit_intercept: bool,
    ) -> None:
        # feature-major (p, n): a copy of a C-ordered X, a view of a Fortran-ordered one
        self.XT: FloatArray = feature_major(X)
        self.w, self.l2 = w, l2  # l2: one strength, or one per column
        self.mean, self.scale, self.fit_intercept = mean, scale, fit_intercept
        self.p = X.shape[1]
        self.blocks = loss_blocks(*X.shape)


class BinomialLoss(_ScaledLoss):
    """Mean binomial log-loss and its gradient, in centred and scaled coordinates.

    Parameters are ``theta = [v, c]`` with ``coef = v / scale`` and
    ``intercept = c - coef @ mean``, so that the linear predictor is
    ``((X - mean) / scale) @ v + c`` without ever forming the centred matrix. Rows are visited
    in cache-sized blocks.
    """

    def __init__(
        self,
        X: FloatArray,
        target: FloatArray,
        w: FloatArray,
        l2: float | FloatArray,
        mean: FloatArray,
        scale: FloatArray,
        fit_intercept: bool,
    ) -> None:
        super().__init__(X, w, l2, mean, scale, fit_intercept)
        self.target = target

    def to_original(self, theta: FloatArray) -> tuple[FloatArray, float]:
        coef = theta[: self.p] / self.scale
        intercept = float(theta[self.p] - coef @ self.mean) if self.fit_intercept else 0.0
        return coef, intercept

    def _to_solver(self, g_coef: FloatArray, g_int: float, like: FloatArray) -> FloatArray:
        """Map a gradient in (coef, intercept) to the solver's coordinates (the chain rule)."""
        out = np.empty_like(like)
        if self.fit_intercept:
            g_coef = g_coef - g_int * self.mean
            out[self.p] = g_int
        out[: self.p] = g_coef / self.scale
        return out

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        from scipy import special

        coef, intercept = self.to_original(theta)
        loss, g_int = 0.0, 0.0
        g_coef = self.l2 * coef
        for rows in self.blocks:
            Xb, wb, tb = self.XT[:, rows], self.w[rows], self.target[rows]
            z = coef @ Xb
            z += intercept
            loss += float(wb @ (np.logaddexp(0.0, z) - tb * z))
            r = special.expit(z)
            r -= tb
            r *= wb
            g_coef += Xb @ r
            g_int += float(r.sum())
        value = loss + 0.5 * float((self.l2 * coef) @ coef)
        return value, self._to_solver(g_coef, g_int, theta)

    def project(self, v: FloatArray) -> FloatArray:
        """The binomial model has no redundant direction: the identity."""
        return v

    def hessp_at(self, theta: FloatArray) -> Any:
        """The Hessian-vector product at `theta`, as a function of the vector."""
        from scipy import special

        coef, intercept = self.to_original(theta)
        prob = special.expit(coef @ self.XT + intercept)
        curvature = self.w * prob * (1.0 - prob)

        def hessp(d: FloatArray) -> FloatArray:
            d_coef, d_int = self.to_original(d)
            h_coef = self.l2 * d_coef
            h_int = 0.0
            for rows in self.blocks:
                Xb = self.XT[:, rows]
                dr = d_coef @ Xb
                dr += d_int
                dr *= curvature[rows]
                h_coef += Xb @ dr
                h_int += float(dr.sum())
            return self._to_solver(h_coef, h_int, d)

        return hessp


class MultinomialLoss(_ScaledLoss):
    """Mean multinomial (softmax) log-loss and its gradient, in centred and scaled coordinates.

    Parameters are ``theta = [V.ravel(), c]`` with ``coef = V / scale`` and
    ``intercept = c - coef @ mean``. Rows are visited in cache-sized blocks; each block's scores
    are computed class-major, shape (K, rows), so that the reductions over classes run along
    contiguous memory. No (n, K, p) array is formed.
    """

    def __init__(
        self,
        X: FloatArray,
        codes: NDArray[np.intp],
        n_classes: int,
        w: FloatArray,
        l2: float | FloatArray,
        mean: FloatArray,
        scale: FloatArray,
        fit_intercept: bool,
    ) -> None:
        super().__init__(X, w, l2, mean, scale, fit_intercept)
        self.K = n_classes
        # position of each row's own class in its block's (K, rows) score array
        self.own = [
            codes[rows] * (rows.stop - rows.start) + np.arange(rows.stop - rows.start)
            for rows in self.blocks
        ]
        self.n_coef = n_classes * self.p

    def to_original(self, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        coef = theta[: self.n_coef].reshape(self.K, self.p) / self.scale
        if self.fit_intercept:
            intercept = theta[self.n_coef :] - coef @ self.mean
        else:
            intercept = np.zeros(self.K)
        return coef, intercept

    def _to_solver(self, g_coef: FloatArray, g_int: FloatArray, like: FloatArray) -> FloatArray:
        """Map a gradient in (coef, intercept) to the solver's coordinates (the chain rule)."""
        out = np.empty_like(like)
        if self.fit_intercept:
            g_coef = g_coef - np.outer(g_int, self.mean)
            out[self.n_coef :] = g_int
        out[: self.n_coef] = (g_coef / self.scale).ravel()
        return out

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        coef, intercept = self.to_original(theta)
        loss = 0.0
        g_coef = self.l2 * coef
        g_int = np.zeros(self.K)
        for rows, own in zip(self.blocks, self.own, strict=True):
            Xb, wb = self.XT[:, rows], self.w[rows]
            scores = coef @ Xb  # (K, rows)
            scores += intercept[:, None]
            scores -= scores.max(axis=0)
            own_score = scores.ravel()[own]
            np.exp(scores, out=scores)
            total = scores.sum(axis=0)
            loss += float(wb @ (np.log(total) - own_score))
            scores *= wb / total  # w * softmax
            scores.ravel()[own] -= wb  # w * (softmax - one-hot)
            g_coef += scores @ Xb.T
            g_int += scores.sum(axis=1)
        value = loss + 0.5 * float(np.vdot(self.l2 * coef, coef))
        return value, self._to_solver(g_coef, g_int, theta)

    def project(self, v: FloatArray) -> FloatArray:
        """Remove from `v` the directions that leave every probability unchanged.

        Adding the same number to every intercept never changes the softmax; without a
        penalty, neither does adding the same vector to every row of the coefficients.
        """
        out = v.copy()
        if self.fit_intercept:
            out[self.n_coef :] -= out[self.n_coef :].mean()
        if not np.any(self.l2):
            coef = out[: self.n_coef].reshape(self.K, self.p)
            coef -= coef.mean(axis=0)
        return out

    def hessp_at(self, theta: FloatArray) -> Any:
        """The Hessian-vector product at `theta`, as a function of the vector."""
        coef, intercept = self.to_original(theta)
        prob = np.empty((self.K, self.XT.shape[1]))
        for rows in self.blocks:
            scores = coef @ self.XT[:, rows]
            scores += intercept[:, None]
            scores -= scores.max(axis=0)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=0)
            prob[:, rows] = scores

        def hessp(d: FloatArray) -> FloatArray:
            d_coef, d_int = self.to_original(d)
            h_coef = self.l2 * d_coef
            h_int = np.zeros(self.K)
            for rows in self.blocks:
                Xb, pb = self.XT[:, rows], prob[:, rows]
                dz = d_coef @ Xb
                dz += d_int[:, None]
                dz *= pb
                dz -= pb * dz.sum(axis=0)  # d softmax = p * dz - p * (p . dz)
                dz *= self.w[rows]
                h_coef += dz @ Xb.T
                h_int += dz.sum(axis=1)
            return self._to_solver(h_coef, h_int, d)

        return hessp


def softmax_rows(scores: FloatArray) -> FloatArray:
    """Turn a (n, K) array of scores into probabilities in place and return it.

    Scores may be ±inf (features near the float limits): a row's probability then goes, in
    equal shares, to its classes of the highest score, never NaN.
    """
    top = scores.max(axis=1, keepdims=True)
    infinite = ~np.isfinite(top[:, 0])
    if infinite.any():
        rows = scores[infinite]
        scores[infinite] = np.where(rows == top[infinite], 0.0, -np.inf)
        top[infinite] = 0.0
    scores -= top
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores
