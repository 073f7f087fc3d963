"""Values that change between releases: their columns in a figure's linked table.

Two kinds. :class:`Columns`: ratings and scores set again (below). :class:`Releases`: the
completion figure, whose values only grow (a completion is final), read as the attacker reads
it when the releases cannot hold together with unchanged values (see its docstring).


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

__all__ = ["Columns", "Releases", "late_codes"]

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


@attrs.frozen(eq=False)
class Releases:
    """Each atom's columns where values only grow: today's, then one per earlier release read.

    A completion is final: a step done in one release is done in every later one. Who holds
    every release and the membership table (and so which steps fell due when) knows each
    atom's count in each release (slots in the same cell of every release's rows, due in the
    same releases), and that it never falls: ``0 <= y[a, r] <= n_a`` and ``y[a, r] <= y[a, r']``
    for two releases ``r < r'`` that read the atom (:meth:`order`). Nothing says which steps
    were completed in between, so nothing ties a count to an earlier one beyond that; any
    counts that grow are some steps completed in turn, so the atoms' program is exact. A
    step completed before a release but reported after it counted as open then and as done
    later: what each release showed still grows. The columns of earlier releases follow the
    atoms' own (today's), by atom, then release.
    """

    count: int
    """How many atoms (their own columns come first)."""
    times: IntArray
    """The earlier releases read (their times), increasing."""
    keys: IntArray
    """Each earlier column as ``atom * len(times) + release``, increasing."""

    @classmethod
    def of(cls, rep: IntArray, reads: Reads) -> Releases:
        """The columns of the atoms `rep` stands for (a unit each): one per release read."""
        atoms, when = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for code, published in reads:
            at = code[rep]
            held = np.flatnonzero(at >= 0)
            atoms.append(held)
            when.append(published[at[held]])
        atom, time = np.concatenate(atoms), np.concatenate(when)
        times = np.unique(time)
        keys = np.unique(atom * len(times) + np.searchsorted(times, time))
        return cls(len(rep), times, keys)

    @property
    def width(self) -> int:
        """How many columns there are."""
        return self.count + len(self.keys)

    @property
    def atoms(self) -> IntArray:
        """The atom of each earlier release's column."""
        out: IntArray = self.keys // max(len(self.times), 1)
        return out

    def at(self, atoms: IntArray, time: int) -> IntArray:
        """The column each of `atoms` has in a row of the release at `time` (seconds)."""
        key = atoms * len(self.times) + np.searchsorted(self.times, time)
        out: IntArray = self.count + np.searchsorted(self.keys, key)
        return out

    def past(self, groups: sparse.csr_matrix,
             people: IntArray) -> tuple[sparse.csr_matrix, IntArray]:  # fmt: skip
        """`groups` (over atoms, today's columns) over every column."""
        from scipy import sparse

        wide = sparse.hstack([groups, sparse.csr_matrix((groups.shape[0], len(self.keys)))])
        return wide.tocsr(), people

    def order(self) -> sparse.csr_matrix:
        """Rows of ``order @ x <= 0``: each atom's count in a release at most in the next.

        The releases of an atom, then today's column (its own) after the last.
        """
        from scipy import sparse

        n = len(self.keys)
        columns = self.count + np.arange(n)
        atom = self.atoms
        same = np.r_[atom[1:] == atom[:-1], False]  # the next column is the same atom's
        later = np.where(same, np.r_[columns[1:], 0], atom)
        rows = np.r_[np.arange(n), np.arange(n)]
        data = np.r_[np.ones(n), -np.ones(n)]
        return sparse.csr_matrix((data, (rows, np.r_[columns, later])), shape=(n, self.width))
