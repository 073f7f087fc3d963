"""fast_loads: msgspec's decoder when installed, with exactly json.loads' outcome.

msgspec (the optional ``json`` extra) is a speed-only change: for every text, fast_loads gives
what ``json.loads`` gives (the same values, the same types, floats to the bit) or raises what
``json.loads`` raises. Checked on JSON that ``json.dumps`` writes from random data, and on
random texts near JSON, many of them invalid.
"""

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sparkus import _json

msgspec = pytest.importorskip("msgspec")


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, floats by their bits (so -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a.hex() == b.hex()
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def outcome(load: Any, text: str) -> tuple[str, Any]:
    try:
        return "read", load(text)
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        return "refused", type(error).__name__


def assert_as_json_loads(text: str) -> None:
    _json.fast_loads("0")  # look msgspec up
    assert _json._MSGSPEC[0] is not None, "msgspec is installed: fast_loads must use it"
    expected, got = outcome(json.loads, text), outcome(_json.fast_loads, text)
    assert expected[0] == got[0]
    assert same(expected[1], got[1]) if expected[0] == "read" else expected == got


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats()
    | st.floats(min_value=-1e-300, max_value=1e-300)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(values, st.booleans(), st.sampled_from([None, 0, 2]))
def test_json_that_json_dumps_writes_reads_as_json_loads_reads_it(
    value: Any, ascii_only: bool, indent: int | None
) -> None:
    assert_as_json_loads(json.dumps(value, ensure_ascii=ascii_only, indent=indent))


NEAR_JSON = st.text(
    alphabet='[]{}",:0123456789.eE+- \t\n\r\\/utrfalsnNIiy\x00\x1fé\u2028\ud800\udc00', max_size=40
)


@settings(max_examples=1000, deadline=None)
@given(NEAR_JSON)
def test_texts_near_json_read_or_fail_as_json_loads(text: str) -> None:
    assert_as_json_loads(text)


@pytest.mark.parametrize(
    "text",
    [
        "NaN", "[Infinity, -Infinity]", "1e400", "-1e400", "1E-400", "-0", "-0.0", "[1,]", '{"a":1,}',
        '{"a": 1, "a": 2}', "4.9e-324", "2.2250738585072011e-308", "1.7976931348623157e308",
        "123456789012345678901234567890", '"\\ud83d\\ude00"', '"\\u00e9"', '"a\tb"', " [1] ",
        "[" * 3000 + "]" * 3000, "", "  ", "1 2", '"\\x"',
    ],
)  # fmt: skip
def test_edge_texts_read_or_fail_as_json_loads(text: str) -> None:
    assert_as_json_loads(text)
