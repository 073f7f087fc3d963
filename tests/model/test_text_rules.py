"""Text a population would not keep as written, refused the same way on every path.

A NUL character in an id or a name (numpy's text arrays drop a trailing one, so ``"a\\x00"``
would become ``"a"``), two ids equal in Unicode normal form C (``"caf\\u00e9"`` and
``"cafe\\u0301"``), and department spellings that differ only so. Each path that reads people
(the fast and the detailed JSON pass, ``Population.from_json``, ``from_columns``,
``from_records``, ``from_frame``) refuses them with the same message at the same path.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus._fields import spelling_key
from sparkus.datasets import synthetic_org
from sparkus.model import (
    Level,
    Participant,
    Population,
    ProgramDocument,
    from_json,
    json_schema,
    structure,
    to_json,
    unstructure,
)
from sparkus.model._fast_json import fast_document
from sparkus.model._serialize import _structure
from tests.model.populations import org
from tests.model.test_fast_json import detailed

_ORG = synthetic_org(n=30, seed=5)
_DOCUMENT = unstructure(
    ProgramDocument(_ORG.program, tuple(_ORG.population.to_records()), _ORG.providers)
)
_TEXT_FIELDS = ("id", "manager_id", "department", "team")


def _problems(read: Any) -> list[tuple[str, str]] | None:
    """The (location, message) of each problem `read()` raises, or None if it reads."""
    try:
        read()
    except SchemaError as error:
        return [(p.location, p.message) for p in error.problems]
    return None


def _document(change: Any) -> str:
    data = json.loads(json.dumps(_DOCUMENT))
    change(data["participants"])
    return json.dumps(data)


def _columns(people: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The participants of a document as plain columns (every cell as written)."""
    names = ["id", "level", "department", "tenure_years", "manager_id", "team", "utc_offset",
             "languages", "focus_goals"]  # fmt: skip
    columns = {name: [p.get(name) for p in people] for name in names}
    for name in people[0].get("attributes", {}):
        columns[name] = [p["attributes"][name] for p in people]
    return columns


def _every_path(text: str) -> dict[str, list[tuple[str, str]] | None]:
    people = json.loads(text)["participants"]
    columns = _columns(people)
    return {
        "fast": _problems(lambda: from_json(text, ProgramDocument)),
        "detailed": _problems(lambda: detailed(text)),
        "population": _problems(lambda: Population.from_json(text)),
        "columns": _problems(lambda: Population.from_columns(columns)),
        "frame": _problems(lambda: Population.from_frame(pd.DataFrame(columns))),
    }


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 29),
    st.sampled_from(_TEXT_FIELDS),
    st.sampled_from(["end", "middle", "alone-end"]),
)
def test_a_nul_is_refused_at_its_path_with_one_message_on_every_path(row, field, where):
    """A NUL in an id, manager id, department or team: one problem, the same on every path."""
    data = json.loads(json.dumps(_DOCUMENT))
    person = data["participants"][row]
    value = person.get(field) or data["participants"][0]["id"]
    if field == "manager_id" and row == 0:
        value = data["participants"][1]["id"]
    nul = {"end": value + "\x00", "middle": value[:1] + "\x00" + value[1:],
           "alone-end": value + "\x00\x00"}[where]  # fmt: skip
    person[field] = nul
    if field == "id":  # the people this one manages would name nobody: keep them apart
        for other in data["participants"]:
            if other.get("manager_id") == value:
                other["manager_id"] = None
    text = json.dumps(data)
    paths = _every_path(text)
    location = f"participants[{row}].{field}"
    assert paths["fast"] == paths["detailed"] == paths["population"]
    assert fast_document(text, _structure) is None  # the detailed pass said why
    for name, problems in paths.items():
        assert problems is not None, name
        found = dict(problems)
        assert location in found, (name, problems)
        assert "NUL character" in found[location]
    messages = {dict(problems)[location] for problems in paths.values() if problems}
    assert len(messages) == 1


def test_a_nul_at_the_end_of_an_id_is_named_with_what_it_would_read_as():
    """The message says the id would lose its NUL; nothing is dropped or bound silently."""
    with pytest.raises(SchemaError) as error:
        Population.from_columns(
            org(4, id=["e0", "e1\x00", "e2", "e3"], manager_id=[None, "e0", "e1", "e1\x00"])
        )
    found = {p.location: p.message for p in error.value.problems}
    assert found["participants[1].id"] == (
        "'e1\\x00' ends in a NUL character ('\\x00'), which text arrays drop: it would read as "
        "'e1'; remove it"
    )
    assert "NUL" in found["participants[3].manager_id"]  # never bound to the row read as 'e1'
    assert "participants[2].manager_id" in found  # 'e1' names no participant


def test_the_repeat_of_an_id_with_a_nul_is_no_bare_key_error():
    """'a' and 'a\\x00' gave a bare KeyError on the detailed path; now one SchemaError."""
    text = _document(lambda people: people[1].update(id=people[0]["id"] + "\x00"))
    for read in (lambda: detailed(text), lambda: Population.from_json(text)):
        with pytest.raises(SchemaError, match=r"participants\[1\]\.id: .* NUL"):
            read()


def test_records_refuse_a_nul_in_python_and_in_json():
    """The record's own check: the constructor and structure refuse, free text keeps it."""
    with pytest.raises(SchemaError, match="team: 'north\\\\x00' ends in a NUL"):
        Participant("e1", Level.MANAGER, "Sales", 1.0, team="north\x00")
    data = {"id": "e\x001", "level": "manager", "department": "Sales", "tenure_years": 1}
    with pytest.raises(SchemaError, match="id: 'e\\\\x001' holds a NUL"):
        structure(data, Participant)
    kept = Participant("e1", Level.MANAGER, "Sales", 1.0, attributes={"note": "x\x00"})
    assert from_json(to_json(kept), Participant) == kept  # an attribute's text is kept exactly


def test_the_schema_pattern_refuses_a_nul():
    """The JSON Schema of a participant's id says the same rule as the reader."""
    pattern = json_schema(Participant)["properties"]["id"]["pattern"]
    assert re.match(pattern, "e1")
    for refused in ("e1\x00", "e\x001", "\x00", " e1"):
        assert not re.match(pattern, refused), refused


def test_a_reader_does_not_silence_a_manager_who_reads_like_an_unread_id():
    """A participant that did not read ('a\\x00', a bad level) hides no other 'a' reference."""

    def change(people: list[dict[str, Any]]) -> None:
        people[1].update(id="zz\x00", level="boss")
        people[2]["manager_id"] = "zz"

    text = _document(change)
    found = dict(_problems(lambda: detailed(text)) or [])
    assert "names no participant" in found["participants[2].manager_id"]
    assert _problems(lambda: from_json(text, ProgramDocument)) == _problems(lambda: detailed(text))


# -- Unicode forms -------------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["caf\u00e9", "cafe\u0301"])
def test_ids_equal_in_normal_form_c_are_refused_naming_both_rows(first):
    """'caf\\u00e9' and 'cafe\\u0301' are one id written two ways: refused on every path."""
    second = "cafe\u0301" if first == "caf\u00e9" else "caf\u00e9"

    def change(people: list[dict[str, Any]]) -> None:
        people[3]["id"], people[7]["id"] = first, second
        for person in people:
            if person.get("manager_id") in (_DOCUMENT["participants"][3]["id"],
                                            _DOCUMENT["participants"][7]["id"]):  # fmt: skip
                person["manager_id"] = None

    text = _document(change)
    paths = _every_path(text)
    assert paths["fast"] == paths["detailed"] == paths["population"]
    assert fast_document(text, _structure) is None
    for name, problems in paths.items():
        assert problems is not None, name
        found = dict(problems)
        assert "participants[7].id" in found, (name, problems)
        assert "repeats participants[3]" in found["participants[7].id"]
        assert ascii(first) in found["participants[7].id"]


def test_a_manager_id_in_another_unicode_form_says_so():
    """A manager id that matches a row only after NFC is refused with that hint."""
    columns = org(3, id=["a", "caf\u00e9", "c"], manager_id=[None, "a", "cafe\u0301"])
    with pytest.raises(SchemaError, match="another Unicode form"):
        Population.from_columns(columns)


def test_composed_and_decomposed_departments_clash_like_case_variants():
    """'Sal\\u00e9s' and 'Sale\\u0301s' are one department spelled two ways, as 'SALÉS' is."""
    assert spelling_key("Sal\u00e9s") == spelling_key("Sale\u0301s") == spelling_key("SALE\u0301S")
    frame = pd.DataFrame({"id": ["a", "b", "c"], "level": ["executive", "manager", "manager"],
                          "department": ["Sal\u00e9s", "Sale\u0301s", "Sal\u00e9s"],
                          "tenure_years": [1.0, 2.0, 3.0]})  # fmt: skip
    with pytest.raises(SchemaError, match="department: spellings that differ only"):
        Population.from_frame(frame)
    labels = {"department": {"Sal\u00e9s": "Sal\u00e9s"}}  # one label settles both
    people = Population.from_frame(frame, labels=labels)
    assert people.schema["department"].categories == ("Sal\u00e9s",)
