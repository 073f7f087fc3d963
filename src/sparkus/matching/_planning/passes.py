"""A pass over the people: blocks of people open to the same options, and what a pass finds.

:class:`Lagrangian` (``lagrange.py``) evaluates the dual block by block: people open to the
same options (a region's people, say) are held together with only those options' values and
costs, so a pass reads a fraction of the (options, people) arrays when each person is open to
few of many options. :class:`Evaluation` is what one pass finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sparkus._checks import FloatArray

__all__ = ["Block", "Evaluation", "best_of", "best_two", "blocks_of", "rows_of"]

IntArray = npt.NDArray[np.int64]
SlotArray = npt.NDArray[np.signedinteger[Any]]  # a block's option per person, -1: nothing


@attrs.frozen(eq=False)
class Evaluation:
    """``L`` at one point, a subgradient, and each person's choice there.

    The choices are kept block by block (each block's best option, -1 for nothing) and put in
    people's order only when asked for: the dual's passes never need them.
    """

    value: float
    gradient: FloatArray
    slots: tuple[SlotArray, ...]
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
    eligible: npt.NDArray[np.bool_],
    value: FloatArray,
    cost: FloatArray,
    reach: npt.NDArray[np.float32],
) -> tuple[Block, ...]:
    """The people grouped by the options open to them, when few groups save most of a pass.

    `eligible`, `value` and `cost` are (people, options), as an instance holds them; each
    block's arrays are gathered straight from them, only where open, and transposed to
    (options, people). One block of everyone (the full arrays, -inf and 0 where not open) when
    there are many patterns of open options, or when each person is open to most options
    anyway. The arrays are the caller's units: the Lagrangian scales them in place.
    """
    n, n_options = eligible.shape
    if n_options <= 63 and n:
        packed = np.packbits(eligible, axis=1, bitorder="little")  # option o: bit o
        wide = np.zeros((n, 8), dtype=np.uint8)
        wide[:, : packed.shape[1]] = packed
        patterns, which = np.unique(wide.view("<u8").reshape(-1), return_inverse=True)
        which = which.reshape(-1)
        open_to = np.array([int(p).bit_count() for p in patterns.tolist()])
        counts = np.bincount(which, minlength=patterns.shape[0])
        if patterns.shape[0] <= _MOST_BLOCKS and int(open_to @ counts) <= 0.6 * n_options * n:
            order = np.argsort(which, kind="stable")  # people by pattern, in order within each
            ends = np.cumsum(counts)
            out = []
            for k, pattern in enumerate(patterns.tolist()):
                options = np.array([o for o in range(n_options) if pattern >> o & 1],
                                   dtype=np.int64)  # fmt: skip
                if not options.size:  # open to nothing: they take nothing at any prices
                    continue
                people = order[ends[k] - counts[k] : ends[k]]
                where = np.ix_(people, options)
                out.append(Block(people, options, np.ascontiguousarray(value[where].T),
                                 np.ascontiguousarray(cost[where].T),
                                 np.ascontiguousarray(reach[:, people])))  # fmt: skip
            return tuple(out)
    ok = np.ascontiguousarray(eligible.T)  # so that np.where writes (options, people) rows
    return (Block(None, np.arange(n_options), np.where(ok, value.T, -np.inf),
                  np.where(ok, cost.T, 0.0), reach),)  # fmt: skip


def rows_of(
    block: Block, lam: float, shift: FloatArray, bonus: FloatArray | None
) -> Iterator[FloatArray]:
    """The block's reduced values ``value - lam * cost - shift + bonus``, option by option.

    `shift` is per option of the block, `bonus` per person of the block (None: none). Every
    row is written into one buffer, which stays in cache, so a consumer must be done with a
    row before it asks for the next.
    """
    row = np.empty(block.value.shape[1])
    for o in range(block.value.shape[0]):
        np.multiply(block.cost[o], -lam, out=row)
        row += block.value[o]
        row -= shift[o]
        if bonus is not None:
            row += bonus
        yield row


def best_of(rows: Iterable[FloatArray], shape: tuple[int, int]) -> tuple[SlotArray, FloatArray]:
    """Each person's best row (the first of equals; -1: nothing, which wins ties at 0), its value.

    One running maximum from nothing's 0: a row wins where it beats every row before it. The
    winner is kept as ``row + 1`` by a maximum (rows come in increasing order), so no step
    branches on the data (a masked write mispredicts at random). `shape`: (rows, people).
    """
    n = shape[1]
    top = np.zeros(n)
    slot = np.zeros(n, dtype=_slot_type(shape[0]))
    won = np.empty(n, dtype=np.bool_)
    mark = np.empty_like(slot)
    kind = slot.dtype.type
    for o, row in enumerate(rows):
        np.greater(row, top, out=won)
        np.maximum(top, row, out=top)
        np.multiply(won.view(np.int8), kind(o + 1), out=mark)
        np.maximum(slot, mark, out=slot)
    slot -= 1
    return slot, top


def best_two(
    rows: Iterable[FloatArray], shape: tuple[int, int]
) -> tuple[SlotArray, FloatArray, SlotArray, FloatArray]:
    """:func:`best_of`, and the best but one among the rest, nothing included (-1 for nothing).

    The same running pass, holding two: a row that beats the best demotes it to second, one
    that beats only the second replaces it. Ties go to the earlier, as in :func:`best_of`.
    """
    n = shape[1]
    top = np.zeros(n)
    second = np.full(n, -np.inf)
    slot = np.zeros(n, dtype=_slot_type(shape[0]))  # row + 1; 0: nothing
    other = np.zeros_like(slot)
    won = np.empty(n, dtype=np.bool_)
    beat = np.empty(n, dtype=np.bool_)
    step = np.empty_like(slot)
    kind = slot.dtype.type
    low = np.empty(n)
    for o, row in enumerate(rows):
        np.greater(row, top, out=won)
        np.greater(row, second, out=beat)
        np.minimum(row, top, out=low)
        np.maximum(second, low, out=second)  # the old best where it is beaten
        np.maximum(top, row, out=top)
        # other: the old best where the row won, the row where it beat the second
        np.subtract(o + 1, other, out=step)
        step *= beat.view(np.int8)
        other += step
        np.subtract(slot, o + 1, out=step)
        step *= won.view(np.int8)
        other += step
        np.multiply(won.view(np.int8), kind(o + 1), out=step)
        np.maximum(slot, step, out=slot)
    slot -= 1
    other -= 1
    return slot, top, other, second


def _slot_type(rows: int) -> type[np.signedinteger[Any]]:
    """The narrowest integer that holds ``-1 .. rows``: a byte for the usual handful."""
    return np.int8 if rows < 127 else np.int32
