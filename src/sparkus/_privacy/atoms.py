"""Atoms: people with the same membership in every cell of a figure, collapsed into one.

The attacker's programs need one variable per atom, not per person: a million people in three
groupings are a few hundred atoms. :func:`atoms_of_masks` finds them for any cells (a hash of
each person's membership, checked exactly, with an exact fallback if two memberships ever
share a hash); :func:`incidence` turns each cell into the atoms it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, TypeAlias

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["atoms_of_keys", "atoms_of_masks", "incidence"]

IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_SEED: Final = 0x5EED_A70B
"""The membership hash's fixed seed: the same cells always give the same atoms."""


def atoms_of_keys(keys: IntArray) -> tuple[IntArray, int]:
    """Each row's atom (0 .. A-1, in the order of the sorted keys) and the number of atoms."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), 0
    uniq, inverse = np.unique(keys, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), len(uniq)


def atoms_of_masks(masks: Sequence[BoolArray], n: int) -> tuple[IntArray, int]:
    """Each person's atom over the cells `masks` (-1 for someone in no cell), and how many.

    Two people share an atom exactly when every mask holds both or neither.
    """
    weights = np.random.default_rng(_SEED).integers(1, 2**63, size=len(masks), dtype=np.uint64)
    signature = np.zeros(n, dtype=np.uint64)
    anywhere = np.zeros(n, dtype=bool)
    for w, mask in zip(weights, masks, strict=True):
        signature += w * mask.astype(np.uint64)  # arithmetic modulo 2**64
        anywhere |= mask
    keep = np.flatnonzero(anywhere)
    atom = np.full(n, -1, dtype=np.int64)
    inverse, count = atoms_of_keys(signature[keep].view(np.int64))
    sizes = np.bincount(inverse, minlength=count)
    exact = True
    for mask in masks:
        held = np.bincount(inverse, mask[keep], minlength=count)
        exact = exact and bool(np.all((held == 0) | (held == sizes)))
    if not exact:  # pragma: no cover - a 64-bit hash collision between two memberships
        bits = np.packbits(np.column_stack([m[keep] for m in masks]), axis=1)
        _, inverse = np.unique(bits, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1).astype(np.int64)
        count = int(inverse.max()) + 1 if len(inverse) else 0
    atom[keep] = inverse
    return atom, count


def incidence(atom: IntArray, count: int, masks: Sequence[BoolArray]) -> sparse.csr_matrix:
    """Cells by atoms (0/1): the atoms each mask holds (atoms never straddle a mask)."""
    from scipy import sparse

    inside = atom >= 0
    rows, cols = [], []
    for i, mask in enumerate(masks):
        held = np.unique(atom[mask & inside])
        rows.append(np.full(len(held), i, dtype=np.int64))
        cols.append(held)
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    data = np.ones(len(r))
    return sparse.csr_matrix((data, (r, c)), shape=(len(masks), count))
