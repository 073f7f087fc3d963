"""Mergeable first and second moments of paired values, per group (Chan et al.'s formulas).

A :class:`CoMoments` holds, for each of ``k`` groups, the count, the two means, the two sums
of squared deviations and the co-moment of pairs ``(x, y)``. Two of them combine exactly with
the pairwise update of Chan, Golub & LeVeque (1979), so moments computed on shards, or on
groups, merge into the moments of the whole.

References
----------
Chan, T. F., Golub, G. H. & LeVeque, R. J. (1979). Updating formulae and a pairwise algorithm
for computing sample variances. Stanford CS report STAN-CS-79-773.
"""

from __future__ import annotations

from typing import TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

__all__ = ["CoMoments"]

FloatArray: TypeAlias = npt.NDArray[np.float64]


@attrs.frozen(eq=False)
class CoMoments:
    """Count, means, squared deviations and co-moment of pairs ``(x, y)`` for each group."""

    n: FloatArray
    mean_x: FloatArray
    mean_y: FloatArray
    m2_x: FloatArray
    m2_y: FloatArray
    c_xy: FloatArray

    @classmethod
    def of(cls, x: FloatArray, y: FloatArray, group: npt.NDArray[np.intp], k: int) -> CoMoments:
        """The moments of the pairs in each of `k` groups (two passes over the data)."""
        n = np.bincount(group, minlength=k).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mx = np.where(n > 0, np.bincount(group, x, minlength=k) / n, 0.0)
            my = np.where(n > 0, np.bincount(group, y, minlength=k) / n, 0.0)
        dx, dy = x - mx[group], y - my[group]
        return cls(
            n, mx, my,
            np.bincount(group, dx * dx, minlength=k).astype(np.float64),
            np.bincount(group, dy * dy, minlength=k).astype(np.float64),
            np.bincount(group, dx * dy, minlength=k).astype(np.float64),
        )  # fmt: skip

    def merge(self, other: CoMoments) -> CoMoments:
        """The moments of both sets of pairs, group by group (Chan et al.)."""
        n = self.n + other.n
        with np.errstate(invalid="ignore", divide="ignore"):
            wa = np.where(n > 0, self.n / n, 0.0)
            wb = np.where(n > 0, other.n / n, 0.0)
            factor = np.where(n > 0, self.n * other.n / n, 0.0)
        dx, dy = other.mean_x - self.mean_x, other.mean_y - self.mean_y
        return CoMoments(
            n,
            wa * self.mean_x + wb * other.mean_x,
            wa * self.mean_y + wb * other.mean_y,
            self.m2_x + other.m2_x + dx * dx * factor,
            self.m2_y + other.m2_y + dy * dy * factor,
            self.c_xy + other.c_xy + dx * dy * factor,
        )

    def total(self) -> CoMoments:
        """All groups pooled into one, by pairwise merges."""
        out = CoMoments(*(np.zeros(1) for _ in range(6)))
        for i in range(len(self.n)):
            out = out.merge(CoMoments(*(np.array([getattr(self, f)[i]]) for f in _FIELDS)))
        return out

    def difference(self) -> tuple[FloatArray, FloatArray]:
        """Mean and sample variance of ``y - x`` per group (NaN variance below two pairs)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            var = (self.m2_x + self.m2_y - 2.0 * self.c_xy) / (self.n - 1.0)
        return self.mean_y - self.mean_x, np.where(self.n > 1, np.maximum(var, 0.0), np.nan)


_FIELDS = ("n", "mean_x", "mean_y", "m2_x", "m2_y", "c_xy")
