"""A pass over the people: blocks of people open to the same options, and what a pass finds.

:class:`Lagrangian` (``lagrange.py``) evaluates the dual block by block: people open to the
same options (a region's people, say) are held together with only those options' values and
costs, so a pass reads a fraction of the (options, people) arrays when each person is open to
few of many options. :class:`Evaluation` is what one pass finds.
"""

from __future__ import annotations

from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray

__all__ = ["Block", "Evaluation", "best_of", "blocks_of"]

IntArray = npt.NDArray[np.int64]


@attrs.frozen(eq=False)
class Evaluation:
    """``L`` at one point, a subgradient, and each person's choice there.

    The choices are kept block by block (each block's best option, -1 for nothing) and put in
    people's order only when asked for: the dual's passes never need them.
    """

    value: float
    gradient: FloatArray
    slots: tuple[IntArray, ...]
    blocks: tuple[Block, ...]
    n: int

    @property
    def choice(self) -> IntArray:
        """Option per person, -1 for nothing."""
        out = np.full(self.n, -1, dtype=np.int64)
        for block, slot in zip(self.blocks, self.slots, strict=True):
            chosen = np.where(slot >= 0, block.options[np.maximum(slot, 0)], -1)
            if block.people is None:
                out = chosen
            else:
                out[block.people] = chosen
        return out


@attrs.frozen(eq=False)
class Block:
    """People open to the same options (all people: None), with those options' arrays."""

    people: IntArray | None
    options: IntArray
    value: FloatArray  # (options, people), scaled, as in Lagrangian
    cost: FloatArray
    reach: npt.NDArray[np.float32]  # (groups, people)


_MOST_BLOCKS: Final = 64


def blocks_of(
    ok: npt.NDArray[np.bool_], value: FloatArray, cost: FloatArray, reach: npt.NDArray[np.float32]
) -> tuple[Block, ...]:
    """The people grouped by the options open to them, when few groups save most of a pass.

    One block of everyone (the full arrays) when there are many patterns of open options, or
    when each person is open to most options anyway.
    """
    n_options, n = ok.shape
    everyone = (Block(None, np.arange(n_options), value, cost, reach),)
    if n_options > 63 or n == 0:
        return everyone
    key = np.zeros(n, dtype=np.uint64)
    for o in range(n_options):
        key |= ok[o].astype(np.uint64) << np.uint64(o)
    patterns, which = np.unique(key, return_inverse=True)
    which = which.reshape(-1)
    open_to = np.array([int(p).bit_count() for p in patterns.tolist()])
    counts = np.bincount(which, minlength=patterns.shape[0])
    if patterns.shape[0] > _MOST_BLOCKS or int(open_to @ counts) > 0.6 * n_options * n:
        return everyone
    out = []
    for k, pattern in enumerate(patterns.tolist()):
        options = np.array([o for o in range(n_options) if pattern >> o & 1], dtype=np.int64)
        if not options.size:  # open to nothing: they take nothing at any prices
            continue
        people = np.flatnonzero(which == k)
        out.append(Block(people, options, np.ascontiguousarray(value[options][:, people]),
                         np.ascontiguousarray(cost[options][:, people]),
                         np.ascontiguousarray(reach[:, people])))  # fmt: skip
    return tuple(out)


def best_of(t: FloatArray) -> tuple[IntArray, FloatArray]:
    """Each column's best row (the first of equals; -1: nothing, at 0) and its value."""
    top = np.maximum(t.max(axis=0, initial=-np.inf), 0.0)  # nothing: 0
    slot = np.full(t.shape[1], -1, dtype=np.int64)
    for o in range(t.shape[0] - 1, -1, -1):  # the first of equals written last
        np.copyto(slot, o, where=t[o] == top)
    np.copyto(slot, -1, where=top <= 0.0)
    return slot, top
