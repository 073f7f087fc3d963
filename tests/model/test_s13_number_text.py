"""A number column that an export left as text names the cells that are no number.

pandas reads a whole column as text when one cell is no number (``'N/A'``, ``'3,5'``). The
reading used to list the first 20 cells as "expected a number, got str '9.02'" and fold the
rest, the one cell at fault included, into "... and 30 more rows with the same problem": the
cause was never shown. Now the cells that are no number are named by row, and the numbers
written as text are counted in one line.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import Population

_SPELLINGS = ["N/A", "n.a.", "-", "3,5", "#VALUE!", "unknown", "12 yrs"]


def _export(n: int, column: str, bad: dict[int, str], scale: bool = False) -> pd.DataFrame:
    """An export of `n` people as pandas reads it from CSV, with `bad` cells in `column`."""
    rows = ["id,level,department,tenure_years,utc_offset,score"]
    for i in range(n):
        cells = {"tenure_years": f"{1 + i % 7}.5", "utc_offset": f"{i % 3}.0", "score": "3"}
        cells[column] = f'"{bad[i]}"' if i in bad else cells[column]
        rows.append(f"p{i},manager,Sales,{cells['tenure_years']},{cells['utc_offset']},"
                    f"{cells['score']}")  # fmt: skip
    return pd.read_csv(io.StringIO("\n".join(rows)), keep_default_na=False)


def _problems(frame: pd.DataFrame, scale: bool) -> list[str]:
    with pytest.raises(SchemaError) as caught:
        Population.from_frame(frame, scales={"score": (1, 5)} if scale else None)
    return [str(p) for p in caught.value.problems]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 60),
    data=st.data(),
    column=st.sampled_from(["tenure_years", "utc_offset", "score"]),
)
def test_the_cells_that_are_no_number_are_named(n, data, column):
    rows = data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=min(n - 1, 3)))
    bad = {i: data.draw(st.sampled_from(_SPELLINGS)) for i in sorted(rows)}
    problems = _problems(_export(n, column, bad), scale=column == "score")
    named = [p for p in problems if p.startswith("participants[") and column in p]
    assert len(named) == len(bad)
    for line, (row, cell) in zip(named, bad.items(), strict=True):
        assert line.startswith(f"participants[{row}].{column}:")
        assert repr(cell) in line
    counted = [p for p in problems if p.startswith(f"{column}:")]
    if column == "score":  # answers on a declared scale: text that is a number is read as one
        assert problems == named
        return
    assert len(counted) == 1
    assert f"{n - len(bad):,} more cells are numbers written as text" in counted[0]
    first = min(set(range(n)) - set(bad))
    assert f"in row {first})" in counted[0]
    assert len(problems) == len(bad) + 1


def test_a_column_of_text_throughout_is_still_listed_by_row():
    """With no cell at fault, every number written as text is the problem (the first 20)."""
    frame = _export(30, "tenure_years", {}).astype({"tenure_years": str})
    problems = _problems(frame, scale=False)
    assert problems[0] == "participants[0].tenure_years: expected a number, got str '1.5'"
    assert problems[-1] == "participants.tenure_years: ... and 10 more rows with the same problem"
    assert len(problems) == 21
