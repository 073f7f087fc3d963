"""design_rollout: waves by id whatever the row order, ids that name one person, the balance of
numbers with missing cells and of booleans, strata whose names cannot merge."""

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.metrics import design_rollout
from sparkus.model import Population

_IDS = [f"p{i:02d}" for i in range(20)]
_SITE = ["a"] * 7 + ["b"] * 13
_TENURE = [float(i % 6) for i in range(20)]


def _table(kind, rows):
    columns = {"site": [_SITE[i] for i in rows], "tenure": [_TENURE[i] for i in rows]}
    ids = [_IDS[i] for i in rows]
    if kind == "mapping":
        return {"id": ids, **columns}
    if kind == "polars":
        return pl.DataFrame({"id": ids, **columns})
    if kind == "Population":
        return Population.from_frame(synthetic_org(20, seed=1).population.to_frame().iloc[rows])
    return pd.DataFrame(columns, index=ids)


@pytest.mark.parametrize("kind", ["mapping", "polars", "pandas", "Population"])
def test_row_order_does_not_change_anyones_wave(kind):
    """With ids (a column, a pandas index, a Population's), the same seed gives each person
    the same wave however the rows are ordered (the draw followed row positions)."""
    shuffle = np.random.default_rng(0).permutation(20)
    first = design_rollout(_table(kind, np.arange(20)), waves=3, strata="site", rng=7)
    again = design_rollout(_table(kind, shuffle), waves=3, strata="site", rng=7)
    assert dict(zip(again.ids.tolist(), again.wave.tolist(), strict=True)) == dict(
        zip(first.ids.tolist(), first.wave.tolist(), strict=True)
    )
    np.testing.assert_array_equal(again.counts, first.counts)


@pytest.mark.parametrize(
    ("ids", "match"),
    [
        (["a", "b", "a", "c"], r"population\['id'\]: repeats the id 'a' \(rows 0 and 2\)"),
        (["a", None, "b", "c"], r"population\['id'\]: is missing in row 1"),
        ([1.0, 2.0, math.nan, 4.0], r"population\['id'\]: is missing in row 2"),
    ],
)
def test_an_id_column_names_one_person_each(ids, match):
    """A repeated or missing id is refused, naming the rows (it was kept, and a y Series
    indexed by id was then paired with two people, or with a person named 'None')."""
    with pytest.raises(SchemaError, match=match):
        design_rollout({"id": ids, "x": [1.0, 2.0, 3.0, 4.0]}, waves=2, rng=1)


def test_a_numeric_id_column_is_not_a_balance_covariate():
    """Numeric ids name people: the default balance table leaves them out, as the strata."""
    design = design_rollout({"id": [10, 11, 12, 13], "x": [1.0, 2.0, 3.0, 4.0]}, waves=2, rng=1)
    assert design.covariates == ("x",)


def _smd_by_hand(values, in_wave, flag):
    """Austin (2009), written out: (mean_wave - mean_rest) / sqrt((s2_wave + s2_rest) / 2),
    with s2 the sample variance, or p(1 - p) for a dichotomous covariate."""
    a = [v for v, w in zip(values, in_wave, strict=True) if w and v is not None]
    b = [v for v, w in zip(values, in_wave, strict=True) if not w and v is not None]
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    if flag:
        var_a, var_b = mean_a * (1 - mean_a), mean_b * (1 - mean_b)
    else:
        var_a = sum((v - mean_a) ** 2 for v in a) / (len(a) - 1)
        var_b = sum((v - mean_b) ** 2 for v in b) / (len(b) - 1)
    return (mean_a - mean_b) / math.sqrt((var_a + var_b) / 2)


_SCORES = [3, None, 5, 1, 4, 2, None, 6, 2, 5, 3, 1]
_FLAGS = [True, False, True, True, False, False, True, False, True, False, False, True]
_SHARES = [None if f is None else float(f) for f in _FLAGS]


@pytest.mark.parametrize(
    ("column", "values", "flag"),
    [
        (pd.Series(_SCORES, dtype="Int64"), _SCORES, False),
        (pl.Series(_SCORES, dtype=pl.Int64), _SCORES, False),
        (pd.Series(_SCORES, dtype=object), _SCORES, False),
        (_FLAGS, _SHARES, True),
        (pd.Series([None, *_FLAGS[1:]], dtype="boolean"), [None, *_SHARES[1:]], True),
    ],
    ids=["pandas Int64", "polars Int64", "objects", "booleans", "pandas boolean with NA"],
)
def test_numbers_with_missing_cells_and_booleans_are_balanced(column, values, flag):
    """Integers with missing cells (pandas Int64, polars nulls) and booleans are numeric: in
    the default balance table and accepted by name, each SMD as computed by hand (Austin's
    dichotomous form for booleans), missing cells left out and counted. They were left out of
    the table silently, and refused when named."""
    site = ["x", "y"] * 6
    tables = [{"site": site, "score": column}]
    if isinstance(column, pl.Series):
        tables = [pl.DataFrame({"site": site, "score": column})]
    elif isinstance(column, pd.Series):
        tables.append(pd.DataFrame({"site": site, "score": column}))
    for table in tables:
        for covariates in (None, ["score"]):
            design = design_rollout(table, waves=2, strata="site", covariates=covariates, rng=3)
            assert design.covariates == ("score",)
            for k in range(2):
                expected = _smd_by_hand(values, (design.wave == k + 1).tolist(), flag)
                assert design.smd[0, k] == pytest.approx(expected, rel=1e-12)
            left_out = sum(v is None for v in values)
            assert design.missing.tolist() == [left_out]
            assert design.to_frame("balance")["missing"].tolist() == [left_out]


def test_strata_that_would_be_written_alike_are_refused():
    """("a / b", "c") and ("a", "b / c") are two strata with one joined name: refused, naming
    both (they were merged into one stratum and randomised together)."""
    people = {"s1": ["a / b", "a", "x", "x"], "s2": ["c", "b / c", "y", "y"]}
    with pytest.raises(SchemaError, match=r"strata: the combinations .* both written 'a / b / c'"):
        design_rollout(people, waves=2, strata=["s1", "s2"], rng=1)


def test_the_designs_ids_are_read_only():
    """The ids of a design are read-only like its other arrays (they could be overwritten)."""
    design = design_rollout({"id": ["a", "b", "c", "d"]}, waves=2, rng=1)
    with pytest.raises(ValueError, match="read-only"):
        design.ids[0] = "z"
