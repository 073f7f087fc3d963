"""Problems of a document's participant columns are reported at their JSON paths, all at once.

A column of mixed attribute types was reported at ``k``, a key the document does not have.
When an earlier participant did not read, attributes that differed dropped every other problem
and named the wrong rows, and a repeated id named the row it repeats by its place among the
participants that did read (``repeats participants[0]`` for the document's participants[1]).
"""

import json
from typing import Any

import pytest

from sparkus.datasets import synthetic_org
from sparkus.model import Population, ProgramDocument, from_json, unstructure
from tests.model.test_fast_json import assert_same, parser
from tests.model.test_population_json import outcome

PROGRAM = unstructure(synthetic_org(20, seed=1).program)


def document(*rows: dict[str, Any], **extra: Any) -> str:
    base = {"level": "manager", "department": "S", "tenure_years": 1.0}
    people = [{**base, "id": f"p{i}", **row} for i, row in enumerate(rows)]
    return json.dumps({"program": PROGRAM, "participants": people, **extra})


def refused(text: str) -> list[tuple[str, str]]:
    kind, problems = outcome(lambda t: from_json(t, ProgramDocument), text)
    assert kind == "refused"
    assert outcome(Population.from_json, text) == (kind, problems)
    for name in ("json", "msgspec"):
        with parser(name):
            assert_same(text)
    return list(problems)


@pytest.mark.parametrize(
    ("values", "row", "message"),
    [
        ([1, "x", 2], 1, "must hold one type (numbers, bools or strings), got int, str"),
        ([True, True, 0], 2, "must hold one type (numbers, bools or strings), got bool, int"),
        ([1, 2, 2**64], 2, "holds numbers too large for a 64-bit column"),
    ],
)
def test_a_whole_attribute_column_is_refused_at_the_row_that_breaks_it(
    values: list[Any], row: int, message: str
) -> None:
    """Mixed kinds or too-large integers: at the first row unlike the first, under attributes."""
    problems = refused(document(*({"attributes": {"k": v}} for v in values)))
    assert [where for where, _ in problems] == [f"participants[{row}].attributes.k"]
    assert message in problems[0][1]


def test_every_problem_is_kept_when_attributes_differ_after_a_row_that_did_not_read() -> None:
    """The level of participants[0] and the attributes of participants[2] are both reported."""
    text = document(
        {"level": "boss", "attributes": {"k": 1}},
        {"attributes": {"k": 1}},
        {"attributes": {"k": 1, "extra": 2}},
        assessments=[{"participant_id": "nobody", "source": "self", "scores": {},
                      "taken_at": "2026-03-02T09:30:00+01:00"}],
    )  # fmt: skip
    assert refused(text) == [
        ("participants[0].level",
         "'boss' is not one of executive, senior_leader, manager, individual_contributor"),
        ("participants[2].attributes",
         "every participant needs the same attributes as participants[1]; unexpected ['extra']"),
        ("assessments[0].participant_id", "'nobody' names no participant of the document"),
    ]  # fmt: skip


def test_a_repeated_id_names_the_row_it_repeats_in_the_document() -> None:
    """After a row that did not read, 'repeats participants[k]' still names the document's k."""
    text = document({"level": "boss"}, {"id": "same"}, {"id": "same"})
    assert refused(text) == [
        ("participants[0].level",
         "'boss' is not one of executive, senior_leader, manager, individual_contributor"),
        ("participants[2].id", "'same' repeats participants[1]"),
    ]  # fmt: skip
