"""Population.from_frame on real exports: column names, label spellings, blanks and dates.

The reference is ``docs/examples/messy_export.csv`` and the clean columns its seeded script
(``docs/examples/make_messy_export.py``) made it from: reading the mess back must give the
population those clean columns give, in pandas and in polars.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import Level, Population
from sparkus.triage import triage
from tests.model.populations import locations, messages

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
_spec = importlib.util.spec_from_file_location(
    "make_messy_export", EXAMPLES / "make_messy_export.py"
)
assert _spec is not None
assert _spec.loader is not None
messy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messy)

ITEMS = list(messy.ITEMS)
CORE_COLUMNS = {k: v for k, v in messy.COLUMNS.items() if k not in messy.ITEMS}
OPTIONS: dict[str, Any] = {
    "columns": messy.COLUMNS,
    "labels": messy.LABELS,
    "missing": messy.MISSING,
    "as_of": messy.AS_OF,
}
SCALES = dict.fromkeys(ITEMS, (1, 5))


def read_pandas(**kwargs: Any) -> pd.DataFrame:
    return pd.read_csv(messy.PATH, **kwargs)


def read_polars(**kwargs: Any) -> pl.DataFrame:
    return pl.read_csv(messy.PATH, **kwargs)


def ingested(frame: Any, **changes: Any) -> Population:
    return Population.from_frame(frame, **(OPTIONS | {"scales": SCALES} | changes))


def reference(*, items: bool) -> Population:
    """The population of the clean columns; survey items left out unless `items`."""
    clean = messy.truth()
    if not items:
        clean = {k: v for k, v in clean.items() if k not in messy.ITEMS}
    return Population.from_columns(clean, scales=SCALES if items else None)


def by_person(population: Population) -> dict[str, tuple[Any, ...]]:
    """Each person's decoded row, NaN as None so that rows compare equal."""
    columns = population.to_columns()
    rows = zip(*(columns[name].tolist() for name in population.columns), strict=True)
    clean = [tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row)
             for row in rows]  # fmt: skip
    return dict(zip(population.ids.tolist(), clean, strict=True))


# -- the shipped export ----------------------------------------------------------------------


def test_shipped_export_is_what_its_seeded_script_makes():
    """docs/examples/messy_export.csv is byte for byte what make_messy_export.py writes."""
    assert messy.PATH.read_text(encoding="utf-8") == messy.export_text()
    text = messy.export_text()
    assert text.count("\n") == messy.N + 1
    assert ",," in text  # blank cells
    for spelling in ("SENIOR_LEADER", "Individual Contributor", "SALES"):
        assert spelling in text


def test_pandas_and_polars_read_the_same_population():
    """pandas (dates parsed or as ISO text) and polars (dates parsed or not) give one result."""
    expected = ingested(read_pandas(parse_dates=["Hire Date"]))
    assert ingested(read_pandas()) == expected
    assert ingested(read_polars()) == expected
    assert ingested(read_polars(try_parse_dates=True)) == expected
    assert ingested(read_pandas().to_dict("list")) == expected  # a mapping of columns
    assert len(expected) == messy.N


def test_messy_export_equals_the_clean_reference():
    """Without the survey items, the export reads as exactly the clean columns' population."""
    frame = read_pandas().drop(columns=list(messy.ITEMS.values()))
    population = Population.from_frame(
        frame, columns=CORE_COLUMNS, labels=messy.LABELS, as_of=messy.AS_OF
    )
    assert population == reference(items=False)
    assert population.carried == {}


def test_blank_answers_are_carried_and_counted():
    """Blank survey answers are NaN where the export was blank, the truth elsewhere, counted."""
    population = ingested(read_pandas())
    truth, blank = messy.truth(), messy.blanks()
    for item in ITEMS:
        got = population.decode(item)
        mask = np.array(blank[item])
        assert np.isnan(got[mask]).all()
        np.testing.assert_array_equal(got[~mask], np.array(truth[item])[~mask])
    expected = {item: sum(blank[item]) for item in ITEMS if any(blank[item])}
    assert population.carried == expected
    assert sum(expected.values()) > 30  # about 4% of 9 x 200 answers
    assert f"carried={expected}" in repr(population)
    # every other column is the reference's
    complete = reference(items=True)
    for name in CORE_COLUMNS:
        np.testing.assert_array_equal(population[name], complete[name])


def test_triage_sends_the_incomplete_to_review():
    """Triage refuses carried blanks by default, naming rows, and reviews them on request."""
    population = ingested(read_pandas())
    with pytest.raises(SchemaError, match="answer is missing"):
        triage(population)
    result = triage(population, missing="review")
    incomplete = np.zeros(len(population), dtype=bool)
    for item in ITEMS:
        incomplete |= np.array(messy.blanks()[item])
    assert result.review[incomplete].all()
    assert (result.level[incomplete] == -1).all()
    assert not (result.level[~incomplete] == -1).any()


def test_records_leave_carried_values_out():
    """A record holds no missing value: a carried blank is absent from its attributes."""
    population = ingested(read_pandas())
    row = int(np.flatnonzero(messy.blanks()["self_motivation"])[0])
    record = population.to_records()[row]
    assert "self_motivation" not in record.attributes
    assert "self_openness" in record.attributes or messy.blanks()["self_openness"][row]


def test_carried_text_is_none():
    """A free text attribute carried as missing decodes as None and is counted."""
    frame = read_pandas()
    frame.loc[[3, 9], "Site"] = np.nan
    population = ingested(frame, missing=messy.MISSING | {"site": "carry"})
    assert population.decode("site")[[3, 9]].tolist() == [None, None]
    assert population.carried["site"] == 2


# -- refusals --------------------------------------------------------------------------------


def test_unknown_fields_and_absent_columns_in_one_error():
    """Every unknown sparkus field and every absent export column is listed at once."""
    columns = messy.COLUMNS | {"tenure": "Hire Date", "team": "Team Name", "manager": "Reports To"}
    with pytest.raises(SchemaError) as error:
        ingested(read_pandas(), columns=columns)
    found = messages(error)
    assert set(found) == {"columns.tenure", "columns.team", "columns.manager"}
    assert "did you mean 'tenure_years'" in found["columns.tenure"]
    assert "no column 'Team Name' in the export" in found["columns.team"]
    assert "'Employee ID'" in found["columns.team"]  # the export's columns are listed


def test_blanks_refused_by_default_name_the_rows():
    """Without a policy, blank answers are refused with their rows and the way to carry them."""
    with pytest.raises(SchemaError) as error:
        ingested(read_pandas(), missing=None)
    rows = np.flatnonzero(messy.blanks()["self_motivation"]).tolist()
    found = messages(error)
    assert f"participants[{rows[0]}].self_motivation" in found
    message = found[f"participants[{rows[0]}].self_motivation"]
    assert "'Q1 Motivation (self)'" in message
    assert "missing={'self_motivation': 'carry'}" in message


def test_unknown_levels_are_one_problem_with_counts_and_accepted_values():
    """Unknown levels: one problem naming each value, its rows, the total and what is accepted."""
    frame = read_pandas()
    frame.loc[[4, 50, 51], "Job Level"] = ["Boss", "Intern", "intern"]
    with pytest.raises(SchemaError) as error:
        ingested(frame)
    assert locations(error) == ["level"]
    (problem,) = error.value.problems
    assert "'Boss' (row 4)" in problem.message
    assert "'Intern' (row 50), 'intern' (row 51)" in problem.message
    assert "3 rows in all" in problem.message
    assert "executive, senior_leader, manager, individual_contributor" in problem.message
    fixed = ingested(frame, labels=messy.LABELS | {"level": {"boss": "executive",
                                                             "intern": "individual_contributor"}})  # fmt: skip
    assert fixed.decode("level")[[4, 50, 51]].tolist() == [
        "executive", "individual_contributor", "individual_contributor"]  # fmt: skip


def test_department_spellings_without_labels_are_refused():
    """Departments spelled two ways are refused, each spelling counted, never read as two."""
    with pytest.raises(SchemaError) as error:
        ingested(read_pandas(), labels=None)
    message = messages(error)["department"]
    for part in ("'Sales'", "'SALES'", "differ only in case"):
        assert part in message


def test_dates_need_as_of_and_must_not_be_later():
    """A date column needs as_of; a hire date after it is refused by row."""
    with pytest.raises(SchemaError) as error:
        ingested(read_pandas(), as_of=None)
    assert locations(error) == ["as_of"]
    assert "'Hire Date'" in str(error.value)
    frame = read_pandas(parse_dates=["Hire Date"])
    frame.loc[7, "Hire Date"] = pd.Timestamp("2030-01-01")
    with pytest.raises(SchemaError) as error:
        ingested(frame)
    assert locations(error) == ["participants[7].tenure_years"]
    assert "2030-01-01" in str(error.value)
    assert "after as_of" in str(error.value)


def test_tenure_from_dates_is_days_over_365_25():
    """Tenure from a date is the whole days to as_of over 365.25; timestamps count their day."""
    frame = {"id": ["a", "b", "c"], "level": ["manager"] * 3, "department": ["X"] * 3,
             "tenure_years": [dt.date(2020, 1, 1), dt.datetime(2024, 6, 30, 23, 59),
                              pd.Timestamp("2025-06-30")]}  # fmt: skip
    population = Population.from_frame(frame, as_of="2025-06-30")
    # 2020-01-01 to 2025-06-30: 2,007 days (counted by datetime.date below)
    assert (dt.date(2025, 6, 30) - dt.date(2020, 1, 1)).days == 2007
    assert population["tenure_years"].tolist() == [2007 / 365.25, 365 / 365.25, 0.0]


# -- ids ---------------------------------------------------------------------------------------


def test_ids_from_the_index_unless_a_range_index():
    """Ids come from the mapped column, else the pandas index unless it is a RangeIndex."""
    frame = read_pandas()
    columns = {k: v for k, v in messy.COLUMNS.items() if k != "id"}
    indexed = frame.assign(**{"Employee ID": frame["Employee ID"].str.strip()})
    indexed = indexed.set_index("Employee ID")
    assert ingested(indexed, columns=columns) == ingested(frame)
    with pytest.raises(SchemaError) as error:
        ingested(frame.drop(columns=["Employee ID"]), columns=columns)
    assert "id" in locations(error)


def test_integer_ids_are_read_as_text():
    """Employee numbers (integers) are ids as their decimal text, in manager_id too."""
    frame = pd.DataFrame({"emp": [101, 102], "boss": [None, 101], "level": ["Manager", "IC"],
                          "department": ["X", "X"], "tenure_years": [1.0, 2.0]})  # fmt: skip
    frame["boss"] = frame["boss"].astype("Int64")
    population = Population.from_frame(frame, columns={"id": "emp", "manager_id": "boss"})
    assert population.ids.tolist() == ["101", "102"]
    assert population.decode("manager_id").tolist() == [None, "101"]


# -- invariants --------------------------------------------------------------------------------


@given(st.permutations(range(messy.N)))
def test_row_order_does_not_change_anyone(order):
    """Shuffling the export's rows gives every person the same record."""
    frame = read_pandas()
    shuffled = frame.iloc[list(order)].reset_index(drop=True)
    assert by_person(ingested(shuffled)) == by_person(ingested(frame))


_SEPARATORS = (" ", "-", "_", ".", "  ", " - ")
_ALIASES = {
    "executive": ("exec", "Executives", "C-Suite"),
    "senior_leader": ("Senior Leader", "senior leadership", "Sr. Leader"),
    "manager": ("Manager", "People Manager", "line_manager", "MGR"),
    "individual_contributor": ("IC", "Individual Contributor", "contributor", "Staff"),
}


@st.composite
def spelling(draw: st.DrawFn, level: str) -> str:
    """Any accepted spelling of `level`: its value or an alias, any case, separator, padding."""
    base = draw(st.sampled_from((level, Level(level).name, *_ALIASES[level])))
    words = base.replace("-", " ").replace("_", " ").replace(".", " ").split()
    joined = draw(st.sampled_from(_SEPARATORS)).join(words)
    cased = draw(st.sampled_from((str.lower, str.upper, str.title, str)))(joined)
    pad = draw(st.sampled_from(("", " ", "  ")))
    return f"{pad}{cased}{draw(st.sampled_from(('', ' ')))}"


SMALL = 24
_small = {k: v[:SMALL] for k, v in messy.truth().items() if k not in messy.ITEMS}
_small["manager_id"] = [m if m in _small["id"] else None for m in _small["manager_id"]]


@given(st.data())
def test_level_spelled_any_accepted_way_reads_the_same(data):
    """Levels spelled any accepted way (case, separators, spaces, aliases) give one population."""
    expected = Population.from_columns(_small)
    spelled = [data.draw(spelling(level)) for level in _small["level"]]
    assert Population.from_frame(_small | {"level": spelled}) == expected
    assert Population.from_frame(pl.DataFrame(_small | {"level": spelled})) == expected


# -- the caller's data -------------------------------------------------------------------------


def test_the_callers_frames_are_left_unchanged():
    """pandas, polars and mapping inputs are as they were after reading."""
    frame = read_pandas()
    before = frame.copy()
    ingested(frame)
    pd.testing.assert_frame_equal(frame, before)
    polars_frame = read_polars()
    polars_before = polars_frame.clone()
    ingested(polars_frame)
    assert polars_frame.equals(polars_before)
    mapping = read_pandas().to_dict("list")
    mapping_before = {k: list(v) for k, v in mapping.items()}
    ingested(mapping)
    assert {k: list(v) for k, v in mapping.items()} == mapping_before or all(
        k in mapping for k in mapping_before
    )
    assert mapping.keys() == mapping_before.keys()
    for key, values in mapping.items():
        assert [None if isinstance(v, float) and math.isnan(v) else v for v in values] == [
            None if isinstance(v, float) and math.isnan(v) else v for v in mapping_before[key]
        ]
