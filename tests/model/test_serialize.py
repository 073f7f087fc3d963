"""JSON in and out: round trips, and every problem of bad input reported with its path."""

import contextlib
import datetime as dt
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.model import (
    Assessment,
    AssessmentSource,
    CostModel,
    Event,
    EventKind,
    Journey,
    JourneyTemplate,
    Level,
    Participant,
    Program,
    Provider,
    Step,
    StepKind,
    SupportType,
    from_json,
    structure,
    to_json,
    unstructure,
)
from tests.strategies import (
    RECORDS,
    bad_levels,
    naive_datetimes,
    participant_dicts_with_one_problem,
)

_IDENT = re.compile(r"^\S([^\n\r]*\S)?\Z")  # the text rule of ids and names: one line
LEVELS_LISTED = "executive, senior_leader, manager, individual_contributor"
RECORD_TYPES = sorted(set(RECORDS) - {"ProgramDocument"})  # test_document has the document
PERSON = {"id": "e1", "level": "manager", "department": "Sales", "tenure_years": 2}


def locations(error: pytest.ExceptionInfo[SchemaError]) -> list[str]:
    return [p.location for p in error.value.problems]


def person(**changes) -> str:
    return json.dumps({**PERSON, **changes})


def _plain(value: object) -> bool:
    """True if `value` is made only of JSON's own types."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


# -- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RECORD_TYPES)
@given(data=st.data())
def test_records_round_trip_through_json(name, data):
    """from_json(to_json(x), type(x)) == x for every record type (documents: test_document)."""
    record = data.draw(RECORDS[name])
    text = to_json(record)
    assert from_json(text, type(record)) == record
    assert from_json(text.encode(), type(record)) == record
    assert from_json(to_json(record, indent=2), type(record)) == record


@given(st.one_of([RECORDS[name] for name in RECORD_TYPES]))
def test_unstructure_gives_plain_data(record):
    """unstructure gives only dicts, lists, strings, numbers, bools and None; structure undoes it."""
    plain = unstructure(record)
    assert _plain(plain)
    assert json.loads(json.dumps(plain)) == json.loads(to_json(record))
    assert structure(plain, type(record)) == record


def test_json_shape():
    """Enums are written by value, datetimes in ISO 8601 with their offset, mappings as objects."""
    when = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30)))
    data = json.loads(to_json(Assessment("e1", AssessmentSource.MANAGER, {"a": 2}, when)))
    assert data == {
        "participant_id": "e1",
        "source": "manager",
        "scores": {"a": 2},
        "taken_at": "2026-03-02T09:30:00-03:30",
        "scale": [1.0, 5.0],
        "rater_id": None,
    }
    costs = json.loads(to_json(CostModel({SupportType.PEER_SUPPORT: 5.0})))
    assert costs["session_cost"] == {"peer_support": 5.0}


def test_non_ascii_text_is_written_as_is():
    """Text is written without escapes and read back unchanged."""
    record = Participant("ø-1", Level.MANAGER, "Forschung & Entwicklung ß", 1.0)
    assert "Forschung & Entwicklung ß" in to_json(record)
    assert from_json(to_json(record), Participant) == record


def test_to_json_and_structure_reject_non_records():
    """to_json and structure take sparkus records only (a SchemaError naming the argument)."""
    with pytest.raises(SchemaError, match="obj: expected a sparkus record"):
        to_json({"id": "e1"})
    for cls in (dict, int, "Participant", None, tuple[int, ...], list[dict]):
        with pytest.raises(SchemaError, match="cls: expected a sparkus record class"):
            structure({"id": "e1"}, cls)  # type: ignore[arg-type]
        with pytest.raises(SchemaError, match="cls: expected a sparkus record class"):
            from_json("{}", cls)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="indent"):
        to_json(Participant("e1", Level.MANAGER, "Sales", 2.0), indent="2")  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="obj: expected a sparkus record"):
        unstructure(object())


def test_structure_reads_tuples_and_lists_of_records():
    """``tuple[Record, ...]`` and ``list[Record]`` read a list, each item's problems at its index."""
    data = [{**PERSON, "id": "a"}, {**PERSON, "id": "b"}]
    people = structure(data, tuple[Participant, ...])
    assert [p.id for p in people] == ["a", "b"]
    assert isinstance(structure(data, list[Participant]), list)
    with pytest.raises(SchemaError) as error:
        structure([data[0], {**PERSON, "level": "boss"}, 3], list[Participant])
    assert locations(error) == ["[1].level", "[2]"]
    with pytest.raises(SchemaError, match="expected a list"):
        structure({"a": 1}, tuple[Participant, ...])


# -- bad input --------------------------------------------------------------------------------


def test_malformed_json_gives_line_and_column():
    """Text that is not JSON gives one problem at the root with the line and column."""
    with pytest.raises(SchemaError, match="line 3, column 12") as error:
        from_json('{"id": "e1",\n "level": "manager",\n "tenure": }', Participant)
    assert locations(error) == ["$"]
    assert error.value.problems[0].message.startswith("not valid JSON:")
    with pytest.raises(SchemaError, match="line 1, column 1"):
        from_json("", Participant)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"id": "e1', "not valid JSON: Unterminated string starting at line 1, column 8"),
        ('{"id": "e\u0001"}', "not valid JSON: Invalid control character at line 1, column 10"),
    ],
)
def test_json_messages_read_as_sentences(text, message):
    """json's messages that end in "at" are followed by the line and column once ("at at"
    before)."""
    with pytest.raises(SchemaError) as error:
        from_json(text, Participant)
    assert error.value.problems[0].message == message


def test_unknown_enum_value_lists_allowed_values():
    """An unknown level is reported at `level` with every allowed value."""
    with pytest.raises(SchemaError) as error:
        from_json(person(level="boss"), Participant)
    assert locations(error) == ["level"]
    assert error.value.problems[0].message == f"'boss' is not one of {LEVELS_LISTED}"


@given(bad_levels)
def test_any_non_level_is_rejected_from_json(value):
    """Every string that is not a Level value is rejected at `level`, in JSON too."""
    with pytest.raises(SchemaError, match=LEVELS_LISTED) as error:
        from_json(person(level=value), Participant)
    assert locations(error) == ["level"]


def test_missing_fields_are_named():
    """Each missing required field is reported at its own path; defaults may be left out."""
    with pytest.raises(SchemaError) as error:
        from_json('{"id": "e1"}', Participant)
    assert locations(error) == ["level", "department", "tenure_years"]
    assert {p.message for p in error.value.problems} == {"required field is missing"}
    with pytest.raises(SchemaError) as error:
        structure({"id": "e1", "level": "manager"}, Participant)
    assert locations(error) == ["department", "tenure_years"]
    assert from_json(person(), Participant) == Participant("e1", Level.MANAGER, "Sales", 2.0)


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"id": 17}, "id"),
        ({"tenure_years": "2"}, "tenure_years"),
        ({"tenure_years": True}, "tenure_years"),
        ({"tenure_years": None}, "tenure_years"),
        ({"manager_id": ["e2"]}, "manager_id"),
        ({"languages": "en"}, "languages"),
        ({"languages": ["en", 7]}, "languages[1]"),
        ({"focus_goals": ["team_collaboration", "boss"]}, "focus_goals[1]"),
        ({"attributes": ["x"]}, "attributes"),
        ({"attributes": {"x": None}}, "attributes.x"),
        ({"attributes": {"x": {"y": 1}}}, "attributes.x"),
        ({"nickname": "Al"}, "nickname"),
    ],
)
def test_wrong_types_are_reported_at_their_path(changes, where):
    """A value of the wrong type, or an unknown field, is reported at its path."""
    with pytest.raises(SchemaError) as error:
        from_json(person(**changes), Participant)
    assert locations(error) == [where]


def test_record_that_is_not_an_object():
    """A record given as something other than an object is reported at the root."""
    with pytest.raises(SchemaError, match="expected an object for Participant") as error:
        from_json("[1, 2]", Participant)
    assert locations(error) == ["$"]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_in_json_are_rejected(token):
    """NaN and Infinity, which Python's json parses, are rejected with their paths."""
    text = (
        f'{{"id": "e1", "level": "manager", "department": "S", "tenure_years": {token},'
        f' "utc_offset": {token}, "attributes": {{"score": {token}}}}}'
    )
    with pytest.raises(SchemaError, match="not finite") as error:
        from_json(text, Participant)
    assert locations(error) == ["tenure_years", "utc_offset", "attributes.score"]


def test_non_finite_score_and_value_in_json():
    """NaN in an assessment score or an event value is rejected at its path."""
    text = (
        '{"participant_id": "e1", "source": "self", "scores": {"a": NaN},'
        ' "taken_at": "2026-03-02T09:30:00+00:00"}'
    )
    with pytest.raises(SchemaError, match="not finite") as error:
        from_json(text, Assessment)
    assert locations(error) == ["scores.a"]
    event = (
        '{"id": "ev", "participant": "e1", "kind": "session_rated", "step": "s",'
        ' "time": "2026-03-02T09:30:00Z", "value": Infinity}'
    )
    with pytest.raises(SchemaError, match="not finite") as error:
        from_json(event, Event)
    assert locations(error) == ["value"]


def test_score_outside_scale_in_json():
    """A score outside its declared scale is reported at `scores.<item>`."""
    text = (
        '{"participant_id": "e1", "source": "self", "scores": {"a": 3, "b": 7.5},'
        ' "taken_at": "2026-03-02T09:30:00+00:00", "scale": [0, 7]}'
    )
    with pytest.raises(SchemaError, match=r"7\.5 is outside the scale 0 to 7") as error:
        from_json(text, Assessment)
    assert locations(error) == ["scores.b"]


@given(naive_datetimes)
def test_naive_datetime_in_json_is_rejected(when):
    """An ISO 8601 time without an offset is rejected at its path, suggesting one."""
    text = json.dumps(
        {"participant_id": "e1", "source": "self", "scores": {}, "taken_at": when.isoformat()}
    )
    with pytest.raises(SchemaError, match="has no UTC offset") as error:
        from_json(text, Assessment)
    assert locations(error) == ["taken_at"]


@pytest.mark.parametrize("when", ["yesterday", "2026-13-01T00:00:00+00:00", 20260302])
def test_unreadable_datetime_in_json_is_rejected(when):
    """A time that is not ISO 8601 text is rejected at its path."""
    text = json.dumps({"participant_id": "e1", "source": "self", "scores": {}, "taken_at": when})
    with pytest.raises(SchemaError, match="ISO 8601") as error:
        from_json(text, Assessment)
    assert locations(error) == ["taken_at"]


@given(participant_dicts_with_one_problem())
def test_one_broken_field_is_reported_at_that_field(case):
    """structure and from_json report a broken field, and nothing else, at its path."""
    data, field = case
    for call in (
        lambda: structure(data, Participant),
        lambda: from_json(json.dumps(data), Participant),
    ):
        with pytest.raises(SchemaError) as error:
            call()
        assert error.value.problems
        assert all(p.path[0] == field for p in error.value.problems)


def test_nested_problems_have_full_paths():
    """A problem deep in a program is reported with its full path from the document root."""
    steps = (Step("k", StepKind.KICKOFF_WEBINAR, 0), Step("c", StepKind.CHECKPOINT, 9))
    template = JourneyTemplate("t", steps, 10)
    program = {
        "name": "P",
        "goals": ["team_collaboration"],
        "season": "spring",
        "budget": 1.0,
        "currency": "EUR",
        "cost_model": {"session_cost": {"coaching": -5}, "per_participant_cost": {"therapy": 1}},
        "journey": unstructure(template) | {"steps": [unstructure(steps[0]), {"id": "c"}]},
    }
    with pytest.raises(SchemaError) as error:
        structure(program, Program)
    assert locations(error) == [
        "cost_model.session_cost.coaching",
        "cost_model.per_participant_cost.therapy",
        "journey.steps[1].kind",
        "journey.steps[1].day",
    ]


def test_cross_checks_run_when_read_from_json():
    """A record's own cross-checks run on records read from JSON."""
    journey = {
        "participant_id": "e1",
        "start": "2026-03-02T00:00:00+00:00",
        "steps": [
            {"id": "k", "kind": "kickoff_webinar", "day": 5},
            {"id": "k", "kind": "coaching_session", "day": 1},
        ],
        "support_type": "mentoring",
    }
    with pytest.raises(SchemaError) as error:
        structure(journey, Journey)
    assert locations(error) == ["steps[1].id", "steps[1].day", "steps[1].kind"]


def test_integers_are_not_read_as_floats_where_an_int_is_due():
    """An int field rejects 2.5 and true and reads 2.0 as 2 (JSON and JSON Schema have one
    kind of number); a float field reads 2 as 2.0."""
    step = {"id": "s", "kind": "checkpoint", "day": 2.5}
    with pytest.raises(SchemaError, match="expected an integer") as error:
        structure(step, Step)
    assert locations(error) == ["day"]
    step["day"] = 2.0
    day = structure(step, Step).day
    assert day == 2
    assert type(day) is int
    provider = {
        "id": "c",
        "support_type": "coaching",
        "capacity": True,
        "cost_per_session": 100,
        "seniority": "manager",
    }
    with pytest.raises(SchemaError) as error:
        structure(provider, Provider)
    assert locations(error) == ["capacity"]
    provider["capacity"] = 3
    cost = structure(provider, Provider).cost_per_session
    assert cost == 100.0
    assert isinstance(cost, float)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than 64 deep"),
        ('{"a": ' * 65 + "1" + "}" * 65, "nested more than 64 deep"),
        ('{"id": "e1",\n "tenure_years": ' + "9" * 5_000 + "}", "line 2, column 18"),
        ('{"tenure_years": -' + "1" * 2_000 + ".5}", "1,000 characters"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"id": "e1", "department": "\xe9"}', "line 1, column 29"),
        ('{"id": "e1", "id": "e2"}', "id: repeats a key"),
        ('{"id": "e1", "attributes": {"a": 1, "b": 2, "a": 3}}', "attributes.a: repeats"),
    ],
)
def test_hostile_json_is_a_schema_error_with_a_location(text, where):
    """Deep nesting, huge numbers, bytes that are not UTF-8 and repeated keys are refused,
    each with its line and column or JSON path, before any expensive work."""
    with pytest.raises(SchemaError, match=where):
        from_json(text, Participant)


def test_json_limits_leave_valid_documents_alone():
    """Nesting up to the limit, a long but bounded number, and UTF-8 bytes with a BOM read."""
    record = from_json(("\ufeff" + person(tenure_years=2.5)).encode(), Participant)
    assert record.tenure_years == 2.5
    deep = '{"a": ' * 63 + "1" + "}" * 63
    with pytest.raises(SchemaError, match="unknown field"):  # read, then refused by the schema
        from_json(deep, Participant)
    with pytest.raises(SchemaError, match=r"1\.1111111111111112e\+299 is out of range; expected"):
        from_json(person(tenure_years=float("1" * 300)), Participant)  # read, then out of range
    with pytest.raises(SchemaError, match="text: expected JSON text"):
        from_json(None, Participant)  # type: ignore[arg-type]


@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_from_json_never_raises_anything_but_schema_error(text):
    """Any text or bytes at all: a record, or a SchemaError; never another exception."""
    with contextlib.suppress(SchemaError):
        from_json(text, Participant)


_JSON_ATOMS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)
)


@given(st.recursive(_JSON_ATOMS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from([*PERSON, "x"]), inner, max_size=5),
                    max_leaves=20))  # fmt: skip
def test_from_json_of_any_json_value_is_a_record_or_a_schema_error(value):
    """Any JSON document (records' keys included): a record, or a SchemaError."""
    with contextlib.suppress(SchemaError):
        from_json(json.dumps(value), Participant)


def test_huge_integer_in_json_is_a_schema_error():
    """An integer too large for a float is a SchemaError at its path, not an OverflowError."""
    with pytest.raises(SchemaError) as error:
        from_json(person(tenure_years=10**400), Participant)
    assert locations(error) == ["tenure_years"]


def test_structure_passes_records_through():
    """structure of an already built record gives it back unchanged."""
    record = Participant("e1", Level.MANAGER, "Sales", 2.0)
    assert structure(record, Participant) is record
    assert structure(PERSON, Participant) == record


def test_unstructure_gives_lists_not_tuples():
    """unstructure gives what JSON reads back: lists where a record holds tuples."""
    when = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    record = Assessment("e1", AssessmentSource.SELF, {"a": 2.0}, when, scale=(0.0, 4.0))
    assert unstructure(record) == json.loads(to_json(record))


def test_type_and_value_problems_in_one_field_are_all_reported():
    """A wrong type and a wrong value in the same list or mapping are both reported."""
    with pytest.raises(SchemaError) as error:
        from_json(person(languages=["en", 7, "EN"]), Participant)
    assert locations(error) == ["languages[1]", "languages[2]"]
    with pytest.raises(SchemaError) as error:
        from_json(person(attributes={"a": None, "b": -1e999}), Participant)
    assert locations(error) == ["attributes.a", "attributes.b"]


# -- round trips under extreme values (issue 12) -----------------------------------------------

_FINITE = st.floats(allow_nan=False, allow_infinity=False)
_TEXT = st.text(min_size=1, max_size=12).filter(lambda s: bool(_IDENT.match(s)))
_AWARE = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=14)),
                               dt.timezone(-dt.timedelta(hours=23, minutes=59))]),
)  # fmt: skip


@given(
    _TEXT.filter(lambda s: "\x00" not in s),  # a NUL is refused in an id (see test_text_rules)
    st.floats(min_value=0.0, max_value=100.0),  # tenure: subnormals to its 100-year limit
    st.floats(min_value=-12.0, max_value=14.0),
    st.dictionaries(
        _TEXT.filter(lambda k: k not in PERSON and k not in {"manager_id", "team", "utc_offset",
                                                             "languages", "focus_goals",
                                                             "attributes"}),
        st.one_of(_FINITE, st.integers(-(2**70), 2**70), st.booleans(), st.text(max_size=8)),
        max_size=4,
    ),
)  # fmt: skip
def test_participant_round_trips_at_the_edges_of_the_float_range(pid, tenure, offset, attrs_):
    """Subnormals, 1e308, huge integers and any text come back from JSON exactly."""
    record = Participant(pid, Level.MANAGER, "Sales", tenure, utc_offset=offset,
                         attributes=attrs_)  # fmt: skip
    again = from_json(to_json(record), Participant)
    assert again == record
    assert again.tenure_years == tenure
    assert structure(unstructure(record), Participant) == record


@given(_FINITE, _FINITE, _AWARE)
def test_event_and_assessment_round_trip_extreme_values(a, b, when):
    """Values, scales and times at the edges of their ranges survive JSON unchanged."""
    low, high = sorted((a, b))
    if low == high:
        high = low + 1.0 if abs(low) < 1e300 else low
        if low == high:
            low = -1.7e308
    assessment = Assessment("e1", AssessmentSource.SELF, {"x": low, "y": high}, when,
                            scale=(low, high))  # fmt: skip
    assert from_json(to_json(assessment), Assessment) == assessment
    event = Event("ev", "e1", EventKind.ACTIVITY, when, value=a)
    again = from_json(to_json(event).encode("utf-8"), Event)
    assert again == event
    assert again.time.utcoffset() == when.utcoffset()
