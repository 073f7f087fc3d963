"""The vocabularies: an unknown value is a SchemaError listing the allowed ones (issue 12)."""

from __future__ import annotations

import pickle

import pytest

from sparkus import SchemaError
from sparkus.model import (
    AssessmentSource,
    EventKind,
    Goal,
    Level,
    Participant,
    Population,
    Season,
    StepKind,
    StepState,
    SupportType,
    structure,
)

ENUMS = [AssessmentSource, EventKind, Goal, Level, Season, StepKind, StepState, SupportType]


@pytest.mark.parametrize("cls", ENUMS)
@pytest.mark.parametrize("value", ["boss", None, 3, 1.5, ["x"], ""])
def test_unknown_value_is_a_schema_error_listing_the_values(cls, value):
    """``Enum(bad)`` raises SchemaError (still a ValueError) naming the enum and every value."""
    with pytest.raises(SchemaError) as error:
        cls(value)
    assert isinstance(error.value, ValueError)
    text = str(error.value)
    assert f"{cls.__name__}: {value!r} is not one of" in text
    assert all(member.value in text for member in cls)


@pytest.mark.parametrize(
    ("spelling", "meant"),
    [
        ("Manager", "manager"),
        ("MANAGER", "manager"),
        (" individual contributor ", "individual_contributor"),
        ("Senior-Leader", "senior_leader"),
    ],
)
def test_export_spellings_are_refused_with_the_value_meant(spelling, meant):
    """Capitals, spaces and hyphens are not read silently: the error says which value was meant."""
    with pytest.raises(SchemaError, match=f"did you mean '{meant}'"):
        Level(spelling)
    with pytest.raises(SchemaError, match=f"level: .*did you mean '{meant}'"):
        structure({"id": "a", "level": spelling, "department": "x", "tenure_years": 1}, Participant)
    with pytest.raises(SchemaError, match=rf"participants\[0\].level: .*did you mean '{meant}'"):
        Population.from_columns(
            {"id": ["a"], "level": [spelling], "department": ["x"], "tenure_years": [1.0]}
        )


@pytest.mark.parametrize("cls", ENUMS)
def test_members_still_look_up_pickle_and_read(cls):
    """Lookup by value, pickling and reading by the converter are unchanged."""
    for member in cls:
        assert cls(member.value) is member
        assert cls(member) is member
        assert pickle.loads(pickle.dumps(member)) is member
    level = structure({"id": "a", "level": "manager", "department": "x", "tenure_years": 1},
                      Participant).level  # fmt: skip
    assert level is Level.MANAGER
