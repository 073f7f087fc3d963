"""The streaming fast path of Population.from_json: the participants read chunk by chunk.

The contract is the columnar path's (tests/model/test_population_json.py): the same population
as reading the document record by record, and for a document it cannot prove valid, None (the
detailed pass then reports every problem). Here the streaming reader is driven with tiny
chunks, so that every cut between elements, every fallback to reading one element at a time
and the array's end are met on small documents.
"""

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import _json as sparkus_json
from sparkus.datasets import synthetic_org
from sparkus.model import Population, ProgramDocument, to_json, unstructure
from sparkus.model._fast_json import fast_document
from sparkus.model._serialize import _structure
from sparkus.model._stream_json import stream_population
from tests.model.test_fast_json import mutated
from tests.model.test_population_json import by_records, outcome

CHUNKS = [1, 40, 300, 2_000, 10**9]


def streamed(text: str | bytes, chunk_chars: int) -> Population | None:
    found = stream_population(text, _structure, {}, chunk_chars)
    return None if found is None else Population(*found)


@settings(max_examples=300, deadline=None)
@given(mutated(), st.sampled_from(CHUNKS))
def test_the_streaming_path_agrees_with_the_records_and_with_the_whole_text_fast_path(
    text: str, chunk_chars: int
) -> None:
    expected = outcome(by_records, text)
    stream = streamed(text, chunk_chars)
    if stream is not None:  # accepted: the records must agree
        assert expected == ("read", stream)
    # It proves valid exactly the documents the fast path of from_json proves valid.
    assert (stream is None) == (fast_document(text, _structure) is None)
    assert outcome(Population.from_json, text) == expected


def _org(n: int = 120, seed: int = 5) -> dict[str, Any]:
    org = synthetic_org(n, seed=seed)
    return unstructure(  # type: ignore[no-any-return]
        ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)
    )


@pytest.mark.parametrize("chunk_chars", [1, 7, 333, 1_000, 4_567, 10**9])
def test_every_chunk_size_reads_the_same_population(chunk_chars: int) -> None:
    text = to_json(ProgramDocument(*_structure_parts(_org())))
    assert streamed(text, chunk_chars) == by_records(text)
    assert streamed(text.encode("utf-8"), chunk_chars) == by_records(text)


def _structure_parts(data: dict[str, Any]) -> tuple[Any, ...]:
    document = _structure(data, ProgramDocument)
    return document.program, document.participants, document.providers


@pytest.mark.parametrize("chunk_chars", [1, 500, 10**9])
@pytest.mark.parametrize(
    "separators", [(", ", ": "), (",", ":"), (" ,\n\t", " :\r\n "), ("\n,\n", "\n:\n")]
)
def test_white_space_and_newlines_between_elements_and_around_keys(
    chunk_chars: int, separators: tuple[str, str]
) -> None:
    text = json.dumps(_org(40), separators=separators, indent=None)
    text = "\n \t" + text.replace("[{", "[ \n {").replace("}]", "} \r\n ]") + " \n"
    assert streamed(text, chunk_chars) == by_records(text)
    indented = json.dumps(_org(40), indent=3)
    assert streamed(indented, chunk_chars) == by_records(indented)


@pytest.mark.parametrize("chunk_chars", [1, 900, 10**9])
def test_keys_in_other_orders_and_participants_before_or_after_the_program(
    chunk_chars: int,
) -> None:
    data = _org(60)
    expected = by_records(json.dumps(data))
    for order in (
        ["participants", "program", "providers", "assessments", "schema_version"],
        ["schema_version", "providers", "program", "participants", "assessments"],
        ["assessments", "providers", "schema_version", "program", "participants"],
    ):
        text = json.dumps({key: data[key] for key in order})
        assert streamed(text, chunk_chars) == expected
    people = [dict(reversed(list(p.items()))) for p in data["participants"]]
    reordered = json.dumps({**data, "participants": people})
    assert streamed(reordered, chunk_chars) == expected
    without = {k: v for k, v in data.items() if k not in ("providers", "assessments")}
    assert streamed(json.dumps(without), chunk_chars) == by_records(json.dumps(without))


def test_no_participants_and_an_empty_array() -> None:
    data = _org(20)
    for text in (
        json.dumps({"program": data["program"]}),
        json.dumps({"program": data["program"], "participants": []}),
        json.dumps({"participants": [ ], "program": data["program"]}, indent=2),
    ):  # fmt: skip
        assert streamed(text, 1) == by_records(text)
        assert len(by_records(text)) == 0


@pytest.mark.parametrize("chunk_chars", [1, 700, 10**9])
def test_text_that_looks_like_a_cut_between_elements(chunk_chars: int) -> None:
    # Text values holding "}," and "}]" (where the reader cuts a chunk) and colons: a cut
    # inside a string must not parse, and that chunk is read element by element.
    data = _org(30)
    for i, person in enumerate(data["participants"]):
        person["attributes"]["site"] = f'x}}, {{"id": "z{i}"}}], "a": {{"b": 1}}, ['
        person["team"] = f"t}},{i}:}}]"
    text = json.dumps(data)
    assert streamed(text, chunk_chars) == by_records(text)
    assert by_records(text)["site"] is not None


@pytest.mark.parametrize("chunk_chars", [1, 700, 10**9])
@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda t: t.replace('"participants": [', '"participants": [], "participants": [', 1),
            id="repeated participants",
        ),
        pytest.param(
            lambda t: t[:-1] + ', "participants": []}', id="repeated participants at the end"
        ),
        pytest.param(
            lambda t: t.replace('"program": {', '"program": 1, "program": {', 1),
            id="repeated program",
        ),
        pytest.param(lambda t: t + " x", id="trailing garbage"),
        pytest.param(lambda t: t + "{}", id="a second object"),
        pytest.param(lambda t: t[:-1], id="unclosed"),
        pytest.param(
            lambda t: t.replace('"team": ', '"team": "a", "team": ', 1),
            id="repeated key in a participant",
        ),
        pytest.param(
            lambda t: t.replace('"attributes": {', '"attributes": {"site": "a", ', 1),
            id="repeated attribute",
        ),
        pytest.param(lambda t: t.replace("}, {", "},, {", 1), id="two commas"),
        pytest.param(lambda t: t.replace("}, {", "} {", 1), id="no comma"),
        pytest.param(
            lambda t: t.replace('"participants": [', '"participants": [1, ', 1), id="not an object"
        ),
        pytest.param(
            lambda t: t.replace('"participants": [', '"participants": {"a": ', 1), id="not an array"
        ),
        pytest.param(
            lambda t: t.replace('"schema_version": 1', '"schema_version": 1, "x": 2', 1),
            id="unknown top-level key",
        ),
    ],
)
def test_a_document_it_cannot_prove_valid_goes_to_the_detailed_pass(
    chunk_chars: int, edit: Any
) -> None:
    text = edit(json.dumps(_org(30)))
    assert streamed(text, chunk_chars) is None
    kind, problems = outcome(Population.from_json, text)
    assert kind == "refused"
    assert (kind, problems) == outcome(by_records, text)


def test_a_synthetic_organisation_takes_the_streaming_path() -> None:
    org = synthetic_org(300, seed=3)
    document = ProgramDocument(org.program, tuple(org.population.to_records()), org.providers)
    text = to_json(document)
    for chunk_chars in (1, 5_000, 10**9):
        assert streamed(text, chunk_chars) == Population.from_records(document.participants)
    assert Population.from_json(text) == Population.from_records(document.participants)


def test_the_result_does_not_depend_on_msgspec(monkeypatch: pytest.MonkeyPatch) -> None:
    # msgspec is an optional extra for speed: without it, json reads every chunk; with it, the
    # chunks it refuses (NaN, numbers out of range, an array ending inside the piece) go to json.
    data = _org(40)
    data["participants"][3]["attributes"]["outcome_pre"] = 1e400  # json reads inf: refused
    texts = [to_json(ProgramDocument(*_structure_parts(_org(40)))), json.dumps(data)]
    with_msgspec = [
        [outcome(lambda t, c=c: streamed(t, c), t) for c in (1, 900, 10**9)] for t in texts
    ]
    monkeypatch.setattr(sparkus_json, "_MSGSPEC", [None, None, None])  # as if not installed
    without = [[outcome(lambda t, c=c: streamed(t, c), t) for c in (1, 900, 10**9)] for t in texts]
    assert with_msgspec == without
    assert with_msgspec[0][0][1] == by_records(texts[0])
    assert {kind for kind, _ in with_msgspec[1]} == {"read"}  # not refused: None, stepped aside
    assert all(found is None for _, found in with_msgspec[1])


@pytest.mark.parametrize("chunk_chars", [1, 333, 10**9])
def test_non_ascii_text_and_utf8_bytes_with_a_byte_order_mark(chunk_chars: int) -> None:
    data = _org(30)
    for i, person in enumerate(data["participants"]):
        person["department"] = ["Ventes, Île-de-France", "Zürich 営業", "Δ😀"][i % 3]
    text = json.dumps(data, ensure_ascii=False)
    expected = by_records(text)
    assert streamed(text, chunk_chars) == expected
    assert streamed(b"\xef\xbb\xbf" + text.encode("utf-8"), chunk_chars) == expected
    escaped = json.dumps(data)  # 😀 as a surrogate pair of \u escapes: the detailed pass reads it
    assert streamed(escaped, chunk_chars) is None is fast_document(escaped, _structure)
    assert Population.from_json(escaped) == expected
    assert streamed("\ufeff" + text, chunk_chars) == expected  # one BOM dropped from text too
