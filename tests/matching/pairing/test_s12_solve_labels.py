"""solve_assignment reads a labelled cost table as assign does, and names its result by the labels.

`assign` and `rematch` read a pandas cost table's labels (capacities by provider, forbidden
pairs by label) and name their results by them; `solve_assignment` had aligned capacities but
refused forbidden pairs named by label, and named its result by position only, so that a
table in another order gave rows and columns a caller had to map back by hand. It now shares
their intake (one rule, one set of messages) and records the labels.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linear_sum_assignment

from sparkus import SchemaError
from sparkus.matching import assign, solve_assignment

from .test_assign import fake_candidates

COST = np.array(
    [[0.10, 0.30, 0.60], [0.15, 0.50, 0.40], [0.05, 0.45, 0.70],
     [0.20, 0.25, np.nan], [0.12, 0.60, 0.35], [0.30, 0.20, 0.50]]
)  # fmt: skip
ROWS = {"text": list("abcdef"), "integers": [15, 12, 10, 11, 14, 13]}
COLS = {"text": ["x", "y", "z"], "integers": [7, 9, 8]}
DOORS = [solve_assignment, assign]


def _scipy_optimum(cost: np.ndarray, capacity: np.ndarray) -> tuple[int, float]:
    """Most pairs, then least cost: scipy on the places, allowed pairs offset by a large cost.

    Independent of sparkus: each provider's column repeated `capacity` times, every allowed
    pair made cheaper by ``big`` (more than any sum of costs), so scipy's minimum places the
    most participants first; not-allowed pairs cost 0 and are dropped afterwards.
    """
    places = np.repeat(np.arange(cost.shape[1]), capacity)
    if not places.size or not cost.size:
        return 0, 0.0
    block = cost[:, places]
    allowed = np.isfinite(block)
    big = 1.0 + 2.0 * np.abs(np.where(allowed, block, 0.0)).sum()
    rows, cols = linear_sum_assignment(np.where(allowed, block - big, 0.0))
    kept = allowed[rows, cols]
    return int(kept.sum()), float(block[rows[kept], cols[kept]].sum())


@pytest.mark.parametrize("kind", ["text", "integers"])
def test_a_shuffled_labelled_table_solves_as_its_array_and_is_named_by_its_labels(kind):
    """Rows, columns and capacities in other orders (nullable dtypes): the same pairs by label."""
    rows, cols = ROWS[kind], COLS[kind]
    table = pd.DataFrame(COST, index=rows, columns=cols).astype("Float64")
    table.iloc[3, 2] = pd.NA  # a nullable missing cost: the pair is not allowed, as NaN
    given = table.iloc[[4, 0, 5, 2, 1, 3], [2, 0, 1]]
    capacity = pd.Series([1, 2, 1], index=cols, dtype="Int64").iloc[[1, 2, 0]]
    kept = given.copy()
    want = solve_assignment(COST, [1, 2, 1])
    got = solve_assignment(given, capacity)
    assert got.pairs() == {rows[i]: cols[int(j)] for i, j in enumerate(want.provider) if j >= 0}
    assert got.unassigned_reason == {rows[i]: r for i, r in want.unassigned_reason.items()}
    assert got.total_cost == want.total_cost
    assert got.participant_ids == tuple(given.index)
    assert got.provider_ids == tuple(given.columns)
    frame = got.to_frame()
    assert frame.index.tolist() == given.index.tolist()
    assert frame["provider"].dropna().to_dict() == got.pairs()
    assert json.loads(json.dumps(got.to_dict()))["unassigned_reason"] == {
        str(k): v for k, v in got.unassigned_reason.items()
    }
    assert got.pairs() == assign(given, capacity).pairs()
    pd.testing.assert_frame_equal(given, kept)


def test_forbidden_pairs_are_read_by_the_tables_labels():
    """`solve_assignment` had refused pairs named by label, which `assign` reads."""
    table = pd.DataFrame(COST, index=ROWS["text"], columns=COLS["text"])
    forbidden = [("c", "x"), ("a", "x")]
    got = solve_assignment(table, [1, 2, 1], forbidden=forbidden)
    want = solve_assignment(COST, [1, 2, 1], forbidden=[(2, 0), (0, 0)])
    assert got.total_cost == want.total_cost
    np.testing.assert_array_equal(got.provider, want.provider)
    assert got.pairs() == assign(table, [1, 2, 1], forbidden=forbidden).pairs()


@pytest.mark.parametrize(
    ("forbidden", "says"),
    [
        ([(3, 8)], r"forbidden: pairs are read by position .* \(3 is no participant label\)"),
        ([("q", 7)], r"forbidden\[0\]: 'q' is not one of the participant labels"),
    ],
    ids=["number", "unknown"],
)
def test_names_that_are_no_labels_are_refused_as_assign_refuses_them(forbidden, says):
    """A number that is no label, or an unknown label: the problems `assign` gives."""
    table = pd.DataFrame(COST, index=ROWS["integers"], columns=COLS["integers"])
    with pytest.raises(SchemaError, match=says) as got:
        solve_assignment(table, 2, forbidden=forbidden)
    with pytest.raises(SchemaError) as want:
        assign(table, 2, forbidden=forbidden)
    assert got.value.problems == want.value.problems


def test_a_candidate_matrix_is_sent_to_assign():
    """A candidate matrix is no cost matrix: the message says where it goes."""
    with pytest.raises(SchemaError, match=r"cost: expected a cost matrix, got a candidate matrix"):
        solve_assignment(fake_candidates(), 2)


@pytest.mark.parametrize("seed", range(12))
def test_labelled_tables_match_scipy(seed):
    """Shuffled labelled tables (inf, NA, 1e300 costs, capacity 0) against scipy's optimum."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 5))
    cost = rng.integers(0, 20, (n, m)).astype(float) * (1e300 if seed % 3 == 0 else 1.0)
    cost[rng.random((n, m)) < 0.25] = np.inf
    capacity = rng.integers(0, 3, m)
    rows, cols = [f"p{i}" for i in range(n)], [int(c) for c in rng.permutation(m) + 10]
    table = pd.DataFrame(cost, index=rows, columns=cols)
    given = table.iloc[rng.permutation(n), rng.permutation(m)].astype("Float64")
    given = given.mask(np.isinf(given.to_numpy(dtype=float)), pd.NA)
    series = pd.Series(capacity, index=cols).iloc[rng.permutation(m)]
    count, best = _scipy_optimum(cost / (1e300 if seed % 3 == 0 else 1.0), capacity)
    for solve in DOORS:
        pairs = solve(given, series).pairs()
        total = sum(cost[rows.index(p), cols.index(q)] for p, q in pairs.items())
        assert len(pairs) == count
        assert total == pytest.approx(best * (1e300 if seed % 3 == 0 else 1.0), rel=1e-12)
        assert all(np.isfinite(cost[rows.index(p), cols.index(q)]) for p, q in pairs.items())


def test_a_missing_capacity_is_named_by_its_provider_label():
    """A nullable Series' NA had been reported as ``[0]=nan``: a position the Series lacks."""
    table = pd.DataFrame(COST, index=ROWS["text"], columns=COLS["text"])
    capacity = pd.Series([2, pd.NA, 1], index=["z", "x", "y"], dtype="Int64")
    with pytest.raises(SchemaError, match=r"capacity: .* got \['x'\]=missing$"):
        solve_assignment(table, capacity)
