"""The command line's JSON files list every problem at once, and drop one byte-order mark.

A program or providers file with a key given twice stopped at that key: the other problems of
the file (a budget below zero, a capacity that is not a number) came one run later, while
``from_json`` lists them all together. They are now listed together, each at its JSON path,
as ``from_json`` lists them. And a JSON file with two byte-order marks was read (the file
reader dropped two), while ``from_json`` refuses the second: the command line now refuses it
with ``from_json``'s message.
"""

import codecs
import json
import re

import pytest

from sparkus import SchemaError
from sparkus.cli import _files
from sparkus.cli._exits import FileInputError
from sparkus.model import ProgramDocument as Document
from sparkus.model import Provider, from_json


def _lines(read, path) -> list[str]:
    with pytest.raises(FileInputError) as info:
        read(path)
    return list(info.value.lines)


def _expected(name: str, text: str, cls) -> list[str]:
    with pytest.raises(SchemaError) as info:
        from_json(text, cls)
    return [f"{name}, at {p.location}: {p.message}" for p in info.value.problems]


def _problems(done) -> list[str]:
    return [line.strip() for line in done.err.splitlines() if line.startswith("  ")]


def test_a_program_file_lists_a_repeated_key_with_every_other_problem(org, run):
    """A repeated key and bad values of a program file are listed together, as from_json does."""
    path = org / "program.json"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'"budget": [0-9.]+', '"budget": 1.0, "budget": -1', text, count=1)
    text = text.replace('"currency": "EUR"', '"currency": "eur"', 1)
    path.write_text(text, encoding="utf-8")
    expected = _expected("program.json", text, Document)
    assert len(expected) == 3  # the repeated key, the budget below zero, the currency
    assert _lines(_files.read_program, path) == expected
    done = run("triage", "--people", str(org / "people.csv"), "--program", str(path))
    assert done.status == 3
    assert _problems(done) == expected


def test_a_providers_file_lists_a_repeated_key_with_every_other_problem(org, tmp_path):
    """A repeated key in one provider and a bad value in another are listed together."""
    providers = json.loads((org / "program.json").read_text(encoding="utf-8"))["providers"]
    items = [json.dumps(p) for p in providers[:2]]
    items[0] = items[0].replace('"capacity": ', '"capacity": 1, "capacity": ', 1)
    items[1] = items[1].replace('"capacity": ', '"capacity": "many", "x": ', 1)
    text = "[" + ", ".join(items) + "]"
    path = tmp_path / "providers.json"
    path.write_text(text, encoding="utf-8")
    assert _lines(_files.read_providers, path) == _expected(
        "providers.json", text, tuple[Provider, ...]
    )
    assert len(_lines(_files.read_providers, path)) == 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize("marks", [1, 2])
def test_a_json_file_drops_one_byte_order_mark_as_from_json(org, encoding, marks):
    """One byte-order mark is dropped; a second is refused with from_json's message."""
    path = org / "program.json"
    text = path.read_text(encoding="utf-8")
    encoded = "\ufeff" * (marks - 1) + text
    path.write_bytes(
        (codecs.BOM_UTF8 if encoding == "utf-8" else b"") + encoded.encode(encoding)
    )  # "utf-16" writes its own mark
    if marks == 1:
        assert _files.read_program(path)[0] == from_json(text, Document).program
        return
    with pytest.raises(SchemaError) as info:
        from_json("\ufeff" * marks + text, Document)
    (problem,) = info.value.problems
    what, _, where = problem.message.rpartition(" at ")
    line, column = where.removeprefix("line ").split(", column ")
    assert _lines(_files.read_program, path) == [
        f"program.json, line {line}, column {column}: {what}"
    ]
