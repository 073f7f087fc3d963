"""Values set again in several release windows: their columns in a figure's linked table.

A rating or score set again after a release (resets.py) counted in the earlier releases with
the value it had then. The linked table of a figure (protection.py) gives each atom one column,
its values today; an atom whose units were set again after the release of an earlier cell they
count in has one more column per release window that an earlier row reads: its values between
two consecutive stamps. A row of a release at time ``t`` reads, for each of its atoms, the
column of the window ``t`` falls in (today's once every stamp is at or before ``t``). So the
true sums of every release hold together in one table, and a value that did not change between
two releases is one variable in both. A unit set again in one window has one column before it
and today's; set again in two (corrected after a release and again after the next), it has
two before today's, which one column could not be: the releases could not hold together, and
today's release was protected alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from sparkus.metrics._tracking.atoms import Codes

if TYPE_CHECKING:
    from scipy import sparse

    from sparkus.metrics._tracking.figure_units import Spec

__all__ = ["Columns", "late_codes"]

IntArray: TypeAlias = npt.NDArray[np.int64]
Reads: TypeAlias = Sequence[tuple[Codes, IntArray]]
"""The earlier rows, store by store and part by part: each unit's cell in them (-1: none) and
each cell's release time."""

_NEVER: Final = np.iinfo(np.int64).max
"""A time after every release: no stamp, or no earlier row."""


def late_codes(spec: Spec, reads: Reads) -> tuple[list[tuple[Codes, int]], IntArray]:
    """Codes to fold into the atoms, so that each atom's units share their stamps.

    A unit's stamps are those after its first earlier row (the release of the first earlier
    cell it counts in); earlier ones separate no two rows. Code ``d`` holds each unit's
    ``d``-th such stamp as its index in the stamps returned (increasing), -1 where it has
    fewer. No codes when no unit was set again after an earlier row.
    """
    if spec.stamped is None or not len(spec.stamped) or not reads:
        return [], np.zeros(0, dtype=np.int64)
    first = np.full(spec.units, _NEVER, dtype=np.int64)
    for code, published in reads:
        np.minimum(first, np.where(code >= 0, published[np.maximum(code, 0)], _NEVER), out=first)
    unit, when = spec.stamped[:, 0], spec.stamped[:, 1]
    pick = when > first[unit]
    unit, when = unit[pick], when[pick]
    stamps, index = np.unique(when, return_inverse=True)
    start = np.flatnonzero(np.diff(unit, prepend=-1))  # rows go by unit, then stamp
    rank = np.arange(len(unit)) - np.repeat(start, np.diff(np.append(start, len(unit))))
    out = []
    for d in range(int(rank.max()) + 1 if len(rank) else 0):
        code = np.full(spec.units, -1, dtype=np.int32)
        code[unit[rank == d]] = index[rank == d]
        out.append((code, len(stamps)))
    return out, stamps


@attrs.frozen(eq=False)
class Columns:
    """Each atom's columns: its own (today's values), then one per earlier window read.

    The windows' columns follow the atoms', by atom, then window.
    """

    count: int
    """How many atoms (their own columns come first)."""
    stamps: IntArray
    """Each atom's stamps, increasing, then :data:`_NEVER` (atoms by the most any has)."""
    held: IntArray
    """How many stamps each atom has."""
    keys: IntArray
    """Each window's column as ``atom * (depth + 1) + window``, increasing."""

    @classmethod
    def of(cls, late: list[tuple[Codes, int]], stamps: IntArray, rep: IntArray,
           reads: Reads) -> Columns:  # fmt: skip
        """The columns of the atoms `rep` stands for (a unit each), given :func:`late_codes`.

        A window gets a column where an earlier row reads it.
        """
        count, depth = len(rep), len(late)
        table = np.full((count, depth), _NEVER, dtype=np.int64)
        for d, (code, _) in enumerate(late):
            at = code[rep]
            table[at >= 0, d] = stamps[at[at >= 0]]
        held = (table < _NEVER).sum(axis=1)
        out = cls(count, table, held, np.zeros(0, dtype=np.int64))
        if not depth:
            return out
        keys = []
        for code, published in reads:
            at = code[rep]
            atoms = np.flatnonzero(at >= 0)
            window = out.window(atoms, published[at[atoms]])
            past = window < held[atoms]
            keys.append(atoms[past] * (depth + 1) + window[past])
        return attrs.evolve(out, keys=np.unique(np.concatenate(keys)))

    @property
    def width(self) -> int:
        """How many columns there are."""
        return self.count + len(self.keys)

    @property
    def atoms(self) -> IntArray:
        """The atom of each window's column."""
        out: IntArray = self.keys // (self.stamps.shape[1] + 1)
        return out

    def window(self, atoms: IntArray, time: IntArray | int) -> IntArray:
        """The window a release at `time` falls in for each of `atoms`: stamps at or before it."""
        before = self.stamps[atoms] <= np.reshape(time, (-1, 1))
        out: IntArray = before.sum(axis=1)
        return out

    def at(self, atoms: IntArray, time: int) -> IntArray:
        """The column each of `atoms` has in a row of a release at `time` (seconds)."""
        if not len(self.keys):
            return atoms
        window = self.window(atoms, time)
        key = atoms * (self.stamps.shape[1] + 1) + window
        windows = self.count + np.searchsorted(self.keys, key)
        out: IntArray = np.where(window == self.held[atoms], atoms, windows)
        return out

    def past(self, groups: sparse.csr_matrix,
             people: IntArray) -> tuple[sparse.csr_matrix, IntArray]:  # fmt: skip
        """`groups` (over atoms) over every column, then as they were before: its people.

        Each group that holds a value set again has a copy per window back: the ``c``-th
        reads each atom's ``c``-th latest window before today (its earliest, if it has
        fewer; today's, if none), while some atom of the group has ``c`` windows.
        """
        from scipy import sparse

        if not len(self.keys):
            return groups, people
        atoms = self.atoms
        windows = np.bincount(atoms, minlength=self.count)
        start = np.searchsorted(atoms, np.arange(self.count))
        blocks = [sparse.hstack([groups, sparse.csr_matrix((groups.shape[0], len(atoms)))])]
        counts = [people]
        for c in range(1, int(windows.max()) + 1):
            touch = np.flatnonzero(groups[:, np.flatnonzero(windows >= c)].getnnz(axis=1))
            then = groups[touch].tocoo()
            back = windows[then.col]
            col = np.where(back > 0, self.count + start[then.col] + np.maximum(back - c, 0),
                           then.col)  # fmt: skip
            blocks.append(sparse.csr_matrix((then.data, (then.row, col)),
                                            (len(touch), self.width)))  # fmt: skip
            counts.append(people[touch])
        return sparse.vstack(blocks).tocsr(), np.concatenate(counts)
