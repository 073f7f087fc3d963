"""``StableMatching.to_frame``: one row per proposer, ids as given, for pandas and polars.

Every other result with rows had ``to_frame``; a stable matching had none. Ids may be
integers or text, and pandas would read the integer ids of reviewers beside an unmatched
proposer's None as the floats 1.0 and NaN: the shared frame builder keeps them as ids.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.matching import deferred_acceptance


@st.composite
def _markets(draw):
    """Mixed int and text ids, incomplete lists, capacities 0 to 2."""
    proposers = draw(st.lists(st.sampled_from([1, 2, 3, "a", "b", "c"]), min_size=1, unique=True))
    reviewers = draw(st.lists(st.sampled_from([7, 8, "x", "y"]), min_size=1, unique=True))
    prefs = {p: draw(st.permutations(reviewers).flatmap(lambda r: st.just(r[: len(r) // 2 + 1])))
             for p in proposers}  # fmt: skip
    rprefs = {r: draw(st.permutations(proposers)) for r in reviewers}
    capacity = {r: draw(st.integers(0, 2)) for r in reviewers}
    return prefs, rprefs, capacity


@settings(max_examples=150, deadline=None)
@given(market=_markets())
def test_the_frame_is_the_matching_read_from_the_lists(market):
    """Each row: the proposer's reviewer and that reviewer's place in the proposer's own list."""
    prefs, rprefs, capacity = market
    result = deferred_acceptance(prefs, rprefs, capacity)
    frame = result.to_frame()
    assert frame.index.tolist() == list(prefs)
    assert frame["reviewer"].tolist() == [result.matches[p] for p in prefs]  # ints stay ints
    expected = [-1 if result.matches[p] is None else prefs[p].index(result.matches[p])
                for p in prefs]  # fmt: skip
    assert frame["choice"].tolist() == expected
    polars = result.to_frame(backend="polars")
    assert polars.columns == ["proposer", "reviewer", "choice"]
    assert polars["choice"].to_list() == expected
    as_text = {type(p) for p in prefs} == {int, str}
    assert polars["proposer"].to_list() == [str(p) if as_text else p for p in prefs]


def test_integer_ids_beside_an_unmatched_proposer_stay_integers():
    """pandas would read [7, None] as the floats 7.0 and NaN; the frame keeps the ids."""
    result = deferred_acceptance({"a": [7], "b": [7], "c": [8]}, {7: ["a", "b"], 8: ["c"]},
                                 {7: 1, 8: 1})  # fmt: skip
    frame = result.to_frame()
    assert frame["reviewer"].tolist() == [7, None, 8]
    assert frame["reviewer"].dtype == object
    assert result.to_frame(backend="polars")["reviewer"].dtype == pl.Int64
    frame.loc["a", "reviewer"] = 99  # a copy: the result is unchanged
    assert result.matches["a"] == 7
    assert np.array_equal(frame["choice"], [0, -1, 0])
