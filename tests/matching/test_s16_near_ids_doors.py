"""Every door that refuses an unknown id says which id the reference nearly matches.

A manager id and an event's participant spelled otherwise ('e0012' for 'E0012', '012' for
'12', 12.0 for '12') already ended their refusal with ``did you mean 'E0012'?``
(``sparkus._ids.near_ids``). The other doors refused such a reference naming only the value:
a schedule's journey, a document's assessments, and in matching the members, stated
preferences, a reporting line's employee ids, a candidate matrix's rows and columns, a peer
circle's members, the ids an assignment fixes, and stable matching's lists, capacities and
matchings. Each keeps its wording, is still a refusal (ids are exact keys), and now ends with
the same hint.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.matching import (
    SameReportingLine,
    StatedPreferences,
    assign,
    blocking_pairs,
    candidate_matrix,
    deferred_acceptance,
    form_peer_circles,
)
from sparkus.model import (
    Assessment,
    AssessmentSource,
    Goal,
    Level,
    Population,
    ProgramDocument,
    Provider,
    Season,
    SupportType,
    default_journey,
    from_json,
    schedule_journeys,
    to_json,
)

FLOATS = " (the ids are whole numbers; was the column read as floats?)"
MEANT = "; did you mean 'E0012'?"
_PEOPLE = Population.from_columns({
    "id": ["E0012", "12", "b", "c"], "level": ["manager"] * 4, "department": ["Sales"] * 4,
    "tenure_years": [1.0] * 4, "manager_id": [None, "E0012", "E0012", None]})  # fmt: skip
_COACHES = [Provider(c, SupportType.COACHING, 5, 300.0, Level.EXECUTIVE) for c in ("C1", "C2")]
_MATRIX = candidate_matrix(_PEOPLE, _COACHES)
_AT = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


def _journey(participant: object) -> object:
    template = default_journey(Season.WINTER, [Goal.LEADERSHIP_DEVELOPMENT])
    schedule = schedule_journeys(template, ["E0012", "12"], [SupportType.COACHING] * 2, [6, 6],
                                 start=dt.datetime(2027, 1, 4, tzinfo=dt.UTC))  # fmt: skip
    return schedule.journey(participant)  # type: ignore[arg-type]


def _document() -> object:
    assessment = Assessment("e0012", AssessmentSource.SELF, {"motivation": 4.0}, _AT)
    program = synthetic_org(20, seed=1).program
    return ProgramDocument(program, tuple(_PEOPLE.to_records()), (), (assessment,))


def _partial_document() -> object:
    """A document one participant of which does not read: the ids are named in a stable order."""
    data = json.loads(to_json(ProgramDocument(synthetic_org(20, seed=1).program)))
    data["participants"] = [
        {"id": i, "level": level, "department": "Sales", "tenure_years": 1}
        for i, level in (("Ab", "boss"), ("ab", "manager"), ("AB", "manager"))
    ]
    data["assessments"] = [{"participant_id": "aB", "source": "self", "scores": {"m": 4.0},
                            "taken_at": _AT.isoformat()}]  # fmt: skip
    return from_json(json.dumps(data), ProgramDocument)


def _employee() -> object:
    mentor = Provider("m1", SupportType.MENTORING, 3, 0.0, Level.EXECUTIVE, employee_id="e0012")
    return SameReportingLine().prepare(_PEOPLE, [mentor])


_DOORS: list[tuple[str, Callable[[], object], tuple[Any, ...], str, str]] = [
    ("journey, case", lambda: _journey("e0012"), ("participant_id",),
     "'e0012' is not a participant of this schedule", MEANT),
    ("journey, float", lambda: _journey(12.0), ("participant_id",),
     "expected a participant id (text), got float 12.0", "; did you mean '12'?" + FLOATS),
    ("document", _document, ("assessments", 0, "participant_id"),
     "'e0012' names no participant of the document", MEANT),
    ("document, partly read", _partial_document, ("assessments", 0, "participant_id"),
     "'aB' names no participant of the document", "; did you mean 'ab', 'AB' or 'Ab'?"),
    ("members", lambda: candidate_matrix(_PEOPLE, _COACHES, members=["e0012"]), ("members", 0),
     "'e0012' is not a participant id", MEANT),
    ("stated preferences", lambda: StatedPreferences({"e0012": ["C1"]}).prepare(
        _PEOPLE, _COACHES), ("stated_preferences", "preferences", "e0012"),
     "'e0012' names no participant of the population", MEANT),
    ("reporting line", _employee, ("providers", 0, "employee_id"),
     "'e0012' (provider 'm1') names no participant", MEANT),
    ("candidate matrix, row", lambda: _MATRIX.shortlist("e0012"), ("participant_id",),
     "'e0012' is not a participant of this candidate matrix (4 rows", MEANT),
    ("candidate matrix, column", lambda: _MATRIX.explain("E0012", "c1"), ("provider_id",),
     "'c1' is not a provider of this candidate matrix", "; did you mean 'C1'?"),
    ("peer circles", lambda: form_peer_circles(_PEOPLE, size=(2, 2), rng=0).circle_of("e0012"),
     ("member",), "'e0012' is not a member of these circles", MEANT),
    ("assign, fixed", lambda: assign(_MATRIX, fixed=[("e0012", "C1")]), ("fixed", 0),
     "'e0012' is not one of the participant ids", MEANT),
    ("stable, list", lambda: deferred_acceptance({"a": ["x1"]}, {"X1": ["a"]}, {"X1": 1}),
     ("proposer_prefs", "a", 0), "'x1' is not a reviewer", "; did you mean 'X1'?"),
    ("stable, integer ids", lambda: deferred_acceptance({"a": ["012"]}, {12: ["a"]}, {12: 1}),
     ("proposer_prefs", "a", 0), "'012' is not a reviewer", "; did you mean 12?"),
    ("stable, capacity", lambda: deferred_acceptance({"a": ["X1"]}, {"X1": ["a"]},
                                                     {"X1": 1, "x1": 1}),
     ("capacity", "x1"), "is not a reviewer", "; did you mean 'X1'?"),
    ("stable, matching", lambda: blocking_pairs({"a": "x1"}, {"a": ["X1"]}, {"X1": ["a"]},
                                                {"X1": 1}),
     ("matching", "a"), "'x1' is not a reviewer", "; did you mean 'X1'?"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("door", "build", "path", "start", "hint"), _DOORS, ids=[d[0] for d in _DOORS]
)
def test_each_door_refusing_an_id_spelled_otherwise_names_the_id_it_nearly_matches(
    door: str, build: Callable[[], object], path: tuple[Any, ...], start: str, hint: str
) -> None:
    """The refusal keeps its wording and ends with the ids meant; the reference is not matched."""
    with pytest.raises(SchemaError) as caught:
        build()
    found = [p.message for p in caught.value.problems if p.path == path]
    assert len(found) == 1, (door, caught.value)
    assert found[0].startswith(start), found[0]
    assert found[0].endswith(hint), found[0]


_WIDE = 10**5000  # Python refuses to write an int of more than 4,300 digits out as text

_WIDE_DOORS: list[tuple[str, Callable[[], object]]] = [
    ("journey", lambda: _journey(_WIDE)),
    ("candidate matrix, row", lambda: _MATRIX.shortlist(_WIDE)),
    ("candidate matrix, column", lambda: _MATRIX.explain("E0012", _WIDE)),
    ("peer circles", lambda: form_peer_circles(_PEOPLE, size=(2, 2), rng=0).circle_of(_WIDE)),
    ("assign, fixed", lambda: assign(_MATRIX, fixed=[(_WIDE, "C1")])),
    ("members", lambda: candidate_matrix(_PEOPLE, _COACHES, members=[_WIDE])),
]


@pytest.mark.parametrize(("door", "build"), _WIDE_DOORS, ids=[d[0] for d in _WIDE_DOORS])
def test_an_id_too_long_to_write_out_is_refused_as_such(
    door: str, build: Callable[[], object]
) -> None:
    """Writing the refused value into its message raised Python's own ValueError."""
    with pytest.raises(SchemaError, match="integer of 5,001 digits"):
        build()
