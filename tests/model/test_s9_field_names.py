"""A column named like a core field, but not exactly, is refused: never read as an attribute.

An export's ``Manager ID``, ``Team `` (a trailing space) or ``\\ufeffid`` (a byte-order mark
read as part of the first header) used to become a free attribute, leaving the manager tree or
the teams silently empty, or gave only "required column is missing".
"""

from __future__ import annotations

import pandas as pd
import pytest

import sparkus
from sparkus.model import Population


def _columns():
    return {
        "id": ["a", "b", "c"],
        "level": ["executive", "manager", "manager"],
        "department": ["Board", "Sales", "Sales"],
        "tenure_years": [9.0, 3.0, 2.0],
    }


@pytest.mark.parametrize(
    ("name", "field"),
    [("Manager ID", "manager_id"), ("team ", "team"), ("UTC-Offset", "utc_offset"),
     ("Focus.Goals", "focus_goals"), ("man\u200bager_id", "manager_id")],
)  # fmt: skip
def test_from_columns_refuses_an_optional_field_spelled_otherwise(name, field):
    """`Manager ID` is not read as a free attribute with the manager tree left empty."""
    columns = _columns() | {name: [None, "a", "a"] if field == "manager_id" else ["x"] * 3}
    with pytest.raises(sparkus.SchemaError) as caught:
        Population.from_columns(columns)
    (problem,) = caught.value.problems
    assert problem.path == (name,)
    assert f"differs from the field {field!r}" in problem.message


def test_from_frame_names_a_byte_order_mark_and_says_how_to_map_it():
    """A header with a BOM names the field it hides, not 'required column is missing'."""
    frame = pd.DataFrame(_columns()).rename(columns={"id": "\ufeffid", "team": "Team"})
    frame["Team"] = ["t1", "t2", "t2"]
    with pytest.raises(sparkus.SchemaError) as caught:
        Population.from_frame(frame)
    paths = [p.path for p in caught.value.problems]
    assert paths == [("\ufeffid",), ("Team",)]
    messages = [p.message for p in caught.value.problems]
    assert "pass columns={'id': '\\ufeffid'}" in messages[0]
    assert "pass columns={'team': 'Team'}" in messages[1]


def test_a_lookalike_mapped_through_columns_is_read():
    """`columns={"team": "Team"}` reads the column as the field, as before."""
    frame = pd.DataFrame(_columns() | {"Team": ["t1", "t2", "t2"]})
    people = Population.from_frame(frame, columns={"team": "Team"})
    assert people.decode("team").tolist() == ["t1", "t2", "t2"]
    assert people.attributes == ()


def test_a_name_unlike_any_field_stays_a_free_attribute():
    """`team_size` and `site` are free attributes, as before."""
    people = Population.from_columns(_columns() | {"team_size": [1, 2, 3], "site": ["x"] * 3})
    assert people.attributes == ("team_size", "site")
