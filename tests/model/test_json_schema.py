"""JSON Schema of the records: valid documents validate, and each invalid one is refused by the
schema (checked with the ``jsonschema`` package, an independent validator) and by sparkus' own
reader alike."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import simulate_events, synthetic_org
from sparkus.model import (
    SCHEMA_VERSION,
    Assessment,
    CostModel,
    Event,
    EventKind,
    Journey,
    JourneyTemplate,
    Participant,
    Program,
    ProgramDocument,
    Provider,
    Season,
    Step,
    default_journey,
    from_json,
    json_schema,
    schedule_journeys,
    to_json,
)
from tests.strategies import RECORDS

jsonschema = pytest.importorskip("jsonschema")

RECORD_CLASSES = (ProgramDocument, Program, CostModel, JourneyTemplate, Step, Participant,
                  Provider, Assessment, Journey, Event)  # fmt: skip


def validator(cls: type[Any]) -> Any:
    """A draft 2020-12 validator of `cls`'s schema that also asserts formats (date-time)."""
    schema = json_schema(cls)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


VALIDATORS = {cls: validator(cls) for cls in RECORD_CLASSES}


def assert_valid(cls: type[Any], document: object) -> None:
    errors = [e.message for e in VALIDATORS[cls].iter_errors(document)]
    assert errors == [], f"{cls.__name__}: {errors}"


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda c: c.__name__)
def test_schema_is_draft_2020_12_with_a_versioned_id(cls):
    """Each schema is a valid draft 2020-12 schema whose $id holds the format's version."""
    schema = json_schema(cls)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f".v{SCHEMA_VERSION}.schema.json")
    assert schema["title"] == cls.__name__
    assert schema["description"]
    assert schema["additionalProperties"] is False


def test_schema_declares_the_bounds_and_enums_of_the_records():
    """Bounds (MAX_CAPACITY, MAX_AMOUNT), enums as strings and required keys come from the code."""
    provider = json_schema(Provider)
    assert provider["properties"]["capacity"] == {
        "type": "integer", "minimum": 0, "maximum": 1_000_000,
        "description": provider["properties"]["capacity"]["description"],
    }  # fmt: skip
    assert provider["properties"]["cost_per_session"]["maximum"] == 1e15
    assert provider["required"] == ["id", "support_type", "capacity", "cost_per_session",
                                    "seniority"]  # fmt: skip
    assert provider["$defs"]["SupportType"]["enum"] == ["coaching", "mentoring", "peer_support",
                                                        "team_coaching", "self_guided_reflection"]  # fmt: skip
    participant = json_schema(Participant)
    assert participant["properties"]["utc_offset"]["minimum"] == -12.0
    assert participant["properties"]["utc_offset"]["maximum"] == 14.0
    assert participant["properties"]["languages"]["uniqueItems"] is True
    assert participant["properties"]["utc_offset"]["default"] == 0.0
    program = json_schema(Program)
    assert program["properties"]["goals"]["minItems"] == 1
    assert program["$defs"]["CostModel"]["additionalProperties"] is False


def test_json_schema_refuses_what_is_not_a_record_class():
    """A non-record is a SchemaError at `cls` listing the record classes."""
    for bad in (dict, 3, "Participant", Participant.__init__):
        with pytest.raises(SchemaError, match="cls") as error:
            json_schema(bad)
        assert "ProgramDocument" in str(error.value)


# -- every document the test suite can make validates ----------------------------------------

ORG = synthetic_org(n=120, seed=3)


def test_synthetic_program_document_validates():
    """The synthetic organisation's whole program document validates, as written by to_json."""
    doc = ProgramDocument(ORG.program, tuple(ORG.population.to_records()), ORG.providers)
    assert_valid(ProgramDocument, json.loads(to_json(doc)))


def test_records_round_tripped_through_to_json_validate():
    """Program, providers, participants, journey templates of every season, journeys and events
    read back from to_json all validate against their schemas."""
    made: list[Any] = [ORG.program, ORG.program.cost_model, *ORG.providers,
                       *ORG.population.to_records()[:40]]  # fmt: skip
    for season in Season:
        template = default_journey(season, ORG.program.goals)
        made += [template, *template.steps]
    ids = ORG.population["id"][:30]
    start = dt.datetime(2027, 1, 4, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    schedule = schedule_journeys(ORG.program.journey, ids, ["coaching"] * len(ids), start=start)
    made += [schedule.journey(str(i)) for i in ids]
    made += _event_records(simulate_events(schedule, rng=1))
    for record in made:
        text = to_json(record)
        assert from_json(text, type(record)) == record
        assert_valid(type(record), json.loads(text))


def _event_records(table: Any) -> list[Event]:
    """The first simulated events as Event records (with and without a step and a value)."""
    kinds = list(EventKind)
    out = []
    for row in range(min(len(table), 300)):
        step = str(table.step[row]) or None
        value = None if np.isnan(table.value[row]) else float(table.value[row])
        time = dt.datetime.fromtimestamp(int(table.time[row]), tz=dt.UTC)
        out.append(Event(str(table.id[row]), str(table.participant[row]),
                         kinds[table.kind[row]], time, step=step, value=value))  # fmt: skip
    assert {e.kind for e in out} >= {EventKind.STEP_COMPLETED, EventKind.SESSION_RATED}
    return out


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(RECORD_CLASSES).flatmap(lambda cls: st.tuples(st.just(cls),
                                                                    RECORDS[cls.__name__])))  # fmt: skip
def test_random_valid_records_validate(drawn):
    """Any valid record, written by to_json, validates against its class's schema."""
    cls, record = drawn
    assert_valid(cls, json.loads(to_json(record)))


# -- each invalid document is refused by the schema and by the reader ------------------------

_TIME = "2026-03-02T09:30:00+01:00"


def _document() -> dict[str, Any]:
    """A small valid program document, written by hand from the documented format."""
    return {
        "schema_version": 1,
        "program": {
            "name": "Lead 2026",
            "goals": ["leadership_development"],
            "season": "spring",
            "budget": 250000,
            "currency": "EUR",
            "cost_model": {"session_cost": {"coaching": 300.0}, "session_hours": 1.5},
            "journey": {
                "name": "pilot",
                "steps": [
                    {"id": "kickoff", "kind": "kickoff_webinar", "day": 0},
                    {"id": "coaching-1", "kind": "coaching_session", "day": 14},
                ],
                "duration_days": 90,
            },
            "min_group_size": 5,
        },
        "participants": [
            {
                "id": "e1",
                "level": "manager",
                "department": "Sales",
                "tenure_years": 3.5,
                "languages": ["en", "pt-BR"],
                "focus_goals": ["team_collaboration"],
                "attributes": {"site": "Oslo", "remote": True, "grade": 7},
            },
            {
                "id": "e2",
                "level": "individual_contributor",
                "department": "Sales",
                "tenure_years": 1,
                "manager_id": "e1",
                "utc_offset": -3,
                "attributes": {"site": "Lima", "remote": False, "grade": 5},
            },
        ],
        "providers": [
            {
                "id": "c1",
                "support_type": "coaching",
                "capacity": 8,
                "cost_per_session": 250.0,
                "seniority": "executive",
                "specialties": ["leadership_development"],
            },
        ],
        "assessments": [
            {
                "participant_id": "e2",
                "source": "self",
                "scores": {"motivation": 4},
                "taken_at": _TIME,
                "scale": [1, 5],
            },
        ],
    }


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A mutation: set the value at a dotted path (``participants.0.id``)."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[int(last) if isinstance(target, list) else last] = value

    return mutate


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    """A mutation: delete the key at a dotted path."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[last]

    return mutate


def _both(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """A mutation made of several."""

    def mutate(doc: dict[str, Any]) -> None:
        for one in mutations:
            one(doc)

    return mutate


P, V, A, J, S = "participants.0", "providers.0", "assessments.0", "program.journey", "program"
MUTATIONS = [
    # wrong type
    ("id is a number", _set(f"{P}.id", 17)),
    ("tenure is a string", _set(f"{P}.tenure_years", "3")),
    ("tenure is a bool", _set(f"{P}.tenure_years", True)),
    ("capacity is a fraction", _set(f"{V}.capacity", 2.5)),
    ("required is a string", _set(f"{J}.steps.0.required", "yes")),
    ("attribute is an object", _set(f"{P}.attributes.site", {"city": "Oslo"})),
    ("attribute is null", _set(f"{P}.attributes.site", None)),
    ("score is a string", _set(f"{A}.scores.motivation", "4")),
    ("scale has one number", _set(f"{A}.scale", [1])),
    ("scale has three numbers", _set(f"{A}.scale", [1, 3, 5])),
    ("participants is an object", _set("participants", {})),
    ("manager id is a number", _set(f"{P}.manager_id", 5)),
    # out of range
    ("negative tenure", _set(f"{P}.tenure_years", -0.5)),
    ("utc offset 15", _set(f"{P}.utc_offset", 15)),
    ("capacity over MAX_CAPACITY", _set(f"{V}.capacity", 1_000_001)),
    ("negative capacity", _set(f"{V}.capacity", -1)),
    ("huge capacity", _set(f"{V}.capacity", 10**30)),
    ("fee over MAX_AMOUNT", _set(f"{V}.cost_per_session", 1.5e15)),
    ("budget over MAX_AMOUNT", _set(f"{S}.budget", 2e15)),
    ("negative session fee", _set(f"{S}.cost_model.session_cost.coaching", -5)),
    ("session hours over MAX_AMOUNT", _set(f"{S}.cost_model.session_hours", 1e16)),
    ("min group size 1", _set(f"{S}.min_group_size", 1)),
    ("duration 0 days", _set(f"{J}.duration_days", 0)),
    ("step on day -1", _set(f"{J}.steps.0.day", -1)),
    # unknown enum value, bad text
    ("unknown level", _set(f"{P}.level", "boss")),
    ("level in title case", _set(f"{P}.level", "Manager")),
    ("unknown goal", _set(f"{S}.goals", ["world_peace"])),
    ("unknown season", _set(f"{S}.season", "monsoon")),
    ("unknown step kind", _set(f"{J}.steps.1.kind", "lecture")),
    ("unknown support type key", _set(f"{S}.cost_model.session_cost", {"coach": 100})),
    ("unknown assessment source", _set(f"{A}.source", "boss")),
    ("unknown specialty", _set(f"{V}.specialties", ["golf"])),
    ("empty id", _set(f"{P}.id", "")),
    ("id with leading space", _set(f"{P}.id", " e1")),
    ("id with a trailing line break", _set(f"{P}.id", "e1\n")),
    ("department on two lines", _set(f"{P}.department", "Sales\r\nEMEA")),
    ("attribute name with a space at the end", _set(f"{P}.attributes", {"site ": "Oslo"})),
    (
        "an attribute named like a field",
        _both(
            _set(f"{P}.attributes", {"Manager ID": "x"}),
            _set("participants.1.attributes", {"Manager ID": "y"}),
        ),
    ),
    ("language in capitals", _set(f"{P}.languages", ["EN"])),
    ("language with a trailing line break", _set(f"{P}.languages", ["en\n"])),
    ("currency in lower case", _set(f"{S}.currency", "eur")),
    ("currency of four letters", _set(f"{S}.currency", "EURO")),
    ("time without offset", _set(f"{A}.taken_at", "2026-03-02T09:30:00")),
    ("time that is no time", _set(f"{A}.taken_at", "yesterday")),
    ("month 13", _set(f"{A}.taken_at", "2026-13-02T09:30:00+01:00")),
    # repeats and empties
    ("no goals", _set(f"{S}.goals", [])),
    ("a goal twice", _set(f"{S}.goals", ["leadership_development"] * 2)),
    ("a language twice", _set(f"{P}.languages", ["en", "en"])),
    ("a journey without steps", _set(f"{J}.steps", [])),
    # missing required key
    ("no program", _drop("program")),
    ("participant without department", _drop(f"{P}.department")),
    ("provider without seniority", _drop(f"{V}.seniority")),
    ("assessment without time", _drop(f"{A}.taken_at")),
    ("step without day", _drop(f"{J}.steps.0.day")),
    ("cost model without session fees", _drop(f"{S}.cost_model.session_cost")),
    # extra key
    ("extra key at the top", _set("notes", "draft")),
    ("extra key in a participant", _set(f"{P}.salary", 52000)),
    ("extra key in a step", _set(f"{J}.steps.0.owner", "HR")),
    ("extra key in the cost model", _set(f"{S}.cost_model.vat", 0.2)),
    # version
    ("version 2", _set("schema_version", 2)),
    ("version as text", _set("schema_version", "1")),
]


def test_the_hand_written_document_is_valid_for_both():
    """The base of the mutations is valid for the schema and for the reader."""
    doc = _document()
    assert_valid(ProgramDocument, doc)
    from_json(json.dumps(doc), ProgramDocument)


@pytest.mark.parametrize(("label", "mutate"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_invalid_document_is_refused_by_schema_and_reader(label, mutate):
    """The schema and sparkus' reader both refuse the document."""
    doc = _document()
    mutate(doc)
    assert not VALIDATORS[ProgramDocument].is_valid(doc), f"the schema accepts: {label}"
    with pytest.raises(SchemaError):
        from_json(json.dumps(doc), ProgramDocument)


def test_an_integral_float_is_an_integer_for_both():
    """JSON has one kind of number: capacity 8.0 is the integer 8 for the schema and reader."""
    doc = _document()
    doc["providers"][0]["capacity"] = 8.0
    assert_valid(ProgramDocument, doc)
    assert from_json(json.dumps(doc), ProgramDocument).providers[0].capacity == 8


# Rules across several values, which JSON Schema cannot say: the reader alone refuses these
# (listed in the docstring of json_schema and on the data-model page).
READER_ONLY = [
    ("a participant id twice", _set("participants.1.id", "e1")),
    ("a manager who is not in the document", _set("participants.1.manager_id", "e9")),
    ("a manager cycle", _set(f"{P}.manager_id", "e2")),
    ("steps out of order of day", _set(f"{J}.steps.0.day", 20)),
    ("a score outside the scale", _set(f"{A}.scores.motivation", 7)),
    ("a scale upside down", _set(f"{A}.scale", [5, 1])),
    ("an assessment of nobody", _set(f"{A}.participant_id", "e9")),
    ("participants with different attributes", _drop("participants.1.attributes.grade")),
    (
        "an attribute named like a field in full-width letters",
        _both(
            _set(f"{P}.attributes", {"\uff4c\uff45\uff56\uff45\uff4c": "x"}),
            _set("participants.1.attributes", {"\uff4c\uff45\uff56\uff45\uff4c": "y"}),
        ),
    ),
    ("a provider id twice", _set("providers", [_document()["providers"][0]] * 2)),
]


@pytest.mark.parametrize(("label", "mutate"), READER_ONLY, ids=[m[0] for m in READER_ONLY])
def test_rules_across_values_are_the_readers(label, mutate):
    """What JSON Schema cannot say passes the schema and is refused by the reader."""
    doc = _document()
    mutate(doc)
    assert VALIDATORS[ProgramDocument].is_valid(doc), label
    with pytest.raises(SchemaError):
        from_json(json.dumps(doc), ProgramDocument)


def test_mutations_leave_the_base_document_alone():
    """Each mutation works on its own copy (the table cannot leak from case to case)."""
    first = _document()
    MUTATIONS[0][1](copy.deepcopy(first))
    assert _document() == first
