"""A pandas `forbidden` mask is read by the cost's row and column labels, never by position.

A DataFrame mask in another row order had been paired with the cost's rows by position, so
the pairs it named stayed allowed and others were blocked in their place.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.matching import assign, rematch, solve_assignment

from .test_assign import fake_candidates

COST = pd.DataFrame(
    [[0.10, 0.30, 0.60], [0.15, 0.50, 0.40], [0.05, 0.45, 0.70],
     [0.20, 0.25, np.nan], [0.12, 0.60, 0.35], [0.30, 0.20, 0.50]],
    index=list("abcdef"), columns=["x", "y", "z"],
)  # fmt: skip
MASK = np.zeros((6, 3), dtype=bool)
MASK[[0, 2, 4, 5], [0, 0, 2, 1]] = True  # a-x, c-x, e-z, f-y


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(6)), st.permutations(range(3)))
def test_a_mask_frame_in_any_order_forbids_as_the_aligned_array(rows, cols):
    """A DataFrame mask in any row and column order gives the assignment of the numpy mask."""
    frame = pd.DataFrame(MASK, index=COST.index, columns=COST.columns)
    shuffled = frame.iloc[list(rows), list(cols)]
    kept = shuffled.copy()
    for solve in (assign, solve_assignment):
        by_array, by_frame = solve(COST, 2, forbidden=MASK), solve(COST, 2, forbidden=shuffled)
        np.testing.assert_array_equal(by_frame.provider, by_array.provider)
        assert by_frame.total_cost == by_array.total_cost
        assert not MASK[
            np.flatnonzero(by_frame.provider >= 0), by_frame.provider[by_frame.provider >= 0]
        ].any()
    pd.testing.assert_frame_equal(shuffled, kept)


def test_the_reported_mask_forbids_the_pairs_it_names():
    """The fuzzing repro: a mask with rows e..a forbids (e, 0) and (d, 1), not (a, 0), (b, 1)."""
    values = np.array([[0.1, 0.5], [0.2, 0.7], [0.1, 0.4], [0.3, 0.4], [0.2, np.nan]])
    cost = pd.DataFrame(values, index=list("abcde"))
    mask = pd.DataFrame(np.eye(5, 2, dtype=bool), index=list("edcba"))
    want = solve_assignment(values, 3, forbidden=np.eye(5, 2, dtype=bool)[::-1]).provider
    np.testing.assert_array_equal(want, [0, 0, 1, 0, -1])
    for solve in (assign, solve_assignment):
        np.testing.assert_array_equal(solve(cost, 3, forbidden=mask).provider, want)


@pytest.mark.parametrize("solve", [assign, solve_assignment])
@pytest.mark.parametrize(
    ("index", "columns", "says"),
    [
        (list("abcdeq"), ["x", "y", "z"], r"its row index lacks the rows 'f' and has labels 'q'"),
        (list("abcdef"), ["x", "y", "w"], r"its column index lacks the columns 'z'"),
        (list("abcdea"), ["x", "y", "z"], "repeats labels"),
    ],
)
def test_a_mask_frame_not_labelled_by_the_cost_is_refused(solve, index, columns, says):
    """A mask whose labels are not the cost's rows and columns is refused naming the labels."""
    mask = pd.DataFrame(MASK, index=index, columns=columns)
    with pytest.raises(SchemaError, match=says) as info:
        solve(COST, 2, forbidden=mask)
    assert [p.path for p in info.value.problems] == [("forbidden",)]


@pytest.mark.parametrize("solve", [assign, solve_assignment])
def test_a_labelled_mask_frame_against_a_numpy_cost_is_refused(solve):
    """A numpy cost has no labels: a mask labelled otherwise than by position is refused."""
    mask = pd.DataFrame(MASK, index=COST.index, columns=COST.columns)
    with pytest.raises(SchemaError, match="a numpy `cost` has no labels") as info:
        solve(COST.to_numpy(), 2, forbidden=mask)
    assert [p.path for p in info.value.problems] == [("forbidden",)]
    by_position = pd.DataFrame(MASK)  # labelled 0..n-1 and 0..m-1: the positions themselves
    np.testing.assert_array_equal(solve(COST.to_numpy(), 2, forbidden=by_position).provider,
                                  solve(COST.to_numpy(), 2, forbidden=MASK).provider)  # fmt: skip


def test_a_mask_frame_against_a_candidate_matrix_is_read_by_its_ids():
    """With a candidate matrix the mask's labels are its participant and provider ids."""
    cm = fake_candidates()
    mask = np.zeros(cm.scores.shape, dtype=bool)
    mask[0, 0] = mask[3, 1] = True  # ana-c1, di-c2
    frame = pd.DataFrame(mask, index=list(cm.participant_ids), columns=list(cm.provider_ids))
    shuffled = frame.iloc[::-1, ::-1]
    by_array = assign(cm, forbidden=mask)
    np.testing.assert_array_equal(assign(cm, forbidden=shuffled).provider, by_array.provider)
    before = assign(cm)
    old = int(before.provider[2])  # cy's provider
    only = pd.DataFrame(False, index=frame.index[::-1], columns=frame.columns[::-1])
    only.loc["cy", cm.provider_ids[old]] = True
    after = rematch(before, cm, released=["cy"], forbidden=only)
    assert after.assignment.provider[2] != old
    with pytest.raises(SchemaError, match="lacks the rows 'di'") as info:
        assign(cm, forbidden=frame.iloc[:3])
    assert [p.path for p in info.value.problems] == [("forbidden",)]


@pytest.mark.parametrize("solve", [assign, solve_assignment])
def test_labels_the_cost_repeats_cannot_align_a_mask_or_capacities(solve):
    """A cost table that repeats a row or column label cannot be read by label: refused."""
    cost = COST.set_axis(list("abcdea"), axis=0)
    mask = pd.DataFrame(MASK[:5], index=list("abcde"), columns=COST.columns)
    with pytest.raises(SchemaError, match="labels that `cost` repeats") as info:
        solve(cost, 2, forbidden=mask)
    assert [p.path for p in info.value.problems] == [("forbidden",)]
    twice = COST.set_axis(["x", "y", "x"], axis=1)
    with pytest.raises(SchemaError, match="labels that `cost` repeats") as info:
        solve(twice, pd.Series([2, 2], index=["x", "y"]))
    assert [p.path for p in info.value.problems] == [("capacity",)]
