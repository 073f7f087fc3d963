"""The ProgramDocument: a whole program in one JSON document, checked as a whole."""

import datetime as dt
import json

import pytest
from hypothesis import given

from sparkus import SchemaError
from sparkus.model import (
    SCHEMA_VERSION,
    Assessment,
    AssessmentSource,
    CostModel,
    Goal,
    Level,
    Participant,
    Program,
    ProgramDocument,
    Provider,
    Season,
    SupportType,
    default_journey,
    from_json,
    structure,
    to_json,
    unstructure,
)
from tests.strategies import program_documents

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
LEVELS_LISTED = "executive, senior_leader, manager, individual_contributor"
GOALS = (Goal.LEADERSHIP_DEVELOPMENT,)
PROGRAM = Program(
    "Lead 2026",
    GOALS,
    Season.SPRING,
    250_000.0,
    "EUR",
    CostModel({SupportType.COACHING: 300.0}),
    default_journey(Season.SPRING, GOALS),
)


def locations(error: pytest.ExceptionInfo[SchemaError]) -> list[str]:
    return [p.location for p in error.value.problems]


def person(pid: str, manager: str | None = None) -> Participant:
    return Participant(pid, Level.MANAGER, "Sales", 2.0, manager_id=manager)


def coach(pid: str) -> Provider:
    return Provider(pid, SupportType.COACHING, 5, 200.0, Level.EXECUTIVE)


def document_data(participants: list[dict]) -> dict:
    """A valid document as plain data, with `participants` as given."""
    data = unstructure(ProgramDocument(PROGRAM, providers=(coach("c1"),)))
    data["participants"] = participants
    return data


def good(pid: str, manager: str | None = None) -> dict:
    return unstructure(person(pid, manager))


@given(program_documents())
def test_document_round_trips_through_json(document):
    """A whole ProgramDocument round-trips through JSON and plain data unchanged."""
    text = to_json(document)
    assert from_json(text, ProgramDocument) == document
    assert from_json(text.encode(), ProgramDocument) == document
    plain = json.loads(text)
    assert plain["schema_version"] == SCHEMA_VERSION
    assert structure(plain, ProgramDocument) == document


def test_document_defaults():
    """A document needs only a program; the rest defaults to empty and the current version."""
    document = ProgramDocument(PROGRAM)
    assert (document.participants, document.providers, document.assessments) == ((), (), ())
    assert document.schema_version == SCHEMA_VERSION == 1
    assert from_json('{"program": ' + to_json(PROGRAM) + "}", ProgramDocument) == document


# -- bad documents built in Python ------------------------------------------------------------


def test_repeated_participant_and_provider_ids():
    """Repeated participant ids and provider ids are reported at the repeats."""
    with pytest.raises(SchemaError) as error:
        ProgramDocument(
            PROGRAM, (person("a"), person("b"), person("a")), (coach("c"), coach("d"), coach("c"))
        )
    assert locations(error) == ["participants[2].id", "providers[2].id"]
    assert "'c' repeats providers[0]" in str(error.value)


def test_unknown_manager_and_cycle():
    """A manager who names nobody, and a cycle of managers, are reported with their rows."""
    with pytest.raises(SchemaError, match="'ghost' names no participant") as error:
        ProgramDocument(PROGRAM, (person("a"), person("b", "ghost")))
    assert locations(error) == ["participants[1].manager_id"]
    with pytest.raises(SchemaError) as error:
        ProgramDocument(PROGRAM, (person("a", "b"), person("b", "c"), person("c", "a")))
    assert locations(error) == ["participants[0].manager_id"]
    assert "the manager tree has a cycle: 'a' -> 'b' -> 'c' -> 'a'" in str(error.value)


def test_assessment_of_nobody():
    """An assessment must be about a participant of the document."""
    assessment = Assessment("ghost", AssessmentSource.SELF, {"a": 3.0}, T0)
    with pytest.raises(SchemaError, match="'ghost' names no participant") as error:
        ProgramDocument(PROGRAM, (person("a"),), assessments=(assessment,))
    assert locations(error) == ["assessments[0].participant_id"]


def test_wrong_types_in_a_document():
    """Fields of the wrong type are each reported at their path."""
    with pytest.raises(SchemaError) as error:
        ProgramDocument("program", [person("a")], (person("b"),), ("x",), schema_version="1")
    assert locations(error) == [
        "program",
        "participants",
        "providers[0]",
        "assessments[0]",
        "schema_version",
    ]


@pytest.mark.parametrize(("version", "hint"), [(2, "upgrade sparkus"), (0, "convert the document")])
def test_unsupported_schema_version(version, hint):
    """Another schema version is refused, saying what to do."""
    with pytest.raises(SchemaError, match=hint) as error:
        ProgramDocument(PROGRAM, schema_version=version)
    assert locations(error) == ["schema_version"]


# -- bad documents read from JSON -------------------------------------------------------------


def test_three_bad_participants_give_three_problems():
    """Three differently bad participants in JSON give one error with three distinct paths."""
    participants = [good("a"), good("b"), good("c"), good("d"), good("e")]
    participants[1]["level"] = "boss"
    participants[2]["tenure_years"] = float("nan")
    del participants[4]["department"]
    with pytest.raises(SchemaError) as error:
        from_json(json.dumps(document_data(participants)), ProgramDocument)
    assert locations(error) == [
        "participants[1].level",
        "participants[2].tenure_years",
        "participants[4].department",
    ]
    text = str(error.value)
    assert text.startswith("3 problems in the input:")
    assert f"participants[1].level: 'boss' is not one of {LEVELS_LISTED}" in text
    assert "participants[2].tenure_years: nan is not finite" in text
    assert "participants[4].department: required field is missing" in text


def test_problems_everywhere_in_a_document():
    """Problems in the program, participants, providers and assessments all come at once."""
    data = document_data([good("a"), good("b")])
    data["program"]["journey"]["steps"][2]["day"] = -1
    data["program"]["currency"] = "euro"
    data["participants"][1]["languages"] = ["EN"]
    data["providers"][0]["capacity"] = 2.5
    data["assessments"] = [
        {"participant_id": "a", "source": "boss", "scores": {"x": 9}, "taken_at": "2026-03-02"}
    ]
    data["schema_version"] = 3
    data["extra"] = True
    with pytest.raises(SchemaError) as error:
        structure(data, ProgramDocument)
    assert locations(error) == [
        "program.currency",
        "program.journey.steps[2].day",
        "participants[1].languages[0]",
        "providers[0].capacity",
        "assessments[0].source",
        "assessments[0].taken_at",
        "schema_version",
        "extra",
    ]


def test_document_level_problems_in_json():
    """Repeated ids, unknown managers, cycles and unknown assessees are found in JSON too."""
    data = document_data([good("a", "c"), good("b", "a"), good("c", "b"), good("a", "ghost")])
    data["assessments"] = [
        unstructure(Assessment("nobody", AssessmentSource.MANAGER, {"x": 2.0}, T0))
    ]
    with pytest.raises(SchemaError) as error:
        from_json(json.dumps(data), ProgramDocument)
    assert set(locations(error)) >= {
        "participants[3].id",
        "participants[3].manager_id",
        "assessments[0].participant_id",
    }
    # the cycle is found once the repeated id is gone
    data["participants"] = data["participants"][:3]
    data["assessments"] = []
    with pytest.raises(SchemaError, match="cycle: 'a' -> 'c' -> 'b' -> 'a'") as error:
        from_json(json.dumps(data), ProgramDocument)
    assert locations(error) == ["participants[0].manager_id"]


def test_score_outside_scale_and_naive_time_in_a_document():
    """A score outside its scale and a time without offset are found inside a document."""
    data = document_data([good("a")])
    data["assessments"] = [
        unstructure(Assessment("a", AssessmentSource.SELF, {"x": 2.0}, T0)) | {"scores": {"x": 6}},
        unstructure(Assessment("a", AssessmentSource.SELF, {"x": 2.0}, T0))
        | {"taken_at": "2026-03-02T09:30:00"},
    ]
    with pytest.raises(SchemaError) as error:
        from_json(json.dumps(data), ProgramDocument)
    assert locations(error) == ["assessments[0].scores.x", "assessments[1].taken_at"]


def test_record_and_document_problems_come_together():
    """A bad participant does not hide a document-level problem elsewhere in the document."""
    bad = good("b")
    bad["level"] = "boss"
    data = document_data([good("a"), bad, good("c", "ghost")])
    with pytest.raises(SchemaError) as error:
        from_json(json.dumps(data), ProgramDocument)
    assert locations(error) == ["participants[1].level", "participants[2].manager_id"]


def test_a_bad_record_does_not_make_false_reference_problems():
    """One unreadable participant: people it manages, and its assessments, are not reported
    as naming nobody (they name someone who did not read); a real dangling id still is."""
    participants = [good("boss"), *(good(f"p{i}", "boss") for i in range(7)), good("x", "ghost")]
    participants[0]["tenure_years"] = -1
    data = document_data(participants)
    data["assessments"] = [
        unstructure(Assessment("boss", AssessmentSource.MANAGER, {"x": 2.0}, T0)),
        unstructure(Assessment("nobody", AssessmentSource.MANAGER, {"x": 2.0}, T0)),
    ]
    with pytest.raises(SchemaError) as error:
        from_json(json.dumps(data), ProgramDocument)
    assert locations(error) == [
        "participants[0].tenure_years",
        "participants[8].manager_id",
        "assessments[1].participant_id",
    ]
