"""The columnar Population: round trips, row order and no aliasing."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus._fields import spelling_key
from sparkus.model import Goal, Level, Participant, Population
from tests.model.populations import org
from tests.strategies import (
    columns_of,
    participant_lists,
    population_columns,
)

# -- round trips ------------------------------------------------------------------------------


@given(participant_lists())
def test_records_round_trip_through_population(records):
    """Population.from_records(recs).to_records() == recs."""
    population = Population.from_records(records)
    assert len(population) == len(records)
    assert population.to_records() == records
    assert population.ids.tolist() == [r.id for r in records]


@given(population_columns())
def test_columns_round_trip_through_population(case):
    """columns -> Population -> to_columns() -> Population gives an equal population."""
    columns, scales = case
    population = Population.from_columns(columns, scales=scales)
    again = Population.from_columns(population.to_columns(), scales=scales)
    assert again == population
    assert again.to_records() == population.to_records()
    for name, scale in scales.items():
        assert population.schema[name].scale == (float(scale[0]), float(scale[1]))


@given(participant_lists())
def test_columns_frame_and_records_build_the_same_population(records):
    """from_columns and from_frame of the records' columns equal from_records of them."""
    columns = columns_of(records)
    expected = Population.from_records(records)
    assert Population.from_columns(columns) == expected
    # a frame without rows cannot tell a number column from a text one; and from_frame
    # refuses departments or teams spelled two ways ("Sales", "SALES"), as an export may
    if records and not _spelled_two_ways(columns):
        assert Population.from_frame(pd.DataFrame(columns)) == expected


def _spelled_two_ways(columns) -> bool:
    """Whether two departments or teams differ only in case, spaces or separators."""
    for name in ("department", "team"):
        values = {v for v in columns[name] if isinstance(v, str)}
        if len({spelling_key(v) for v in values}) < len(values):
            return True
    return False


@given(population_columns(), st.data())
def test_permuting_rows_permutes_records(case, data):
    """Permuting the rows given to from_columns permutes to_records() the same way."""
    columns, scales = case
    n = len(columns["id"])
    order = data.draw(st.permutations(range(n)))
    permuted = {
        name: (values[order] if isinstance(values, np.ndarray) else [values[i] for i in order])
        for name, values in columns.items()
    }
    records = Population.from_columns(columns, scales=scales).to_records()
    shuffled = Population.from_columns(permuted, scales=scales).to_records()
    assert shuffled == [records[i] for i in order]


# -- access -----------------------------------------------------------------------------------


def test_columns_are_stored_as_codes_and_decoded():
    """Categorical columns are stored as codes into sorted categories; decode gives values."""
    population = Population.from_columns(
        org(4, team=["x", None, math.nan, "a"], languages=["en;fr", ["de"], (), "en; fr"]),
        scales={"motivation": (1, 5)},
    )
    assert population.columns[:9] == (
        "id", "level", "department", "team", "tenure_years", "utc_offset", "manager_id",
        "languages", "focus_goals",
    )  # fmt: skip
    assert population.attributes == ("motivation",)
    assert population["manager_id"].tolist() == [-1, 0, 1, 1]
    assert population.decode("manager_id").tolist() == [None, "e0", "e1", "e1"]
    assert population.schema["team"].categories == ("a", "x")
    assert population["team"].tolist() == [1, -1, -1, 0]
    assert population.decode("team").tolist() == ["x", None, None, "a"]
    assert population.decode("languages").tolist() == [("en", "fr"), ("de",), (), ("en", "fr")]
    assert population.decode("level").tolist() == ["executive", "manager", "manager", "manager"]
    assert population.schema["level"].categories == tuple(lv.value for lv in Level)
    assert population.schema["motivation"].scale == (1.0, 5.0)
    assert "motivation" in population
    assert "nope" not in population


def test_unknown_column_lists_the_known_ones():
    """Asking for a column that is not there is a KeyError naming the columns it has."""
    population = Population.from_columns(org(3))
    with pytest.raises(KeyError, match="no column 'nope'; the population has: id, level"):
        population["nope"]
    with pytest.raises(KeyError, match="no column 'nope'"):
        population.decode("nope")


def test_population_is_not_hashable_and_compares_by_content():
    """Two populations built from the same data are equal; a changed value makes them differ."""
    assert Population.from_columns(org(5)) == Population.from_columns(org(5))
    changed = org(5, tenure_years=[0.0, 1.0, 2.0, 3.0, 4.5])
    assert Population.from_columns(changed) != Population.from_columns(org(5))
    assert Population.from_columns(org(5)) != "population"
    with pytest.raises(TypeError):
        hash(Population.from_columns(org(5)))


def test_enum_members_and_goal_lists_are_accepted():
    """Levels may be Level members; focus goals Goal members or their values."""
    columns = org(
        2,
        level=[Level.EXECUTIVE, "manager"],
        focus_goals=[[Goal.TEAM_COLLABORATION], "diversity_inclusion;team_collaboration"],
    )
    records = Population.from_columns(columns).to_records()
    assert records[0].level is Level.EXECUTIVE
    assert records[0].focus_goals == (Goal.TEAM_COLLABORATION,)
    assert records[1].focus_goals == (Goal.DIVERSITY_INCLUSION, Goal.TEAM_COLLABORATION)


# -- nothing the caller passed is shared --------------------------------------------------------


def test_arrays_given_are_copied_not_kept():
    """Arrays given to from_columns are unchanged, and later changes to them do not leak in."""
    columns = {
        "id": np.array(["a", "b", "c"]),
        "level": np.array(["executive", "manager", "manager"], dtype=object),
        "department": np.array(["X", "Y", "Y"], dtype=object),
        "tenure_years": np.array([1.0, 2.0, 3.0]),
        "manager_id": np.array([None, "a", "a"], dtype=object),
        "utc_offset": np.array([0.0, 1.0, -1.0]),
        "score": np.array([1.5, 2.5, 3.5]),
        "count": np.array([1, 2, 3]),
        "flag": np.array([True, False, True]),
        "site": np.array(["Oslo", "Lima", "Oslo"]),
    }
    before = {name: array.copy() for name, array in columns.items()}
    population = Population.from_columns(columns, scales={"score": (0, 5)})
    expected = population.to_records()
    for name, array in columns.items():
        np.testing.assert_array_equal(array, before[name])
        assert array.flags.writeable, name
    columns["id"][0] = "z"
    columns["tenure_years"][:] = 99.0
    columns["utc_offset"][0] = 5.0
    columns["score"][:] = 0.0
    columns["count"][:] = 0
    columns["flag"][:] = False
    columns["site"][:] = "Rome"
    assert population.to_records() == expected


def test_population_arrays_are_read_only():
    """Stored arrays cannot be written; decoded and exported arrays are copies."""
    population = Population.from_columns(org(4, count=[1, 2, 3, 4]))
    for name in population.columns:
        assert not population[name].flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            population[name][0] = population[name][1]
    assert not population.ids.flags.writeable
    expected = population.to_records()
    exported = population.to_columns()
    exported["tenure_years"][:] = 50.0
    exported["count"][:] = 0
    exported["department"][:] = "Gone"
    population.decode("tenure_years")[:] = 7.0
    assert population.to_records() == expected


def test_frame_given_is_left_unchanged():
    """from_frame leaves the DataFrame as it was, and later changes to it do not leak in."""
    frame = pd.DataFrame(org(6))
    before = frame.copy()
    population = Population.from_frame(frame, scales={"motivation": (1, 5)})
    pd.testing.assert_frame_equal(frame, before)
    expected = population.to_records()
    frame.loc[0, "tenure_years"] = 40.0
    frame.loc[1, "motivation"] = 2.5
    assert population.to_records() == expected


def test_records_given_are_left_unchanged():
    """from_records does not change the list it is given."""
    records = [Participant("a", Level.MANAGER, "X", 1.0, attributes={"k": 1})]
    given_list = list(records)
    population = Population.from_records(records)
    assert records == given_list
    assert population.to_records() == records
    assert population.to_records()[0] is not records[0]


def test_unknown_column_is_a_schema_error_too():
    """The missing-column KeyError is a SchemaError naming `name`, for any key type."""
    population = Population.from_columns(org(3))
    for key in ("nope", 3, None, ["id"]):
        with pytest.raises(SchemaError, match="name: no column"):
            population[key]  # type: ignore[index]


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (lambda: Population.from_frame(5), "frame"),  # type: ignore[arg-type]
        (lambda: Population.from_records(5), "records"),  # type: ignore[arg-type]
        (lambda: Population.from_columns(org(3), scales=5), "scales"),  # type: ignore[arg-type]
        (lambda: Population.from_columns(org(3), scales={"x": "ab"}), "scales.x"),
    ],
    ids=["frame", "records", "scales", "scale"],
)
def test_constructors_refuse_wrong_types(call, where):
    """Each constructor names the argument it cannot read."""
    with pytest.raises(SchemaError, match=where):
        call()


def test_frames_of_pandas_and_polars():
    """pandas (any index, NA for missing managers) and polars frames read like columns."""
    import pandas as pd
    import polars as pl

    columns = org(3)
    expected = Population.from_columns(columns)
    frame = pd.DataFrame({k: list(v) for k, v in columns.items()}, index=[9, 3, 5])
    assert Population.from_frame(frame) == expected
    frame["manager_id"] = pd.array([None] * 3, dtype="string")
    assert Population.from_frame(frame)["manager_id"].tolist() == [-1, -1, -1]
    assert Population.from_frame(pl.DataFrame({k: list(v) for k, v in columns.items()
                                               if k not in ("languages", "focus_goals")}))  # fmt: skip


def test_pandas_columns_are_paired_by_index():
    """Columns given as pandas Series with their own indexes are aligned, or refused."""
    columns = {k: pd.Series(v, index=[7, 8, 9]) for k, v in org(3).items()}
    columns["tenure_years"] = pd.Series([5.0, 4.0, 3.0], index=[9, 8, 7])
    population = Population.from_columns(columns)
    assert population["tenure_years"].tolist() == [3.0, 4.0, 5.0]
    columns["tenure_years"] = pd.Series([5.0, 4.0, 3.0], index=[1, 2, 3])
    with pytest.raises(SchemaError, match="tenure_years"):
        Population.from_columns(columns)
