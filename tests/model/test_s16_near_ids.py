"""A reference that names no id but spells one otherwise says which id it nearly matches.

HR exports spell ids inconsistently between files and columns (``'e0012'`` for ``'E0012'``,
surrounding spaces, ``12.0`` or ``'12.0'`` for ``'12'`` when a spreadsheet read the column as
floats, lost leading zeros). A manager id or an event's participant written so was refused
without saying so. It is still refused (ids are exact keys: ``'E1'`` and ``'e1'`` may be two
people), now with ``did you mean 'E0012'?``, and for a number written as a float the note
that the ids are whole numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import polars as pl
import pytest

from sparkus import SchemaError
from sparkus.model import (
    Event,
    EventKind,
    Goal,
    Level,
    Participant,
    Population,
    Season,
    SupportType,
    check_events,
    default_journey,
    schedule_journeys,
)

FLOATS = "(the ids are whole numbers; was the column read as floats?)"
NO_ONE = "names no participant; every manager must be a row of the population"
WRONG_TYPE = "expected a participant id or None, got"


def _columns(ids: list[str], managers: list[Any]) -> dict[str, list[Any]]:
    n = len(ids)
    return {"id": ids, "level": ["manager"] * n, "department": ["Sales"] * n,
            "tenure_years": [1.0] * n, "manager_id": managers}  # fmt: skip


def _manager_message(build: Callable[[], object]) -> str:
    with pytest.raises(SchemaError) as caught:
        build()
    found = [
        p.message for p in caught.value.problems if p.path == ("participants", 1, "manager_id")
    ]
    assert len(found) == 1, caught.value
    return found[0]


def _records() -> object:
    people = [Participant("E0012", Level.MANAGER, "Sales", 1.0),
              Participant("b", Level.MANAGER, "Sales", 1.0, manager_id="e0012")]  # fmt: skip
    return Population.from_records(people)


def _document() -> object:
    people = [{"id": "E0012", "level": "manager", "department": "Sales", "tenure_years": 1},
              {"id": "b", "level": "manager", "department": "Sales", "tenure_years": 1,
               "manager_id": "e0012"}]  # fmt: skip
    return Population.from_json(json.dumps({"participants": people}))


_DOORS: list[tuple[str, Callable[[], object], str]] = [
    ("columns, case", lambda: Population.from_columns(_columns(["E0012", "b"], [None, "e0012"])),
     f"'e0012' {NO_ONE}"),
    ("columns, spaces", lambda: Population.from_columns(_columns(["E0012", "b"], [None, "E0012 "])),
     f"'E0012 ' {NO_ONE}"),
    ("columns, lost zeros", lambda: Population.from_columns(_columns(["0012", "b"], [None, "12"])),
     f"'12' {NO_ONE}"),
    ("columns, float", lambda: Population.from_columns(_columns(["12", "b"], [None, 12.0])),
     f"{WRONG_TYPE} float 12.0"),
    ("columns, float text", lambda: Population.from_columns(_columns(["12", "b"], [None, "12.0"])),
     f"'12.0' {NO_ONE}"),
    ("columns, integer", lambda: Population.from_columns(_columns(["12", "b"], [None, 12])),
     f"{WRONG_TYPE} int 12"),
    ("records, case", _records, f"'e0012' {NO_ONE}"),
    ("document, case", _document, f"'e0012' {NO_ONE}"),
    ("pandas, float column", lambda: Population.from_frame(pd.DataFrame(
        _columns(["12", "b", "c"], [None, 12.0, 12.5]))), f"{WRONG_TYPE} float 12.0"),
    ("pandas, float text", lambda: Population.from_frame(pd.DataFrame(
        _columns(["12", "b"], [None, "12.0"]))), f"'12.0' {NO_ONE}"),
    ("polars, float column", lambda: Population.from_frame(pl.DataFrame(
        _columns(["12", "b", "c"], [None, 12.0, 12.5]))), f"{WRONG_TYPE} float 12.0"),
]  # fmt: skip
_MEANT = {"columns, lost zeros": "'0012'", "columns, float": "'12'", "columns, float text": "'12'",
          "columns, integer": "'12'", "pandas, float column": "'12'", "pandas, float text": "'12'",
          "polars, float column": "'12'"}  # fmt: skip
_AS_FLOAT = {"columns, float", "columns, float text", "pandas, float column", "pandas, float text",
             "polars, float column"}  # fmt: skip


@pytest.mark.parametrize(("door", "build", "start"), _DOORS, ids=[d[0] for d in _DOORS])
def test_a_manager_id_spelled_otherwise_is_refused_naming_the_id_it_nearly_matches(
    door: str, build: Callable[[], object], start: str
) -> None:
    """Each population door keeps its refusal's wording and adds the id meant, never matching it."""
    message = _manager_message(build)
    assert message.startswith(start), message
    hint = f"; did you mean {_MEANT.get(door, repr('E0012'))}?"
    assert message.endswith(hint + (f" {FLOATS}" if door in _AS_FLOAT else "")), message


def test_a_hint_names_at_most_three_ids_and_none_for_a_reference_nothing_resembles() -> None:
    """Ids alike beyond three are counted, not listed; a reference like no id has no hint."""
    ids = ["ab", "AB", "Ab", "aB", "x", "y"]
    with pytest.raises(SchemaError) as caught:
        Population.from_columns(_columns(ids, [None, "AB ", "zz", None, None, None]))
    messages = {p.path[1]: p.message for p in caught.value.problems}
    assert messages[1].endswith("; did you mean 'ab', 'AB' or 'Ab' (or 1 more ids written alike)?")
    assert messages[2].endswith("or leave the cell blank for a manager outside this export")


def _schedule() -> Any:
    journey = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
    return schedule_journeys(journey, ["E0012", "12"], [SupportType.COACHING] * 2, [6, 6],
                             start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))  # fmt: skip


@pytest.mark.parametrize(
    ("participant", "hint"),
    [("e0012", "; did you mean 'E0012'?"), ("012", "; did you mean '12'?"),
     ("12.0", f"; did you mean '12'? {FLOATS}")],
)  # fmt: skip
@pytest.mark.parametrize("form", ["records", "columns"])
def test_an_event_for_a_participant_spelled_otherwise_names_the_id_it_nearly_matches(
    participant: str, hint: str, form: str
) -> None:
    """An event's participant is refused as before, with the schedule's id it nearly matches."""
    day = dt.datetime(2027, 1, 18, 10, tzinfo=dt.UTC)
    given = [participant, "zz", "E0012"]
    events: Any = [Event(f"a{k}", p, EventKind.ACTIVITY, day) for k, p in enumerate(given)]
    if form == "columns":
        events = {"id": ["a0", "a1", "a2"], "participant": given, "kind": ["activity"] * 3,
                  "time": [day] * 3}  # fmt: skip
    check = check_events(_schedule(), events)
    assert check.accepted == 1
    reasons = [r.reasons for r in check.rejected]
    assert reasons == [
        (("participant", f"{participant!r} is not a participant of the schedule{hint}"),),
        (("participant", "'zz' is not a participant of the schedule"),),  # like no id: no hint
    ]


def test_hints_are_bounded_to_the_first_thousand_distinct_refused_ids() -> None:
    """A batch refusing more distinct ids than NEAR_VALUES gives hints to the first ones only."""
    ids = [f"E{k:04d}" for k in range(1_001)]
    journey = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
    schedule = schedule_journeys(journey, ids, [SupportType.COACHING] * len(ids), [6] * len(ids),
                                 start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))  # fmt: skip
    day = dt.datetime(2027, 1, 18, 10, tzinfo=dt.UTC)
    given = [i.lower() for i in ids]
    n = len(ids)
    check = check_events(schedule, {"id": list(range(n)), "participant": given,
                                    "kind": ["activity"] * n, "time": [day] * n})  # fmt: skip
    reasons = [r.reasons[0][1] for r in check.rejected]
    assert reasons[0] == "'e0000' is not a participant of the schedule; did you mean 'E0000'?"
    assert reasons[999].endswith("; did you mean 'E0999'?")
    assert reasons[1_000] == "'e1000' is not a participant of the schedule"
