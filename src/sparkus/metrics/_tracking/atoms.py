"""Units grouped into atoms: the units that have the same code in every array of codes.

The privacy rule (:mod:`~sparkus.metrics._tracking.protection`) describes every published cell
as a set of atoms, so that its linear programs range over atoms rather than over people or
slots. :func:`fold` finds them without a sort: the codes are read as the digits of one key,
renumbered densely whenever the next digit would take the key past the number of units.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Codes", "fold", "split_sets"]

BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.int64]
Codes: TypeAlias = npt.NDArray[np.int32]
"""Each unit's cell, -1 for none (cells fit 32 bits: they are groups, steps or classes)."""


def fold(codes: Sequence[tuple[Codes, int]], keep: BoolArray) -> tuple[IntArray, int]:
    """Each kept unit's atom: units with the same code in every array share one.

    Atoms are numbered in the order of their codes read as digits, the first array's the most
    significant. The key is renumbered by a lookup table whenever the next digit would take it
    past the number of units: a dense renumbering keeps the keys' order, so the atoms are the
    same, in the same order, as from the whole mixed-radix key, without a sort. Two key
    buffers take turns, so a fold allocates nothing per digit.
    """
    kept = None if keep.all() else np.flatnonzero(keep)
    size = len(keep) if kept is None else len(kept)
    key, spare = np.zeros(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    digit = np.empty(size, dtype=np.int32)
    top = 1
    for code, n_labels in codes:
        radix = n_labels + 1
        if top * radix > max(size, 1):
            top = _renumber(key, top, spare)
            key, spare = spare, key
        key *= radix
        if kept is None:
            key += code
        else:
            key += np.take(code, kept, out=digit, mode="clip")  # codes are int32
        key += 1
        top *= radix
    count = _renumber(key, top, spare)
    return spare, count


def _renumber(key: IntArray, top: int, out: IntArray) -> int:
    """Write `key` (below `top`) as 0 .. A-1 in the same order into `out`; return A."""
    if len(key) == 0:
        return 0
    if top <= 4 * len(key) + 1_000_000:  # a lookup table
        present = np.zeros(top, dtype=bool)
        present[key] = True
        lookup = np.cumsum(present)
        lookup -= 1
        np.take(lookup, key, out=out, mode="clip")  # in range: unbuffered
        return int(lookup[-1]) + 1
    uniq, inverse = np.unique(key, return_inverse=True)
    out[:] = inverse.reshape(-1)
    return len(uniq)


def split_sets(
    key: IntArray, n_keys: int, within: IntArray, owner: npt.NDArray[np.intp], atom: IntArray,
    count: int, k: int,
) -> tuple[sparse.csr_matrix, IntArray]:  # fmt: skip
    """The sets of units sharing a key that belong to 1 to ``k - 1`` owners, by atoms.

    `key` is each unit's set (0 to `n_keys` - 1), `within` the larger set each key lies in (a
    class of participants, or a coarser key), `owner` the participant a unit belongs to and
    `atom` its atom (of `count`). A key that is all of its larger set is left out: that set is
    checked as itself.
    Returns the sets' rows (sets by atoms) and how many owners each has.
    """
    from scipy import sparse

    if not len(key):
        return sparse.csr_matrix((0, count)), np.zeros(0, dtype=np.int64)
    n_owners = int(owner.max()) + 1
    units = np.bincount(key, minlength=n_keys)
    # a key of `k` times the units any owner has holds `k` owners or more: count the others
    many = units >= k * int(np.bincount(owner).max())
    few = ~many[key]
    pairs = np.unique(key[few] * n_owners + owner[few])
    owners = np.bincount(pairs // n_owners, minlength=n_keys)
    owners[many] = k
    cls = np.zeros(n_keys, dtype=np.int64)
    cls[key] = within
    keys_in = np.bincount(cls[units > 0], minlength=int(cls.max()) + 1)
    small = np.flatnonzero((owners > 0) & (owners < k) & (keys_in[cls] > 1))
    chosen = np.zeros(n_keys, dtype=bool)
    chosen[small] = True
    pick = chosen[key]
    cells = np.unique(key[pick] * count + atom[pick])  # by key, then atom
    rows = np.searchsorted(small, cells // count)
    out = sparse.csr_matrix((np.ones(len(rows)), (rows, cells % count)), shape=(len(small), count))
    return out, owners[small].astype(np.int64)
