r"""The schemas' patterns mean the same in JavaScript's RegExp and Python's ``re``.

A JSON Schema's ``pattern`` is ECMA 262; sparkus' reader applies the same text with Python's
``re``. The text and name patterns used ``\s`` and ``\S``, which are different sets in the
two: JavaScript counts U+FEFF as white space, Python counts U+001C to U+001F and U+0085. So a
validator accepted ``"\ufeffAnna"`` where ``from_json`` refused it, and refused
``"Anna\x1c"`` where ``from_json`` accepted it. The dashboard's date pattern used ``\d``
(any Unicode digit in Python) and took ``2027-02-30``, which the reader refuses. The patterns
now write Python's white space out as one class, and the date is the calendar-checked one the
date-time pattern already used.

The main tests read each pattern as JavaScript would, with Python's ``re``, by spelling the
shorthands out as ECMA 262 defines them (:func:`as_javascript`); the last one asks node itself,
when it is installed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import subprocess
from typing import Any

import pytest

from sparkus import model
from sparkus.metrics import dashboard_schema
from sparkus.model import json_schema

# ECMA 262's WhiteSpace and LineTerminator (what its \s matches), with Unicode 15's Zs.
JS_WHITE_SPACE = r"\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# The characters one engine counts as white space and the other does not: the first five are
# Python's only, U+FEFF is JavaScript's only.
DISAGREE = "\x1c\x1d\x1e\x1f\x85\ufeff"
_SHORTHANDS = {  # outside a character class, and inside one (None: not expressible there)
    "s": (f"[{JS_WHITE_SPACE}]", JS_WHITE_SPACE),
    "S": (f"[^{JS_WHITE_SPACE}]", None),
    "d": ("[0-9]", "0-9"),
    "D": ("[^0-9]", None),
    "w": ("[A-Za-z0-9_]", "A-Za-z0-9_"),
    "W": ("[^A-Za-z0-9_]", None),
}


def as_javascript(pattern: str) -> str:
    r"""`pattern` as ECMA 262 reads it, written for Python's ``re``.

    ``\s``, ``\d`` and ``\w`` become the classes ECMA 262 defines, ``.`` excludes its four
    line terminators and ``$`` is the end of the text alone (no ``m`` flag).
    """
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escape = pattern[i + 1]
            assert escape not in "bB", f"{pattern!r}: \\b reads differently"
            if escape in _SHORTHANDS:
                spelled = _SHORTHANDS[escape][in_class]
                assert spelled is not None, f"{pattern!r}: \\{escape} inside a class"
                out.append(spelled)
            else:
                out.append(char + escape)
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        elif char == ".":
            char = r"[^\n\r\u2028\u2029]"
        out.append(char)
        i += 1
    return "".join(out)


def _patterns(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(v) for v in node))
    return set()


RECORDS = ("ProgramDocument", "Program", "CostModel", "JourneyTemplate", "Step", "Participant",
           "Provider", "Assessment", "Journey", "Event")  # fmt: skip
PATTERNS = sorted(
    _patterns([json_schema(getattr(model, name)) for name in RECORDS] + [dashboard_schema()])
)


def _names() -> list[str]:
    """Texts around each disagreeing character and other scripts' digits."""
    unusual = [*DISAGREE, "\u0660", "\uff11", "\n", "\u2028", "\x00", " "]
    names = list(unusual)
    for c in unusual:
        names += [f"a{c}", f"{c}a", f"a{c}b", f"{c}{c}", f"Anna Li{c}", f"{c}2027-01-04"]
    names += [f"{y}-01-04" for y in ("\u0662\u0660\u0662\u0667", "\uff12\uff10\uff12\uff17")]
    return [*names, "2027-01-04\n", "2027-02-30", "EUR", "en-GB", "e1\n", ""]


def test_every_schema_pattern_means_the_same_in_both_engines():
    """Every text is matched by each pattern in Python exactly when JavaScript matches it."""
    differ = {}
    for pattern in PATTERNS:
        python, javascript = re.compile(pattern), re.compile(as_javascript(pattern))
        if found := [n for n in _names() if bool(python.search(n)) != bool(javascript.search(n))]:
            differ[pattern] = [ascii(n) for n in found]
    assert not differ


def test_the_white_space_class_is_python_white_space():
    """The class written out is exactly what ``str.isspace`` (and ``str.strip``) count."""
    from sparkus._patterns import WHITE_SPACE

    written = re.compile(f"[{WHITE_SPACE}]")
    javascript = re.compile(f"[{JS_WHITE_SPACE}]")
    chars = [chr(c) for c in range(0x110000)]
    assert [c for c in chars if written.fullmatch(c)] == [c for c in chars if c.isspace()]
    # the table above is Python's \s against ECMA 262's, in this Python's Unicode
    spaces = {c for c in chars if c.isspace()} ^ {c for c in chars if javascript.fullmatch(c)}
    assert "".join(sorted(spaces)) == DISAGREE


def test_the_dashboard_date_pattern_is_the_readers_calendar():
    """A date ``YYYY-MM-DD`` matches the schema exactly when the dashboard's reader reads it."""
    pattern = re.compile(dashboard_schema()["$defs"]["Point"]["properties"]["date"]["pattern"])
    texts = ["2027-01-04", "2027-02-28", "2027-02-29", "2028-02-29", "1900-02-29", "2000-02-29",
             "2027-02-30", "2027-04-31", "2027-12-31", "2027-13-01", "2027-00-10", "2027-01-00",
             "0000-01-01", "0001-01-01", "9999-12-31"]  # fmt: skip

    def reads(text: str) -> bool:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return False
        return True

    assert [t for t in texts if bool(pattern.search(t)) != reads(t)] == []


_NODE = """
const {patterns, names} = JSON.parse(require("fs").readFileSync(0, "utf8"));
const answer = (flags) => patterns.map((p) => {
  const r = new RegExp(p, flags);
  return names.map((n) => (r.test(n) ? "1" : "0")).join("");
});
process.stdout.write(JSON.stringify([answer(""), answer("u")]));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_and_python_agree_on_twenty_thousand_unusual_names():
    """node's RegExp (with and without the ``u`` flag) and Python's ``re`` give one answer."""
    rng = random.Random(11)
    alphabet = [*DISAGREE, *"\t\n\v\f\r \xa0\u1680\u2007\u2028\u2029\u202f\u205f\u3000",
                *"aZ0-.:T+\x00\u0660\u0967\uff10\u00e9\u0301", "\U0001f600", "\ud800", "\udc00"]  # fmt: skip
    names = ["".join(rng.choices(alphabet, k=rng.randint(0, 6))) for _ in range(18_000)]
    digits = [*"0123456789", "\u0662", "\uff12", "\n"]
    names += ["".join(rng.choice(digits) if c == "d" else c for c in "dddd-dd-dd")
              for _ in range(2_000)]  # fmt: skip
    names += [f"{rng.randint(1, 9999):04}-{rng.randint(0, 13):02}-{rng.randint(0, 32):02}"
              for _ in range(2_000)]  # fmt: skip
    text = json.dumps({"patterns": PATTERNS, "names": names})
    done = subprocess.run(["node", "-e", _NODE], input=text, capture_output=True, text=True,
                          check=True, timeout=120)  # fmt: skip
    for flags, answers in zip(("", "u"), json.loads(done.stdout), strict=True):
        for pattern, answer in zip(PATTERNS, answers, strict=True):
            python = "".join("1" if re.search(pattern, n) else "0" for n in names)
            differ = [ascii(n) for n, a, b in zip(names, answer, python, strict=True) if a != b]
            assert not differ, (flags, pattern, len(differ), differ[:10])
