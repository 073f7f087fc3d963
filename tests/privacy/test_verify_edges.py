"""verify_disclosure at the edges: cells about nobody, row indices far past the people named.

A figure whose only cell is empty reached scipy's linprog with no variables (a bare
ValueError); a row index of 10**12 asked for a mask of 10**12 people (MemoryError).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.privacy import Cell, Figure, verify_disclosure

EMPTY = np.array([], dtype=np.int64)


def test_a_cell_about_nobody_is_zero():
    shown = verify_disclosure([Figure("active", [Cell("empty", EMPTY, 0)])])
    assert shown.cells == ()
    hidden = verify_disclosure([Figure("active", [Cell("empty", EMPTY, None)])])
    assert [(c.low, c.high, c.protected) for c in hidden.cells] == [(0.0, 0.0, True)]
    with pytest.raises(SchemaError, match="cannot all hold"):  # a count of 3 about nobody
        verify_disclosure([Figure("active", [Cell("empty", EMPTY, 3)])])


def _ranges(check):
    return sorted((c.cell, c.kind, c.low, c.high, c.protected) for c in check.cells)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sets(st.integers(0, 11), min_size=1), st.booleans()),
        min_size=2, max_size=5,
    ),
    st.integers(0, 2**20),
)  # fmt: skip
def test_far_row_indices_verify_as_the_same_cells_over_their_people(cells, seed):
    """Rows given by far indices (up to 10**12) verify as the same cells given as boolean
    masks over the people the cells name (rows 0-11): the people no cell names play no part."""
    rng = np.random.default_rng(seed)
    active = rng.integers(0, 2, 12)
    far = np.sort(rng.choice(10**12, 12, replace=False))  # row k of the masks is far[k]
    by_mask, by_index = [], []
    for j, (rows, shown) in enumerate(cells):
        members = np.array(sorted(rows))
        value = int(active[members].sum()) if shown else None
        mask = np.zeros(12, dtype=bool)
        mask[members] = True
        by_mask.append(Cell(f"c{j}", mask, value))
        by_index.append(Cell(f"c{j}", far[members], value))
    assert _ranges(verify_disclosure([Figure("active", by_index)])) == _ranges(
        verify_disclosure([Figure("active", by_mask)])
    )
