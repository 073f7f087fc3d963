"""The fast paths of from_json and Population.from_json against the detailed pass, harder.

Beyond the mutations of ``test_fast_json``: JSON literals Python reads but JSON has not
(``NaN``, ``Infinity``, ``1e400``), ``-0`` and integral floats, keys repeated in nested
objects, free attributes named like fields, attribute columns of mixed kinds, and text around
the document. Whatever the fast paths accept the detailed pass must accept alike; whatever it
refuses they must refuse with the same problems, paths and messages.
"""

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus.model import Population, unstructure
from sparkus.model._fast_json import fast_document
from sparkus.model._serialize import _structure
from tests.model.test_fast_json import assert_same, parser
from tests.model.test_population_json import by_records, outcome
from tests.model.test_stream_json import streamed
from tests.strategies import program_documents

NUMBERS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "-0", "-0.0", "2.0", "1E1", "1e-400",
           "123456789012345678901234567890", "true", "null", '"2"']  # fmt: skip
NAMES = ["Team", "Manager ID", "ID", "\ufeffid", "site", "teams", "k:"]
ATTRIBUTES = [1, 2.5, True, "x", -0.0, 2**63, 10**30]


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A valid document's JSON, then one edit of a kind the fast paths must see through."""
    data: dict[str, Any] = unstructure(draw(program_documents()))
    people = data["participants"]
    kind = draw(st.sampled_from(["none", "attributes", "number", "repeat", "around"]))
    if kind == "attributes" and people:
        name = draw(st.sampled_from(NAMES))
        for person in people:
            person["attributes"] = {name: draw(st.sampled_from(ATTRIBUTES))}
    text = json.dumps(data)
    if kind == "number":
        field = draw(st.sampled_from(['"tenure_years": ', '"utc_offset": ', '"budget": ',
                                      '"capacity": ', '"schema_version": ', '"day": ']))  # fmt: skip
        if field in text:
            at = text.index(field) + len(field)
            end = min(i for i in (text.find(",", at), text.find("}", at)) if i >= 0)
            text = text[:at] + draw(st.sampled_from(NUMBERS)) + text[end:]
    elif kind == "repeat":  # a key twice in one object, at the first place it is written
        key = draw(st.sampled_from(['"name": ', '"season": ', '"kind": ', '"site": ', '"id": ']))
        text = text.replace(key, f"{key}1, {key}", 1)
    elif kind == "around":
        text = draw(st.sampled_from(["\n {} \t", "\ufeff{}", "{}x", "{} {}", "[{}]"])).replace(
            "{}", text
        )
    return text


@settings(max_examples=150, deadline=None)
@given(text=documents(), chunk_chars=st.sampled_from([1, 200, 10**9]))
def test_fast_paths_refuse_exactly_what_the_detailed_pass_refuses(
    text: str, chunk_chars: int
) -> None:
    """from_json, its fast path, the stream and Population.from_json agree, with either parser."""
    for name in ("json", "msgspec"):
        with parser(name):
            assert_same(text)
            expected = outcome(by_records, text)
            stream = streamed(text, chunk_chars)
            if stream is not None:
                assert expected == ("read", stream)
            assert (stream is None) == (fast_document(text, _structure) is None)
            assert outcome(Population.from_json, text) == expected
