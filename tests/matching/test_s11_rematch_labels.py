"""An assignment made from a labelled cost table is named by its labels, and rematch reads by them.

`rematch` had read a relabelled or reordered pandas cost table by position, while the capacity
Series beside it was aligned by label: the kept pairs stayed on the same positions, so a
participant was "kept" with another provider, or the capacities were refused for the wrong one.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import InfeasibleError, SchemaError
from sparkus.matching import Move, assign, rematch

COST = pd.DataFrame(
    [[0.10, 0.30, 0.60], [0.15, 0.50, 0.40], [0.05, 0.45, 0.70],
     [0.20, 0.25, np.nan], [0.12, 0.60, 0.35], [0.30, 0.20, 0.50]],
    index=list("abcdef"), columns=["x", "y", "z"],
)  # fmt: skip
PLACES = pd.Series([3, 2, 2], index=["x", "y", "z"])
BEFORE = assign(COST, PLACES)


def test_the_reported_reorders_keep_each_pair_by_label():
    """The helper's reproducer: columns z, y, x and rows d..a keep every pair where it was."""
    c = np.random.default_rng(0).random((4, 3))
    df = pd.DataFrame(c, index=list("abcd"), columns=list("xyz"))
    cap = pd.Series([2, 1, 1], index=list("xyz"))
    before = assign(df, cap)
    assert before.pairs() == {"a": "y", "b": "x", "c": "x", "d": "z"}
    for table in (df[["z", "y", "x"]], df.loc[list("dcba")]):
        after = rematch(before, table, cap)
        assert after.assignment.pairs() == before.pairs()
        np.testing.assert_array_equal(after.assignment.pair_cost, before.pair_cost)
        assert (after.n_kept_pairs, after.moves) == (4, ())


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(6)), st.permutations(range(3)), st.booleans())
def test_a_table_in_any_order_rematches_as_the_table_itself(rows, cols, with_capacity):
    """Rows and columns in any order, with capacities by label or by default, change nothing."""
    shuffled = COST.iloc[list(rows), list(cols)]
    kept = shuffled.copy()
    capacity = PLACES.iloc[::-1] if with_capacity else None
    after = rematch(BEFORE, shuffled, capacity).assignment
    assert after.pairs() == BEFORE.pairs()
    assert (after.participant_ids, after.provider_ids) == (tuple("abcdef"), ("x", "y", "z"))
    np.testing.assert_array_equal(after.provider, BEFORE.provider)
    np.testing.assert_array_equal(after.pair_cost, BEFORE.pair_cost)
    np.testing.assert_array_equal(after.capacity, BEFORE.capacity)
    pd.testing.assert_frame_equal(shuffled, kept)


def test_positional_capacities_and_masks_are_read_in_the_tables_own_order():
    """A capacity list and a numpy mask follow the columns of the table given, not `previous`'s."""
    table = COST[["z", "y", "x"]]
    assert rematch(BEFORE, table, [2, 2, 3]).assignment.pairs() == BEFORE.pairs()
    with pytest.raises(InfeasibleError, match=r"provider 'x': capacity 2 for 3 kept"):
        rematch(BEFORE, table, [2, 2, 2])
    mask = np.zeros((6, 3), dtype=bool)
    mask[0, 2] = True  # a-x, in the order z, y, x
    with pytest.raises(SchemaError, match=r"the kept pairs \('a', 'x'\) of `previous`"):
        rematch(BEFORE, table, forbidden=mask)


@pytest.mark.parametrize(
    ("table", "says"),
    [
        (COST.drop(index="f"), r"its row index lacks the rows 'f'\."),
        (COST.rename(index={"f": "g"}), r"lacks the rows 'f' and has labels 'g' that are no row"),
        (COST.drop(columns="z"), r"its column index lacks the columns 'z'\."),
        (COST.rename(columns={"z": "w"}), r"column index lacks the columns 'z' and has labels 'w'"),
        (COST.reset_index(drop=True), r"lacks the rows 'a', 'b'.* has labels 0, 1, 2"),
    ],
    ids=["row-gone", "row-renamed", "column-gone", "column-renamed", "by-position"],
)
def test_a_table_of_other_labels_is_refused_naming_them(table, says):
    """A table whose labels differ from `previous`'s had been read by position (or by shape)."""
    with pytest.raises(SchemaError, match=says) as info:
        rematch(BEFORE, table, PLACES.reindex(table.columns, fill_value=1))
    assert [p.path for p in info.value.problems] == [("cost",)]
    assert "call `assign` on the new table" in str(info.value)


def test_a_numpy_cost_after_a_labelled_assignment_is_read_by_position_and_named_by_labels():
    """Numbers name rows by position in the table `previous` came from; moves name labels."""
    after = rematch(BEFORE, COST.to_numpy(), leaving=[1])
    assert after.moves == (
        Move("d", "y", None, "provider left"),
        Move("f", "y", "z", "provider left"),
    )
    assert after.unplaced == {"d": "capacity"}
    assert after.assignment.participant_ids == tuple("abcdef")


def test_a_reordered_default_table_after_a_positional_assignment_is_put_back_by_its_labels():
    """A default DataFrame labelled by positions, sorted, reads as the array `previous` saw."""
    values = COST.to_numpy()
    before = assign(values, [3, 2, 2])
    shuffled = pd.DataFrame(values).iloc[[5, 3, 1, 0, 2, 4], [2, 0, 1]]
    after = rematch(before, shuffled).assignment
    assert after.pairs() == before.pairs()
    np.testing.assert_array_equal(after.pair_cost, before.pair_cost)
    assert after.participant_ids is None


@pytest.mark.parametrize(
    "labels", [list("abcdef"), [10, 11, 12, 13, 14, 15]], ids=["strings", "integers"]
)
def test_results_are_named_by_the_labels_and_their_json_keeps_them(labels):
    """Pairs, reasons, the table and JSON name people by the labels, ints staying ints."""
    cost = COST.set_axis(labels, axis=0)
    cost.iloc[3] = np.nan  # the fourth participant has no candidate
    result = assign(cost, PLACES)
    assert result.participant_ids == tuple(labels)
    assert result.unassigned == {labels[3]: "no candidate"}
    assert set(result.pairs()) == set(labels) - {labels[3]}
    frame = result.to_frame()
    assert frame.index.tolist() == labels
    joined = cost.iloc[::-1].join(frame)  # joins by label, whatever the row order
    assert joined.loc[labels[0], "provider"] == result.pairs()[labels[0]]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["participant_ids"] == labels
    assert data["provider_ids"] == ["x", "y", "z"]
    assert data["unassigned"] == {str(labels[3]): "no candidate"}
    # labels that cannot name people once each, in JSON too, leave the table read by position
    for odd in ([1, "1", 2, 3, 4, 5], list("abcdea"), [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]):
        assert assign(cost.set_axis(odd, axis=0), PLACES).participant_ids is None
