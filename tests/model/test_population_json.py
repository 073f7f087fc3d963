"""Population.from_json: a program document's participants straight to columns.

The contract: the same population as reading the document record by record
(``Population.from_records(from_json(text, ProgramDocument).participants)``), and for a bad
document exactly the problems (paths and messages) that reading it record by record reports.
The detailed side here never touches the columnar fast path.
"""

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import Population, ProgramDocument, from_json, to_json, unstructure
from sparkus.model._columns import read_columns, record_columns
from sparkus.model._serialize import _structure
from sparkus.model._stream_json import stream_population
from tests.model.test_fast_json import detailed, mutated


def by_records(text: str | bytes, scales: dict[str, tuple[float, float]] | None = None) -> Any:
    """The detailed pass, then the participants' records to columns (no fast path)."""
    document = detailed(text)
    return Population(*read_columns(record_columns(document.participants), scales or {}))


def outcome(read: Any, text: str | bytes) -> tuple[str, Any]:
    try:
        return "read", read(text)
    except SchemaError as error:
        return "refused", [(p.location, p.message) for p in error.problems]


@settings(max_examples=300, deadline=None)
@given(mutated())
def test_the_columnar_path_agrees_with_the_records_on_valid_and_invalid_documents(
    text: str,
) -> None:
    expected = outcome(by_records, text)
    assert outcome(Population.from_json, text) == expected
    if text.isascii() or not any("\ud800" <= c <= "\udfff" for c in text):
        # as bytes too (a lone surrogate written raw has no UTF-8 bytes: the str path only)
        assert outcome(Population.from_json, text.encode("utf-8")) == expected
    fast = stream_population(text, _structure, {})
    if fast is not None:  # accepted by the fast path: the records must agree
        assert expected == ("read", Population(*fast))


def _org_text(n: int, seed: int) -> tuple[Any, str]:
    org = synthetic_org(n, seed=seed)
    document = ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)
    return document, to_json(document)


def test_a_synthetic_organisation_takes_the_fast_path_and_reads_as_its_records() -> None:
    document, text = _org_text(300, 3)
    assert stream_population(text, _structure, {}) is not None
    pop = Population.from_json(text)
    assert pop == Population.from_records(document.participants) == by_records(text)
    assert pop.to_records() == list(document.participants)


def test_scales_are_checked_on_both_paths() -> None:
    data = {
        "program": unstructure(synthetic_org(20, seed=1).program),
        "participants": [
            {"id": "a", "level": "manager", "department": "S", "tenure_years": 2,
             "attributes": {"score": 3}},
            {"id": "b", "level": "manager", "department": "S", "tenure_years": 1,
             "attributes": {"score": 9}},
        ],
    }  # fmt: skip
    text = json.dumps(data)
    assert Population.from_json(text)["score"].tolist() == [3, 9]
    with pytest.raises(SchemaError) as caught:
        Population.from_json(text, scales={"score": (1, 5)})
    assert [p.location for p in caught.value.problems] == ["participants[1].score"]
    assert outcome(lambda t: Population.from_json(t, scales={"score": (1, 5)}), text) == outcome(
        lambda t: by_records(t, {"score": (1.0, 5.0)}), text
    )


def test_a_broken_organisation_reports_every_problem_at_its_path() -> None:
    document, _ = _org_text(200, 4)
    data = unstructure(document)
    data["participants"][5]["tenure_years"] = -1.0
    data["participants"][9]["manager_id"] = "nobody"
    data["participants"][12]["attributes"]["site"] = math.inf
    data["participants"][14]["id"] = data["participants"][2]["id"]
    text = json.dumps(data)
    kind, problems = outcome(Population.from_json, text)
    assert kind == "refused"
    assert {location for location, _ in problems} >= {
        "participants[5].tenure_years",
        "participants[12].attributes.site",
        "participants[9].manager_id",
        "participants[14].id",
    }
    assert (kind, problems) == outcome(by_records, text)


def test_the_text_is_not_changed_and_bad_arguments_are_named() -> None:
    _, text = _org_text(30, 2)
    raw = bytearray(text.encode())
    Population.from_json(bytes(raw))
    assert raw == text.encode()
    with pytest.raises(SchemaError, match="text"):
        Population.from_json(3)  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="scales"):
        Population.from_json(text, scales=[1, 5])  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match="line 1, column"):
        Population.from_json("{")


def test_colons_in_text_are_counted_and_a_repeated_key_is_still_seen() -> None:
    # The fast path proves "no repeated key" by counting colons: colons inside strings (ids,
    # teams, attribute names and values) must not hide a repeated key, nor refuse a good text.
    data = {
        "program": unstructure(synthetic_org(20, seed=1).program),
        "participants": [
            {"id": "a:1", "level": "manager", "department": "S:x", "tenure_years": 2,
             "team": "t:1", "attributes": {"k:1": "v:1"}},
            {"id": "b", "level": "manager", "department": "S", "tenure_years": 1,
             "manager_id": "a:1", "attributes": {"k:1": "w"}},
        ],
    }  # fmt: skip
    text = json.dumps(data)
    assert stream_population(text, _structure, {}) is not None
    assert Population.from_json(text) == by_records(text)
    for repeated in (
        text.replace('"team": ', '"team": "t:2", "team": ', 1),
        text.replace('"k:1": "w"', '"k:1": "w", "k:1": "w"', 1),
        text.replace('"program": {', '"program": {"name": "a:b", ', 1),
    ):
        assert stream_population(repeated, _structure, {}) is None
        kind, problems = outcome(Population.from_json, repeated)
        assert kind == "refused"
        assert any("repeats a key" in m for _, m in problems)
        assert (kind, problems) == outcome(by_records, repeated)


def test_an_escaped_colon_cannot_pay_for_a_repeated_key() -> None:
    # An escaped colon (\u003a) is a colon in the parsed string but not in the text: counted
    # naively, it would balance one repeated key. The fast path must step aside for it.
    data = {
        "program": unstructure(synthetic_org(20, seed=1).program),
        "participants": [
            {"id": "a", "level": "manager", "department": "S", "tenure_years": 2},
            {"id": "b", "level": "manager", "department": "S", "tenure_years": 1},
        ],
    }
    text = json.dumps(data).replace('"department": "S", "tenure_years": 2',
                                    '"department": "S\\u003ax", "tenure_years": 2, '
                                    '"tenure_years": 2', 1)  # fmt: skip
    assert "\\u003a" in text
    assert stream_population(text, _structure, {}) is None
    for read in (Population.from_json, lambda t: from_json(t, ProgramDocument)):
        kind, problems = outcome(read, text)
        assert kind == "refused"
        assert any("repeats a key" in m for _, m in problems)
