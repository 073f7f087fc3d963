"""A free attribute named like a Participant field, in another spelling, is refused everywhere.

``{"Team": "x"}`` beside the field ``team`` would be read as an attribute while ``team`` stays
empty. A population's columns refused such names; records, and so the fast path of
``from_json``, took them, while the document's detailed pass refused them at a path outside the
document (``Team``). Now the record refuses them at ``attributes.Team``, and every path agrees.
"""

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import (
    Level,
    Participant,
    Population,
    ProgramDocument,
    from_json,
    structure,
    unstructure,
)
from sparkus.model._fast_json import fast_document
from sparkus.model._serialize import _structure
from tests.model.test_fast_json import assert_same, parser
from tests.model.test_population_json import outcome

LOOKALIKES = ["Team", "TEAM", "Manager ID", "manager-id", "Tenure Years", "utc offset", "ID",
              "\ufeffid", "level\u200b", "Focus_Goals", "\uff29\uff24"]  # fmt: skip
PROGRAM = unstructure(synthetic_org(20, seed=1).program)


def document(*attributes: dict[str, Any]) -> str:
    people = [
        {"id": f"p{i}", "level": "manager", "department": "S", "tenure_years": 1.0,
         "attributes": given}
        for i, given in enumerate(attributes)
    ]  # fmt: skip
    return json.dumps({"program": PROGRAM, "participants": people})


@pytest.mark.parametrize("name", LOOKALIKES)
def test_a_record_refuses_an_attribute_named_like_a_field(name: str) -> None:
    """Participant refuses the name at attributes.<name>, saying which field it spells."""
    with pytest.raises(SchemaError, match="differs from the Participant field") as error:
        Participant("a", Level.MANAGER, "Sales", 1.0, attributes={name: "x"})
    assert [p.path for p in error.value.problems] == [("attributes", name)]


@pytest.mark.parametrize("name", LOOKALIKES)
@pytest.mark.parametrize("parse", ["json", "msgspec"])
def test_every_reader_of_a_document_refuses_it_alike(name: str, parse: str) -> None:
    """The fast path no longer accepts what the detailed pass and Population refuse."""
    text = document({name: 1}, {name: 2})
    with parser(parse):
        assert fast_document(text, _structure) is None
        assert_same(text)
        kind, problems = outcome(lambda t: from_json(t, ProgramDocument), text)
        assert kind == "refused"
        assert [where for where, _ in problems] == [
            f"participants[0].attributes.{name}",
            f"participants[1].attributes.{name}",
        ]
        assert outcome(Population.from_json, text) == (kind, problems)


def test_every_problem_of_a_participant_is_listed_with_the_name() -> None:
    """A participant that fails for other reasons still has its field-like name listed."""
    data = {"id": "a", "level": "boss", "department": "S", "tenure_years": 1,
            "manager_id": "a", "attributes": {"Team": "x", "k": [1]}}  # fmt: skip
    with pytest.raises(SchemaError) as error:
        structure(data, Participant)
    assert [p.location for p in error.value.problems] == [
        "level", "manager_id", "attributes.k", "attributes.Team",
    ]  # fmt: skip


def test_names_unlike_a_field_are_still_read_on_the_fast_path() -> None:
    """Near names that are not spellings of a field (manager_openness, teams) stay attributes."""
    text = document({"manager_openness": 3, "teams": "x"}, {"manager_openness": 4, "teams": "y"})
    assert fast_document(text, _structure) is not None
    assert_same(text)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from([*LOOKALIKES, "site", "score"]),
    values=st.lists(st.one_of(st.integers(-5, 5), st.booleans(), st.sampled_from("ab")),
                    min_size=1, max_size=4),
)  # fmt: skip
def test_fast_and_detailed_paths_agree_on_attribute_names(name: str, values: list[Any]) -> None:
    """Field-like and plain names, values of one or mixed kinds: the same outcome either way."""
    text = document(*({name: v} for v in values))
    for parse in ("json", "msgspec"):
        with parser(parse):
            assert_same(text)
