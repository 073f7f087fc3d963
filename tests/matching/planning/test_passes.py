"""A pass's choices: each person's best option and runner-up, against a plain reference.

The reference is the definition, person by person in Python: options in order, nothing worth
0, the best is the largest value with ties going to the earlier candidate (nothing first, so
nothing wins a tie at 0), the runner-up the largest of the rest with the same rule. Values
are drawn from a few integers (and -inf, an option a person may not take) so that ties are
common.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sparkus.matching._planning.passes import best_of, best_two, blocks_of


def _ranked(column: list[float]) -> tuple[int, float, int, float]:
    """Best and runner-up of one person: (option, value, option, value); -1 is nothing.

    An option at -inf is not open to the person: never chosen, never the runner-up (which is
    then (-1, -inf) when nothing is the best and no option is open).
    """
    candidates = [(-1, 0.0)] + [(o, v) for o, v in enumerate(column) if v > -math.inf]
    best = max(range(len(candidates)), key=lambda j: (candidates[j][1], -j))
    rest = [j for j in range(len(candidates)) if j != best]
    if not rest:
        return -1, 0.0, -1, -math.inf
    second = max(rest, key=lambda j: (candidates[j][1], -j))
    return candidates[best][0], candidates[best][1], candidates[second][0], candidates[second][1]


values = st.sampled_from([-2.0, -1.0, -0.0, 0.0, 0.5, 1.0, 3.0, -math.inf])
tables = st.tuples(st.integers(1, 7), st.integers(0, 40)).flatmap(
    lambda shape: hnp.arrays(np.float64, shape, elements=values)
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_best_and_runner_up_follow_the_definition(table):
    shape = (table.shape[0], table.shape[1])
    slot, top = best_of(iter(table), shape)
    slot2, top2, other, second = best_two(iter(table), shape)
    want = [_ranked(table[:, i].tolist()) for i in range(table.shape[1])]
    assert slot.tolist() == [w[0] for w in want]
    assert top.tolist() == [w[1] for w in want]
    assert np.array_equal(slot2, slot)
    assert np.array_equal(top2, top)
    assert other.tolist() == [w[2] for w in want]
    assert second.tolist() == [w[3] for w in want]


def test_more_options_than_a_byte_holds():
    """A block of everyone with 200 options: the slots are wide enough for the last one."""
    table = np.full((200, 3), -1.0)
    table[199, 0], table[150, 1], table[150, 2], table[199, 2] = 5.0, 2.0, 4.0, 4.0
    slot, top = best_of(iter(table), table.shape)
    assert slot.tolist() == [199, 150, 150]
    assert top.tolist() == [5.0, 2.0, 4.0]
    _, _, other, second = best_two(iter(table), table.shape)
    assert other.tolist() == [-1, -1, 199]
    assert second.tolist() == [0.0, 0.0, 4.0]


def test_the_rows_are_read_one_at_a_time():
    """The producer may reuse one buffer: each row is consumed before the next is asked for."""

    def reused(table):
        row = np.empty(table.shape[1])
        for r in table:
            row[:] = r
            yield row

    table = np.array([[1.0, -1.0, 2.0], [3.0, 0.0, 2.0], [2.0, 0.5, 5.0]])
    assert best_of(reused(table), table.shape)[0].tolist() == [1, 2, 2]
    assert best_two(reused(table), table.shape)[2].tolist() == [2, -1, 0]


@pytest.mark.parametrize("open_share", [0.2, 0.95])
def test_every_blocks_rows_are_contiguous(open_share):
    """Whether people are grouped by pattern (few options each) or held as one block of
    everyone (most options open), each option's row of values and costs is contiguous: a
    pass reads them row by row."""
    rng = np.random.default_rng(4)
    n, k = 3_000, 6
    if open_share < 0.5:  # three patterns of two options
        eligible = np.zeros((n, k), dtype=bool)
        for i in range(n):
            eligible[i, 2 * (i % 3) : 2 * (i % 3) + 2] = True
    else:
        eligible = rng.random((n, k)) < open_share
    blocks = blocks_of(eligible, rng.random((n, k)), rng.random((n, k)),
                       np.zeros((0, n), dtype=np.float32))  # fmt: skip
    assert (len(blocks) == 1) == (open_share > 0.5)
    for block in blocks:
        assert block.value.flags.c_contiguous
        assert block.cost.flags.c_contiguous
