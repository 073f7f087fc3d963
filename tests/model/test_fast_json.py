"""The fast path of from_json for program documents: the same documents, the same refusals.

The fast path (``sparkus.model._fast_json``) only ever accepts: on any doubt it hands the text to
the detailed pass. So the contract to hold is that whatever it accepts, the detailed pass
accepts too and builds an equal document, written back to the same JSON (the same types: an
integer attribute stays an integer); and that from_json, fast path first, reports exactly what
the detailed pass alone reports, problem by problem, path and message.
"""

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cattrs.gen import make_dict_unstructure_fn
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus import _json as sparkus_json
from sparkus._json import JSONTextError, parse_json
from sparkus._json import _may_have_long_number as may_have_long_number
from sparkus.datasets import synthetic_org
from sparkus.model import Participant, ProgramDocument, from_json, structure, to_json, unstructure
from sparkus.model._fast_json import _read_structs as read_structs
from sparkus.model._fast_json import fast_document
from sparkus.model._serialize import _new_converter, _structure
from tests.strategies import participants, program_documents


def detailed(text: str | bytes) -> ProgramDocument:
    """The detailed pass alone: what from_json did before it had a fast path."""
    try:
        data, found = parse_json(text)  # a repeated key, half a pair: reported with the rest
    except JSONTextError as error:
        raise SchemaError(error.problems) from None
    try:
        document = structure(data, ProgramDocument)
    except SchemaError as error:
        raise SchemaError(found + [p for p in error.problems if p not in found]) from None
    if found:
        raise SchemaError(found)
    return document


def outcome(read: Any, text: str | bytes) -> tuple[str, Any]:
    try:
        return "read", to_json(read(text))
    except SchemaError as error:
        return "refused", [(p.location, p.message) for p in error.problems]


def assert_same(text: str | bytes) -> None:
    expected = outcome(detailed, text)
    assert outcome(lambda t: from_json(t, ProgramDocument), text) == expected
    fast = fast_document(text, _structure)
    if fast is not None:  # the fast path accepted: the detailed pass must agree, value and types
        assert expected == ("read", to_json(fast))
        assert fast == detailed(text)


BAD_VALUES = [
    None, True, 0, -1, 1.5, -0.5, 1e400, -1e400, math.nan, 10**400, 20.0, "", " x", "x ", "a\nb",
    "a\rb", "manager", "EN", "en", [], ["en", "en"], ["x"], [1], {}, {"k": 1}, {"id": "x"},
    {"k": math.nan}, {"k": [1]}, {" k": 1}, "\ud800",
]  # fmt: skip
FIELDS = [
    "id", "level", "department", "tenure_years", "manager_id", "team", "utc_offset",
    "languages", "focus_goals", "attributes", "extra",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid document's JSON, or one mutated: a bad value, a field dropped or added, a
    participant repeated, a key repeated, a lone surrogate, a very long number."""
    data = unstructure(draw(program_documents()))
    people = data["participants"]
    kind = draw(st.sampled_from(["none", "value", "drop", "repeat", "self", "text", "top"]))
    if people and kind in ("value", "drop", "repeat", "self"):
        i = draw(st.integers(0, len(people) - 1))
        field = draw(st.sampled_from(FIELDS))
        if kind == "value":
            people[i][field] = draw(st.sampled_from(BAD_VALUES))
        elif kind == "drop":
            people[i].pop(field, None)
        elif kind == "repeat":
            people.append(dict(people[i]))
        else:
            people[i]["manager_id"] = people[i]["id"]
    if kind == "top":
        key = draw(st.sampled_from(["program", "participants", "schema_version", "x"]))
        data[key] = draw(st.sampled_from([*BAD_VALUES, 2, 1.0]))
    text = json.dumps(
        data, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))
    )
    if kind == "text":
        edit = draw(st.sampled_from(['"id": ', '"level": ', "2.0", "[", '"team": ']))
        replacement = {
            '"id": ': '"id": "dup", "id": ',  # a repeated key
            '"level": ': '"level": "\\udc00", "x": ',  # a lone surrogate
            "2.0": "2." + "0" * 1200,  # a number too long
            "[": "[" * 70,  # too deep
            '"team": ': '"team" : "a", "team" : ',  # a repeated key, spaced
        }[edit]
        text = text.replace(edit, replacement, 1)
    return text


@contextmanager
def parser(name: str) -> Iterator[None]:
    """fast_loads through msgspec (the ``json`` extra) or through the standard library alone."""
    if name == "msgspec":
        pytest.importorskip("msgspec")
    saved = list(sparkus_json._MSGSPEC)
    sparkus_json._MSGSPEC[:] = [None, None, None] if name == "json" else []
    try:
        yield
    finally:
        sparkus_json._MSGSPEC[:] = saved


@pytest.mark.parametrize("name", ["json", "msgspec"])
@settings(max_examples=300, deadline=None)
@given(text=mutated())
def test_fast_and_detailed_paths_agree_on_valid_and_invalid_documents(name: str, text: str) -> None:
    with parser(name):
        assert_same(text)
        assert_same(text.encode("utf-8", "surrogatepass"))  # a lone surrogate: not UTF-8


def test_the_fast_path_reads_a_synthetic_organisation_as_the_detailed_pass_does() -> None:
    org = synthetic_org(300, seed=3)
    document = ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)
    text = to_json(document)
    fast = fast_document(text, _structure)
    assert fast is not None  # the fast path is taken for a valid document
    assert fast == document == detailed(text)
    assert to_json(fast) == text
    assert_same(text)


def test_a_broken_synthetic_organisation_is_reported_as_by_the_detailed_pass() -> None:
    org = synthetic_org(200, seed=4)
    data = unstructure(
        ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)
    )
    data["participants"][5]["tenure_years"] = -1.0
    data["participants"][9]["manager_id"] = "nobody"
    data["participants"][12]["attributes"]["site"] = math.inf
    text = json.dumps(data)
    assert fast_document(text, _structure) is None
    kind, problems = outcome(lambda t: from_json(t, ProgramDocument), text)
    assert kind == "refused"
    assert {location for location, _ in problems} == {
        "participants[5].tenure_years",
        "participants[12].attributes.site",
        "participants[9].manager_id",
    }
    assert_same(text)


def test_an_integer_attribute_stays_an_integer() -> None:
    data = unstructure(ProgramDocument(synthetic_org(20, seed=1).program))
    data["participants"] = [
        {"id": "a", "level": "manager", "department": "S", "tenure_years": 2,
         "attributes": {"n": 3, "x": 1.5, "b": True, "s": "t"}},
    ]  # fmt: skip
    text = json.dumps(data)
    fast = fast_document(text, _structure)
    assert fast is not None
    (person,) = fast.participants
    assert type(person.tenure_years) is float
    assert [type(v) for v in person.attributes.values()] == [int, float, bool, str]
    assert_same(text)


@given(participants())
def test_the_participant_writer_gives_what_the_generic_hooks_give(person: Participant) -> None:
    generic = _new_converter()  # the generic record hook, generated by cattrs, registered last
    generic.register_unstructure_hook(Participant, make_dict_unstructure_fn(Participant, generic))
    expected = generic.unstructure(person)
    assert unstructure(person) == expected
    assert json.dumps(unstructure(person)) == json.dumps(expected)  # the same types, in order


def test_a_number_past_the_limit_is_always_seen_whatever_its_offset() -> None:
    # The fast check samples the text every 500 characters: a run of 1,001 number characters
    # must be caught wherever it starts (then the detailed pass refuses it at its place).
    for offset in range(1_000):
        for run in ("1" * 1_001, "1." + "0" * 999, "-1e" + "0" * 998):
            assert may_have_long_number(" " * offset + run + " ")
    assert not may_have_long_number('{"a": ' + "1" * 500 + "}")


def _people(*rows: dict[str, Any]) -> str:
    data = unstructure(ProgramDocument(synthetic_org(20, seed=1).program))
    base = {"level": "manager", "department": "S", "tenure_years": 1.0}
    data["participants"] = [{**base, **row} for row in rows]
    return json.dumps(data)


@pytest.mark.parametrize(
    "rows",
    [
        # a manager cycle, long and short, beside a sound tree
        [{"id": "r"}, {"id": "a", "manager_id": "c"}, {"id": "b", "manager_id": "a"},
         {"id": "c", "manager_id": "b"}, {"id": "d", "manager_id": "r"}],
        [{"id": "a", "manager_id": "b"}, {"id": "b", "manager_id": "a"}],
        [{"id": "a"}, {"id": "a"}],  # a repeated id
        [{"id": "a", "manager_id": "z"}],  # a manager who is not in the document
        # attribute columns of mixed kinds: read_columns' own rules decide
        [{"id": "a", "attributes": {"k": True}}, {"id": "b", "attributes": {"k": 2}}],
        [{"id": "a", "attributes": {"k": "x"}}, {"id": "b", "attributes": {"k": 2}}],
        [{"id": "a", "attributes": {"k": 2**63}}, {"id": "b", "attributes": {"k": 2}}],
        [{"id": "a", "attributes": {"k": 2**63}}, {"id": "b", "attributes": {"k": 2.5}}],
        [{"id": "a", "attributes": {"k": 1}}, {"id": "b", "attributes": {"j": 1}}],
        [{"id": "a", "attributes": {"k": 1}}, {"id": "b"}],
    ],
)  # fmt: skip
@pytest.mark.parametrize("name", ["json", "msgspec"])
def test_the_cross_checks_of_the_fast_path_agree_with_the_document(
    rows: list[dict[str, Any]], name: str
) -> None:
    with parser(name):
        assert_same(_people(*rows))


def test_a_deep_sound_tree_is_read_on_the_fast_path() -> None:
    """A chain of 1,000 managers needs every round of pointer doubling, and is no cycle."""
    rows = [{"id": "p0"}] + [{"id": f"p{i}", "manager_id": f"p{i - 1}"} for i in range(1, 1000)]
    text = _people(*rows)
    assert fast_document(text, _structure) is not None
    assert_same(text)


def test_msgspec_types_read_a_valid_document_and_its_left_out_fields() -> None:
    """With msgspec installed, its typed decoder reads valid documents (no detour)."""
    msgspec = pytest.importorskip("msgspec")
    org = synthetic_org(50, seed=3)
    full = to_json(ProgramDocument(org.program, tuple(org.population.to_records())))
    sparse = _people(
        {"id": "a", "tenure_years": 2},  # an integer tenure, every optional field left out
        {"id": "b", "manager_id": "a", "team": None, "utc_offset": -12, "languages": ["en"]},
        {"id": "c", "manager_id": None, "focus_goals": ["team_collaboration"], "attributes": {}},
    )
    for text in (full, sparse):
        assert read_structs(text, msgspec) is not None
        with parser("msgspec"):
            assert fast_document(text, _structure) is not None
            assert_same(text)


@pytest.mark.parametrize(
    "edit",
    [
        {}, {"capacity": 12.0}, {"capacity": -1}, {"capacity": 10**6 + 1}, {"capacity": True},
        {"cost_per_session": 1e15}, {"cost_per_session": 1.0000001e15}, {"cost_per_session": -0.0},
        {"support_type": "therapy"}, {"seniority": "boss"}, {"specialties": ["x"]},
        {"specialties": ["team_collaboration", "team_collaboration"]}, {"languages": ["EN"]},
        {"languages": ["en", "en"]}, {"utc_offset": 14.5}, {"employee_id": " e1"},
        {"employee_id": "e:1"}, {"id": "c:1"}, {"id": ""}, {"extra": 1}, {"languages": None},
    ],
)  # fmt: skip
def test_providers_read_by_msgspec_types_agree_with_the_detailed_pass(edit: dict[str, Any]) -> None:
    data = json.loads(_people({"id": "e1"}))
    data["providers"] = [
        {"id": "c0", "support_type": "coaching", "capacity": 3, "cost_per_session": 10,
         "seniority": "executive"},
        {"id": "c1", "support_type": "mentoring", "capacity": 2, "cost_per_session": 0.0,
         "seniority": "manager", "specialties": [], "languages": ["en"], "utc_offset": 1,
         "employee_id": "e1", **edit},
    ]  # fmt: skip
    for name in ("msgspec", "json"):
        with parser(name):
            assert_same(json.dumps(data))
    if not edit:  # valid: msgspec's types read it, providers and all
        assert read_structs(json.dumps(data), pytest.importorskip("msgspec")) is not None
    repeated = json.dumps(data).replace('"id": "c0", ', '"id": "c0", "id": "c9", ')
    with parser("msgspec"):
        assert_same(repeated)  # a repeated key in a provider: counted, then the detailed pass
