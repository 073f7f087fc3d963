"""Every argument that names a participant or provider reads a labelled cost table's labels.

`released` and `leaving` of `rematch`, and `fixed` and `forbidden` pairs of `assign`, had refused
any name against a pandas table labelled otherwise than by position, though the assignment is
named by those labels: a user had to pass ``cost.to_numpy()`` and positions, losing the labels.
They now read the labels (strings, or integers as the index holds them), as candidate-matrix
ids are read; a number that is no label is still refused, and an unknown label is named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sparkus import SchemaError
from sparkus.matching import assign, rematch

COST = np.array(
    [[0.10, 0.30, 0.60], [0.15, 0.50, 0.40], [0.05, 0.45, 0.70],
     [0.20, 0.25, np.nan], [0.12, 0.60, 0.35], [0.30, 0.20, 0.50]]
)  # fmt: skip
CAPACITY = [3, 2, 2]
ROWS = {"text": list("abcdef"), "integers": [15, 12, 10, 11, 14, 13]}
COLS = {"text": ["x", "y", "z"], "integers": [7, 9, 8]}


def _table(kind: str) -> pd.DataFrame:
    return pd.DataFrame(COST, index=ROWS[kind], columns=COLS[kind])


@pytest.mark.parametrize("kind", ["text", "integers"])
@pytest.mark.parametrize("order", ["as-is", "reversed"])
@pytest.mark.parametrize(
    "names",
    [
        {"released": [0, 3]},
        {"leaving": [1]},
        {"released": [2], "leaving": [0]},
    ],
    ids=["released", "leaving", "both"],
)
def test_rematch_reads_released_and_leaving_by_the_tables_labels(kind, order, names):
    """Labels name the same people as positions do in the numpy array, in any table order."""
    table = _table(kind)
    labelled = {k: [(ROWS if k == "released" else COLS)[kind][i] for i in v]
                for k, v in names.items()}  # fmt: skip
    if kind == "integers":  # numpy integers name them as Python integers do
        labelled = {k: list(np.array(v)) for k, v in labelled.items()}
    given = table.iloc[::-1, ::-1] if order == "reversed" else table
    kept = given.copy()
    got = rematch(assign(table, CAPACITY), given, **labelled)
    want = rematch(assign(COST, CAPACITY), COST, **names)
    np.testing.assert_array_equal(got.assignment.provider, want.assignment.provider)
    assert [mv.reason for mv in got.moves] == [mv.reason for mv in want.moves]
    assert [mv.participant for mv in got.moves] == [ROWS[kind][mv.participant] for mv in want.moves]
    pd.testing.assert_frame_equal(given, kept)


@pytest.mark.parametrize("kind", ["text", "integers"])
def test_assign_reads_fixed_and_forbidden_pairs_by_the_tables_labels(kind):
    """`fixed` and `forbidden` pairs of labels place as the positions do in the numpy array."""
    r, c = ROWS[kind], COLS[kind]
    forbidden = [(r[0], c[0]), (r[2], c[0])]
    got = assign(_table(kind), CAPACITY, fixed={r[5]: c[0]}, forbidden=forbidden)
    want = assign(COST, CAPACITY, fixed={5: 0}, forbidden=[(0, 0), (2, 0)])
    np.testing.assert_array_equal(got.provider, want.provider)
    assert got.pairs()[r[5]] == c[0]


def test_a_move_names_whom_to_release_next():
    """The labels a re-match reports its moves by are what `released` takes back."""
    table = _table("text")
    first = rematch(assign(table, CAPACITY), table, released=["a"])
    again = rematch(first.assignment, table, released=[mv.participant for mv in first.moves])
    assert [(mv.participant, mv.from_provider) for mv in again.moves] == [("a", "z")]


def test_an_integer_label_names_its_row_not_the_row_at_that_position():
    """In a table labelled 2, 0, 1, ``released=[0]`` is the row labelled 0 (the second row)."""
    table = pd.DataFrame(COST[:3, :2], index=[2, 0, 1], columns=[1, 0])
    before = assign(table, 2)
    after = rematch(before, table, released=[0])
    assert [mv.participant for mv in after.moves] == [0]
    assert after.assignment.pairs()[0] != before.pairs()[0]


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (
            lambda t: rematch(assign(t, CAPACITY), t, released=["q"]),
            r"released\[0\]: 'q' is not one of the participant labels",
        ),
        (
            lambda t: rematch(assign(t, CAPACITY), t, leaving=["y", "w"]),
            r"leaving\[1\]: 'w' is not one of the provider labels",
        ),
        (
            lambda t: assign(t, CAPACITY, fixed={"a": "w"}),
            r"fixed\[0\]: 'w' is not one of the provider labels",
        ),
        (
            lambda t: assign(t, CAPACITY, forbidden=[("b", 1.5)]),
            r"forbidden\[0\]: 1.5 is not one of the provider labels",
        ),
    ],
    ids=["released", "leaving", "fixed", "forbidden"],
)
def test_an_unknown_label_is_named(call, says):
    """A name that is none of the table's labels is a SchemaError naming it and where."""
    with pytest.raises(SchemaError, match=says):
        call(_table("text"))


@pytest.mark.parametrize(
    ("kind", "call", "where", "number"),
    [
        (
            "text",
            lambda t: rematch(assign(t, CAPACITY), t, released=["a", 0]),
            "released",
            "0 is no participant label",
        ),
        (
            "integers",
            lambda t: rematch(assign(t, CAPACITY), t, leaving=[0, 1]),
            "leaving",
            "0, 1 are no provider labels",
        ),
        (
            "integers",
            lambda t: assign(t, CAPACITY, fixed={3: 7}),
            "fixed",
            "3 is no participant label",
        ),
    ],
    ids=["text-released", "integers-leaving", "integers-fixed"],
)
def test_a_number_that_is_no_label_is_still_refused_as_a_position(kind, call, where, number):
    """A bare position against a labelled table is refused, saying which numbers are no label."""
    with pytest.raises(SchemaError, match=rf"{where}: pairs are read by position") as e:
        call(_table(kind))
    assert "cost.to_numpy()" in str(e.value)
    assert f"or name them by its labels ({number})" in str(e.value)


def test_integer_labels_are_not_read_as_their_text():
    """``"12"`` is not the label 12: JSON-like text is refused, never converted."""
    table = _table("integers")
    with pytest.raises(SchemaError, match=r"released\[0\]: '12' is not one of the participant"):
        rematch(assign(table, CAPACITY), table, released=["12"])


def test_zeros_and_ones_that_could_be_a_mask_are_not_read_as_labels():
    """With labels 0 and 1, a 0/1 integer array of the table's shape is refused, not read."""
    table = pd.DataFrame(COST[:3, :2], index=[2, 0, 1], columns=[1, 0])
    mask = np.array([[1, 0], [0, 0], [0, 1]])
    with pytest.raises(SchemaError, match=r"forbidden: 0/1 integers of the shape of `cost`"):
        assign(table, 2, forbidden=mask)
    got = assign(table, 2, forbidden=[(1, 0), (2, 1)])  # a list of tuples: pairs of labels
    want = assign(COST[:3, :2], 2, forbidden=[(2, 1), (0, 0)])  # their positions
    np.testing.assert_array_equal(got.provider, want.provider)
