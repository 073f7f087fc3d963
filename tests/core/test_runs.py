"""rank_in_runs against the definition: count the equal keys just before each element."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sparkus._runs import rank_in_runs


@given(st.lists(st.integers(0, 4), max_size=40))
def test_rank_in_runs_counts_the_equal_keys_just_before(raw):
    keys = np.sort(np.array(raw, dtype=np.int64))
    want = []
    for i in range(len(keys)):
        j = i
        while j > 0 and keys[j - 1] == keys[i]:
            j -= 1
        want.append(i - j)
    got = rank_in_runs(keys)
    assert got.dtype == np.intp
    assert got.tolist() == want
