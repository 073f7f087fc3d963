"""A repeated key or half a surrogate pair is reported with the document's other problems.

The reader stopped at a key given twice (or a lone ``\\ud800``) and reported only that, so a
document with a bad level as well came back once for each: the fix of one problem revealed
the next. Both are problems of values that did parse; the document is now checked all the
same, and every problem is reported at once, by ``from_json`` and by ``Population.from_json``
alike, with msgspec or without.
"""

import json
from typing import Any

import pytest

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import Participant, Population, ProgramDocument, from_json, to_json
from tests.model.test_fast_json import parser

_ORG = synthetic_org(20, seed=1)
DOCUMENT = to_json(
    ProgramDocument(_ORG.program, tuple(_ORG.population.to_records()), _ORG.providers)
)
HALF = "holds half of a UTF-16 surrogate pair (a lone \\uD800 to \\uDFFF escape): not text"
EDITS = {
    "repeated key": (
        ('"name": ', '"name": 1, "name": '),
        ("program.name", "repeats a key of its object; give each key once"),
    ),
    "half a pair": (
        ('"department": "', '"department": "\\ud800'),
        ("participants[0].department", HALF),
    ),
}


def _problems(read: Any, text: str) -> list[tuple[str, str]]:
    with pytest.raises(SchemaError) as error:
        read(text)
    return [(p.location, p.message) for p in error.value.problems]


@pytest.mark.parametrize("name", ["json", "msgspec"])
@pytest.mark.parametrize("reader", ["from_json", "Population.from_json"])
@pytest.mark.parametrize("edit", list(EDITS))
def test_every_problem_of_a_document_is_reported_at_once(name: str, reader: str, edit: str) -> None:
    """A key given twice or half a pair, and a bad level: both reported, each once."""
    (old, new), expected = EDITS[edit]
    text = DOCUMENT.replace('"level": "individual_contributor"', '"level": "boss"', 1)
    text = text.replace(old, new, 1)
    read = (
        (lambda t: from_json(t, ProgramDocument)) if reader == "from_json" else Population.from_json
    )
    with parser(name):
        found = _problems(read, text)
    assert expected in found
    assert any(location.endswith(".level") and "'boss'" in m for location, m in found)
    assert len(found) == len(set(found))


def test_a_record_lists_a_repeated_key_with_its_other_problems() -> None:
    """A participant with a key twice and fields missing: all of them, in one error."""
    found = _problems(
        lambda t: from_json(t, Participant), json.dumps({"id": "e1"})[:-1] + ', "id": "e2"}'
    )
    assert found == [
        ("id", "repeats a key of its object; give each key once"),
        ("level", "required field is missing"),
        ("department", "required field is missing"),
        ("tenure_years", "required field is missing"),
    ]
