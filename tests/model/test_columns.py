"""Reading columns into a population: bad input reported with its rows and columns."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

from sparkus import SchemaError
from sparkus.model import Level, Participant, Population
from tests.model.populations import LEVELS_LISTED, N, locations, messages, org, with_row
from tests.strategies import non_finite

# -- bad input: from_columns ------------------------------------------------------------------


def test_unknown_level_names_row_and_allowed_values():
    """An unknown level in row 17 is reported at participants[17].level with the allowed values."""
    columns = org(level=with_row(org()["level"], 17, "boss"))
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    assert messages(error) == {
        "participants[17].level": f"'boss' is not one of {LEVELS_LISTED}",
    }


def test_missing_required_columns_are_named():
    """Each missing required column is reported by name."""
    columns = org()
    del columns["level"], columns["tenure_years"]
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    assert messages(error) == {
        "level": "required column is missing",
        "tenure_years": "required column is missing",
    }


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("tenure_years", "five", "expected a number, got str 'five'"),
        ("tenure_years", None, "expected a number, got None"),
        ("department", 7, "expected a non-empty string, got int 7"),
        ("department", None, "expected a non-empty string, got None"),
        ("department", " Sales", "expected a non-empty string, got str ' Sales'"),
        ("id", 5, "expected a non-empty string id, got int 5"),
        ("id", "", "expected a non-empty string id, got str ''"),
        ("manager_id", 3, "expected a participant id or None, got int 3"),
        ("level", None, f"None is not one of {LEVELS_LISTED}"),
        ("tenure_years", -1.0, "-1.0 is out of range; expected from 0 to 100"),
        ("tenure_years", 150.0, "150.0 is out of range; expected from 0 to 100"),
    ],
)
def test_wrong_type_names_row_and_column(column, value, message):
    """A value of the wrong type in row 17 is reported at participants[17].<column>."""
    columns = org()
    columns[column] = np.array(with_row(columns[column], 17, value), dtype=object)
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    assert messages(error) == {f"participants[17].{column}": message}


def test_duplicate_ids_name_the_first_row():
    """A repeated id is reported at the repeat, naming the row it repeats."""
    columns = org(id=with_row(org()["id"], 17, "e3"))
    columns["manager_id"] = [None] + ["e0"] * (N - 1)
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    assert messages(error) == {"participants[17].id": "'e3' repeats participants[3]"}


def test_manager_naming_nobody():
    """A manager id that names no participant is reported at its row."""
    columns = org(manager_id=with_row(org()["manager_id"], 17, "ghost"))
    with pytest.raises(SchemaError, match="'ghost' names no participant") as error:
        Population.from_columns(columns)
    assert locations(error) == ["participants[17].manager_id"]


def test_manager_cycle_is_named():
    """A cycle in the manager tree is reported once, naming every member in order."""
    manager = org()["manager_id"]
    manager[4] = "e17"  # e17 -> e8 -> e4 -> e17 (e8 is e17's manager, e4 is e8's)
    with pytest.raises(SchemaError) as error:
        Population.from_columns(org(manager_id=manager))
    assert messages(error) == {
        "participants[4].manager_id": "the manager tree has a cycle: 'e4' -> 'e17' -> 'e8' -> 'e4'",
    }


def test_two_cycles_and_self_management():
    """Every cycle is reported; managing oneself is reported as such."""
    columns = org(6, manager_id=["e1", "e0", "e3", "e2", None, None])
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    assert messages(error) == {
        "participants[0].manager_id": "the manager tree has a cycle: 'e0' -> 'e1' -> 'e0'",
        "participants[2].manager_id": "the manager tree has a cycle: 'e2' -> 'e3' -> 'e2'",
    }
    with pytest.raises(SchemaError, match="'e3' cannot be their own manager") as error:
        Population.from_columns(org(6, manager_id=[None, "e0", "e0", "e3", "e0", "e0"]))
    assert locations(error) == ["participants[3].manager_id"]


@given(non_finite)
def test_non_finite_numbers_in_columns(value):
    """NaN and infinities in number columns are reported at their rows."""
    columns = org(
        tenure_years=with_row(org()["tenure_years"], 17, value),
        utc_offset=with_row([0.0] * N, 3, value),
        motivation=with_row(org()["motivation"], 5, value),
    )
    with pytest.raises(SchemaError, match="is not a finite number") as error:
        Population.from_columns(columns)
    assert locations(error) == [
        "participants[17].tenure_years",
        "participants[3].utc_offset",
        "participants[5].motivation",
    ]


def test_score_outside_its_scale():
    """A score outside its declared scale is reported at its row, naming the scale."""
    columns = org(motivation=with_row(org()["motivation"], 17, 5.5))
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns, scales={"motivation": (1, 5)})
    assert messages(error) == {"participants[17].motivation": "5.5 is outside the scale 1 to 5"}
    # the same column without a scale is fine
    assert Population.from_columns(columns)["motivation"][17] == 5.5


def test_bad_scales_are_reported():
    """A scale for a missing column, or with lowest >= highest, is reported by column."""
    with pytest.raises(SchemaError) as error:
        Population.from_columns(org(), scales={"nope": (1, 5)})
    assert messages(error) == {"nope": "has a declared scale but no such column"}
    with pytest.raises(SchemaError, match="lowest < highest") as error:
        Population.from_columns(org(), scales={"motivation": (5, 1)})
    assert locations(error) == ["scales.motivation"]


def test_tuple_columns_are_checked():
    """Language codes and focus goals are checked per row."""
    columns = org(
        4,
        languages=["en", "EN", ["en", "en"], 3],
        focus_goals=[[], ["boss"], "team_collaboration", None],
    )
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    assert locations(error) == [
        "participants[1].languages",
        "participants[2].languages",
        "participants[3].languages",
        "participants[1].focus_goals",
        "participants[3].focus_goals",
    ]
    assert "'boss' is not one of leadership_development" in str(error.value)


def test_unequal_lengths_and_non_mapping():
    """Columns of different lengths, or no mapping at all, are SchemaErrors."""
    with pytest.raises(SchemaError, match="equal lengths") as error:
        Population.from_columns(org(motivation=[1.0, 2.0]))
    assert locations(error) == ["columns"]
    with pytest.raises(SchemaError, match="expected a mapping of columns"):
        Population.from_columns([("id", ["a"])])


def test_attribute_column_of_mixed_kinds():
    """An attribute column must hold one kind of value."""
    with pytest.raises(SchemaError, match="must hold one type") as error:
        Population.from_columns(org(3, site=np.array(["Oslo", 1, None], dtype=object)))
    assert locations(error) == ["site"]


def test_every_problem_is_reported_at_once():
    """Problems in several rows and columns come in one error, each with its own path."""
    columns = org()
    columns["level"] = with_row(columns["level"], 2, "boss")
    columns["tenure_years"] = with_row(columns["tenure_years"], 5, math.nan)
    columns["department"] = with_row(columns["department"], 9, "")
    columns["manager_id"] = with_row(columns["manager_id"], 11, "ghost")
    columns["motivation"] = with_row(columns["motivation"], 13, 9.0)
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns, scales={"motivation": (1, 5)})
    assert sorted(locations(error)) == sorted(
        [
            "participants[2].level",
            "participants[5].tenure_years",
            "participants[9].department",
            "participants[11].manager_id",
            "participants[13].motivation",
        ]
    )


def test_many_bad_rows_are_capped():
    """Beyond 20 bad rows of one kind, one summary problem says how many more."""
    columns = org(30, tenure_years=[-1.0] * 30)
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    found = locations(error)
    assert found[:20] == [f"participants[{i}].tenure_years" for i in range(20)]
    assert found[20:] == ["participants.tenure_years"]
    assert error.value.problems[-1].message == "... and 10 more rows with the same problem"


# -- bad input: from_frame --------------------------------------------------------------------


def test_frame_bad_values_name_their_rows():
    """from_frame reports unknown levels in one problem, blanks, repeats, unknown managers and
    scores by row."""
    columns = org()
    columns["level"] = with_row(columns["level"], 17, "boss")
    columns["tenure_years"] = with_row(columns["tenure_years"], 3, math.inf)
    columns["id"] = with_row(columns["id"], 19, "e18")
    columns["manager_id"] = with_row(columns["manager_id"], 7, "ghost")
    columns["motivation"] = with_row(columns["motivation"], 12, math.nan)
    columns["motivation"] = with_row(columns["motivation"], 13, 0.0)
    with pytest.raises(SchemaError) as error:
        Population.from_frame(pd.DataFrame(columns), scales={"motivation": (1, 5)})
    found = messages(error)
    assert found.pop("level").startswith("unknown values 'boss' (row 17): 1 row in all")
    assert found == {
        "participants[19].id": "'e18' repeats participants[18]",
        "participants[3].tenure_years": "inf is not a finite number",
        "participants[7].manager_id": (
            "'ghost' names no participant; every manager must be a row of the population: "
            "add their row, or leave the cell blank for a manager outside this export"
        ),
        "participants[12].motivation": (
            "is blank in the export (column 'motivation'); fill it in, or pass "
            "missing={'motivation': 'carry'} to keep it as missing"
        ),
        "participants[13].motivation": "0.0 is outside the scale 1 to 5",
    }


def test_frame_wrong_types_name_their_rows():
    """A value of the wrong type in a DataFrame column is reported at its row only."""
    columns = org()
    columns["tenure_years"] = with_row(columns["tenure_years"], 5, "five")
    columns["level"] = with_row(columns["level"], 17, 3)
    columns["team"] = with_row([None] * N, 2, True)
    with pytest.raises(SchemaError) as error:
        Population.from_frame(pd.DataFrame(columns))
    found = messages(error)
    assert found.pop("level").startswith("unknown values int 3 (row 17): 1 row in all")
    assert found == {
        "participants[2].team": "expected a non-empty string, got bool True",
        "participants[5].tenure_years": "expected a number, got str 'five'",
    }


def test_frame_missing_values_allowed_only_where_optional():
    """NaN stands for a missing manager or team, but not for a department or a tenure."""
    frame = pd.DataFrame(org(3, team=["t", None, math.nan], manager_id=[math.nan, "e0", "e0"]))
    records = Population.from_frame(frame).to_records()
    assert [r.team for r in records] == ["t", None, None]
    assert [r.manager_id for r in records] == [None, "e0", "e0"]
    frame = pd.DataFrame(org(3, department=["X", None, "Y"]))
    with pytest.raises(SchemaError) as error:
        Population.from_frame(frame)
    assert locations(error) == ["participants[1].department"]


def test_frame_cycle_and_missing_column():
    """from_frame names a manager cycle and a missing required column."""
    frame = pd.DataFrame(org(3, manager_id=["e2", "e0", "e1"]))
    with pytest.raises(SchemaError, match="cycle: 'e0' -> 'e2' -> 'e1' -> 'e0'"):
        Population.from_frame(frame)
    with pytest.raises(SchemaError) as error:
        Population.from_frame(pd.DataFrame(org(3)).drop(columns=["department"]))
    assert locations(error) == ["department"]


def test_frame_with_non_string_column_labels():
    """A frame column labelled 0 becomes attribute '0' or a SchemaError, never a KeyError."""
    frame = pd.DataFrame(org(3) | {0: [1, 2, 3]})
    try:
        population = Population.from_frame(frame)
    except SchemaError as error:
        refused = [p.location for p in error.problems]
        assert "0" in refused, refused
    else:
        assert population.decode("0").tolist() == [1, 2, 3]


# -- bad input: from_records ------------------------------------------------------------------


def person(pid: str, manager: str | None = None, **attributes) -> Participant:
    return Participant(pid, Level.MANAGER, "Sales", 1.0, manager_id=manager, attributes=attributes)


def test_records_must_be_participants():
    """Anything but a Participant is reported at its index."""
    with pytest.raises(SchemaError) as error:
        Population.from_records([person("a"), {"id": "b"}, "c"])
    assert locations(error) == ["participants[1]", "participants[2]"]
    assert "expected a Participant, got dict" in str(error.value)


def test_records_with_repeated_ids_unknown_managers_and_cycles():
    """from_records reports repeated ids, unknown managers and cycles with their rows."""
    with pytest.raises(SchemaError) as error:
        Population.from_records([person("a"), person("b", "a"), person("a", "ghost")])
    assert messages(error) == {
        "participants[2].id": "'a' repeats participants[0]",
        "participants[2].manager_id": (
            "'ghost' names no participant; every manager must be a row of the population: "
            "add their row, or leave the cell blank for a manager outside this export"
        ),
    }
    with pytest.raises(SchemaError) as error:
        Population.from_records([person("a", "c"), person("b", "a"), person("c", "b")])
    assert messages(error) == {
        "participants[0].manager_id": "the manager tree has a cycle: 'a' -> 'c' -> 'b' -> 'a'"
    }


def test_records_need_the_same_attributes():
    """Every record needs participants[0]'s attribute names, each with one kind of value."""
    with pytest.raises(SchemaError) as error:
        Population.from_records([person("a", k=1), person("b", j=2), person("c", k=3)])
    assert messages(error) == {
        "participants[1].attributes": (
            "every participant needs the same attributes as participants[0]; "
            "missing ['k']; unexpected ['j']"
        )
    }
    with pytest.raises(SchemaError, match="must hold one type") as error:
        Population.from_records([person("a", k=1), person("b", k="x")])
    assert locations(error) == ["k"]
    with pytest.raises(SchemaError, match="got bool, int"):
        Population.from_records([person("a", k=1), person("b", k=True)])


# -- bugs: valid records that a population loses or refuses -----------------------------------


def _round_trips_or_is_refused(records: list[Participant], where: str) -> None:
    """Either the population gives `records` back, or it refuses them naming `where`."""
    try:
        back = Population.from_records(records).to_records()
    except SchemaError as error:
        refused = [p.location for p in error.problems]
        assert any(where in location for location in refused), refused
    else:
        assert back == records


def test_attribute_named_like_a_core_field_is_not_lost():
    """An attribute called like a Participant field is refused, so it never overwrites it."""
    with pytest.raises(SchemaError) as error:
        Participant("a", Level.MANAGER, "Sales", 1.0, team="Blue", attributes={"team": "x"})
    assert locations(error) == ["attributes.team"]


@pytest.mark.parametrize("value", ["", " padded"])
def test_any_valid_participant_fits_a_population(value):
    """A string attribute the Participant accepts is accepted by Population.from_records."""
    record = person("a", note=value)
    assert Population.from_records([record]).to_records() == [record]


def test_huge_integer_attribute_is_not_an_overflow():
    """An integer attribute beyond int64 round-trips or is a SchemaError, not OverflowError."""
    _round_trips_or_is_refused([person("a", big=2**70), person("b", big=1)], "big")


# -- bugs: numpy coercion of mixed Python lists -----------------------------------------------


def test_mixed_list_reports_only_its_bad_rows():
    """In a list mixing a bad string and good numbers, only the bad row is reported."""
    columns = org(4, tenure_years=["five", 2, 3.5, 1])
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    assert messages(error) == {"participants[0].tenure_years": "expected a number, got str 'five'"}


def test_bool_in_a_number_list_is_rejected():
    """True among numbers is not a number in from_columns, as in Participant."""
    with pytest.raises(SchemaError) as error:
        Population.from_columns(org(3, tenure_years=[True, 2.0, 1.0]))
    assert locations(error) == ["participants[0].tenure_years"]


@pytest.mark.parametrize("column", ["id", "department"])
def test_int_among_strings_is_rejected(column):
    """An int among strings is reported at its row, not turned into the string '1'."""
    columns = org(3, manager_id=[None, None, None])
    columns[column] = with_row(columns[column], 1, 1)
    with pytest.raises(SchemaError) as error:
        Population.from_columns(columns)
    assert locations(error) == [f"participants[1].{column}"]


@pytest.mark.parametrize("values", [[1, "x", 2], [1, True, 2]])
def test_mixed_attribute_list_is_rejected(values):
    """from_columns rejects an attribute list mixing kinds, as from_records does."""
    with pytest.raises(SchemaError, match="must hold one type") as error:
        Population.from_columns(org(3, site=values))
    assert locations(error) == ["site"]


@pytest.mark.parametrize(("column", "value"), [("department", "Sales"), ("tenure_years", 2.0)])
def test_scalar_instead_of_a_column_is_rejected(column, value):
    """A single value given where a column is due is a SchemaError naming the column."""
    with pytest.raises(SchemaError) as error:
        Population.from_columns(org(5, **{column: value}))
    assert locations(error) == [column]
