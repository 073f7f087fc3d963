"""Near-valid program documents: every JSON path accepts, builds and refuses alike.

One valid document (drawn, or a synthetic organisation) gets one edit: a value anywhere in it
replaced (wrong types, a bool for a number, ``1.0`` for ``1``, ``-0.0``, NUL, unicode forms,
empty lists, null, a nested list), a JSON token put in its place (``NaN``, ``Infinity``,
``1e400``, integers past the float range, escapes of lone surrogates), a key dropped, added
or repeated, ids alike in case or normal form, a whole participant column given mixed values,
or text around the document (a byte-order mark, data after it). from_json (fast path first),
Population.from_json, the streaming reader and the detailed pass alone must then agree, with
msgspec installed and hidden: the same document (equal, and written back the same), or the
same problems, path and message.
"""

import copy
import json
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sparkus import SchemaError
from sparkus.datasets import synthetic_org
from sparkus.model import Population, ProgramDocument, from_json, to_json, unstructure
from sparkus.model._fast_json import fast_document
from sparkus.model._serialize import _structure
from tests.model.test_fast_json import detailed, parser
from tests.model.test_population_json import by_records
from tests.model.test_stream_json import streamed
from tests.strategies import program_documents

_ORG = synthetic_org(20, seed=1)
_BASE = unstructure(
    ProgramDocument(_ORG.program, tuple(_ORG.population.to_records()), _ORG.providers)
)
VALUES = [
    None, True, False, 0, 1, -1, 1.0, -0.0, 2.5, 1e308, 5e-324, 2**53 + 1, 2**63, 10**30, "",
    " ", "x", "a\x00", "caf\u00e9", "cafe\u0301", "x\u200b", "a\u2028b", "\ufeffx", [], [None],
    ["en", "en"], {}, {"a": None}, "manager", "EN", "x" * 300,
]  # fmt: skip
TOKENS = [
    "NaN", "Infinity", "-Infinity", "1e400", "-1e-400", "-0", "-0.0", "1E0", "1" + "0" * 309,
    "-" + "9" * 400, "5e-324", "true", "null", '"\\u0000"', '"\\ud800"', '"\\u00e9"',
    '"e\\u0301"',
]  # fmt: skip
_SLOT = "@@slot{}@@"


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()  # fmt: skip
    for key, item in items:
        found += _paths(item, (*path, key))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


@st.composite
def near_valid(draw: st.DrawFn) -> str:
    """A valid document's JSON with at most one edit of a kind the fast paths must see."""
    data: dict[str, Any] = (
        copy.deepcopy(_BASE) if draw(st.booleans()) else unstructure(draw(program_documents()))
    )
    tokens: list[str] = []

    def value() -> Any:  # a Python value, or a slot a JSON token is written into
        if draw(st.booleans()):
            return draw(st.sampled_from(VALUES))
        tokens.append(draw(st.sampled_from(TOKENS)))
        return _SLOT.format(len(tokens) - 1)

    kind = draw(
        st.sampled_from(["none", "value", "drop", "add", "repeat", "id", "column", "around"])
    )
    path = draw(st.sampled_from(_paths(data)[1:]))
    parent, key = _at(data, path[:-1]), path[-1]
    people = data["participants"]
    if kind == "value":
        parent[key] = draw(st.sampled_from([value(), [[parent[key]]]]))
    elif kind == "drop":
        del parent[key]
    elif kind == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["extra", "ID", "Team", "k:", "\u00e9", ""]))] = value()
    elif kind == "repeat" and isinstance(parent, dict):
        parent[key] = "@@repeat@@"
    elif kind == "id" and len(people) > 1:
        twin = people[0]["id"]
        people[0]["id"], people[1]["id"] = draw(st.sampled_from(
            [(twin, twin), (twin, twin.swapcase()), ("caf\u00e9", "cafe\u0301")]))  # fmt: skip
    elif kind == "column" and people:
        names = [*people[0].get("attributes", {}), "tenure_years", "utc_offset", "team"]
        name = draw(st.sampled_from(names))
        pool = [value() for _ in range(draw(st.integers(1, 3)))]
        for person in people:
            target = person if name in person else person.setdefault("attributes", {})
            target[name] = draw(st.sampled_from([target.get(name), *pool]))
    text = json.dumps(
        data, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))
    )
    if '"@@repeat@@"' in text:  # the key written twice: "k": 1, "k": 2
        start = text.index('"@@repeat@@"')
        colon = text.rindex(":", 0, start)
        name = text[text.rindex('"', 0, text.rindex('"', 0, colon)) : colon]
        text = text.replace('"@@repeat@@"', f"1, {name}: 2")
    for i, token in enumerate(tokens):
        text = text.replace(f'"{_SLOT.format(i)}"', token)
    if kind == "around":
        around = draw(st.sampled_from(["\ufeff{}", "{} x", "{}\x00", " {}\n", "{}{}"]))
        text = around.replace("{}", text)
    return text


def _outcome(read: Any, text: str) -> tuple[str, Any]:
    try:
        found = read(text)
    except SchemaError as error:
        return "refused", [(p.location, p.message) for p in error.problems]
    return "read", (found, to_json(found)) if isinstance(found, ProgramDocument) else found


BIG = json.dumps(_BASE).replace('"self_motivation": 4.0', '"self_motivation": 1' + "0" * 309, 1)
WIDE = json.dumps(_BASE).replace('"self_motivation": 4.0', f'"self_motivation": {2**63}', 1)
NUL = json.dumps(_BASE).replace('"id": "C', '"id": "\\u0000C', 1)


@settings(max_examples=100, deadline=None)
@example(BIG)  # an attribute integer past the float range, beside floats (msgspec read it)
@example(WIDE)  # 2**63 beside floats: a float column, yet an int column in a chunk alone
@example(NUL)  # a provider id with a NUL: valid, msgspec's path alone left it to the detailed
@given(near_valid())
def test_every_json_path_accepts_and_refuses_what_the_detailed_pass_does(text: str) -> None:
    """from_json, Population.from_json and the stream agree with the detailed pass, both parsers.

    The fast path of from_json and the stream also prove the same documents valid.
    """
    document = _outcome(detailed, text)
    population = _outcome(by_records, text)
    for name in ("json", "msgspec"):
        with parser(name):
            assert _outcome(lambda t: from_json(t, ProgramDocument), text) == document
            assert _outcome(Population.from_json, text) == population
            fast = fast_document(text, _structure)
            assert fast is None or document == ("read", (fast, to_json(fast)))
            for chunk_chars in (1, 300, 10**9):
                stream = streamed(text, chunk_chars)
                assert stream is None or population == ("read", stream)
                assert (stream is None) == (fast is None)
    if document[0] == "read":  # written back and read again: the very document, the same text
        written = document[1][1]
        assert _outcome(lambda t: from_json(t, ProgramDocument), written) == ("read", document[1])
