"""Mergeable first and second moments of paired values, per group (Chan et al.'s formulas).

A :class:`CoMoments` holds, for each of ``k`` groups, the count, the two means, the two sums
of squared deviations, the co-moment of pairs ``(x, y)`` and the squared deviations of their
difference ``y - x``. Two of them combine with the pairwise update of Chan, Golub & LeVeque
(1979), so moments computed on shards, or on groups, merge into the moments of the whole: to
rounding (a relative error of a few units in the last place of the spread, whatever the
level), bit for bit commutative, with an empty one the exact identity.

Each mean is kept as a *shift* (a value of the data's level) plus the mean's small offset from
it, so that the difference of two shards' means, which Chan's update squares, is computed from
the offsets and the (exact, for nearby values) difference of the shifts: a mean of
``1e15 + noise`` rounded to a float would lose the noise. The difference's squared deviations
and mean are kept apart, computed from ``y - x`` itself, because ``m2_x + m2_y - 2 c_xy``
cancels when ``x`` and ``y`` move together (scores of 1e9 that change by a few points).

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

from sparkus._errors import Problem, SchemaError

__all__ = ["CoMoments"]

FloatArray: TypeAlias = npt.NDArray[np.float64]


def _centred(
    v: FloatArray, group: npt.NDArray[np.intp], n: FloatArray, k: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each group's shift (its rounded mean), the mean's offset from it, and the deviations.

    The offset is the mean of the deviations from the shift (a corrected two-pass mean), so
    the deviations from ``shift + offset`` sum to zero up to rounding of their own size.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(n > 0, np.bincount(group, v, minlength=k) / n, 0.0)
        first = v - shift[group]
        offset = np.where(n > 0, np.bincount(group, first, minlength=k) / n, 0.0)
    return shift, offset, first - offset[group]


@attrs.frozen(eq=False)
class CoMoments:
    """Count, means, squared deviations and co-moment of pairs ``(x, y)`` for each group.

    The mean of ``x`` is ``shift_x + offset_x`` (:attr:`mean_x`), likewise for ``y`` and for
    the difference ``d = y - x`` (whose moments are computed from ``y - x`` itself).
    """

    n: FloatArray
    shift_x: FloatArray
    shift_y: FloatArray
    shift_d: FloatArray
    offset_x: FloatArray
    offset_y: FloatArray
    offset_d: FloatArray
    m2_x: FloatArray
    m2_y: FloatArray
    m2_d: FloatArray
    c_xy: FloatArray

    @property
    def mean_x(self) -> FloatArray:
        """The mean of ``x`` per group (0 for an empty group)."""
        return self.shift_x + self.offset_x

    @property
    def mean_y(self) -> FloatArray:
        """The mean of ``y`` per group (0 for an empty group)."""
        return self.shift_y + self.offset_y

    @classmethod
    def of(cls, x: FloatArray, y: FloatArray, group: npt.NDArray[np.intp], k: int) -> CoMoments:
        """The moments of the pairs in each of `k` groups (three passes over the data)."""
        n = np.bincount(group, minlength=k).astype(np.float64)
        sx, ox, dx = _centred(x, group, n, k)
        sy, oy, dy = _centred(y, group, n, k)
        sd, od, dd = _centred(y - x, group, n, k)
        return cls(
            n, sx, sy, sd, ox, oy, od,
            np.bincount(group, dx * dx, minlength=k).astype(np.float64),
            np.bincount(group, dy * dy, minlength=k).astype(np.float64),
            np.bincount(group, dd * dd, minlength=k).astype(np.float64),
            np.bincount(group, dx * dy, minlength=k).astype(np.float64),
        )  # fmt: skip

    def merge(self, other: CoMoments) -> CoMoments:
        """The moments of both sets of pairs, group by group (Chan et al.).

        Commutative bit for bit, and merging with the moments of no pairs returns these
        exactly; associative to rounding.

        Raises
        ------
        SchemaError
            If `other` is not a CoMoments of as many groups.
        """
        given: object = other
        if not isinstance(given, CoMoments) or given.n.shape != self.n.shape:
            got = (f"{len(given.n)} groups" if isinstance(given, CoMoments)
                   else type(given).__name__)  # fmt: skip
            msg = f"expected the CoMoments of {len(self.n)} groups, got {got}"
            raise SchemaError([Problem(("other",), msg)])
        a, b = self, other
        n = a.n + b.n
        # the shifts of the larger part (ties: the smaller shift_x): the same choice either way
        mine = (a.n > b.n) | ((a.n == b.n) & (a.shift_x <= b.shift_x))
        with np.errstate(invalid="ignore", divide="ignore"):
            wa = np.where(n > 0, a.n / n, 0.0)
            wb = np.where(n > 0, b.n / n, 0.0)
            factor = np.where(n > 0, a.n * b.n / n, 0.0)
        (sx, ox, dx), (sy, oy, dy), (sd, od, dd) = (_pooled(a, b, v, mine, wa, wb) for v in "xyd")
        return CoMoments(
            n, sx, sy, sd, ox, oy, od,
            a.m2_x + b.m2_x + dx * factor * dx,
            a.m2_y + b.m2_y + dy * factor * dy,
            a.m2_d + b.m2_d + dd * factor * dd,
            a.c_xy + b.c_xy + dx * factor * dy,
        )  # fmt: skip

    def total(self) -> CoMoments:
        """All groups pooled into one, by pairwise merges."""
        out = CoMoments(**{f: np.zeros(1) for f in _FIELDS})
        for i in range(len(self.n)):
            out = out.merge(CoMoments(**{f: getattr(self, f)[i : i + 1] for f in _FIELDS}))
        return out

    def difference(self) -> tuple[FloatArray, FloatArray]:
        """Mean and sample variance of ``y - x`` per group (NaN variance below two pairs)."""
        mean = self.shift_d + self.offset_d
        with np.errstate(invalid="ignore", divide="ignore"):
            var = self.m2_d / (self.n - 1.0)
        return mean, np.where(self.n > 1, var, np.nan)


def _pooled(a: CoMoments, b: CoMoments, v: str, mine: npt.NDArray[np.bool_], wa: FloatArray,
            wb: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:  # fmt: skip
    """Variable `v`'s merged shift and offset, and the difference of the parts' means.

    Both means are taken relative to the chosen shift: the shifts' difference is exact for
    nearby levels (Sterbenz), so the difference of the means keeps the offsets' digits.
    """
    sa, sb = getattr(a, f"shift_{v}"), getattr(b, f"shift_{v}")
    shift = np.where(mine, sa, sb)
    ma = (sa - shift) + getattr(a, f"offset_{v}")
    mb = (sb - shift) + getattr(b, f"offset_{v}")
    return shift, wa * ma + wb * mb, mb - ma


_FIELDS = tuple(a.name for a in attrs.fields(CoMoments))
